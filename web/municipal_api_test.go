package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"beredskap"
	"beredskap/followup"
)

// muniAPI fetches path with u's bearer token and returns the status and
// the body decoded as JSON (nil when it is not JSON).
func muniAPI(t *testing.T, f *muniFixture, u *staffUser, path string) (int, any) {
	t.Helper()
	resp := f.ts.get(t, path, "Authorization", "Bearer "+u.Token)
	data := readBody(t, resp)
	var body any
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(data, &body); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	return resp.StatusCode, body
}

// TestMunicipalAPI checks the municipal API's answers against the OpenAPI
// document, its scoping to the caller's municipality, and its errors
// naming the field (issue 4 point 7).
func TestMunicipalAPI(t *testing.T) {
	t.Parallel()
	f := newMuniFixture(t)
	f.report(t, followup.ReportInput{Outcome: beredskap.CallReached, Language: "pl", Understood: beredskap.UnderstoodYes,
		Breaches: []beredskap.BreachKind{beredskap.BreachSchool}, BreachText: "Took the children to school."})
	conform := func(name string, body any, schema string) {
		t.Helper()
		if errs := conformance(t, schema, body); errs != "" {
			t.Errorf("%s does not conform to %s: %s", name, schema, errs)
		}
	}

	status, body := muniAPI(t, f, f.officerA, "/api/v1/followup/travellers")
	if status != http.StatusOK {
		t.Fatalf("list: status %d: %v", status, body)
	}
	conform("list", body, "MunicipalTravellerList")
	items := body.(map[string]any)["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["receipt"] != f.receiptA ||
		items[0].(map[string]any)["breach_suspected"] != true {
		t.Errorf("list items %v; want %s with a suspected breach", items, f.receiptA)
	}

	status, body = muniAPI(t, f, f.officerA, "/api/v1/followup/travellers/"+f.receiptA)
	if status != http.StatusOK {
		t.Fatalf("timeline: status %d: %v", status, body)
	}
	conform("timeline", body, "MunicipalTimeline")
	if reports := body.(map[string]any)["reports"].([]any); len(reports) != 1 {
		t.Errorf("timeline reports %v; want 1", reports)
	}

	status, body = muniAPI(t, f, f.officerA, "/api/v1/followup/stats?from=2021-02-10&to=2021-02-20")
	if status != http.StatusOK {
		t.Fatalf("stats: status %d: %v", status, body)
	}
	conform("stats", body, "MunicipalStats")
	if m := body.(map[string]any)["municipality"]; m != municipalityA {
		t.Errorf("stats municipality %v; want %s", m, municipalityA)
	}

	resp := f.ts.get(t, "/api/v1/followup/export?format=csv", "Authorization", "Bearer "+f.officerA.Token)
	csv := string(readBody(t, resp))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(csv, "\r\n"+f.receiptA+",") || strings.Contains(csv, f.receiptB) {
		t.Errorf("export: status %d, type %q, body %q", resp.StatusCode, resp.Header.Get("Content-Type"), csv)
	}

	// Another municipality is refused in the API and not found by receipt.
	for _, path := range []string{
		"/api/v1/followup/travellers?municipality=" + municipalityB,
		"/api/v1/followup/export?format=csv&municipality=" + municipalityB,
		"/api/v1/followup/stats?from=2021-02-10&to=2021-02-20&municipality=" + municipalityB,
	} {
		if status, body := muniAPI(t, f, f.officerA, path); status != http.StatusForbidden {
			t.Errorf("%s: status %d (%v); want 403", path, status, body)
		}
	}
	if status, _ := muniAPI(t, f, f.officerA, "/api/v1/followup/travellers/"+f.receiptB); status != http.StatusNotFound {
		t.Errorf("another municipality's timeline: status %d; want 404", status)
	}

	// Bad input names the field.
	for _, c := range []struct {
		user  *staffUser
		path  string
		field string
	}{
		{f.officerA, "/api/v1/followup/travellers?arrival_from=16.02.2021", "arrival_from"},
		{f.officerA, "/api/v1/followup/travellers?not_reached=maybe", "not_reached"},
		{f.officerA, "/api/v1/followup/travellers?limit=500", "limit"},
		{f.officerA, "/api/v1/followup/travellers?language=xx", "language"},
		{f.centre, "/api/v1/followup/travellers", "municipality"},
		{f.officerA, "/api/v1/followup/export?format=pdf", "format"},
		{f.officerA, "/api/v1/followup/stats?to=2021-02-20", "from"},
		{f.officerA, "/api/v1/followup/stats?from=2021-01-01&to=2022-06-01", "to"},
	} {
		status, body := muniAPI(t, f, c.user, c.path)
		if status != http.StatusBadRequest {
			t.Errorf("%s: status %d; want 400", c.path, status)
			continue
		}
		conform(c.path, body, "Error")
		if got := body.(map[string]any)["error"].(map[string]any)["field"]; got != c.field {
			t.Errorf("%s: error.field %v; want %s", c.path, got, c.field)
		}
	}

	// The control centre names the municipality.
	status, body = muniAPI(t, f, f.centre, "/api/v1/followup/travellers?municipality="+municipalityB)
	if status != http.StatusOK || len(body.(map[string]any)["items"].([]any)) != 1 {
		t.Errorf("control centre, municipality B: status %d, %v", status, body)
	}
}

// TestMunicipalPaging checks that the list pages with a next-page link
// on the page and next_page_token in the API, without losing or
// repeating a traveller.
func TestMunicipalPaging(t *testing.T) {
	t.Parallel()
	f := newMuniFixture(t)
	want := []string{f.receiptA}
	for _, name := range []string{"Cecilie", "Dina", "Eva"} {
		want = append(want, muniRegister(t, f.ts, municipalityA, name, "Haug"))
	}
	if _, _, err := f.ts.FollowUp.PlanPass(beredskap.WithActor(t.Context(), beredskap.SystemActor())); err != nil {
		t.Fatal(err)
	}
	var got []string
	path := "/api/v1/followup/travellers?limit=3"
	for range 5 {
		status, body := muniAPI(t, f, f.officerA, path)
		if status != http.StatusOK {
			t.Fatalf("%s: status %d", path, status)
		}
		m := body.(map[string]any)
		for _, it := range m["items"].([]any) {
			got = append(got, it.(map[string]any)["receipt"].(string))
		}
		next, _ := m["next_page_token"].(string)
		if next == "" {
			break
		}
		path = "/api/v1/followup/travellers?limit=3&page_token=" + next
	}
	if !sameSet(got, want) {
		t.Errorf("paged receipts %v; want %v", got, want)
	}
}
