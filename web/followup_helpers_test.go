package web_test

import (
	"context"
	"testing"
	"time"

	"beredskap"
)

// followUpStore returns the test server's store as a follow-up store.
func followUpStore(tb testing.TB, ts *testServer) beredskap.FollowUpStore {
	tb.Helper()
	fs, ok := ts.StaffStore.(beredskap.FollowUpStore)
	if !ok || ts.FollowUp == nil {
		tb.Fatal("the test server's store keeps no follow-up")
	}
	return fs
}

// mustPlan stores an active follow-up plan, due a call now, for the
// registration with receipt in municipality, and returns it. The
// traveller is Anna lastName of the registration fixture (seed 000: the
// control centre follows every traveller in quarantine up).
func mustPlan(tb testing.TB, ts *testServer, receipt, municipality, lastName string) *beredskap.FollowUpPlan {
	tb.Helper()
	now := ts.FollowUpClock.Now().UTC()
	first := now.In(time.UTC).Format(time.DateOnly)
	p := &beredskap.FollowUpPlan{
		Receipt: receipt, Municipality: municipality, PersonKey: "name:anna " + lastName + " 1990-05-17",
		FirstName: "Anna", LastName: lastName, BirthDate: "1990-05-17", Phone: "+48601234567",
		Email: "anna@example.com", Language: "pl", ArrivalAt: now.Add(-time.Hour), FirstDay: first,
		LastDay: now.AddDate(0, 0, 10).Format(time.DateOnly), RuleID: "2021-02-15", SMSDays: []int{2, 5},
		CallDays: []int{1}, Status: beredskap.PlanActive, NextCallAt: now.Add(-time.Minute),
	}
	err := followUpStore(tb, ts).UpdateFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
		return tx.CreatePlan(ctx, p)
	})
	if err != nil {
		tb.Fatalf("create the plan of %s: %v", receipt, err)
	}
	return p
}

// mustClaim has u claim the plan through the service.
func mustClaim(tb testing.TB, ts *testServer, u *staffUser, planID int64) {
	tb.Helper()
	if _, err := ts.FollowUp.Claim(actorOf(tb, ts, u), planID); err != nil {
		tb.Fatalf("claim plan %d as %s: %v", planID, u.Email, err)
	}
}
