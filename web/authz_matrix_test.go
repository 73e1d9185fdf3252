package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"beredskap"
	"beredskap/auth"
	"beredskap/auth/oidctest"
	"beredskap/mailbox"
	"beredskap/staff"
	"beredskap/web"
)

// outcome is what a request to a route comes to for one kind of caller.
type outcome string

// The outcomes of the matrix. Allowed means the handler did its work or
// judged the input itself: any status but 401, 403, 404, 405 and 5xx, and
// no redirect to the staff or the citizen login page.
const (
	A outcome = "allowed"
	U outcome = "401"
	F outcome = "403"
	N outcome = "404"
	L outcome = "login"         // a redirect to /login
	C outcome = "citizen login" // a redirect to /citizen/login
)

// The columns of the matrix, in its order. Municipal users belong to
// municipality A; their "own" column asks about A's data, their "other"
// column about B's. Every other column asks about A's data. The citizen
// is a person logged in through the national ID portal, with a citizen
// session and no staff session or bearer token.
var matrixColumns = [...]string{
	"anonymous", "border_officer", "control_centre", "municipal_officer own", "municipal_officer other",
	"municipal_staff own", "municipal_staff other", "labour_inspector", "county_governor", "access_admin",
	"citizen_support", "citizen", "hotel_coordinator",
}

// outcomes holds one outcome per column of matrixColumns.
type outcomes [len(matrixColumns)]outcome

// matrixRow is one route of the server and what each caller gets.
//
// Path and Form may name the fixture's values as {receipt} (a
// registration), {municipality}, {order} (an access order) and {user} (a
// municipal_staff user to act on): the own or other one per column. Form,
// url-encoded, is posted with a valid CSRF token added; JSON posts the
// contract example instead. API paths authenticate with the caller's
// bearer token, pages with their session cookie; the citizen sends their
// citizen session cookie on both. Last marks the rows that end a session,
// which run after all the others: first those ending the citizen's, then
// the one ending the staff session.
type matrixRow struct {
	Route string
	Path  string
	Form  string
	JSON  bool
	Last  lastRow
	Want  outcomes
}

// lastRow says whether a row ends a session, and so runs after the others.
type lastRow int

// The rows that end a session. The citizen column logs in afresh before
// each of them, since withdrawal ends all the person's sessions.
const (
	notLast     lastRow = iota
	lastCitizen         // ends the citizen session
	lastStaff           // ends the staff session
)

