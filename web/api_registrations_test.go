package web_test

import (
	"net/http"
	"slices"
	"testing"

	"beredskap"
	"beredskap/web"
)

// registrationPage is the body of GET /api/v1/registrations.
type registrationPage struct {
	Items []struct {
		Receipt      string         `json:"receipt"`
		Municipality string         `json:"municipality"`
		Traveller    map[string]any `json:"traveller"`
		Decision     map[string]any `json:"decision"`
	} `json:"items"`
	NextPageToken string `json:"next_page_token"`
}

// listAll follows next_page_token from path as u and returns the receipts
// of every page and how many pages there were.
func listAll(t *testing.T, ts *testServer, u *staffUser, path string) ([]string, int) {
	t.Helper()
	var receipts []string
	pages := 0
	next := path
	for next != "" {
		resp := ts.get(t, next, "Authorization", "Bearer "+u.Token)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d: %s", next, resp.StatusCode, readBody(t, resp))
		}
		var page registrationPage
		decodeJSON(t, resp, &page)
		pages++
		for _, it := range page.Items {
			if it.Traveller["last_name"] == nil || it.Decision["quarantine"] == nil {
				t.Errorf("item %s lacks the traveller or the decision: %+v", it.Receipt, it)
			}
			receipts = append(receipts, it.Receipt)
		}
		next = ""
		if page.NextPageToken != "" {
			next = path + "&page_token=" + page.NextPageToken
		}
		if pages > 10 {
			t.Fatal("more than 10 pages")
		}
	}
	return receipts, pages
}

func TestStaffAPIListPagingAndScope(t *testing.T) {
	t.Parallel()
	ts := staffServer(t)
	a1 := mustRegistration(t, ts, municipalityA, "One")
	a2 := mustRegistration(t, ts, municipalityA, "Two")
	b1 := mustRegistration(t, ts, municipalityB, "Three")
	centre := mustAddStaffUser(t, ts, "centre@example.no", beredskap.RoleControlCentre, national)
	officer := mustAddStaffUser(t, ts, "officer@example.no", beredskap.RoleMunicipalOfficer, municipal(municipalityA))
	border := mustAddStaffUser(t, ts, "border@example.no", beredskap.RoleBorderOfficer, national)

	got, pages := listAll(t, ts, centre, "/api/v1/registrations?limit=1")
	if want := []string{b1, a2, a1}; !slices.Equal(got, want) || pages != 3 {
		t.Errorf("control centre, one a page: %v in %d pages; want %v (newest first) in 3", got, pages, want)
	}
	got, _ = listAll(t, ts, officer, "/api/v1/registrations?limit=50")
	if want := []string{a2, a1}; !slices.Equal(got, want) {
		t.Errorf("municipal officer of %s: %v; want only %v", municipalityA, got, want)
	}
	got, _ = listAll(t, ts, officer, "/api/v1/registrations?municipality="+municipalityA)
	if want := []string{a2, a1}; !slices.Equal(got, want) {
		t.Errorf("municipal officer naming their own municipality: %v; want %v", got, want)
	}

	tests := []struct {
		name, path, auth string
		status           int
		code             beredskap.Code
		field            string
	}{
		{"other municipality", "/api/v1/registrations?municipality=" + municipalityB, officer.Token, 403, beredskap.EFORBIDDEN, ""},
		{"border officer may not list", "/api/v1/registrations", border.Token, 403, beredskap.EFORBIDDEN, ""},
		{"no token", "/api/v1/registrations", "", 401, beredskap.EUNAUTHORIZED, ""},
		{"unknown token", "/api/v1/registrations", "not-a-token", 401, beredskap.EUNAUTHORIZED, ""},
		{"limit zero", "/api/v1/registrations?limit=0", centre.Token, 400, beredskap.EINVALID, "limit"},
		{"limit too large", "/api/v1/registrations?limit=201", centre.Token, 400, beredskap.EINVALID, "limit"},
		{"bad page token", "/api/v1/registrations?page_token=zz!", centre.Token, 400, beredskap.EINVALID, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.auth != "" {
				headers = []string{"Authorization", "Bearer " + tt.auth}
			}
			resp := ts.get(t, tt.path, headers...)
			var body apiError
			decodeJSON(t, resp, &body)
			if resp.StatusCode != tt.status || body.Error.Code != tt.code || (tt.field != "" && body.Error.Field != tt.field) {
				t.Errorf("status %d, %+v; want %d %s on %q", resp.StatusCode, body.Error, tt.status, tt.code, tt.field)
			}
			if tt.status == 401 && resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("a 401 without WWW-Authenticate")
			}
		})
	}
}

