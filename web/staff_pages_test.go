package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"beredskap"
)

// TestStaffPageHome checks the home page of each kind of role:
// who is logged in, in which role and scope, and links to exactly what
// the role may use.
func TestStaffPageHome(t *testing.T) {
	ts := staffServer(t)
	cases := []struct {
		email string
		role  beredskap.Role
		scope beredskap.Scope
		links []string // hrefs (without query) of the task list
	}{
		{"officer@a.test", beredskap.RoleMunicipalOfficer, municipal(municipalityA),
			[]string{"/staff/registrations", "/staff/access-orders", "/staff/access-orders/new", "/staff/followup/travellers",
				"/staff/dispensations", "/staff/delegations", "/staff/rule-impact", "/staff/legal-holds", "/staff/statistics"}},
		{"staff@a.test", beredskap.RoleMunicipalStaff, municipal(municipalityA),
			[]string{"/staff/registrations", "/staff/followup/travellers", "/staff/dispensations", "/staff/statistics"}},
		{"centre@helfo.test", beredskap.RoleControlCentre, national,
			[]string{"/staff/registrations", "/staff/followup", "/staff/followup/templates", "/staff/labour/notices",
				"/staff/rule-impact", "/staff/statistics"}},
		{"border@politiet.test", beredskap.RoleBorderOfficer, national, []string{"/staff/registrations", "/staff/allocate"}},
		{"admin@helfo.test", beredskap.RoleAccessAdmin, national, []string{"/staff/access-orders", "/staff/users", "/staff/audit"}},
		{"labour@arbeidstilsynet.test", beredskap.RoleLabourInspector, beredskap.Scope{Kind: beredskap.ScopeLabourInspectorate},
			[]string{"/staff/labour/notices"}},
		{"hotel@a.test", beredskap.RoleHotelCoordinator, municipal(municipalityA), []string{"/staff/registrations", "/staff/hotels", "/staff/allocate", "/staff/stays", "/staff/invoices", "/staff/rule-impact"}},
		{"county@statsforvalteren.test", beredskap.RoleCountyGovernor, beredskap.Scope{Kind: beredskap.ScopeCounty, Code: countyA},
			[]string{"/staff/statistics"}},
	}
	for _, c := range cases {
		t.Run(string(c.role), func(t *testing.T) {
			u := mustAddStaffUser(t, ts, c.email, c.role, c.scope)
			mustLogIn(t, ts, u)
			for _, lang := range staffLanguages {
				loc := staffLocale(t, lang)
				doc := mustPage(t, ts, u, "/staff?lang="+lang, http.StatusOK)
				if got, _ := doc.Find("html").Attr("lang"); got != lang {
					t.Errorf("%s: html lang %q", lang, got)
				}
				if got, want := textOf(doc, "#staff-email"), c.email; got != want {
					t.Errorf("%s: e-mail %q; want %q", lang, got, want)
				}
				if got, want := textOf(doc, "#staff-role"), loc["staff.role."+string(c.role)]; got != want {
					t.Errorf("%s: role %q; want %q", lang, got, want)
				}
				if c.scope.Kind == beredskap.ScopeMunicipality && !strings.Contains(textOf(doc, "#staff-scope"), "Oslo") {
					t.Errorf("%s: scope %q does not name Oslo", lang, textOf(doc, "#staff-scope"))
				}
				var got []string
				doc.Find("#staff-tasks a").Each(func(_ int, a *goquery.Selection) {
					href, _ := a.Attr("href")
					path, _, _ := strings.Cut(href, "?")
					got = append(got, path)
				})
				if strings.Join(got, " ") != strings.Join(c.links, " ") {
					t.Errorf("%s: task links %v; want %v", lang, got, c.links)
				}
				if c.links == nil && doc.Find("#staff-no-tasks").Length() != 1 {
					t.Errorf("%s: no note that the role has no pages", lang)
				}
			}
		})
	}
	if resp := staffGet(t, ts, nil, "/staff"); resp.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("anonymous /staff: status %d, Location %q; want a redirect to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestStaffPageRegistrations checks that a municipal officer lists
// only their municipality's registrations, 50 a page, and cannot open
// another's, that the control centre lists all and filters, and that roles
// that may not list are refused.
func TestStaffPageRegistrations(t *testing.T) {
	ts := staffServer(t)
	var inA []string
	for i := range 51 {
		inA = append(inA, mustRegistration(t, ts, municipalityA, "Oslo"+string(rune('a'+i%26))))
	}
	inB := mustRegistration(t, ts, municipalityB, "Bergen")
	officer := mustAddStaffUser(t, ts, "officer@a.test", beredskap.RoleMunicipalOfficer, municipal(municipalityA))
	centre := mustAddStaffUser(t, ts, "centre@helfo.test", beredskap.RoleControlCentre, national)
	labour := mustAddStaffUser(t, ts, "labour@arbeidstilsynet.test", beredskap.RoleLabourInspector, beredskap.Scope{Kind: beredskap.ScopeLabourInspectorate})
	border := mustAddStaffUser(t, ts, "border@politiet.test", beredskap.RoleBorderOfficer, national)
	for _, u := range []*staffUser{officer, centre, labour, border} {
		mustLogIn(t, ts, u)
	}

	receipts := func(path string, u *staffUser) ([]string, string) {
		t.Helper()
		doc := mustPage(t, ts, u, path, http.StatusOK)
		var got []string
		doc.Find("#registrations tbody tr").Each(func(_ int, tr *goquery.Selection) {
			got = append(got, tr.AttrOr("data-receipt", ""))
		})
		return got, doc.Find("#next-page").AttrOr("href", "")
	}
	first, next := receipts("/staff/registrations?lang=nb", officer)
	if len(first) != 50 || next == "" {
		t.Fatalf("officer's first page: %d rows, next %q; want 50 and a next link", len(first), next)
	}
	second, next2 := receipts(next, officer)
	if len(second) != 1 || next2 != "" {
		t.Errorf("officer's second page: %d rows, next %q; want 1 and none", len(second), next2)
	}
	seen := map[string]bool{}
	for _, r := range append(first, second...) {
		seen[r] = true
	}
	for _, r := range inA {
		if !seen[r] {
			t.Errorf("officer does not see %s of their municipality", r)
		}
	}
	if seen[inB] {
		t.Errorf("officer of A sees %s of B", inB)
	}

	doc := mustPage(t, ts, officer, "/staff/registrations/"+inA[0]+"?lang=en", http.StatusOK)
	if got := textOf(doc, "#receipt-code"); got != inA[0] {
		t.Errorf("registration page shows %q; want %q", got, inA[0])
	}
	if doc.Find("#decision-headline").Text() == "" {
		t.Errorf("registration page shows no decision")
	}
	notFound := mustPage(t, ts, officer, "/staff/registrations/"+inB+"?lang=nb", http.StatusNotFound)
	// An error on a staff page keeps the staff frame: its languages, and
	// the way back leads to the staff pages.
	if back, _ := notFound.Find("#error-back").Attr("href"); back != "/staff?lang=nb" {
		t.Errorf("not-found page leads back to %q; want /staff?lang=nb", back)
	}
	if home, _ := notFound.Find("#site-home").Attr("href"); home != "/staff?lang=nb" {
		t.Errorf("the site name on a staff page leads to %q; want /staff?lang=nb", home)
	}
	for _, lang := range staffLanguages {
		if notFound.Find(`a[hreflang="`+lang+`"]`).Length() == 0 {
			t.Errorf("a staff error page does not offer %s", lang)
		}
	}

	all, _ := receipts("/staff/registrations?lang=en", centre)
	if len(all) != 50 || all[0] != inB {
		t.Errorf("control centre's first page: %d rows starting %v; want 50 starting with %s", len(all), all[:1], inB)
	}
	onlyB, _ := receipts("/staff/registrations?lang=en&filter_municipality="+municipalityB, centre)
	if len(onlyB) != 1 || onlyB[0] != inB {
		t.Errorf("control centre filtered to B: %v; want [%s]", onlyB, inB)
	}

	mustPage(t, ts, labour, "/staff/registrations", http.StatusForbidden)
	// Whether the service calls it forbidden or not found, the labour
	// inspector sees no registration.
	if resp := staffGet(t, ts, labour, "/staff/registrations/"+inA[0]); readBody(t, resp) != nil &&
		resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
		t.Errorf("labour inspector reading %s: status %d; want 403 or 404", inA[0], resp.StatusCode)
	}
	// The border officer may look a receipt up but not list.
	doc = mustPage(t, ts, border, "/staff/registrations?lang=en", http.StatusOK)
	if doc.Find("#registrations").Length() != 0 || doc.Find("#lookup-form").Length() != 1 {
		t.Errorf("border officer: want the look-up form and no list")
	}
	resp := staffGet(t, ts, border, "/staff/registrations?lang=en&receipt="+url.QueryEscape(inB))
	readBody(t, resp)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/staff/registrations/"+inB) {
		t.Fatalf("look-up: status %d, Location %q", resp.StatusCode, loc)
	}
	mustPage(t, ts, border, "/staff/registrations/"+inB+"?lang=en", http.StatusOK)
}