// authzMatrix is every route × every caller.
//
//	anonymous, border_officer, control_centre, municipal_officer own, municipal_officer other,
//	municipal_staff own, municipal_staff other, labour_inspector, county_governor, access_admin, citizen_support,
//	citizen, hotel_coordinator
var authzMatrix = []matrixRow{
	// Public pages and the public API: open to everyone.
	{Route: "GET /{$}", Path: "/", Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "POST /register", Path: "/register", Form: "traveller.first_name=Anna", Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "GET /receipt/{receipt}", Path: "/receipt/{receipt}", Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "GET /receipt/{receipt}/qr.png", Path: "/receipt/{receipt}/qr.png", Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "GET /rules/changes", Path: "/rules/changes?from=2021-01-22&to=2021-01-25", Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "GET /assets/", Path: "/assets/site.css", Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "GET /healthz", Path: "/healthz", Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "GET /readyz", Path: "/readyz", Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "POST /api/v1/evaluate", Path: "/api/v1/evaluate", JSON: true, Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "POST /api/v1/registrations", Path: "/api/v1/registrations", JSON: true, Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "GET /api/v1/openapi.json", Path: "/api/v1/openapi.json", Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},

	// The staff API.
	{Route: "GET /api/v1/registrations", Path: "/api/v1/registrations?municipality={municipality}",
		Want: outcomes{U, F, A, A, F, A, F, F, F, F, F, U, F}},
	{Route: "GET /api/v1/registrations/{receipt}", Path: "/api/v1/registrations/{receipt}",
		Want: outcomes{U, A, A, A, N, A, N, N, N, N, N, U, A}},
	{Route: "GET /api/v1/audit", Path: "/api/v1/audit?receipt={receipt}",
		Want: outcomes{U, F, F, F, F, F, F, F, F, A, F, U, F}},

	// The staff pages. Municipal lists ignore another municipality asked
	// for and show the caller's own; an order is posted complete, so that
	// only the municipality decides.
	{Route: "GET /staff", Path: "/staff", Want: outcomes{L, A, A, A, A, A, A, A, A, A, A, L, A}},
	{Route: "GET /staff/registrations", Path: "/staff/registrations?filter_municipality={municipality}",
		Want: outcomes{L, A, A, A, A, A, A, F, F, F, F, L, A}},
	{Route: "GET /staff/registrations/{receipt}", Path: "/staff/registrations/{receipt}",
		Want: outcomes{L, A, A, A, N, A, N, N, N, N, N, L, A}},
	{Route: "GET /staff/access-orders", Path: "/staff/access-orders?filter_municipality={municipality}",
		Want: outcomes{L, F, F, A, A, F, F, F, F, A, F, L, F}},
	{Route: "GET /staff/access-orders/new", Path: "/staff/access-orders/new", Want: outcomes{L, F, F, A, A, F, F, F, F, F, F, L, F}},
	{Route: "POST /staff/access-orders", Path: "/staff/access-orders",
		Form: "kind=order&first_name=Nora&last_name=Ny&email=matrix.{municipality}@example.no&mobile=%2B4791234567" +
			"&municipality={municipality}&position=Nurse&role=municipal_staff&service_need=Follow-up",
		Want: outcomes{L, F, F, A, F, F, F, F, F, F, F, L, F}},
	{Route: "GET /staff/access-orders/{id}", Path: "/staff/access-orders/{order}", Want: outcomes{L, F, F, A, N, F, F, F, F, A, F, L, F}},
	{Route: "POST /staff/access-orders/{id}/confirm", Path: "/staff/access-orders/{order}/confirm",
		Want: outcomes{L, F, F, A, N, F, F, F, F, F, F, L, F}},
	{Route: "POST /staff/access-orders/{id}/approve", Path: "/staff/access-orders/{order}/approve",
		Want: outcomes{L, F, F, F, F, F, F, F, F, A, F, L, F}},
	{Route: "POST /staff/access-orders/{id}/reject", Path: "/staff/access-orders/{order}/reject", Form: "reason=Matrix",
		Want: outcomes{L, F, F, F, F, F, F, F, F, A, F, L, F}},
	{Route: "GET /access/request", Path: "/access/request", Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "POST /access/request", Path: "/access/request", Form: "first_name=Nora", Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "GET /staff/users", Path: "/staff/users", Want: outcomes{L, F, F, F, F, F, F, F, F, A, F, L, F}},
	{Route: "GET /staff/users/{id}", Path: "/staff/users/{user}", Want: outcomes{L, F, F, F, F, F, F, F, F, A, F, L, F}},
	{Route: "POST /staff/users/{id}/invitation", Path: "/staff/users/{user}/invitation",
		Want: outcomes{L, F, F, F, F, F, F, F, F, A, F, L, F}},
	{Route: "POST /staff/users/{id}/remove", Path: "/staff/users/{user}/remove", Form: "reason=Matrix",
		Want: outcomes{L, F, F, F, F, F, F, F, F, A, F, L, F}},
	{Route: "POST /staff/users/{id}/reset", Path: "/staff/users/{user}/reset", Form: "reset_reason=Matrix",
		Want: outcomes{L, F, F, F, F, F, F, F, F, A, F, L, F}},
	{Route: "GET /staff/audit", Path: "/staff/audit?receipt={receipt}", Want: outcomes{L, F, F, F, F, F, F, F, F, A, F, L, F}},

	// Login and enrolment. A logged-in caller is sent on from the login
	// steps; the enrolment link works for whoever holds it.
	{Route: "GET /login", Path: "/login", Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "POST /login", Path: "/login", Form: "email={spare}&password=" + url.QueryEscape(testPassword),
		Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "GET /login/totp", Path: "/login/totp", Want: outcomes{L, L, L, L, L, L, L, L, L, L, L, L, L}},
	{Route: "POST /login/totp", Path: "/login/totp", Form: "code=000000", Want: outcomes{L, L, L, L, L, L, L, L, L, L, L, L, L}},
	{Route: "GET /enrol/totp", Path: "/enrol/totp", Want: outcomes{L, A, A, A, A, A, A, A, A, A, A, L, A}},
	{Route: "POST /enrol/totp", Path: "/enrol/totp", Form: "code=000000", Want: outcomes{L, A, A, A, A, A, A, A, A, A, A, L, A}},
	{Route: "GET /enrol/{token}", Path: "/enrol/{enrolment}", Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "POST /enrol/{token}", Path: "/enrol/{enrolment}", Form: "password=short&password2=short",
		Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "GET /login/oidc", Path: "/login/oidc", Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "GET /login/oidc/callback", Path: "/login/oidc/callback?state=x&code=y", Want: outcomes{U, U, U, U, U, U, U, U, U, U, U, U, U}},
	{Route: "POST /logout", Path: "/logout", Last: lastStaff, Want: outcomes{L, L, L, L, L, L, L, L, L, L, L, L, L}},

	// Citizen pages. Only the citizen holds a citizen session: the
	// citizen's own pages send everyone else, staff sessions included, to
	// the citizen login; the public reopen form judges its input for
	// everyone; a login callback without the login's cookie is refused;
	// a logout without a citizen session just goes home. The citizen's
	// block form is posted url-encoded and comes back as 400 without a case
	// filed. Withdrawal and logout end the citizen's sessions and run last,
	// each with a fresh login of the citizen.
	{Route: "GET /citizen/login", Path: "/citizen/login", Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "GET /citizen/login/callback", Path: "/citizen/login/callback?state=x&code=y", Want: outcomes{U, U, U, U, U, U, U, U, U, U, U, U, U}},
	{Route: "POST /citizen/logout", Path: "/citizen/logout", Last: lastCitizen, Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "GET /citizen", Path: "/citizen", Want: outcomes{C, C, C, C, C, C, C, C, C, C, C, A, C}},
	{Route: "GET /citizen/looks.json", Path: "/citizen/looks.json", Want: outcomes{C, C, C, C, C, C, C, C, C, C, C, A, C}},
	{Route: "GET /citizen/block", Path: "/citizen/block", Want: outcomes{C, C, C, C, C, C, C, C, C, C, C, A, C}},
	{Route: "POST /citizen/block", Path: "/citizen/block", Form: "document_kind=passport", Want: outcomes{C, C, C, C, C, C, C, C, C, C, C, A, C}},
	{Route: "GET /citizen/reopen", Path: "/citizen/reopen", Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "POST /citizen/reopen", Path: "/citizen/reopen", Form: "name=Kari", Want: outcomes{A, A, A, A, A, A, A, A, A, A, A, A, A}},
	{Route: "GET /citizen/withdraw", Path: "/citizen/withdraw", Want: outcomes{C, C, C, C, C, C, C, C, C, C, C, A, C}},
	{Route: "POST /citizen/withdraw", Path: "/citizen/withdraw", Last: lastCitizen, Want: outcomes{C, C, C, C, C, C, C, C, C, C, C, A, C}},

	// Citizen support's case pages: citizen_support only. The case is
	// approved by its row and then refused rejection as decided (409);
	// the person has no digital mailbox, so the answer waits to be
	// printed.
	{Route: "GET /staff/cases", Path: "/staff/cases?status=all", Want: outcomes{L, F, F, F, F, F, F, F, F, F, A, L, F}},
	{Route: "GET /staff/cases/new", Path: "/staff/cases/new", Want: outcomes{L, F, F, F, F, F, F, F, F, F, A, L, F}},
	{Route: "POST /staff/cases", Path: "/staff/cases", Form: "kind=block", Want: outcomes{L, F, F, F, F, F, F, F, F, F, A, L, F}},
	{Route: "POST /staff/cases/block-now", Path: "/staff/cases/block-now", Form: "block_national_id=123&block_name=X&block_reason=Matrix",
		Want: outcomes{L, F, F, F, F, F, F, F, F, F, A, L, F}},
	{Route: "GET /staff/cases/code", Path: "/staff/cases/code", Want: outcomes{L, F, F, F, F, F, F, F, F, F, A, L, F}},
	{Route: "POST /staff/cases/code", Path: "/staff/cases/code", Form: "case_number=2026-999999&code=000000",
		Want: outcomes{L, F, F, F, F, F, F, F, F, F, A, L, F}},
	{Route: "GET /staff/cases/{id}", Path: "/staff/cases/{case}", Want: outcomes{L, F, F, F, F, F, F, F, F, F, A, L, F}},
	{Route: "GET /staff/cases/{id}/attachment", Path: "/staff/cases/{case}/attachment", Want: outcomes{L, F, F, F, F, F, F, F, F, F, A, L, F}},
	{Route: "POST /staff/cases/{id}/approve", Path: "/staff/cases/{case}/approve", Want: outcomes{L, F, F, F, F, F, F, F, F, F, A, L, F}},
	{Route: "POST /staff/cases/{id}/reject", Path: "/staff/cases/{case}/reject", Form: "reason=Matrix",
		Want: outcomes{L, F, F, F, F, F, F, F, F, F, A, L, F}},
	{Route: "GET /staff/letters", Path: "/staff/letters", Want: outcomes{L, F, F, F, F, F, F, F, F, F, A, L, F}},
	{Route: "GET /staff/letters/{file}", Path: "/staff/letters/{case}.pdf", Want: outcomes{L, F, F, F, F, F, F, F, F, F, A, L, F}},
}

