package followup_test

import (
	"slices"
	"testing"
	"time"

	"beredskap"
	"beredskap/followup"
	"beredskap/internal/teststore"
)

// reached is a valid report of a reached traveller who understood.
func reached() followup.ReportInput {
	return followup.ReportInput{Outcome: beredskap.CallReached, Language: "pl", Understood: beredskap.UnderstoodYes, StayingAt: "Storgata 1"}
}

func TestReportValidationNamesTheField(t *testing.T) {
	teststore.Each(t, testReportValidationNamesTheField)
}

func testReportValidationNamesTheField(t *testing.T, kind string) {
	long := make([]byte, 501)
	for i := range long {
		long[i] = 'a'
	}
	tests := []struct {
		name   string
		change func(in *followup.ReportInput)
		field  string
	}{
		{"no outcome", func(in *followup.ReportInput) { in.Outcome = "" }, "outcome"},
		{"unknown outcome", func(in *followup.ReportInput) { in.Outcome = "hung_up" }, "outcome"},
		{"unknown language", func(in *followup.ReportInput) { in.Language = "tlh" }, "language"},
		{"reached without understood", func(in *followup.ReportInput) { in.Understood = "" }, "understood"},
		{"understood unknown", func(in *followup.ReportInput) { in.Understood = "maybe" }, "understood"},
		{"not reached with understood", func(in *followup.ReportInput) {
			in.Outcome, in.StayingAt = beredskap.CallNotReached, ""
		}, "understood"},
		{"unknown breach", func(in *followup.ReportInput) { in.Breaches = []beredskap.BreachKind{"party"} }, "breaches[0]"},
		{"duplicate breach", func(in *followup.ReportInput) {
			in.Breaches = []beredskap.BreachKind{beredskap.BreachSchool, beredskap.BreachSchool}
		}, "breaches[1]"},
		{"breach other without text", func(in *followup.ReportInput) {
			in.Breaches = []beredskap.BreachKind{beredskap.BreachOther}
		}, "breach_text"},
		{"breach text too long", func(in *followup.ReportInput) {
			in.Breaches, in.BreachText = []beredskap.BreachKind{beredskap.BreachOther}, string(long)
		}, "breach_text"},
		{"breach text without breach", func(in *followup.ReportInput) { in.BreachText = "x" }, "breach_text"},
		{"not reached but at school", func(in *followup.ReportInput) {
			in.Outcome, in.Understood, in.StayingAt = beredskap.CallNotReached, "", ""
			in.Breaches = []beredskap.BreachKind{beredskap.BreachSchool}
		}, "breaches[0]"},
		{"employer breach with a bad org number", func(in *followup.ReportInput) {
			in.EmployerBreach, in.EmployerOrg, in.EmployerName, in.EmployerText = true, "123456789", "Bygg AS", "no quarters"
			in.EmployerSuspected = []beredskap.EmployerSuspicion{beredskap.SuspectWorkInQuarantine}
		}, "employer_org"},
		{"employer breach without a name", func(in *followup.ReportInput) {
			in.EmployerBreach, in.EmployerOrg, in.EmployerText = true, "123456785", "no quarters"
			in.EmployerSuspected = []beredskap.EmployerSuspicion{beredskap.SuspectWorkInQuarantine}
		}, "employer_name"},
		{"employer org without breach", func(in *followup.ReportInput) { in.EmployerOrg = "123456785" }, "employer_org"},
		// Issue 13, item 8: what was suspected is chosen from the fixed
		// list, not written.
		{"employer breach without what was suspected", func(in *followup.ReportInput) {
			in.EmployerBreach, in.EmployerOrg, in.EmployerName, in.EmployerText = true, "123456785", "Bygg AS", "no quarters"
		}, "employer_suspected"},
		{"unknown suspicion", func(in *followup.ReportInput) {
			in.EmployerBreach, in.EmployerOrg, in.EmployerName = true, "123456785", "Bygg AS"
			in.EmployerSuspected = []beredskap.EmployerSuspicion{"made them work"}
		}, "employer_suspected[0]"},
		{"suspicion given twice", func(in *followup.ReportInput) {
			in.EmployerBreach, in.EmployerOrg, in.EmployerName = true, "123456785", "Bygg AS"
			in.EmployerSuspected = []beredskap.EmployerSuspicion{beredskap.SuspectWorkBeforeTest, beredskap.SuspectWorkBeforeTest}
		}, "employer_suspected[1]"},
		{"suspicion without an employer breach", func(in *followup.ReportInput) {
			in.EmployerSuspected = []beredskap.EmployerSuspicion{beredskap.SuspectWorkInQuarantine}
		}, "employer_suspected"},
	}
	e, p := planned(t, kind)
	op := e.as("op@kontrollsenter.example", beredskap.RoleControlCentre, "")
	if _, err := e.svc.Claim(op, p.ID); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := reached()
			tt.change(&in)
			_, err := e.svc.FileReport(op, p.ID, in)
			code(t, err, beredskap.EINVALID, tt.field)
		})
	}
	if got := e.plan(p.Receipt); got.Attempts != 0 || got.ClaimedBy == "" {
		t.Errorf("refused reports changed the plan: %+v", got)
	}
}

