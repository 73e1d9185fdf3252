package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// staffLanguages are the languages of the staff pages.
var staffLanguages = []string{"nb", "nn", "en"}

// staffRequest sends a request as u (by u's session cookie; anonymous
// when u is nil) without following redirects. A POST sends form, with u's
// CSRF token added unless form already names one or noCSRF is set.
func staffRequest(tb testing.TB, ts *testServer, u *staffUser, method, path string, form url.Values, noCSRF bool) *http.Response {
	tb.Helper()
	var body *strings.Reader
	if form == nil {
		form = url.Values{}
	}
	if method == http.MethodPost && !noCSRF && !form.Has("csrf") && u != nil {
		form.Set("csrf", u.CSRF)
	}
	body = strings.NewReader(form.Encode())
	req, err := http.NewRequest(method, ts.URL+path, body)
	if err != nil {
		tb.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if u != nil {
		req.AddCookie(u.sessionCookie())
	}
	c := *ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	return resp
}

// staffGet fetches path as u.
func staffGet(tb testing.TB, ts *testServer, u *staffUser, path string) *http.Response {
	tb.Helper()
	return staffRequest(tb, ts, u, http.MethodGet, path, nil, false)
}

// staffPost posts form to path as u with u's CSRF token.
func staffPost(tb testing.TB, ts *testServer, u *staffUser, path string, form url.Values) *http.Response {
	tb.Helper()
	return staffRequest(tb, ts, u, http.MethodPost, path, form, false)
}

// mustPage fetches path as u, checks the status, and parses the page.
func mustPage(t *testing.T, ts *testServer, u *staffUser, path string, status int) *goquery.Document {
	t.Helper()
	resp := staffGet(t, ts, u, path)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: status %d; want %d:\n%s", path, resp.StatusCode, status, readBody(t, resp))
	}
	return document(t, resp)
}

// textOf returns the trimmed text of the selection.
func textOf(doc *goquery.Document, sel string) string {
	return strings.Join(strings.Fields(doc.Find(sel).Text()), " ")
}

// validOrder is an access order as the officer's form posts it.
func validOrder(municipality, email string) url.Values {
	return url.Values{
		"kind": {"order"}, "first_name": {"Kari"}, "last_name": {"Nordmann"}, "email": {email},
		"mobile": {"+4791234567"}, "municipality": {municipality}, "position": {"Helsesykepleier"},
		"role": {"municipal_staff"}, "service_need": {"Follows up travellers in quarantine."}, "valid_to": {""},
	}
}

// orderIDFrom returns the order id of a redirect to an order's page.
func orderIDFrom(t *testing.T, resp *http.Response) string {
	t.Helper()
	readBody(t, resp)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/staff/access-orders/") {
		t.Fatalf("status %d, Location %q; want 303 to the order", resp.StatusCode, loc)
	}
	id, _, _ := strings.Cut(strings.TrimPrefix(loc, "/staff/access-orders/"), "?")
	return id
}
