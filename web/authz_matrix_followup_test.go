package web_test

import (
	"fmt"
	"testing"

	"beredskap"
	"beredskap/followup"
)

// followUpMatrix is the authorization matrix of the control centre's and
// the labour inspectorate's routes (see authzMatrix for the columns). Only
// the control centre works the queue, files reports, sends SMS and
// changes templates (seed 000); the labour inspectorate and the control
// centre read the notices. Municipal users read their travellers on the
// municipal pages, not here. The report, correction and template forms are
// posted complete enough that only the role decides; the control centre's
// answer may be a refusal of the input (400, 409), which counts as
// allowed.
//
//	anonymous, border_officer, control_centre, municipal_officer own, municipal_officer other,
//	municipal_staff own, municipal_staff other, labour_inspector, county_governor, access_admin, citizen_support,
//	citizen
var followUpMatrix = []matrixRow{
	{Route: "GET /staff/followup", Path: "/staff/followup", Want: outcomes{L, F, A, F, F, F, F, F, F, F, F, L, F}},
	{Route: "POST /staff/followup/claim-next", Path: "/staff/followup/claim-next",
		Want: outcomes{L, F, A, F, F, F, F, F, F, F, F, L, F}},
	{Route: "GET /staff/followup/queue/{plan}", Path: "/staff/followup/queue/{plan}?receipt={receipt}",
		Want: outcomes{L, F, A, F, F, F, F, F, F, F, F, L, F}},
	{Route: "POST /staff/followup/queue/{plan}/claim", Path: "/staff/followup/queue/{plan}/claim",
		Want: outcomes{L, F, A, F, F, F, F, F, F, F, F, L, F}},
	{Route: "POST /staff/followup/queue/{plan}/reports", Path: "/staff/followup/queue/{plan}/reports",
		Form: "receipt={receipt}&outcome=not_reached", Want: outcomes{L, F, A, F, F, F, F, F, F, F, F, L, F}},
	{Route: "POST /staff/followup/queue/{plan}/sms", Path: "/staff/followup/queue/{plan}/sms",
		Form: "receipt={receipt}&sms_template=day2&do=preview", Want: outcomes{L, F, A, F, F, F, F, F, F, F, F, L, F}},
	{Route: "POST /staff/followup/reports/{report}/corrections", Path: "/staff/followup/reports/{report}/corrections",
		Form: "receipt={receipt}&outcome=not_reached", Want: outcomes{L, F, A, F, F, F, F, F, F, F, F, L, F}},
	{Route: "POST /staff/followup/queue/{plan}/release", Path: "/staff/followup/queue/{plan}/release",
		Want: outcomes{L, F, A, F, F, F, F, F, F, F, F, L, F}},
	{Route: "GET /staff/followup/templates", Path: "/staff/followup/templates",
		Want: outcomes{L, F, A, F, F, F, F, F, F, F, F, L, F}},
	{Route: "GET /staff/followup/templates/{key}/{language}", Path: "/staff/followup/templates/day2/nb",
		Want: outcomes{L, F, A, F, F, F, F, F, F, F, F, L, F}},
	{Route: "POST /staff/followup/templates/{key}/{language}", Path: "/staff/followup/templates/day2/nb",
		Form: "body=Hei {name}, husk karantenen til {last_day}. Ring {hotline}.",
		Want: outcomes{L, F, A, F, F, F, F, F, F, F, F, L, F}},
	{Route: "GET /staff/labour/notices", Path: "/staff/labour/notices", Want: outcomes{L, F, A, F, F, F, F, A, F, F, F, L, F}},

	{Route: "GET /api/v1/followup/queue", Path: "/api/v1/followup/queue", Want: outcomes{U, F, A, F, F, F, F, F, F, F, F, U, F}},
	{Route: "POST /api/v1/followup/claim-next", Path: "/api/v1/followup/claim-next",
		Want: outcomes{U, F, A, F, F, F, F, F, F, F, F, U, F}},
	{Route: "POST /api/v1/followup/plans/{plan}/claim", Path: "/api/v1/followup/plans/{plan}/claim",
		Want: outcomes{U, F, A, F, F, F, F, F, F, F, F, U, F}},
	{Route: "POST /api/v1/followup/plans/{plan}/reports", Path: "/api/v1/followup/plans/{plan}/reports", JSON: true,
		Want: outcomes{U, F, A, F, F, F, F, F, F, F, F, U, F}},
	{Route: "POST /api/v1/followup/reports/{report}/corrections", Path: "/api/v1/followup/reports/{report}/corrections", JSON: true,
		Want: outcomes{U, F, A, F, F, F, F, F, F, F, F, U, F}},
	{Route: "POST /api/v1/followup/plans/{plan}/sms", Path: "/api/v1/followup/plans/{plan}/sms", JSON: true,
		Want: outcomes{U, F, A, F, F, F, F, F, F, F, F, U, F}},
	{Route: "POST /api/v1/followup/plans/{plan}/release", Path: "/api/v1/followup/plans/{plan}/release",
		Want: outcomes{U, F, A, F, F, F, F, F, F, F, F, U, F}},
	{Route: "GET /api/v1/followup/sms-templates", Path: "/api/v1/followup/sms-templates",
		Want: outcomes{U, F, A, F, F, F, F, F, F, F, F, U, F}},
	{Route: "PUT /api/v1/followup/sms-templates/{key}/{language}", Path: "/api/v1/followup/sms-templates/day2/nb", JSON: true,
		Want: outcomes{U, F, A, F, F, F, F, F, F, F, F, U, F}},
	{Route: "GET /api/v1/labour-notices", Path: "/api/v1/labour-notices", Want: outcomes{U, F, A, F, F, F, F, A, F, F, F, U, F}},
}

// followUpFixture adds to the own and other values of the matrix what the
// follow-up rows name: plans for their registrations, held by centre, each
// with a call report ({plan} and {report}); and two free plans, one for
// each claim-next row.
func followUpFixture(t *testing.T, ts *testServer, centre *staffUser, own, other map[string]string) {
	t.Helper()
	for _, name := range []string{"Free", "Fri"} {
		mustPlan(t, ts, mustRegistration(t, ts, municipalityA, name), municipalityA, name)
	}
	for i, m := range []map[string]string{own, other} {
		p := mustPlan(t, ts, m["receipt"], m["municipality"], fmt.Sprintf("Matrix%d", i))
		mustClaim(t, ts, centre, p.ID)
		rep, err := ts.FollowUp.FileReport(actorOf(t, ts, centre), p.ID, followup.ReportInput{
			Outcome: beredskap.CallNotReached, Language: "pl",
		})
		if err != nil {
			t.Fatalf("file a report on plan %d: %v", p.ID, err)
		}
		// Filing lets go of the traveller; centre holds them again.
		mustClaim(t, ts, centre, p.ID)
		m["plan"], m["report"] = fmt.Sprint(p.ID), fmt.Sprint(rep.ID)
	}
}
