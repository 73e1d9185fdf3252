package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"beredskap"
)

// TestUnknownAddressesGetTheSitesPage checks that an address no route
// takes is answered in the site's layout and language (JSON under /api/),
// not with the mux's plain "404 page not found".
func TestUnknownAddressesGetTheSitesPage(t *testing.T) {
	t.Parallel()
	ts := staffServer(t)
	nb := locale(t, "nb")
	for _, c := range []struct {
		path, want string
	}{
		{"/no-such-page?lang=nb", nb["error.title.not_found"]},
		{"/receipt?lang=nb", nb["error.title.not_found"]},
		{"/staff/no-such-page?lang=nb", "Fant ikke siden"},
	} {
		resp := ts.get(t, c.path)
		body := string(readBody(t, resp))
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d; want 404", c.path, resp.StatusCode)
		}
		if !strings.Contains(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, `<html lang="nb"`) ||
			!strings.Contains(body, c.want) || !strings.Contains(body, "site-header") {
			t.Errorf("GET %s: not the site's page in bokmål with %q:\n%s", c.path, c.want, body)
		}
	}

	resp := ts.get(t, "/api/v1/no-such-thing")
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	decodeJSON(t, resp, &e)
	if resp.StatusCode != http.StatusNotFound || e.Error.Code != "not_found" {
		t.Errorf("GET /api/v1/no-such-thing: status %d, code %q; want 404 not_found", resp.StatusCode, e.Error.Code)
	}

	// A path that has routes, but not for this method: 405 with Allow,
	// on the site's page.
	resp = ts.post(t, "/staff/audit?lang=en", nil, "Content-Type", "application/x-www-form-urlencoded")
	body := string(readBody(t, resp))
	if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(resp.Header.Get("Allow"), "GET") ||
		!strings.Contains(body, "site-header") {
		t.Errorf("POST /staff/audit: status %d, Allow %q; want 405 on the site's page:\n%s",
			resp.StatusCode, resp.Header.Get("Allow"), body)
	}
}

// TestForbiddenPageNamesTheRole checks that a staff member who opens a
// page that is not for their role gets a 403 in the staff layout, with
// the navigation, saying so, and not the message about forms from other
// sites.
func TestForbiddenPageNamesTheRole(t *testing.T) {
	t.Parallel()
	ts := staffServer(t)
	u := mustAddStaffUser(t, ts, "inspector@example.no", beredskap.RoleLabourInspector, beredskap.Scope{Kind: beredskap.ScopeLabourInspectorate})
	mustLogIn(t, ts, u)
	doc := mustPage(t, ts, u, "/staff/users?lang=nb", http.StatusForbidden)
	text := textOf(doc, "#error-text")
	if !strings.Contains(text, "ikke for rollen din") || !strings.Contains(text, "Arbeidstilsynet") {
		t.Errorf("403 text %q does not say the page is not for the role", text)
	}
	if strings.Contains(text, "nettsted") {
		t.Errorf("403 text %q speaks of forms from other sites", text)
	}
	if doc.Find(".site-nav a").Length() == 0 || doc.Find("#logout").Length() != 1 {
		t.Error("the 403 page has no staff navigation or logout button")
	}
}

// TestExpiredFormOffersReload checks that a logged-in staff member whose
// form is refused for a missing or stale security token (the page was
// open across a new login) is told the form expired and offered to open
// it again, in the page's language, and not told the page is not for
// their role.
func TestExpiredFormOffersReload(t *testing.T) {
	t.Parallel()
	ts := staffServer(t)
	officer := mustAddStaffUser(t, ts, "officer@a.test", beredskap.RoleMunicipalOfficer, municipal(municipalityA))
	mustLogIn(t, ts, officer)
	for _, lang := range staffLanguages {
		loc := staffLocale(t, lang)
		for _, token := range []string{"", "stale-token-of-an-earlier-session"} {
			form := validOrder(municipalityA, "second@a.test")
			if token != "" {
				form.Set("csrf", token)
			}
			resp := staffRequest(t, ts, officer, http.MethodPost, "/staff/access-orders?lang="+lang, form, true)
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("%s, token %q: status %d; want 403", lang, token, resp.StatusCode)
			}
			doc := document(t, resp)
			if got := textOf(doc, "h1"); got != loc["error.title.form_expired"] {
				t.Errorf("%s: title %q; want %q", lang, got, loc["error.title.form_expired"])
			}
			if got := textOf(doc, "#error-text"); got != loc["error.text.form_expired"] {
				t.Errorf("%s: text %q; want %q", lang, got, loc["error.text.form_expired"])
			}
			reload := doc.Find("#error-reload")
			if href := reload.AttrOr("href", ""); href != "/staff/access-orders?lang="+lang || textOf(doc, "#error-reload") != loc["error.reload"] {
				t.Errorf("%s: reload link %q %q; want the form's page /staff/access-orders?lang=%s", lang, href, textOf(doc, "#error-reload"), lang)
			}
			if doc.Find("#logout").Length() != 1 {
				t.Errorf("%s: the page lost the staff navigation", lang)
			}
		}
	}
	// The page the link leads to opens, with a fresh form.
	doc := mustPage(t, ts, officer, "/staff/access-orders?lang=en", http.StatusOK)
	if doc.Find(`input[name="csrf"]`).Length() == 0 {
		t.Error("the form's page has no form to send again")
	}

}

// TestExpiredReportFormLeadsBackToThePlan checks that the control
// centre's call report, refused as expired, offers to open the traveller's
// page again, which answers.
func TestExpiredReportFormLeadsBackToThePlan(t *testing.T) {
	ts, centre, p := followUpServer(t, true)
	form := breachReport(p.Receipt, validOrg)
	form.Set("csrf", "stale-token-of-an-earlier-session")
	doc := mustPage(t, ts, centre, planPath(p, "en"), http.StatusOK)
	action := doc.Find("#report-form").AttrOr("action", "")
	resp := staffRequest(t, ts, centre, http.MethodPost, action, form, true)
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("status %d; want 403", resp.StatusCode)
	}
	reload := document(t, resp).Find("#error-reload").AttrOr("href", "")
	if !strings.HasPrefix(reload, fmt.Sprintf("/staff/followup/queue/%d?", p.ID)) {
		t.Fatalf("reload link %q; want the traveller's page", reload)
	}
	if doc := mustPage(t, ts, centre, reload, http.StatusOK); doc.Find("#report-form").Length() != 1 {
		t.Errorf("the page at %s has no report form", reload)
	}
}
