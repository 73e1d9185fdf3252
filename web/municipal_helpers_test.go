package web_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"beredskap"
	"beredskap/followup"
	"beredskap/rules"
	"beredskap/storetest"
	"beredskap/web"
)

// muniArrival is when the travellers of the municipal tests arrive: the
// day after the control centre started (seed 000; RULES.md 2021-02-15).
var muniArrival = time.Date(2021, 2, 16, 15, 0, 0, 0, muniOslo)

var muniOslo = func() *time.Location {
	l, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		panic(err)
	}
	return l
}()

// muniFixture is a server with followed-up travellers in municipalities A
// and B, and logged-in users: the officer of A, a staff member of B and
// the control centre.
type muniFixture struct {
	ts               *testServer
	officerA, staffB *staffUser
	centre           *staffUser
	receiptA         string
	receiptB         string
	planA            *beredskap.FollowUpPlan
}

// newMuniFixture starts the server with the follow-up clock a day after
// the arrivals, registers Anna Nordby in A and Berit Vik in B, and plans
// their follow-up.
func newMuniFixture(t *testing.T) *muniFixture {
	t.Helper()
	ts := startServerWith(t, web.Config{}, serverOptions{staff: manyLogins})
	if ts.FollowUp == nil {
		t.Fatal("the test server has no follow-up service")
	}
	ts.FollowUpClock.Set(muniArrival.Add(21 * time.Hour))
	f := &muniFixture{ts: ts}
	f.officerA = mustAddStaffUser(t, ts, "muni.officer.a@example.no", beredskap.RoleMunicipalOfficer, municipal(municipalityA))
	f.staffB = mustAddStaffUser(t, ts, "muni.staff.b@example.no", beredskap.RoleMunicipalStaff, municipal(municipalityB))
	f.centre = mustAddStaffUser(t, ts, "muni.centre@example.no", beredskap.RoleControlCentre, national)
	for _, u := range []*staffUser{f.officerA, f.staffB, f.centre} {
		mustLogIn(t, ts, u)
	}
	f.receiptA = muniRegister(t, ts, municipalityA, "Anna", "Nordby")
	f.receiptB = muniRegister(t, ts, municipalityB, "Berit", "Vik")
	system := beredskap.WithActor(context.Background(), beredskap.SystemActor())
	if _, _, err := ts.FollowUp.PlanPass(system); err != nil {
		t.Fatalf("plan pass: %v", err)
	}
	tl, err := ts.FollowUp.Traveller(system, f.receiptA)
	if err != nil {
		t.Fatalf("timeline of %s: %v", f.receiptA, err)
	}
	f.planA = tl.Plan
	return f
}

// muniPassports numbers the passports of the municipal tests' travellers.
var muniPassports atomic.Int64

// muniRegister stores a registration of a traveller arriving at
// muniArrival, decided by the embedded rules, in municipality.
func muniRegister(t *testing.T, ts *testServer, municipality, first, last string) string {
	t.Helper()
	book, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	r := storetest.Registration(first, last)
	r.ArrivalTime = muniArrival.Format(time.RFC3339)
	// Each traveller is another person: the planner ends the plan of
	// an older registration of the same person.
	r.Traveller.IDDocument.Number = fmt.Sprintf("EA%07d", muniPassports.Add(1))
	d, err := book.Evaluate(&r, "en")
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	if !d.Quarantine.Required {
		t.Fatalf("the registration of %s %s needs no quarantine", first, last)
	}
	reg, _, err := ts.Registrations.CreateRegistration(context.Background(), beredskap.NewRegistration{
		Registration: r, Decision: d, Municipality: municipality,
	})
	if err != nil {
		t.Fatal(err)
	}
	return reg.Receipt
}

// report has the control centre claim plan A and file a report on it.
func (f *muniFixture) report(t *testing.T, in followup.ReportInput) *beredskap.CallReport {
	t.Helper()
	ctx := actorOf(t, f.ts, f.centre)
	if _, err := f.ts.FollowUp.Claim(ctx, f.planA.ID); err != nil {
		t.Fatalf("claim: %v", err)
	}
	r, err := f.ts.FollowUp.FileReport(ctx, f.planA.ID, in)
	if err != nil {
		t.Fatalf("file report: %v", err)
	}
	return r
}

// correct has the control centre claim plan A and correct report id.
func (f *muniFixture) correct(t *testing.T, id int64, in followup.ReportInput) *beredskap.CallReport {
	t.Helper()
	ctx := actorOf(t, f.ts, f.centre)
	if _, err := f.ts.FollowUp.Claim(ctx, f.planA.ID); err != nil {
		t.Fatalf("claim: %v", err)
	}
	r, err := f.ts.FollowUp.CorrectReport(ctx, id, in)
	if err != nil {
		t.Fatalf("correct report: %v", err)
	}
	return r
}
