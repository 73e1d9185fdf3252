package citizen

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"beredskap"
	"beredskap/norway"
)

// maxAuditPages bounds how many pages of audit entries MyData reads per
// registration.
const maxAuditPages = 20

// Bodies that look at a person's data, named in the person's language by
// the pages (Look.Body).
const (
	BodyMunicipality       = "municipality"
	BodyControlCentre      = "control_centre"
	BodyPolice             = "police"
	BodyLabourInspectorate = "labour_inspectorate"
	BodyCountyGovernor     = "county_governor"
	BodyHelfo              = "helfo"
	// BodyAutomatic is the system's own processing (planner, SMS, digests,
	// rule-change watcher, purge), with no person behind it.
	BodyAutomatic = "automatic"
)

// body returns the body an audit entry's actor acted for, and the name of
// the municipality at the time of the entry for municipal roles (or "").
func body(e *beredskap.AuditEntry) (string, string) {
	kind, code, _ := strings.Cut(e.Scope, ":")
	switch e.Role {
	case beredskap.RoleMunicipalOfficer, beredskap.RoleMunicipalStaff, beredskap.RoleHotelCoordinator:
		if m, ok := norway.MunicipalityAt(code, e.At); ok && kind == string(beredskap.ScopeMunicipality) {
			return BodyMunicipality, m.Name
		}
		return BodyMunicipality, ""
	case beredskap.RoleControlCentre:
		return BodyControlCentre, ""
	case beredskap.RoleBorderOfficer:
		return BodyPolice, ""
	case beredskap.RoleLabourInspector:
		return BodyLabourInspectorate, ""
	case beredskap.RoleCountyGovernor:
		return BodyCountyGovernor, ""
	}
	if e.Actor == "system" {
		return BodyAutomatic, ""
	}
	return BodyHelfo, ""
}

// organisation returns the Norwegian name of the body an audit entry's
// actor acted for, as the body names itself.
func organisation(e *beredskap.AuditEntry) string {
	b, municipality := body(e)
	switch b {
	case BodyMunicipality:
		if municipality != "" {
			return municipality + " kommune"
		}
		return "Kommunen"
	case BodyControlCentre:
		return "Nasjonalt kontrollsenter for innreisende (Helfo)"
	case BodyPolice:
		return "Politiet"
	case BodyLabourInspectorate:
		return "Arbeidstilsynet"
	case BodyCountyGovernor:
		return "Statsforvalteren"
	case BodyAutomatic:
		return "Helfo (automatisk behandling)"
	}
	return "Helfo"
}

// isLook reports whether an audit entry is someone else's look at the
// person's data: not the person's own actions ("citizen.*"), not anonymous
// visitors (the traveller registering), and not refused attempts.
func isLook(e *beredskap.AuditEntry) bool {
	return !strings.HasPrefix(e.Action, "citizen.") && e.Actor != "anonymous" && e.Actor != "citizen" &&
		e.Outcome == beredskap.OutcomeOK
}