// TestStaffPageAudit checks the administrators' audit search: a read by
// an officer is found by receipt, a bad date is named at its field in
// both languages, and other roles are refused.
func TestStaffPageAudit(t *testing.T) {
	ts := staffServer(t)
	receipt := mustRegistration(t, ts, municipalityA, "Audited")
	officer := mustAddStaffUser(t, ts, "officer@a.test", beredskap.RoleMunicipalOfficer, municipal(municipalityA))
	admin := mustAddStaffUser(t, ts, "admin@helfo.test", beredskap.RoleAccessAdmin, national)
	mustLogIn(t, ts, officer)
	mustLogIn(t, ts, admin)
	mustPage(t, ts, officer, "/staff/registrations/"+receipt, http.StatusOK)

	doc := mustPage(t, ts, admin, "/staff/audit?lang=en&receipt="+receipt, http.StatusOK)
	rows := doc.Find("#audit tbody tr")
	if rows.Length() == 0 || !strings.Contains(rows.Text(), officer.Email) {
		t.Errorf("audit search by receipt: %d rows %q; want the officer's read", rows.Length(), rows.Text())
	}
	doc = mustPage(t, ts, admin, "/staff/audit?lang=en&actor="+url.QueryEscape("nobody@helfo.test"), http.StatusOK)
	if doc.Find("#audit tbody tr").Length() != 0 || doc.Find("#no-rows").Length() != 1 {
		t.Errorf("audit search for an unknown actor found rows")
	}
	for _, lang := range staffLanguages {
		loc := staffLocale(t, lang)
		doc := mustPage(t, ts, admin, "/staff/audit?lang="+lang+"&from=31.12.2020", http.StatusBadRequest)
		if got := textOf(doc, "#f-from-error"); got == "" || got == "reason.format_date" {
			t.Errorf("%s: message at the from date %q", lang, got)
		}
		if got, _ := doc.Find("#f-from").Attr("aria-invalid"); got != "true" {
			t.Errorf("%s: the from date is not marked invalid", lang)
		}
		if !strings.HasPrefix(textOf(doc, "#error-summary a[href='#f-from']"), loc["staff.label.from"]) {
			t.Errorf("%s: summary %q does not name the field", lang, textOf(doc, "#error-summary"))
		}
	}
	// Every entry's action is in words: logins, TOTP steps, a read, a
	// search; none is shown as its code.
	for _, lang := range staffLanguages {
		loc := staffLocale(t, lang)
		doc := mustPage(t, ts, admin, "/staff/audit?lang="+lang, http.StatusOK)
		rows := doc.Find("#audit tbody tr")
		if rows.Length() < 4 {
			t.Fatalf("%s: %d audit rows; want the logins and the read", lang, rows.Length())
		}
		rows.Each(func(_ int, row *goquery.Selection) {
			action := strings.TrimSpace(row.Find("td").Eq(3).Text())
			if action == "" || actionCode.MatchString(action) {
				t.Errorf("%s: entry %s shows the action %q", lang, row.AttrOr("data-seq", "?"), action)
			}
		})
		if want := loc["staff.action.registration.read"]; !strings.Contains(rows.Text(), want) {
			t.Errorf("%s: the officer's read is not named %q", lang, want)
		}
		// Objects and details are in words too: the read names the
		// registration, a login its user with a link to the user's page
		// (the administrator may open it), and no cell shows a stored
		// kind:id, key=value or ISO instant.
		rows.Each(func(_ int, row *goquery.Selection) {
			for _, cell := range []int{4, 6} {
				text := strings.Join(strings.Fields(row.Find("td").Eq(cell).Text()), " ")
				if raw := rawAuditText.FindString(text); raw != "" {
					t.Errorf("%s: entry %s shows %q in %q", lang, row.AttrOr("data-seq", "?"), raw, text)
				}
			}
		})
		wantRead := strings.ReplaceAll(loc["staff.audit.object.registration"], "{id}", receipt)
		if !strings.Contains(rows.Text(), wantRead) {
			t.Errorf("%s: no entry names the object %q", lang, wantRead)
		}
		wantUser := strings.ReplaceAll(loc["staff.audit.object.user"], "{id}", strconv.FormatInt(admin.User.ID, 10))
		link := doc.Find(fmt.Sprintf("#audit td a[href^='/staff/users/%d?']", admin.User.ID)).First()
		if got := strings.TrimSpace(link.Text()); got != wantUser {
			t.Errorf("%s: the administrator's login links its user as %q; want %q", lang, got, wantUser)
		}
		wantDetail := loc["staff.audit.phrase.password_accepted"]
		if !strings.Contains(rows.Text(), wantDetail) {
			t.Errorf("%s: no login entry says %q", lang, wantDetail)
		}
	}
	// The action filter is a list of actions in words.
	doc = mustPage(t, ts, admin, "/staff/audit?lang=nb&action=registration.read", http.StatusOK)
	if got := textOf(doc, "#f-action option[selected]"); got != staffLocale(t, "nb")["staff.action.registration.read"] {
		t.Errorf("selected action %q", got)
	}
	if n := doc.Find("#audit tbody tr").Length(); n != 1 {
		t.Errorf("%d entries of the action registration.read; want the officer's one read", n)
	}
	mustPage(t, ts, officer, "/staff/audit", http.StatusForbidden)
	mustPage(t, ts, officer, "/staff/users", http.StatusForbidden)
}