// Issue 4: a report on a traveller not claimed by the operator is refused.
func TestReportNeedsClaim(t *testing.T) { teststore.Each(t, testReportNeedsClaim) }

func testReportNeedsClaim(t *testing.T, kind string) {
	e, p := planned(t, kind)
	op1 := e.as("op1@kontrollsenter.example", beredskap.RoleControlCentre, "")
	op2 := e.as("op2@kontrollsenter.example", beredskap.RoleControlCentre, "")
	_, err := e.svc.FileReport(op1, p.ID, reached())
	code(t, err, beredskap.ECONFLICT, "")
	e.audited("followup.report", "op1@kontrollsenter.example", beredskap.OutcomeFailed, p.Receipt)
	if _, err := e.svc.Claim(op2, p.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.FileReport(op1, p.ID, reached())
	code(t, err, beredskap.ECONFLICT, "")
	e.clock.Advance(20 * time.Minute) // op2's hold lapses
	_, err = e.svc.FileReport(op2, p.ID, reached())
	code(t, err, beredskap.ECONFLICT, "")
	if len(e.notices()) != 0 || e.plan(p.Receipt).Attempts != 0 {
		t.Errorf("a refused report left traces")
	}
}

func TestReportsUpdateThePlan(t *testing.T) { teststore.Each(t, testReportsUpdateThePlan) }

func testReportsUpdateThePlan(t *testing.T, kind string) {
	e, p := planned(t, kind)
	op := e.as("op@kontrollsenter.example", beredskap.RoleControlCentre, "")
	if _, err := e.svc.Claim(op, p.ID); err != nil {
		t.Fatal(err)
	}
	r1, err := e.svc.FileReport(op, p.ID, followup.ReportInput{Outcome: beredskap.CallNotReached, Language: "pl"})
	if err != nil {
		t.Fatal(err)
	}
	got := e.plan(p.Receipt)
	if got.Attempts != 1 || got.Reached || got.ClaimedBy != "" || got.LastReportAt == nil ||
		!got.NextCallAt.Equal(e.clock.Now().Add(2*time.Hour)) {
		t.Errorf("after not reached: %+v; want 1 attempt, released, next call in 2 h", got)
	}
	e.audited("followup.report", "op@kontrollsenter.example", beredskap.OutcomeOK, p.Receipt)
	_, err = e.svc.FileReport(op, p.ID, reached())
	code(t, err, beredskap.ECONFLICT, "") // released by the report

	// The retry: reached, with a suspected breach at a workplace and an
	// employer that does not meet its duties.
	e.clock.Advance(2 * time.Hour)
	if _, err := e.svc.ClaimNext(op, beredskap.QueueFilter{}); err != nil {
		t.Fatal(err)
	}
	in := reached()
	in.Breaches = []beredskap.BreachKind{beredskap.BreachWorkplace}
	in.EmployerBreach, in.EmployerOrg, in.EmployerName, in.EmployerText = true, "123 456 785", "Bygg AS", "works on a site with others"
	in.EmployerSuspected = []beredskap.EmployerSuspicion{beredskap.SuspectWorkInQuarantine, beredskap.SuspectNoConfirmation}
	r2, err := e.svc.FileReport(op, p.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if r2.EmployerOrg != "123456785" || r2.Operator != "op@kontrollsenter.example" || r2.Municipality != "0301" {
		t.Errorf("report %+v", r2)
	}
	got = e.plan(p.Receipt)
	if got.Attempts != 2 || !got.Reached || !got.BreachSuspected || !got.NextCallAt.Equal(at(2021, 2, 19, 9, 0)) {
		t.Errorf("after reached: %+v; want 2 attempts, reached, breach, next call day 3 09:00", got)
	}
	ns := e.notices()
	if len(ns) != 1 {
		t.Fatalf("%d labour notices; want 1", len(ns))
	}
	n := ns[0]
	// The notice names what was suspected from the list; the operator's
	// note stays with the report (issue 13, item 8).
	if n.ReportID != r2.ID || n.OrgNumber != "123456785" || n.EmployerName != "Bygg AS" ||
		!slices.Equal(n.Suspected, in.EmployerSuspected) || n.Suspicion != "" ||
		n.Municipality != "0301" || n.ArrivalDate != "2021-02-16" {
		t.Errorf("notice %+v", n)
	}
	if !slices.Equal(r2.EmployerSuspected, in.EmployerSuspected) || r2.EmployerText != "works on a site with others" {
		t.Errorf("report: suspected %v, note %q", r2.EmployerSuspected, r2.EmployerText)
	}

	// Corrections: the breach was a mistake.
	_, err = e.svc.CorrectReport(op, r2.ID, reached())
	code(t, err, beredskap.ECONFLICT, "") // not held
	if _, err := e.svc.Claim(op, p.ID); err != nil {
		t.Fatal(err)
	}
	c1, err := e.svc.CorrectReport(op, r2.ID, reached())
	if err != nil {
		t.Fatal(err)
	}
	if c1.Corrects != r2.ID {
		t.Errorf("correction corrects %d; want %d", c1.Corrects, r2.ID)
	}
	got = e.plan(p.Receipt)
	if got.Attempts != 2 || !got.Reached || got.BreachSuspected || got.ClaimedBy != "" {
		t.Errorf("after the correction: %+v; want 2 attempts, reached, no breach, released", got)
	}
	if _, err := e.svc.Claim(op, p.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.CorrectReport(op, r2.ID, reached())
	code(t, err, beredskap.ECONFLICT, "") // r2 is corrected already: correct c1
	// The first call was in fact answered.
	c2, err := e.svc.CorrectReport(op, r1.ID, reached())
	if err != nil {
		t.Fatal(err)
	}
	if c2.Corrects != r1.ID || len(e.notices()) != 1 {
		t.Errorf("correction %+v, %d notices", c2, len(e.notices()))
	}
	_, err = e.svc.CorrectReport(op, 9999, reached())
	code(t, err, beredskap.ENOTFOUND, "")
	var n2 int
	for _, en := range e.audit("followup.report") {
		if en.Outcome == beredskap.OutcomeOK {
			n2++
		}
	}
	if n2 != 4 {
		t.Errorf("%d followup.report entries ok; want 4 (two reports, two corrections)", n2)
	}
}

// Issue 13, item 8: a correction that changes what was suspected of the
// employer makes a new labour notice; one that changes only the
// operator's note does not, for the note is not sent on.
func TestCorrectionNoticesChangedSuspicion(t *testing.T) {
	teststore.Each(t, testCorrectionNoticesChangedSuspicion)
}

func testCorrectionNoticesChangedSuspicion(t *testing.T, kind string) {
	e, p := planned(t, kind)
	op := e.as("op@kontrollsenter.example", beredskap.RoleControlCentre, "")
	file := func(correct int64, suspected []beredskap.EmployerSuspicion, note string) *beredskap.CallReport {
		t.Helper()
		if _, err := e.svc.Claim(op, p.ID); err != nil {
			t.Fatal(err)
		}
		in := reached()
		in.EmployerBreach, in.EmployerOrg, in.EmployerName, in.EmployerText = true, "123456785", "Bygg AS", note
		in.EmployerSuspected = suspected
		var r *beredskap.CallReport
		var err error
		if correct == 0 {
			r, err = e.svc.FileReport(op, p.ID, in)
		} else {
			r, err = e.svc.CorrectReport(op, correct, in)
		}
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	first := file(0, []beredskap.EmployerSuspicion{beredskap.SuspectPlaceUnsuitable, beredskap.SuspectSharedLodging}, "")
	noteOnly := file(first.ID, []beredskap.EmployerSuspicion{beredskap.SuspectSharedLodging, beredskap.SuspectPlaceUnsuitable}, "checked twice")
	if n := len(e.notices()); n != 1 {
		t.Fatalf("%d notices after a correction of the note and the order only; want 1", n)
	}
	file(noteOnly.ID, []beredskap.EmployerSuspicion{beredskap.SuspectWorkBeforeTest}, "checked twice")
	ns := e.notices()
	if len(ns) != 2 {
		t.Fatalf("%d notices after a correction of what was suspected; want 2", len(ns))
	}
	var suspected [][]beredskap.EmployerSuspicion
	for _, n := range ns {
		suspected = append(suspected, n.Suspected)
	}
	if !slices.ContainsFunc(suspected, func(s []beredskap.EmployerSuspicion) bool {
		return slices.Equal(s, []beredskap.EmployerSuspicion{beredskap.SuspectWorkBeforeTest})
	}) {
		t.Errorf("notices name %v; want one naming only the test before work", suspected)
	}
}
