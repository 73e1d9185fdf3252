package storetest

import (
	"context"
	"fmt"
	"testing"

	"beredskap"
)

// PlansWithoutCodes stores registrations whose decisions and places of
// quarantine between them give every follow-up code, and for each a plan
// that holds no codes, as plans were made before plans kept them. A store
// test then runs the migration that fills the codes in and checks them
// with CheckPlanCodes.
func PlansWithoutCodes(t *testing.T, h StaffHarness) []*beredskap.StoredRegistration {
	t.Helper()
	reason := func(code string) beredskap.Reason { return beredskap.Reason{Code: code, Ref: "§", Text: code} }
	cases := []struct {
		accommodation, scope string
		required             bool
		reasons              []beredskap.Reason
	}{
		{beredskap.AccommodationOtherSuitable, beredskap.ScopeFull, true, nil},
		{beredskap.AccommodationEmployer, beredskap.ScopeLeisure, true,
			[]beredskap.Reason{reason("quarantine_leisure"), reason("exemption_critical_function")}},
		{beredskap.AccommodationQuarantineHotel, beredskap.ScopeNone, false, []beredskap.Reason{
			reason("exemption_invited_by_state"), reason("exemption_transport_personnel"),
			reason("exemption_critical_function"), reason("exemption_invited_by_state")}},
		{beredskap.AccommodationOwnHome, beredskap.ScopeFull, true, []beredskap.Reason{reason("quarantine_full")}},
		{beredskap.AccommodationFamilyHome, beredskap.ScopeFull, true, nil},
		{beredskap.AccommodationOrdinaryHotel, beredskap.ScopeFull, true, nil},
		{"", beredskap.ScopeNone, false, nil},
	}
	var regs []*beredskap.StoredRegistration
	for i, c := range cases {
		n := newRegistration(int(travellerSeq.Add(1)), "0301", "", "")
		n.Registration.Accommodation.Type = c.accommodation
		n.Decision.Quarantine.Required, n.Decision.Quarantine.Scope = c.required, c.scope
		n.Decision.Reasons = c.reasons
		reg := mustCreate(t, h.Registrations, n)
		p := planOf(reg)
		p.PersonKey = fmt.Sprintf("doc:pl:codes-%d", i)
		p.Codes = beredskap.FollowUpCodes{}
		fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error { return tx.CreatePlan(ctx, p) })
		regs = append(regs, reg)
	}
	return regs
}

// CheckPlanCodes fails the test unless the plan of each registration
// holds the codes beredskap.CodesOf gives it, and unless the registrations
// between them show every code (so that agreeing on nothing cannot pass).
func CheckPlanCodes(t *testing.T, store beredskap.FollowUpStore, regs []*beredskap.StoredRegistration) {
	t.Helper()
	seen := map[string]bool{}
	err := store.ViewFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
		for _, reg := range regs {
			p, err := tx.FindPlanByReceipt(ctx, reg.Receipt)
			if err != nil {
				return err
			}
			want := beredskap.CodesOf(&reg.Registration, &reg.Decision)
			if p.Codes != want {
				t.Errorf("plan of %s (%s, %+v): codes %+v; want %+v", reg.Receipt,
					reg.Registration.Accommodation.Type, reg.Decision.Reasons, p.Codes, want)
			}
			seen[p.Codes.Quarantine], seen[p.Codes.Exemption], seen[p.Codes.Accommodation] = true, true, true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"1001", "1002", "", "2005", "2005;2007", "4001", "4002", "4003", "4004"} {
		if !seen[c] {
			t.Errorf("no plan has the code %q; the cases should cover every code", c)
		}
	}
}
