package hotel_test

import (
	"context"
	"testing"
	"time"

	"beredskap"
	"beredskap/followup"
	"beredskap/hotel"
	"beredskap/internal/teststore"
)

// A dispensation moves a follow-up call that falls due during it to its
// end: the traveller is allowed out then (seed 001, § 6j; issue 4: "plans
// follow changes: a dispensation").
func TestDispensationPostponesCall(t *testing.T) { teststore.Each(t, testDispensationPostponesCall) }

func testDispensationPostponesCall(t *testing.T, kind string) {
	e := newEnv(t, kind)
	e.clock.Set(time.Date(2021, 2, 20, 13, 0, 0, 0, oslo))
	officer := e.as("overlege@oslo.kommune.no", beredskap.RoleMunicipalOfficer, "0301")
	r := e.register(traveller{arrival: time.Date(2021, 2, 20, 12, 0, 0, 0, oslo)})
	fu := followup.New(e.store, e.book, nil, e.clock.Now, followup.Config{}, nil)
	if made, _, err := fu.PlanPass(system()); err != nil || made != 1 {
		t.Fatalf("PlanPass: made %d, %v", made, err)
	}
	plan := func() *beredskap.FollowUpPlan {
		var p *beredskap.FollowUpPlan
		err := e.store.ViewFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
			var err error
			p, err = tx.FindPlanByReceipt(ctx, r.Receipt)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	due := plan().NextCallAt
	from, to := due.Add(-time.Hour), due.Add(3*time.Hour)
	if _, err := e.svc.GrantDispensation(officer, hotelDispensation(r.Receipt, from, to)); err != nil {
		t.Fatalf("GrantDispensation: %v", err)
	}
	if got := plan().NextCallAt; !got.Equal(to.UTC()) {
		t.Errorf("next call at %v after a dispensation %v..%v; want its end", got, from, to)
	}
}

// hotelDispensation is a visit to a seriously ill parent from from to to.
func hotelDispensation(receipt string, from, to time.Time) hotel.DispensationRequest {
	return hotel.DispensationRequest{Receipt: receipt, Purpose: beredskap.PurposeVisitIll, Relation: "parent",
		Place: "Ullevål sykehus", From: from, To: to}
}