func TestStaffAPIGetRegistration(t *testing.T) {
	t.Parallel()
	ts := staffServer(t)
	a := mustRegistration(t, ts, municipalityA, "Own")
	b := mustRegistration(t, ts, municipalityB, "Other")
	officer := mustAddStaffUser(t, ts, "officer@example.no", beredskap.RoleMunicipalOfficer, municipal(municipalityA))
	border := mustAddStaffUser(t, ts, "border@example.no", beredskap.RoleBorderOfficer, national)
	labour := mustAddStaffUser(t, ts, "labour@example.no", beredskap.RoleLabourInspector,
		beredskap.Scope{Kind: beredskap.ScopeLabourInspectorate})

	tests := []struct {
		name    string
		user    *staffUser
		receipt string
		status  int
	}{
		{"own municipality", officer, a, 200},
		{"other municipality is not found", officer, b, 404},
		{"missing", officer, "00000-00000-0", 404},
		{"border officer looks one up", border, b, 200},
		{"labour inspector may read none: not found (docs/contract.md)", labour, a, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.get(t, "/api/v1/registrations/"+tt.receipt, "Authorization", "Bearer "+tt.user.Token)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d: %s; want %d", resp.StatusCode, readBody(t, resp), tt.status)
			}
			if tt.status != 200 {
				readBody(t, resp)
				return
			}
			var got beredskap.StoredRegistration
			decodeJSON(t, resp, &got)
			if got.Receipt != tt.receipt || got.Registration.Traveller.FirstName != "Anna" || got.Decision.RuleSet.ID == "" {
				t.Errorf("got %+v; want the registration %s with its decision", got, tt.receipt)
			}
		})
	}
}

// auditPage is the body of GET /api/v1/audit.
type auditPage struct {
	Items []struct {
		Actor   string `json:"actor"`
		Role    string `json:"role"`
		Action  string `json:"action"`
		At      string `json:"at"`
		Outcome string `json:"outcome"`
	} `json:"items"`
	NextPageToken string `json:"next_page_token"`
}

func TestStaffAPIAudit(t *testing.T) {
	t.Parallel()
	ts := staffServer(t)
	a := mustRegistration(t, ts, municipalityA, "Own")
	officer := mustAddStaffUser(t, ts, "officer@example.no", beredskap.RoleMunicipalOfficer, municipal(municipalityA))
	admin := mustAddStaffUser(t, ts, "admin@example.no", beredskap.RoleAccessAdmin, national)
	centre := mustAddStaffUser(t, ts, "centre@example.no", beredskap.RoleControlCentre, national)
	for range 2 {
		readBody(t, ts.get(t, "/api/v1/registrations/"+a, "Authorization", "Bearer "+officer.Token))
	}

	resp := ts.get(t, "/api/v1/audit?receipt="+a+"&limit=1", "Authorization", "Bearer "+admin.Token)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, readBody(t, resp))
	}
	var first auditPage
	decodeJSON(t, resp, &first)
	if len(first.Items) != 1 || first.NextPageToken == "" {
		t.Fatalf("first page %+v; want one entry and a next page", first)
	}
	e := first.Items[0]
	if e.Actor != officer.Email || e.Role != string(beredskap.RoleMunicipalOfficer) || e.Action == "" || e.At == "" {
		t.Errorf("entry %+v; want the officer's read with role and time", e)
	}
	resp = ts.get(t, "/api/v1/audit?receipt="+a+"&limit=1&page_token="+first.NextPageToken, "Authorization", "Bearer "+admin.Token)
	var second auditPage
	decodeJSON(t, resp, &second)
	if len(second.Items) != 1 || second.Items[0].Actor != officer.Email {
		t.Errorf("second page %+v; want the officer's second read", second)
	}

	for _, u := range []*staffUser{officer, centre} {
		resp := ts.get(t, "/api/v1/audit?receipt="+a, "Authorization", "Bearer "+u.Token)
		readBody(t, resp)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d; want 403", u.Role, resp.StatusCode)
		}
	}
	resp = ts.get(t, "/api/v1/audit?receipt="+a+"&from=yesterday", "Authorization", "Bearer "+admin.Token)
	var bad apiError
	decodeJSON(t, resp, &bad)
	if resp.StatusCode != http.StatusBadRequest || bad.Error.Field != "from" {
		t.Errorf("from=yesterday: status %d, %+v; want 400 on from", resp.StatusCode, bad.Error)
	}
}

// TestAuditCarriesAddressAndRequestID checks that the actor the middleware
// builds reaches the audit trail with the client address (from
// X-Forwarded-For only behind a trusted proxy) and the request id.
func TestAuditCarriesAddressAndRequestID(t *testing.T) {
	t.Parallel()
	for _, trust := range []bool{false, true} {
		ts := startServerWith(t, web.Config{TrustProxy: trust}, serverOptions{staff: manyLogins})
		a := mustRegistration(t, ts, municipalityA, "Own")
		officer := mustAddStaffUser(t, ts, "officer@example.no", beredskap.RoleMunicipalOfficer, municipal(municipalityA))
		resp := ts.get(t, "/api/v1/registrations/"+a, "Authorization", "Bearer "+officer.Token,
			"X-Forwarded-For", "203.0.113.9", "X-Request-Id", "req-audit-1")
		readBody(t, resp)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		system := beredskap.WithActor(t.Context(), beredskap.SystemActor())
		entries, _, err := ts.Staff.SearchAudit(system, beredskap.AuditFilter{Receipt: a})
		if err != nil || len(entries) == 0 {
			t.Fatalf("audit of %s: %v, %v", a, entries, err)
		}
		want := "127.0.0.1"
		if trust {
			want = "203.0.113.9"
		}
		e := entries[len(entries)-1]
		if e.Address != want || e.RequestID != "req-audit-1" || e.Actor != officer.Email {
			t.Errorf("trust=%v: entry by %s from %q, request %q; want %s from %s, request req-audit-1",
				trust, e.Actor, e.Address, e.RequestID, officer.Email, want)
		}
	}
}