// TestStaffPageCSRF checks that every staff form refuses a post
// without the CSRF token and changes nothing.
func TestStaffPageCSRF(t *testing.T) {
	ts := staffServer(t)
	officer := mustAddStaffUser(t, ts, "officer@a.test", beredskap.RoleMunicipalOfficer, municipal(municipalityA))
	admin := mustAddStaffUser(t, ts, "admin@helfo.test", beredskap.RoleAccessAdmin, national)
	mustLogIn(t, ts, officer)
	mustLogIn(t, ts, admin)
	id := orderIDFrom(t, staffPost(t, ts, officer, "/staff/access-orders", validOrder(municipalityA, "first@a.test")))

	posts := []struct {
		u    *staffUser
		path string
		form url.Values
	}{
		{officer, "/staff/access-orders", validOrder(municipalityA, "second@a.test")},
		{nil, "/access/request", validOrder(municipalityA, "self@a.test")},
		{admin, "/staff/access-orders/" + id + "/approve", nil},
		{admin, "/staff/access-orders/" + id + "/reject", url.Values{"reason": {"no"}}},
		{officer, "/staff/access-orders/" + id + "/confirm", nil},
		{admin, "/staff/users/1/remove", url.Values{"reason": {"no"}}},
		{admin, "/staff/users/1/invitation", nil},
	}
	for _, p := range posts {
		for _, token := range []string{"", "wrong"} {
			form := url.Values{}
			for k, v := range p.form {
				form[k] = v
			}
			if token != "" {
				form.Set("csrf", token)
			}
			resp := staffRequest(t, ts, p.u, http.MethodPost, p.path+"?lang=en", form, true)
			body := readBody(t, resp)
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s with csrf %q: status %d; want 403:\n%.300s", p.path, token, resp.StatusCode, body)
			}
		}
	}
	doc := mustPage(t, ts, admin, "/staff/access-orders?lang=en&status=all", http.StatusOK)
	if n := doc.Find("#orders tbody tr").Length(); n != 1 {
		t.Errorf("%d orders after refused posts; want 1", n)
	}
	doc = mustPage(t, ts, admin, "/staff/access-orders/"+id+"?lang=en", http.StatusOK)
	if got := doc.Find("#order-status").AttrOr("data-status", ""); got != string(beredskap.OrderPending) {
		t.Errorf("order status %q after refused posts; want pending", got)
	}
	doc = mustPage(t, ts, admin, "/staff/users?lang=en", http.StatusOK)
	if strings.Contains(doc.Find("#users").Text(), "Removed") {
		t.Errorf("a user was removed by a refused post")
	}
}
