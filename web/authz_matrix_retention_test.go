package web_test

import (
	"fmt"
	"testing"

	"beredskap"
	"beredskap/retention"
)

// retentionMatrix is the authorization matrix of legal holds and the
// citizen's copy of their data (see authzMatrix for the columns). Only the
// municipal officer holds, releases and lists holds, of their own
// municipality; the citizen downloads their own data. The statistics that
// remain after purges are for the control centre, the county governor
// and municipal officers and staff (each page shows only their reach; see
// TestStatisticsPageScope).
//
//	anonymous, border_officer, control_centre, municipal_officer own, municipal_officer other,
//	municipal_staff own, municipal_staff other, labour_inspector, county_governor, access_admin, citizen_support,
//	citizen, hotel_coordinator
var retentionMatrix = []matrixRow{
	{Route: "GET /staff/legal-holds", Path: "/staff/legal-holds", Want: outcomes{L, F, F, A, A, F, F, F, F, F, F, L, F}},
	{Route: "POST /staff/legal-holds", Path: "/staff/legal-holds", Form: "receipt={receipt}&reason=&until=x",
		Want: outcomes{L, F, F, A, A, F, F, F, F, F, F, L, F}},
	{Route: "POST /staff/legal-holds/{hold}/release", Path: "/staff/legal-holds/{hold2}/release",
		Want: outcomes{L, F, F, A, N, F, F, F, F, F, F, L, F}},
	{Route: "GET /api/v1/legal-holds", Path: "/api/v1/legal-holds", Want: outcomes{U, F, F, A, A, F, F, F, F, F, F, U, F}},
	{Route: "POST /api/v1/legal-holds", Path: "/api/v1/legal-holds", JSON: true, Want: outcomes{U, F, F, A, A, F, F, F, F, F, F, U, F}},
	{Route: "POST /api/v1/legal-holds/{hold}/release", Path: "/api/v1/legal-holds/{hold}/release",
		Want: outcomes{U, F, F, A, N, F, F, F, F, F, F, U, F}},
	{Route: "GET /staff/statistics", Path: "/staff/statistics", Want: outcomes{L, F, A, A, A, A, A, F, A, F, F, L, F}},
	{Route: "GET /staff/corrections", Path: "/staff/corrections", Want: outcomes{L, F, F, F, F, F, F, F, F, F, A, L, F}},
	{Route: "POST /staff/corrections/{correction}/close", Path: "/staff/corrections/{correction}/close", Form: "answer=",
		Want: outcomes{L, F, F, F, F, F, F, F, F, F, A, L, F}},
	{Route: "GET /api/v1/corrections", Path: "/api/v1/corrections", Want: outcomes{U, F, F, F, F, F, F, F, F, F, A, U, F}},
	{Route: "POST /api/v1/corrections/{correction}/close", Path: "/api/v1/corrections/{correction}/close", JSON: true,
		Want: outcomes{U, F, F, F, F, F, F, F, F, F, A, U, F}},
	{Route: "POST /citizen/correction", Path: "/citizen/correction", Form: "text=", Want: outcomes{C, C, C, C, C, C, C, C, C, C, C, A, C}},
	{Route: "GET /citizen/my-data.json", Path: "/citizen/my-data.json", Want: outcomes{C, C, C, C, C, C, C, C, C, C, C, A, C}},
	{Route: "GET /citizen/my-data.pdf", Path: "/citizen/my-data.pdf", Want: outcomes{C, C, C, C, C, C, C, C, C, C, C, A, C}},
}

// retentionFixture puts a legal hold on each municipality's registration.
func retentionFixture(t *testing.T, ts *testServer, own, other map[string]string) {
	t.Helper()
	ctx := beredskap.WithActor(t.Context(), beredskap.SystemActor())
	until := ts.FollowUpClock.Now().AddDate(0, 1, 0).Format("2006-01-02")
	for _, m := range []map[string]string{own, other} {
		for _, key := range []string{"hold", "hold2"} {
			h, err := ts.Retention.CreateHold(ctx, retention.HoldRequest{Receipt: m["receipt"], Reason: "police case", Until: until})
			if err != nil {
				t.Fatalf("hold of %s: %v", m["receipt"], err)
			}
			m[key] = fmt.Sprint(h.ID)
		}
		m["correction"] = "1"
	}
}
