package hotel

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"beredskap"
)

// Why a dispensation ended (Dispensation.EndReason).
const (
	EndSymptoms = "symptoms" // acute respiratory symptoms or suspected infection (seed 004)
	EndRevoked  = "revoked"
)

// mayGrant reports whether a may grant dispensations in municipality in
// tx: PermGrantDispensation there, and for municipal staff an open
// delegation from the municipal officer too.
func mayGrant(ctx context.Context, tx beredskap.HotelTx, a *beredskap.Actor, municipality string) (bool, error) {
	if !beredskap.Can(a, beredskap.PermGrantDispensation, municipality) {
		return false, nil
	}
	if a.Role() != beredskap.RoleMunicipalStaff {
		return true, nil
	}
	_, err := tx.OpenDelegation(ctx, a.User.ID, municipality)
	if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
		return false, nil
	}
	return err == nil, err
}

// GrantDispensation grants a § 6j dispensation from entry quarantine (seed
// 001: to visit a close relative who is seriously ill or dying, or attend
// a funeral) to the traveller of req.Receipt, for the purpose, relation,
// place and time window given. It needs PermGrantDispensation for the
// traveller's quarantine municipality — the municipal officer
// (kommuneoverlege), or municipal staff with an open delegation — else
// EFORBIDDEN (audited). The rule version in force at req.From must allow
// the purpose and relation (§ 6j from 2020-12-23 12:00): otherwise
// EINVALID naming purpose or relation (reason not_in_rules or
// unknown_value). The window must have from before to (EINVALID to) and lie
// within the quarantine (EINVALID from or to, outside_quarantine); place is
// required, and relation_note for other_close.
func (s *Service) GrantDispensation(ctx context.Context, req DispensationRequest) (*beredskap.Dispensation, error) {
	a := beredskap.ActorFrom(ctx)
	req.Receipt = strings.ToUpper(strings.TrimSpace(req.Receipt))
	req.Place = strings.TrimSpace(req.Place)
	req.Relation = strings.TrimSpace(req.Relation)
	req.RelationNote = strings.TrimSpace(req.RelationNote)
	var ps beredskap.Problems
	if req.Place == "" {
		ps.Add("place", "required", "is required")
	} else if len(req.Place) > maxText {
		ps.Add("place", "too_long", fmt.Sprintf("must be at most %d characters", maxText))
	}
	if req.From.IsZero() {
		ps.Add("from", "required", "is required")
	}
	if req.To.IsZero() {
		ps.Add("to", "required", "is required")
	} else if !req.From.IsZero() && !req.From.Before(req.To) {
		ps.Add("to", "before_from", "must be after from")
	}
	if req.Relation == "other_close" && req.RelationNote == "" {
		ps.Add("relation_note", "required", "say who, for another close relation")
	}
	if len(req.RelationNote) > maxText {
		ps.Add("relation_note", "too_long", fmt.Sprintf("must be at most %d characters", maxText))
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	if err := s.checkRules(req); err != nil {
		return nil, err
	}
	var d *beredskap.Dispensation
	err := s.tx.Update(ctx, "grant dispensation", func(ctx context.Context, tx beredskap.HotelTx) error {
		reg, err := tx.FindRegistration(ctx, req.Receipt, "")
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			rec := beredskap.RecordFor(a, "dispensation.grant", "registration:"+req.Receipt, beredskap.OutcomeNotFound)
			return beredskap.AuditRefusal(ctx, tx, rec, beredskap.Invalid("receipt", "not_found", "no registration has this receipt"))
		}
		if err != nil {
			return err
		}
		ok, err := mayGrant(ctx, tx, a, reg.Municipality)
		if err != nil {
			return err
		}
		if !ok {
			rec := beredskap.RecordFor(a, "dispensation.grant", "registration:"+reg.Receipt, beredskap.OutcomeDenied)
			rec.Subjects = []string{reg.Receipt}
			return beredskap.AuditRefusal(ctx, tx, rec, beredskap.Forbidden("dispensation.grant"))
		}
		if err := s.withinQuarantine(reg, req); err != nil {
			return beredskap.Refuse(err)
		}
		v, _ := s.book.At(req.From)
		d = &beredskap.Dispensation{Receipt: reg.Receipt, Municipality: reg.Municipality, Purpose: req.Purpose,
			Relation: req.Relation, RelationNote: req.RelationNote, Place: req.Place,
			From: req.From.UTC().Truncate(time.Microsecond), To: req.To.UTC().Truncate(time.Microsecond),
			RuleID: v.ID, Status: beredskap.DispensationGranted, GrantedBy: a.Name()}
		if err := tx.CreateDispensation(ctx, d); err != nil {
			return err
		}
		if err := postponeCalls(ctx, tx, d); err != nil {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, record(a, "dispensation.grant", dispensationObject(d.ID),
			fmt.Sprintf("%s, %s, %s..%s", d.Purpose, d.Relation, d.From.Format(time.RFC3339), d.To.Format(time.RFC3339)), reg.Receipt))
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// checkRules checks the purpose and relation against the rule version in
// force at req.From.
func (s *Service) checkRules(req DispensationRequest) error {
	v, err := s.book.At(req.From)
	if err != nil {
		return beredskap.Invalid("purpose", "not_in_rules", "no rule version allows a dispensation at this time")
	}
	p, ok := v.Dispensation()
	if !ok {
		return beredskap.Invalid("purpose", "not_in_rules",
			fmt.Sprintf("the rules in force at %s (%s) allow no § 6j dispensation", req.From.Format(time.RFC3339), v.ID))
	}
	if !slices.Contains(p.Purposes, string(req.Purpose)) {
		return beredskap.Invalid("purpose", "unknown_value", "must be one of "+strings.Join(p.Purposes, ", ")+" (§ 6j)")
	}
	if !slices.Contains(p.Relations, req.Relation) {
		return beredskap.Invalid("relation", "unknown_value", "must be one of "+strings.Join(p.Relations, ", ")+" (§ 6j)")
	}
	return nil
}

// withinQuarantine checks that the window lies within the registration's
// quarantine: from 00:00 of the first day to 24:00 of the last day,
// Europe/Oslo.
func (s *Service) withinQuarantine(reg *beredskap.StoredRegistration, req DispensationRequest) error {
	q := reg.Decision.Quarantine
	if !q.Required || q.FirstDay == nil || q.LastDay == nil {
		return beredskap.Invalid("receipt", "no_quarantine", "the traveller is not in quarantine")
	}
	start := dayNoon(s, *q.FirstDay).Add(-12 * time.Hour)
	end := dayNoon(s, addDays(*q.LastDay, 1)).Add(-12 * time.Hour)
	if req.From.Before(start) {
		return beredskap.Invalid("from", "outside_quarantine", "must not be before the quarantine's first day "+*q.FirstDay)
	}
	if req.To.After(end) {
		return beredskap.Invalid("to", "outside_quarantine", "must not be after the quarantine's last day "+*q.LastDay)
	}
	return nil
}

// errNoDispensation is the one answer to an unknown dispensation and to
// another municipality's.
func errNoDispensation() error {
	return beredskap.Errorf(beredskap.ENOTFOUND, "no dispensation with this number is yours to end")
}

// EndDispensation ends dispensation id at once (seed 004: «Unntaket fra
// karanteneplikt opphører dersom personen utvikler akutt
// luftveisinfeksjon») with reason symptoms or revoked (EINVALID reason
// otherwise). It needs PermEndDispensation for the dispensation's
// municipality: without it the answer is the ENOTFOUND of an unknown one
// (audited); an ended one is ECONFLICT.
func (s *Service) EndDispensation(ctx context.Context, id int64, reason string) (*beredskap.Dispensation, error) {
	a := beredskap.ActorFrom(ctx)
	if reason != EndSymptoms && reason != EndRevoked {
		return nil, beredskap.Invalid("reason", "unknown_value", "must be symptoms or revoked")
	}
	now := s.now()
	var d *beredskap.Dispensation
	err := s.tx.Update(ctx, "end dispensation", func(ctx context.Context, tx beredskap.HotelTx) error {
		var err error
		d, err = tx.FindDispensation(ctx, id)
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			rec := beredskap.RecordFor(a, "dispensation.end", dispensationObject(id), beredskap.OutcomeNotFound)
			return beredskap.AuditRefusal(ctx, tx, rec, errNoDispensation())
		}
		if err != nil {
			return err
		}
		if !beredskap.Can(a, beredskap.PermEndDispensation, d.Municipality) {
			rec := beredskap.RecordFor(a, "dispensation.end", dispensationObject(id), beredskap.OutcomeDenied)
			rec.Subjects = []string{d.Receipt}
			return beredskap.AuditRefusal(ctx, tx, rec, errNoDispensation())
		}
		if d.Status != beredskap.DispensationGranted {
			return beredskap.Refuse(beredskap.Conflict("dispensation_ended", "the dispensation has already ended"))
		}
		d.Status, d.EndedAt, d.EndReason = beredskap.DispensationEnded, &now, reason
		if err := tx.UpdateDispensation(ctx, d); err != nil {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, record(a, "dispensation.end", dispensationObject(id), reason, d.Receipt))
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// mayReadDispensations reports whether a may see the dispensations of
// municipality: its municipal officer and staff (and the system).
func mayReadDispensations(a *beredskap.Actor, municipality string) bool {
	return beredskap.Can(a, beredskap.PermReadDispensations, municipality)
}

// errNoDispensations is the one answer to a receipt that is unknown and to
// one whose dispensations the actor may not read, so that the answer
// tells nothing of whether the traveller has a dispensation.
func errNoDispensations() error {
	return beredskap.Errorf(beredskap.ENOTFOUND, "no registration with this receipt is yours to read")
}

// Dispensations returns the receipt's dispensations, oldest first, for the
// traveller's decision and follow-up pages. It needs PermReadDispensations
// for the traveller's quarantine municipality: an actor without it for any
// municipality is EFORBIDDEN, and one without it for this traveller's gets
// the ENOTFOUND of an unknown receipt (errNoDispensations). Reads and
// refusals are audited.
func (s *Service) Dispensations(ctx context.Context, receipt string) ([]*beredskap.Dispensation, error) {
	a := beredskap.ActorFrom(ctx)
	receipt = strings.ToUpper(strings.TrimSpace(receipt))
	if !mayReadDispensations(a, a.Municipality()) {
		return nil, s.tx.Deny(ctx, a, "dispensation.list", "registration:"+receipt, receipt)
	}
	var out []*beredskap.Dispensation
	err := s.tx.Update(ctx, "dispensations", func(ctx context.Context, tx beredskap.HotelTx) error {
		reg, err := tx.FindRegistration(ctx, receipt, "")
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			rec := beredskap.RecordFor(a, "dispensation.list", "registration:"+receipt, beredskap.OutcomeNotFound)
			return beredskap.AuditRefusal(ctx, tx, rec, errNoDispensations())
		}
		if err != nil {
			return err
		}
		if !mayReadDispensations(a, reg.Municipality) {
			rec := beredskap.RecordFor(a, "dispensation.list", "registration:"+reg.Receipt, beredskap.OutcomeDenied)
			rec.Subjects = []string{reg.Receipt}
			return beredskap.AuditRefusal(ctx, tx, rec, errNoDispensations())
		}
		all, err := tx.DispensationsOf(ctx, reg.Receipt)
		if err != nil {
			return err
		}
		for _, d := range all {
			if mayReadDispensations(a, d.Municipality) {
				out = append(out, d)
			}
		}
		return beredskap.AppendAudit(ctx, tx, record(a, "dispensation.list", "registration:"+reg.Receipt, "", reg.Receipt))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MunicipalDispensations returns the municipality's dispensations, newest
// first, at most limit (50 when 0). Permissions as Dispensations; audited.
func (s *Service) MunicipalDispensations(ctx context.Context, municipality string, limit int) ([]*beredskap.Dispensation, error) {
	a := beredskap.ActorFrom(ctx)
	if m := a.Municipality(); m != "" {
		municipality = m
	}
	if municipality == "" || !mayReadDispensations(a, municipality) {
		return nil, s.tx.Deny(ctx, a, "dispensation.list", "municipality:"+municipality)
	}
	if limit <= 0 || limit > beredskap.MaxPageSize {
		limit = 50
	}
	var out []*beredskap.Dispensation
	err := s.store.UpdateHotels(ctx, func(ctx context.Context, tx beredskap.HotelTx) error {
		var err error
		if out, err = tx.ListDispensations(ctx, municipality, limit); err != nil {
			return err
		}
		receipts := make([]string, 0, len(out))
		for _, d := range out {
			receipts = append(receipts, d.Receipt)
		}
		return beredskap.AppendAudit(ctx, tx, record(a, "dispensation.list", "municipality:"+municipality, "", receipts...))
	})
	return out, beredskap.Wrap("list dispensations", err)
}

// Delegate lets municipal staff member userID grant § 6j dispensations in
// municipality on the municipal officer's behalf. It needs
// PermDelegateDispensations there (EFORBIDDEN, audited). The user must
// hold a municipal_staff grant in force for the municipality (EINVALID
// user_id); an open delegation already is ECONFLICT.
func (s *Service) Delegate(ctx context.Context, userID int64, municipality string) (*beredskap.Delegation, error) {
	a := beredskap.ActorFrom(ctx)
	if municipality == "" {
		municipality = a.Municipality()
	}
	if !beredskap.Can(a, beredskap.PermDelegateDispensations, municipality) {
		return nil, s.tx.Deny(ctx, a, "dispensation.delegate", "user:"+strconv.FormatInt(userID, 10))
	}
	now := s.now()
	d := &beredskap.Delegation{UserID: userID, Municipality: municipality, GrantedBy: a.Name()}
	err := s.tx.Update(ctx, "delegate", func(ctx context.Context, tx beredskap.HotelTx) error {
		u, err := tx.FindUser(ctx, userID)
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			return beredskap.Refuse(beredskap.Invalid("user_id", "not_found", "no such user"))
		}
		if err != nil {
			return err
		}
		staff := slices.ContainsFunc(u.ValidGrants(now), func(g beredskap.Grant) bool {
			return g.Role == beredskap.RoleMunicipalStaff && g.Scope.Code == municipality
		})
		if !staff {
			return beredskap.Refuse(beredskap.Invalid("user_id", "not_municipal_staff", "the user is not municipal staff of this municipality"))
		}
		if err := tx.CreateDelegation(ctx, d); err != nil {
			if beredskap.ErrorCode(err) == beredskap.ECONFLICT {
				return beredskap.Refuse(beredskap.Conflict("delegation_open", "the user already has a delegation"))
			}
			return err
		}
		return beredskap.AppendAudit(ctx, tx, record(a, "dispensation.delegate", "user:"+strconv.FormatInt(userID, 10), "municipality:"+municipality))
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// EndDelegation ends delegation id of municipality at once. It needs
// PermDelegateDispensations there (EFORBIDDEN, audited); ENOTFOUND when
// the municipality has no such open delegation.
func (s *Service) EndDelegation(ctx context.Context, municipality string, id int64) error {
	a := beredskap.ActorFrom(ctx)
	if municipality == "" {
		municipality = a.Municipality()
	}
	if !beredskap.Can(a, beredskap.PermDelegateDispensations, municipality) {
		return s.tx.Deny(ctx, a, "dispensation.undelegate", "delegation:"+strconv.FormatInt(id, 10))
	}
	now := s.now()
	return s.tx.Update(ctx, "end delegation", func(ctx context.Context, tx beredskap.HotelTx) error {
		ds, err := tx.ListDelegations(ctx, municipality)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(ds, func(d *beredskap.Delegation) bool { return d.ID == id && d.EndedAt == nil }) {
			return beredskap.Refuse(beredskap.Errorf(beredskap.ENOTFOUND, "no open delegation %d in municipality %s", id, municipality))
		}
		if err := tx.EndDelegation(ctx, id, now); err != nil {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, record(a, "dispensation.undelegate", "delegation:"+strconv.FormatInt(id, 10), "municipality:"+municipality))
	})
}

// Delegations returns the municipality's delegations, ended ones too. It
// needs PermDelegateDispensations there.
func (s *Service) Delegations(ctx context.Context, municipality string) ([]*beredskap.Delegation, error) {
	a := beredskap.ActorFrom(ctx)
	if municipality == "" {
		municipality = a.Municipality()
	}
	if !beredskap.Can(a, beredskap.PermDelegateDispensations, municipality) {
		return nil, s.tx.Deny(ctx, a, "dispensation.delegations", "municipality:"+municipality)
	}
	var out []*beredskap.Delegation
	err := s.store.ViewHotels(ctx, func(ctx context.Context, tx beredskap.HotelTx) error {
		var err error
		out, err = tx.ListDelegations(ctx, municipality)
		return err
	})
	return out, beredskap.Wrap("list delegations", err)
}

// postponeCalls makes the follow-up plan of d's traveller follow the
// dispensation: a call that falls due while the traveller is out on it is
// moved to its end, so that the control centre does not report the
// traveller as away from the address for a permitted absence.
func postponeCalls(ctx context.Context, tx beredskap.HotelTx, d *beredskap.Dispensation) error {
	p, err := tx.FindPlanByReceipt(ctx, d.Receipt)
	if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if p.Status != beredskap.PlanActive || !d.ActiveAt(p.NextCallAt) {
		return nil
	}
	p.NextCallAt = d.To
	return tx.UpdatePlan(ctx, p)
}