// matrixCaller is one column: a staff user or a logged-in citizen (both
// nil for anonymous) and the values its requests name.
type matrixCaller struct {
	user    *staffUser
	citizen *citizenUser
	vars    map[string]string
}

// TestAuthorizationMatrix sends every route of the server as every kind of
// caller, with real users, sessions and tokens, and compares the outcome
// with the table. A route the table does not name fails the test.
func TestAuthorizationMatrix(t *testing.T) {
	provider := oidctest.Start(t)
	ts := startServerWith(t, web.Config{}, serverOptions{staff: manyLogins,
		oidc: func(tb testing.TB, baseURL string) *auth.OIDC {
			o, err := auth.NewOIDC(t.Context(), provider.Config(baseURL+"/login/oidc/callback"))
			if err != nil {
				tb.Fatal(err)
			}
			return o
		},
		configure: withCitizens(provider, mailbox.None{})})

	all := slices.Concat(authzMatrix, followUpMatrix, municipalMatrix, hotelMatrix, retentionMatrix)
	named := map[string]bool{}
	for _, row := range all {
		if named[row.Route] {
			t.Errorf("the table names %s twice", row.Route)
		}
		named[row.Route] = true
	}
	routes := ts.Web.Routes()
	for _, r := range routes {
		if !named[r] {
			t.Errorf("route %s is not in the authorization matrix; add a row to authzMatrix", r)
		}
	}
	for r := range named {
		if !slices.Contains(routes, r) {
			t.Errorf("the matrix names %s, which the server does not serve", r)
		}
	}
	if t.Failed() {
		return
	}

	callers := matrixFixture(t, ts, provider)
	// No cookie jar: each request carries exactly the caller's cookies.
	client := *ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	rows := all
	slices.SortStableFunc(rows, func(a, b matrixRow) int { return int(a.Last) - int(b.Last) })
	for _, row := range rows {
		for i, c := range callers {
			if c.citizen != nil && row.Last != notLast {
				c.citizen = mustCitizenLogIn(t, ts, provider, c.citizen.NationalID)
			}
			got, detail := matrixRequest(t, ts, &client, row, c)
			if got != row.Want[i] {
				t.Errorf("%s as %s: got %s (%s); want %s", row.Route, matrixColumns[i], got, detail, row.Want[i])
			}
		}
	}
}