// MyData returns what the citizen services and the registrations hold
// about the logged-in person of sess: their account, registrations, access
// cases, and the looks at their data from the audit trail, newest first,
// with organisation and role at once and the staff member's name once
// NameDelay has passed. It returns EUNAUTHORIZED without a session.
// Audited as "citizen.my_data" with the registrations' receipts as
// subjects.
func (s *Service) MyData(ctx context.Context, sess *beredskap.CitizenSession) (*MyData, error) {
	if sess == nil {
		return nil, unauthorized("no_session", "not logged in")
	}
	now := s.now()
	d := &MyData{}
	var entries []*beredskap.AuditEntry
	var named map[int64]string
	err := s.store.UpdateCitizen(ctx, func(ctx context.Context, tx beredskap.CitizenTx) error {
		var err error
		if d.Account, err = account(ctx, tx, sess.NationalID); err != nil {
			return err
		}
		if d.Registrations, err = tx.RegistrationsOf(ctx, sess.NationalID); err != nil {
			return err
		}
		if d.Cases, _, err = tx.ListCases(ctx, beredskap.CaseFilter{NationalID: sess.NationalID, Limit: beredskap.MaxPageSize}); err != nil {
			return err
		}
		receipts := make([]string, len(d.Registrations))
		for i, r := range d.Registrations {
			receipts[i] = r.Receipt
		}
		if d.Looks, entries, named, err = s.looks(ctx, tx, receipts, now); err != nil {
			return err
		}
		rec := s.citizenRecord(ctx, "citizen.my_data", sess.NationalID, beredskap.OutcomeOK)
		rec.Subjects = receipts
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, beredskap.Wrap("my data", err)
	}
	if s.cfg.AuditProofs != nil {
		if d.Checkpoint, d.Proofs, err = s.cfg.AuditProofs.Prove(ctx, entries, named); err != nil {
			return nil, beredskap.Wrap("my data: prove looks", err)
		}
		for i := range d.Looks {
			d.Looks[i].Proven = d.Checkpoint != nil && d.Looks[i].Seq <= d.Checkpoint.Size
		}
	}
	return d, nil
}

// looks returns the looks at the registrations with the receipts, newest
// first, their entries, and which of the receipts each entry names.
func (s *Service) looks(ctx context.Context, tx beredskap.CitizenTx, receipts []string, now time.Time) ([]Look, []*beredskap.AuditEntry, map[int64]string, error) {
	seen := map[int64]string{}
	var entries []*beredskap.AuditEntry
	for _, r := range receipts {
		f := beredskap.AuditFilter{Receipt: r, Limit: beredskap.MaxPageSize}
		for range maxAuditPages {
			page, next, err := tx.SearchAudit(ctx, f)
			if err != nil {
				return nil, nil, nil, err
			}
			for _, e := range page {
				if _, dup := seen[e.Seq]; !dup && isLook(e) {
					seen[e.Seq] = r
					entries = append(entries, e)
				}
			}
			if next == "" {
				break
			}
			f.PageToken = next
		}
	}
	slices.SortFunc(entries, func(a, b *beredskap.AuditEntry) int { return cmp.Compare(b.Seq, a.Seq) })
	names := map[string]string{}
	looks := make([]Look, len(entries))
	for i, e := range entries {
		l := Look{Seq: e.Seq, At: e.At, Organisation: organisation(e), Role: e.Role, Action: e.Action}
		l.Body, l.Municipality = body(e)
		if now.Sub(e.At) >= s.cfg.NameDelay && strings.Contains(e.Actor, "@") {
			name, ok := names[e.Actor]
			if !ok {
				u, err := tx.FindUserByEmail(ctx, e.Actor)
				switch {
				case err == nil:
					name = u.Name()
				case beredskap.ErrorCode(err) != beredskap.ENOTFOUND:
					return nil, nil, nil, err
				}
				names[e.Actor] = name
			}
			l.Name = name
		}
		looks[i] = l
	}
	return looks, entries, seen, nil
}

// WithdrawConsent deletes the logged-in person's own data in the citizen
// services (their settings) and ends their sessions, and returns a
// receipt. A block stays, and so do the block case and what staff must
// keep (registrations, cases, the audit trail). It returns EUNAUTHORIZED
// without a session. Audited as "citizen.withdraw_consent".
func (s *Service) WithdrawConsent(ctx context.Context, sess *beredskap.CitizenSession) (*Withdrawal, error) {
	if sess == nil {
		return nil, unauthorized("no_session", "not logged in")
	}
	now := s.now()
	w := &Withdrawal{NationalID: sess.NationalID, At: now, Reference: newReference("SAMTYKKE", now.In(oslo).Format("20060102"))}
	err := s.store.UpdateCitizen(ctx, func(ctx context.Context, tx beredskap.CitizenTx) error {
		old, err := account(ctx, tx, sess.NationalID)
		if err != nil {
			return err
		}
		acc := &beredskap.CitizenAccount{
			NationalID: old.NationalID, Blocked: old.Blocked, BlockedAt: old.BlockedAt, BlockCaseID: old.BlockCaseID,
			ConsentWithdrawnAt: &now, UpdatedAt: now,
		}
		if err := tx.SaveCitizen(ctx, acc); err != nil {
			return err
		}
		if _, err := tx.DeleteCitizenSessions(ctx, sess.NationalID); err != nil {
			return err
		}
		rec := s.citizenRecord(ctx, "citizen.withdraw_consent", sess.NationalID, beredskap.OutcomeOK)
		rec.Detail = "reference " + w.Reference
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, beredskap.Wrap("withdraw consent", err)
	}
	return w, nil
}
