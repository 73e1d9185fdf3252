package hotel

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"beredskap"
)

// placeOfGroup is the kind of place a transfer under each exemption group
// goes to when the request names none.
var placeOfGroup = map[int]string{
	1: beredskap.AccommodationOwnHome, 2: beredskap.AccommodationFamilyHome, 3: beredskap.AccommodationEmployer,
	4: beredskap.AccommodationOtherSuitable, 5: beredskap.AccommodationNone, 6: beredskap.AccommodationNone,
}

// Transfer records a guest's move from the hotel to another suitable place
// (seed 001: «kan du forflytte deg til anna egna opphaldsstad … Du må
// melde frå om dette på karantenehotellet … og dokumentere tilgang til egna
// karantenestad»). It needs PermManageStays for the hotel's municipality.
//
// The documents must meet every requirement of the exemption group in the
// rule version in force at the move (req.At): otherwise EINVALID naming
// documents; a group the version does not have (before 2020-12-13 17:00
// only groups 1 and 3 existed) is EINVALID naming group. The traveller's
// decision is then re-evaluated under that version with the new place
// (its features as the documents confirm them) and the documents added;
// when it still requires the hotel the move is EINVALID naming group
// (group_not_applicable). The stored registration never changes: the
// result is kept on the stay (Note) and in the audit entry. When the new
// decision requires no quarantine the follow-up plan ends; when its last
// day differs the plan follows it.
func (s *Service) Transfer(ctx context.Context, stayID int64, req TransferRequest) (*TransferResult, error) {
	req.Address = strings.TrimSpace(req.Address)
	req.PostalCode = strings.TrimSpace(req.PostalCode)
	at := s.at(req.At)
	var ps beredskap.Problems
	if req.Address == "" {
		ps.Add("address", "required", "is required")
	} else if len(req.Address) > maxText {
		ps.Add("address", "too_long", fmt.Sprintf("must be at most %d characters", maxText))
	}
	if req.Group < 1 || req.Group > 6 {
		ps.Add("group", "out_of_range", "must be an exemption group 1–6")
	}
	if req.AccommodationType != "" && !slices.Contains(beredskap.Enumerations["accommodation.type"], req.AccommodationType) {
		ps.Add("accommodation_type", "unknown_value", "is not a kind of place")
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	v, err := s.book.At(at)
	if err != nil {
		return nil, beredskap.Invalid("at", "no_rule_version", "is before the first rule version")
	}
	reqs, ok := v.GroupDocuments(req.Group)
	if !ok {
		return nil, beredskap.Invalid("group", "unknown_group",
			fmt.Sprintf("the rules in force at %s (%s) have no exemption group %d", at.Format(time.RFC3339), v.ID, req.Group))
	}
	for _, r := range reqs {
		if !slices.ContainsFunc(r, func(d string) bool { return slices.Contains(req.Documents, d) }) {
			return nil, beredskap.Invalid("documents", "documents_missing",
				fmt.Sprintf("group %d needs one of %s under the rules of %s", req.Group, strings.Join(r, ", "), v.ID))
		}
	}
	res := &TransferResult{}
	st, err := s.changeStay(ctx, stayID, "stay.transfer", func(ctx context.Context, tx beredskap.HotelTx, st *beredskap.Stay) (string, error) {
		if !st.Status.Open() {
			return "", beredskap.Refuse(notOpen(st))
		}
		if st.CheckedInAt != nil && at.Before(*st.CheckedInAt) {
			return "", beredskap.Refuse(beredskap.Invalid("at", "before_check_in", "must not be before the check-in"))
		}
		reg, err := tx.FindRegistration(ctx, st.Receipt, "")
		if err != nil {
			return "", err
		}
		r := reg.Registration // a copy: the stored registration is immutable
		r.Accommodation = beredskap.Accommodation{Type: req.AccommodationType,
			Address:    beredskap.Address{Street: req.Address, PostalCode: req.PostalCode},
			SingleRoom: true, OwnBathroom: true, OwnKitchenOrMeals: true, TVAndInternet: true, CloseContactAvoidable: true}
		if r.Accommodation.Type == "" {
			r.Accommodation.Type = placeOfGroup[req.Group]
		}
		r.Documents = append(slices.Clone(r.Documents), req.Documents...)
		d, err := s.book.EvaluateUnder(v, &r, reg.Decision.Language)
		if err != nil {
			return "", beredskap.Refuse(err)
		}
		if d.Hotel.Required {
			return "", beredskap.Refuse(beredskap.Invalid("group", "group_not_applicable",
				fmt.Sprintf("the traveller is not in exemption group %d under the rules of %s: the hotel is still required", req.Group, v.ID)))
		}
		res.Decision = d
		res.QuarantineEnded = !d.Quarantine.Required
		st.Status, st.CheckedOutAt = beredskap.StayTransferred, &at
		st.TransferAddress = strings.TrimSpace(req.Address + " " + req.PostalCode)
		st.TransferGroup, st.TransferDocuments = req.Group, slices.Clone(req.Documents)
		s.endAt(st, at)
		summary := fmt.Sprintf("re-evaluated under %s: hotel not required, group %d, quarantine %s, last day %s",
			v.ID, req.Group, d.Quarantine.Scope, deref(d.Quarantine.LastDay))
		st.Note = strings.TrimSpace(st.Note + "\n" + summary)
		if err := s.followPlan(ctx, tx, st.Receipt, &d, at); err != nil {
			return "", err
		}
		return summary, nil
	})
	if err != nil {
		return nil, err
	}
	res.Stay = st
	return res, nil
}

// followPlan brings the receipt's follow-up plan in line with a
// re-evaluated decision: ended (and its queued SMS cancelled) when no
// quarantine is required, its last day moved when that changed. A receipt
// without a plan is left alone.
func (s *Service) followPlan(ctx context.Context, tx beredskap.HotelTx, receipt string, d *beredskap.Decision, at time.Time) error {
	p, err := tx.FindPlanByReceipt(ctx, receipt)
	if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
		return nil
	}
	if err != nil || p.Status != beredskap.PlanActive {
		return err
	}
	switch {
	case !d.Quarantine.Required:
		p.Status, p.EndReason, p.EndedAt = beredskap.PlanEnded, beredskap.EndDispensation, &at
		if _, err := tx.CancelPlanSMS(ctx, p.ID); err != nil {
			return err
		}
	case deref(d.Quarantine.LastDay) != "" && deref(d.Quarantine.LastDay) != p.LastDay:
		p.LastDay = deref(d.Quarantine.LastDay)
	default:
		return nil
	}
	return tx.UpdatePlan(ctx, p)
}