// matrixFixture makes the users of every column, logs them in, and stores
// the registrations, access orders, users and enrolment link the rows
// name. The citizen logs in through provider.
func matrixFixture(t *testing.T, ts *testServer, provider *oidctest.Provider) []matrixCaller {
	add := func(name string, role beredskap.Role, scope beredskap.Scope) *staffUser {
		return mustAddStaffUser(t, ts, name+"@example.no", role, scope)
	}
	border := add("border", beredskap.RoleBorderOfficer, national)
	centre := add("centre", beredskap.RoleControlCentre, national)
	officerA := add("officer.a", beredskap.RoleMunicipalOfficer, municipal(municipalityA))
	officerB := add("officer.b", beredskap.RoleMunicipalOfficer, municipal(municipalityB))
	staffA := add("staff.a", beredskap.RoleMunicipalStaff, municipal(municipalityA))
	labour := add("labour", beredskap.RoleLabourInspector, beredskap.Scope{Kind: beredskap.ScopeLabourInspectorate})
	county := add("county", beredskap.RoleCountyGovernor, beredskap.Scope{Kind: beredskap.ScopeCounty, Code: countyA})
	admin := add("admin", beredskap.RoleAccessAdmin, national)
	support := add("support", beredskap.RoleCitizenSupport, national)
	coordinator := add("coordinator.a", beredskap.RoleHotelCoordinator, municipal(municipalityA))
	spare := add("spare", beredskap.RoleControlCentre, national)
	targetA := add("target.a", beredskap.RoleMunicipalStaff, municipal(municipalityA))
	targetB := add("target.b", beredskap.RoleMunicipalStaff, municipal(municipalityB))
	for _, u := range []*staffUser{border, centre, officerA, staffA, labour, county, admin, support, coordinator} {
		mustLogIn(t, ts, u)
	}

	orderA := mustOrder(t, ts, officerA, municipalityA, "new.a@example.no")
	orderB := mustOrder(t, ts, officerB, municipalityB, "new.b@example.no")
	shared := map[string]string{"spare": spare.Email, "enrolment": mustEnrolmentToken(t, ts, admin),
		"case": fmt.Sprint(mustCase(t, ts, support))}
	own := map[string]string{
		"receipt": mustRegistration(t, ts, municipalityA, "Own"), "municipality": municipalityA,
		"order": fmt.Sprint(orderA), "user": fmt.Sprint(targetA.User.ID),
	}
	other := map[string]string{
		"receipt": mustRegistration(t, ts, municipalityB, "Other"), "municipality": municipalityB,
		"order": fmt.Sprint(orderB), "user": fmt.Sprint(targetB.User.ID),
	}
	for _, m := range []map[string]string{own, other} {
		for k, v := range shared {
			m[k] = v
		}
	}
	followUpFixture(t, ts, centre, own, other)
	hotelFixture(t, ts, own, other)
	retentionFixture(t, ts, own, other)
	person := mustCitizenLogIn(t, ts, provider, testNationalID("020290", 456))
	return []matrixCaller{
		{nil, nil, own}, {border, nil, own}, {centre, nil, own}, {officerA, nil, own}, {officerA, nil, other},
		{staffA, nil, own}, {staffA, nil, other}, {labour, nil, own}, {county, nil, own}, {admin, nil, own},
		{support, nil, own}, {nil, person, own}, {coordinator, nil, own},
	}
}

