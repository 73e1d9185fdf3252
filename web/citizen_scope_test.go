package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/auth/oidctest"
	"beredskap/citizen"
	"beredskap/mailbox"
	"beredskap/storetest"
	"beredskap/web"
)

// scopePerson is a person of the citizen scope test: logged in, with one
// registration and one access case of their own.
type scopePerson struct {
	*citizenUser
	Name    string
	Receipt string
	CaseID  int64
	Number  string // the case number
}

// citizenScopeServer starts a server with citizen login through a local
// provider and two people, each with a registration and a block case
// registered by citizen support, logged in over HTTP.
func citizenScopeServer(t *testing.T) (*testServer, *staffUser, [2]*scopePerson) {
	t.Helper()
	provider := oidctest.Start(t)
	ts := startServerWith(t, web.Config{}, serverOptions{staff: manyLogins, configure: withCitizens(provider, mailbox.None{})})
	support := mustAddStaffUser(t, ts, "support@helfo.test", beredskap.RoleCitizenSupport, national)
	var people [2]*scopePerson
	for i, p := range []struct{ first, last, nid, municipality string }{
		{"Anna", "Scopeson", testNationalID("010190", 200), municipalityA},
		{"Ola", "Otherson", testNationalID("020285", 300), municipalityB},
	} {
		reg := storetest.Registration(p.first, p.last)
		reg.Traveller.NationalID = p.nid
		stored, _, err := ts.Registrations.CreateRegistration(context.Background(), beredskap.NewRegistration{
			Registration: reg, Decision: storetest.Decision(), Municipality: p.municipality,
		})
		if err != nil {
			t.Fatalf("register %s: %v", p.first, err)
		}
		name := p.first + " " + p.last
		c, err := citizensOf(t, ts).RegisterCase(actorOf(t, ts, support), citizen.CaseInput{
			Kind: beredskap.CaseBlock, NationalID: p.nid, Name: name, DocumentKind: beredskap.IDPassport,
			DocumentExpires: time.Now().AddDate(2, 0, 0).Format(time.DateOnly), File: pngCopy(t),
		})
		if err != nil {
			t.Fatalf("register a case of %s: %v", p.first, err)
		}
		people[i] = &scopePerson{citizenUser: mustCitizenLogIn(t, ts, provider, p.nid), Name: name,
			Receipt: stored.Receipt, CaseID: c.ID, Number: c.Number}
	}
	return ts, support, people
}

