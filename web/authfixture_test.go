package web_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/auth"
	"beredskap/auth/oidctest"
	"beredskap/staff"
	"beredskap/storetest"
	"beredskap/web"
)

// The municipalities of the staff fixture: A is "own" for its municipal
// users, B is "other".
const (
	municipalityA = "0301" // Oslo
	municipalityB = "4601" // Bergen
	countyA       = "03"
	testPassword  = "correct horse battery staple"
)

// staffUser is a real staff user of the fixture with a password, a TOTP
// secret, a bearer token and, once logged in, a session.
type staffUser struct {
	Email        string
	Role         beredskap.Role
	Scope        beredskap.Scope
	TOTPSecret   string
	Token        string // bearer token
	SessionToken string // the session cookie's value, "" until logged in
	CSRF         string // the session's CSRF token
	User         *beredskap.User
}

// sessionCookie returns the cookie that carries u's session.
func (u *staffUser) sessionCookie() *http.Cookie {
	return &http.Cookie{Name: "beredskap_session", Value: u.SessionToken}
}

// mustAddStaffUser creates a user with a password and a TOTP secret (so
// that they can log in at once) and a bearer token, through the staff
// service as the system.
func mustAddStaffUser(tb testing.TB, ts *testServer, email string, role beredskap.Role, scope beredskap.Scope) *staffUser {
	tb.Helper()
	ctx := beredskap.WithActor(context.Background(), beredskap.SystemActor())
	secret, _, err := auth.NewTOTPKey("beredskap-test", email)
	if err != nil {
		tb.Fatal(err)
	}
	u, err := ts.Staff.AddUser(ctx, staff.NewUser{
		Email: email, FirstName: "Test", LastName: string(role), Organisation: "Test", Position: "Tester",
		Role: role, Scope: scope, Provenance: "cli", Password: testPassword, TOTPSecret: secret,
	})
	if err != nil {
		tb.Fatalf("add user %s: %v", email, err)
	}
	token, _, err := ts.Staff.CreateToken(ctx, email, "test", time.Hour)
	if err != nil {
		tb.Fatalf("create token for %s: %v", email, err)
	}
	return &staffUser{Email: email, Role: role, Scope: scope, TOTPSecret: secret, Token: token, User: u}
}

// noRedirects is an HTTP client of ts that does not follow redirects and
// keeps cookies.
func noRedirects(tb testing.TB, ts *testServer) *http.Client {
	tb.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	c := *ts.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// formToken fetches page with c and returns the value of its hidden csrf
// field.
func formToken(tb testing.TB, ts *testServer, c *http.Client, page string) string {
	tb.Helper()
	resp, err := c.Get(ts.URL + page)
	if err != nil {
		tb.Fatal(err)
	}
	body := string(readBody(tb, resp))
	_, rest, ok := strings.Cut(body, `name="csrf" value="`)
	if !ok {
		tb.Fatalf("GET %s (%d) has no csrf field:\n%s", page, resp.StatusCode, body)
	}
	token, _, _ := strings.Cut(rest, `"`)
	return token
}

// postForm posts form with c and returns the response, unread.
func postForm(tb testing.TB, ts *testServer, c *http.Client, path string, form url.Values) *http.Response {
	tb.Helper()
	resp, err := c.PostForm(ts.URL+path, form)
	if err != nil {
		tb.Fatal(err)
	}
	return resp
}

// mustLogIn logs u in through the login form and the TOTP form over HTTP
// and records the session's cookie and CSRF token. A user can log in once
// per 30-second TOTP step.
func mustLogIn(tb testing.TB, ts *testServer, u *staffUser) {
	tb.Helper()
	c := noRedirects(tb, ts)
	csrf := formToken(tb, ts, c, "/login")
	resp := postForm(tb, ts, c, "/login", url.Values{"csrf": {csrf}, "email": {u.Email}, "password": {testPassword}})
	readBody(tb, resp)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login/totp") {
		tb.Fatalf("login %s: status %d, Location %q; want 303 to /login/totp", u.Email, resp.StatusCode, resp.Header.Get("Location"))
	}
	csrf = formToken(tb, ts, c, "/login/totp")
	code, err := auth.TOTPCode(u.TOTPSecret, time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	resp = postForm(tb, ts, c, "/login/totp", url.Values{"csrf": {csrf}, "code": {code}})
	readBody(tb, resp)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") == "" || strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		tb.Fatalf("totp %s: status %d, Location %q; want 303 onwards", u.Email, resp.StatusCode, resp.Header.Get("Location"))
	}
	base, _ := url.Parse(ts.URL)
	for _, ck := range c.Jar.Cookies(base) {
		if ck.Name == "beredskap_session" {
			u.SessionToken = ck.Value
		}
	}
	if u.SessionToken == "" {
		tb.Fatalf("login %s set no session cookie", u.Email)
	}
	err = ts.StaffStore.View(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		s, err := tx.FindSession(ctx, auth.HashSecret(u.SessionToken))
		if err == nil {
			u.CSRF = s.CSRFToken
		}
		return err
	})
	if err != nil || u.CSRF == "" {
		tb.Fatalf("session of %s: %v (csrf %q)", u.Email, err, u.CSRF)
	}
}