// mustOrder files an access order for email in municipality as officer
// and returns its id.
func mustOrder(t *testing.T, ts *testServer, officer *staffUser, municipality, email string) int64 {
	t.Helper()
	o, err := ts.Staff.OrderAccess(actorOf(t, ts, officer), staff.OrderInput{
		Kind: beredskap.OrderGrant, FirstName: "Nora", LastName: "Ny", Email: email, Mobile: "+4791234567",
		Municipality: municipality, Position: "Helsesykepleier", Role: beredskap.RoleMunicipalStaff,
		ServiceNeed: "Follows up people in entry quarantine.",
	})
	if err != nil {
		t.Fatalf("order access in %s: %v", municipality, err)
	}
	return o.ID
}

var enrolLink = regexp.MustCompile(`/enrol/([A-Za-z0-9_-]{20,})`)

// mustEnrolmentToken creates a user without a password, has admin send
// them an invitation, and returns the token of the link in the mail.
func mustEnrolmentToken(t *testing.T, ts *testServer, admin *staffUser) string {
	t.Helper()
	system := beredskap.WithActor(t.Context(), beredskap.SystemActor())
	invitee, err := ts.Staff.AddUser(system, staff.NewUser{
		Email: "invitee@example.no", FirstName: "Ida", LastName: "Invitert", Organisation: "Oslo kommune",
		Position: "Rådgiver", Role: beredskap.RoleMunicipalStaff, Scope: municipal(municipalityA), Provenance: "cli",
	})
	if err != nil {
		t.Fatalf("add invitee: %v", err)
	}
	if err := ts.Staff.ResendInvitation(actorOf(t, ts, admin), invitee.ID); err != nil {
		t.Fatalf("send invitation: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(ts.MailDir, "*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("invitee@example.no")) {
			if m := enrolLink.FindSubmatch(bytes.ReplaceAll(data, []byte("=\r\n"), nil)); m != nil {
				return string(m[1])
			}
		}
	}
	t.Fatalf("no enrolment link in the mail of %s", ts.MailDir)
	return ""
}