// citizenGet sends GET path with the cookie ck, or with the bearer token
// when ck is nil, without following redirects, and returns the status,
// the Location and the body.
func citizenGet(t *testing.T, ts *testServer, path string, ck *http.Cookie, bearer string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ck != nil {
		req.AddCookie(ck)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	client := *ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := string(readBody(t, resp))
	return resp.StatusCode, resp.Header.Get("Location"), body
}

// TestCitizenScopeOwnData logs in two people, each with a registration and
// an access case: /citizen shows each their own registration and case and
// nothing of the other's.
func TestCitizenScopeOwnData(t *testing.T) {
	ts, _, people := citizenScopeServer(t)
	for i, p := range people {
		other := people[1-i]
		code, loc, body := citizenGet(t, ts, "/citizen", p.sessionCookie(), "")
		if code != http.StatusOK {
			t.Fatalf("GET /citizen as %s: status %d to %q; want 200", p.Name, code, loc)
		}
		for _, want := range []string{`data-receipt="` + p.Receipt + `"`, `data-case="` + p.Number + `"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the page of %s lacks their own %s", p.Name, want)
			}
		}
		for what, n := range map[string]int{"registration": strings.Count(body, "data-receipt="), "case": strings.Count(body, "data-case=")} {
			if n != 1 {
				t.Errorf("the page of %s shows %d rows of %s; want their one", p.Name, n, what)
			}
		}
		for _, leak := range []string{other.Receipt, other.Number, other.NationalID, other.Name} {
			if strings.Contains(body, leak) {
				t.Errorf("the page of %s shows %q of %s", p.Name, leak, other.Name)
			}
		}
	}
}

// TestCitizenScopeNoStaffRoutes has each person ask every staff route that
// names a registration or a case for the other's (and their own) with
// their citizen session, as cookie and as bearer token: pages send them
// to the staff login and the API answers 401, with none of the data.
func TestCitizenScopeNoStaffRoutes(t *testing.T) {
	ts, _, people := citizenScopeServer(t)
	for i, p := range people {
		for _, target := range []*scopePerson{people[1-i], p} {
			pages := []string{
				fmt.Sprintf("/staff/cases/%d", target.CaseID),
				fmt.Sprintf("/staff/cases/%d/attachment", target.CaseID),
				fmt.Sprintf("/staff/letters/%d.pdf", target.CaseID),
				"/staff/cases?status=all",
				"/staff/letters",
				"/staff/registrations/" + target.Receipt,
				"/staff/registrations",
				"/staff/audit?receipt=" + target.Receipt,
			}
			api := []string{
				"/api/v1/registrations/" + target.Receipt,
				"/api/v1/registrations?municipality=" + municipalityA,
				"/api/v1/registrations?municipality=" + municipalityB,
				"/api/v1/audit?receipt=" + target.Receipt,
			}
			check := func(path, how string, code int, loc, body string, login bool) {
				t.Helper()
				switch {
				case login && (code != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?")):
					t.Errorf("GET %s as %s (%s): status %d to %q; want 303 to /login", path, p.Name, how, code, loc)
				case !login && code != http.StatusUnauthorized:
					t.Errorf("GET %s as %s (%s): status %d; want 401", path, p.Name, how, code)
				}
				for _, leak := range []string{target.NationalID, target.Name, target.Number} {
					if strings.Contains(body, leak) {
						t.Errorf("GET %s as %s (%s) shows %q of %s", path, p.Name, how, leak, target.Name)
					}
				}
			}
			for _, path := range pages {
				code, loc, body := citizenGet(t, ts, path, p.sessionCookie(), "")
				check(path, "citizen cookie", code, loc, body, true)
			}
			for _, path := range api {
				code, loc, body := citizenGet(t, ts, path, p.sessionCookie(), "")
				check(path, "citizen cookie", code, loc, body, false)
				code, loc, body = citizenGet(t, ts, path, nil, p.SessionToken)
				check(path, "citizen session as bearer token", code, loc, body, false)
			}
		}
	}
}

// TestCitizenScopeSessionsDoNotCross puts a staff session's token in the
// citizen cookie and a citizen session's token in the staff cookie: each
// is refused as the other kind, and a citizen's logout ends their session
// only.
func TestCitizenScopeSessionsDoNotCross(t *testing.T) {
	ts, support, people := citizenScopeServer(t)
	mustLogIn(t, ts, support)
	anna, ola := people[0], people[1]

	asCitizen := &http.Cookie{Name: "beredskap_citizen", Value: support.SessionToken}
	for _, path := range []string{"/citizen", "/citizen/block", "/citizen/withdraw"} {
		if code, loc, _ := citizenGet(t, ts, path, asCitizen, ""); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/citizen/login") {
			t.Errorf("GET %s with a staff session in the citizen cookie: status %d to %q; want 303 to /citizen/login", path, code, loc)
		}
	}
	asStaff := &http.Cookie{Name: "beredskap_session", Value: anna.SessionToken}
	for _, path := range []string{"/staff", fmt.Sprintf("/staff/cases/%d", ola.CaseID), "/staff/registrations/" + ola.Receipt} {
		if code, loc, _ := citizenGet(t, ts, path, asStaff, ""); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?") {
			t.Errorf("GET %s with a citizen session in the staff cookie: status %d to %q; want 303 to /login", path, code, loc)
		}
	}
	if code, _, _ := citizenGet(t, ts, fmt.Sprintf("/staff/cases/%d", ola.CaseID), support.sessionCookie(), ""); code != http.StatusOK {
		t.Errorf("citizen support's own session got %d on the case; want 200", code)
	}

	c := noRedirects(t, ts)
	req, err := http.NewRequest(http.MethodPost, ts.URL+"/citizen/logout", strings.NewReader("csrf="+anna.CSRF))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(anna.sessionCookie())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /citizen/logout: status %d; want 303", resp.StatusCode)
	}
	if code, loc, _ := citizenGet(t, ts, "/citizen", anna.sessionCookie(), ""); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/citizen/login") {
		t.Errorf("GET /citizen after logout: status %d to %q; want 303 to /citizen/login", code, loc)
	}
	if code, _, _ := citizenGet(t, ts, "/citizen", ola.sessionCookie(), ""); code != http.StatusOK {
		t.Errorf("GET /citizen as the other person after the first logged out: status %d; want 200", code)
	}
}