// mustRegistration stores a registration in municipality and returns its
// receipt.
func mustRegistration(tb testing.TB, ts *testServer, municipality, lastName string) string {
	tb.Helper()
	reg, _, err := ts.Registrations.CreateRegistration(context.Background(), beredskap.NewRegistration{
		Registration: storetest.Registration("Anna", lastName), Decision: storetest.Decision(), Municipality: municipality,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return reg.Receipt
}

// actorOf returns the actor u's bearer token acts as, for calling the
// staff service directly in a test's setup.
func actorOf(tb testing.TB, ts *testServer, u *staffUser) context.Context {
	tb.Helper()
	a, err := ts.Staff.AuthenticateToken(context.Background(), u.Token)
	if err != nil {
		tb.Fatal(err)
	}
	return beredskap.WithActor(context.Background(), a)
}

// municipal returns the scope of municipality code.
func municipal(code string) beredskap.Scope {
	return beredskap.Scope{Kind: beredskap.ScopeMunicipality, Code: code}
}

var national = beredskap.Scope{Kind: beredskap.ScopeNational}

// manyLogins lets tests log in many users from 127.0.0.1 without the
// per-address limit getting in the way.
var manyLogins = staff.Config{AddressRate: 1000}

// staffServer starts a server whose staff logins are not limited per
// address.
func staffServer(tb testing.TB) *testServer {
	tb.Helper()
	return startServerWith(tb, web.Config{}, serverOptions{staff: manyLogins})
}

// citizenUser is a person logged in to the citizen pages through the
// national ID portal, with the session's cookie value and CSRF token.
type citizenUser struct {
	NationalID   string
	SessionToken string // the citizen session cookie's value
	CSRF         string // the citizen session's CSRF token
}

// sessionCookie returns the cookie that carries p's citizen session, as
// the server names it without secure cookies.
func (p *citizenUser) sessionCookie() *http.Cookie {
	return &http.Cookie{Name: "beredskap_citizen", Value: p.SessionToken}
}

// mustCitizenLogIn logs the person with the national identity number nid
// in over HTTP: GET /citizen/login, the authorization at provider, and the
// callback, which must send them on to /citizen with a citizen session.
func mustCitizenLogIn(tb testing.TB, ts *testServer, provider *oidctest.Provider, nid string) *citizenUser {
	tb.Helper()
	return mustCitizenLogInAs(tb, ts, provider, oidctest.User{PID: nid})
}

// mustCitizenLogInAs logs in the person u through the ID portal, with the
// claims u gives (a name, say).
func mustCitizenLogInAs(tb testing.TB, ts *testServer, provider *oidctest.Provider, u oidctest.User) *citizenUser {
	tb.Helper()
	nid := u.PID
	c := noRedirects(tb, ts)
	provider.LoginUser(u)
	next := ts.URL + "/citizen/login"
	for range 3 {
		resp, err := c.Get(next)
		if err != nil {
			tb.Fatal(err)
		}
		readBody(tb, resp)
		loc, err := resp.Location()
		if err != nil {
			tb.Fatalf("citizen login %s: GET %s: status %d and no redirect", nid, next, resp.StatusCode)
		}
		next = loc.String()
	}
	if u, _ := url.Parse(next); u.Path != "/citizen" {
		tb.Fatalf("citizen login %s: sent to %s; want /citizen", nid, next)
	}
	p := &citizenUser{NationalID: nid}
	base, _ := url.Parse(ts.URL)
	for _, ck := range c.Jar.Cookies(base) {
		if ck.Name == "beredskap_citizen" {
			p.SessionToken = ck.Value
		}
	}
	if p.SessionToken == "" {
		tb.Fatalf("citizen login %s set no citizen session cookie", nid)
	}
	sess, err := citizensOf(tb, ts).Authenticate(context.Background(), p.SessionToken)
	if err != nil {
		tb.Fatalf("citizen session of %s: %v", nid, err)
	}
	p.CSRF = sess.CSRFToken
	return p
}