// matrixRequest sends row's request as c and classifies the answer.
func matrixRequest(t *testing.T, ts *testServer, client *http.Client, row matrixRow, c matrixCaller) (outcome, string) {
	t.Helper()
	pairs := make([]string, 0, 2*len(c.vars))
	for k, v := range c.vars {
		pairs = append(pairs, "{"+k+"}", v)
	}
	expand := strings.NewReplacer(pairs...).Replace
	method, _, _ := strings.Cut(row.Route, " ")
	var req *http.Request
	var err error
	switch {
	case row.JSON:
		req, err = http.NewRequest(method, ts.URL+expand(row.Path), bytes.NewReader(contractJSON(t)))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
	case method == http.MethodPost:
		form, perr := url.ParseQuery(row.Form)
		if perr != nil {
			t.Fatalf("%s: form: %v", row.Route, perr)
		}
		for k, vs := range form {
			for i := range vs {
				vs[i] = expand(vs[i])
			}
			form[k] = vs
		}
		csrf := "matrix-anonymous-csrf-token-0123456789abcdef"
		switch {
		case c.user != nil:
			csrf = c.user.CSRF
		case c.citizen != nil:
			csrf = c.citizen.CSRF
		}
		form.Set("csrf", csrf)
		req, err = http.NewRequest(method, ts.URL+expand(row.Path), strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: "beredskap_csrf", Value: csrf})
		}
	default:
		req, err = http.NewRequest(method, ts.URL+expand(row.Path), nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case c.user != nil && strings.HasPrefix(row.Path, "/api/"):
		req.Header.Set("Authorization", "Bearer "+c.user.Token)
	case c.user != nil:
		req.AddCookie(c.user.sessionCookie())
	case c.citizen != nil:
		req.AddCookie(c.citizen.sessionCookie())
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	loc := resp.Header.Get("Location")
	detail := fmt.Sprintf("status %d", resp.StatusCode)
	if loc != "" {
		detail += " to " + loc
	}
	switch code := resp.StatusCode; {
	case code == http.StatusUnauthorized:
		return U, detail
	case code == http.StatusForbidden:
		return F, detail
	case code == http.StatusNotFound:
		return N, detail
	case code >= 300 && code < 400 && (loc == "/login" || strings.HasPrefix(loc, "/login?")):
		return L, detail
	case code >= 300 && code < 400 && (loc == "/citizen/login" || strings.HasPrefix(loc, "/citizen/login?")):
		return C, detail
	case code == http.StatusMethodNotAllowed || code >= 500:
		return outcome("failed"), detail
	default:
		return A, detail
	}
}
