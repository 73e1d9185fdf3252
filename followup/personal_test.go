package followup_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"beredskap"
	"beredskap/internal/teststore"
)

// Issue 13, item 8: a labour notice names the employer and what was
// suspected, never the traveller. Text that holds an identity number, a
// phone number, or the traveller's name or birth date is refused naming
// the field, and nothing is stored; the notice of a clean report carries
// none of them.
func TestLabourNoticeCarriesNoPersonalData(t *testing.T) {
	teststore.Each(t, testLabourNoticeCarriesNoPersonalData)
}

func testLabourNoticeCarriesNoPersonalData(t *testing.T, kind string) {
	e, p := planned(t, kind)
	op := e.as("op@kontrollsenter.example", beredskap.RoleControlCentre, "")
	if _, err := e.svc.Claim(op, p.ID); err != nil {
		t.Fatal(err)
	}
	// The traveller of planned(): Anna Kowalska, born 1990-05-17, phone
	// +48601234567.
	for _, c := range []struct{ name, text, field, reason string }{
		{"Bygg AS", "Anna Kowalska must work during quarantine", "employer_text", "personal_traveller"},
		{"Bygg AS", "the worker born 17.05.1990 is made to work", "employer_text", "personal_traveller"},
		{"Bygg AS", "worker 170590 12345 is made to work", "employer_text", "personal_national_id"},
		{"Bygg AS", "call him at +48 601 234 567", "employer_text", "personal_phone"},
		{"Bygg AS", "the foreman answers on 912 34 567", "employer_text", "personal_phone"},
		{"Bygg AS v/ 17059012345", "made to work during quarantine", "employer_name", "personal_national_id"},
	} {
		in := reached()
		in.EmployerBreach, in.EmployerOrg, in.EmployerName, in.EmployerText = true, "974760673", c.name, c.text
		in.EmployerSuspected = []beredskap.EmployerSuspicion{beredskap.SuspectWorkInQuarantine}
		_, err := e.svc.FileReport(op, p.ID, in)
		var be *beredskap.Error
		if !errors.As(err, &be) || be.Code != beredskap.EINVALID || be.Field != c.field || be.Reason != c.reason {
			t.Errorf("%q / %q: %v; want EINVALID %s %s", c.name, c.text, err, c.field, c.reason)
		}
	}
	if n := len(e.notices()); n != 0 {
		t.Fatalf("%d notices after refused reports; want none", n)
	}

	in := reached()
	in.EmployerBreach, in.EmployerOrg, in.EmployerName, in.EmployerText = true, "974 760 673", "Bygg AS", "made to work on a site with others during quarantine"
	in.EmployerSuspected = []beredskap.EmployerSuspicion{beredskap.SuspectWorkInQuarantine}
	if _, err := e.svc.FileReport(op, p.ID, in); err != nil {
		t.Fatal(err)
	}
	ns := e.notices()
	if len(ns) != 1 {
		t.Fatalf("%d notices; want 1", len(ns))
	}
	if ns[0].Suspicion != "" {
		t.Errorf("the notice carries the operator's note %q; want only what was suspected, from the list", ns[0].Suspicion)
	}
	all := strings.ToLower(fmt.Sprint(ns[0].EmployerName, ns[0].Suspected, ns[0].OrgNumber))
	for _, personal := range []string{"anna", "kowalska", "1990", "17.05", "601234567", "+48"} {
		if strings.Contains(all, personal) {
			t.Errorf("the notice holds %q: %+v", personal, ns[0])
		}
	}
}
