package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/auth/oidctest"
	"beredskap/mailbox"
	"beredskap/web"
)

// TestCitizenReopenBadInput sends the public reopen form with a national
// identity number that fails its control digits, no document kind and a
// text file: the form comes back with 400, an error summary and the
// messages at the fields, and no case is stored.
func TestCitizenReopenBadInput(t *testing.T) {
	ts := startServerWith(t, web.Config{}, serverOptions{configure: withCitizens(oidctest.Start(t), mailbox.None{})})
	c := noRedirects(t, ts)
	csrf := formToken(t, ts, c, "/citizen/reopen?lang=nn")

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"csrf": csrf, "name": "Kari Nordmann", "national_id": "15038545601", "document_expires": "2020-01-01"} {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", "notes.txt")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte("not an image"))
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, ts.URL+"/citizen/reopen?lang=nn", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page := string(readBody(t, resp))
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d; want 400:\n%s", resp.StatusCode, page)
	}
	for _, want := range []string{`id="error-summary"`, `id="f-national_id-error"`, `id="f-document_kind-error"`, `id="f-file-error"`, `lang="nn"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s:\n%s", want, page)
		}
	}
	cases, _, err := citizensOf(t, ts).ListCases(actorOf(t, ts, mustAddStaffUser(t, ts, "support@helfo.test", "citizen_support", national)), beredskap.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 0 {
		t.Errorf("%d cases stored; want none", len(cases))
	}
}

// TestCitizenBlockFormUsesPortalName logs a person in through an ID portal
// that gives their name: the block form does not ask for it but says which
// name the case is filed in, and the case carries it. A person the portal
// gives no name is asked for it.
func TestCitizenBlockFormUsesPortalName(t *testing.T) {
	provider := oidctest.Start(t)
	ts := startServerWith(t, web.Config{}, serverOptions{staff: manyLogins, configure: withCitizens(provider, mailbox.None{})})
	named := mustCitizenLogInAs(t, ts, provider, oidctest.User{PID: testNationalID("150385", 457), Name: "Kari Nordmann"})
	nameless := mustCitizenLogIn(t, ts, provider, testNationalID("160486", 458))

	_, _, page := citizenGet(t, ts, "/citizen/block?lang=en", nameless.sessionCookie(), "")
	if !strings.Contains(page, `id="f-name"`) {
		t.Errorf("the block form does not ask for the name the portal did not give")
	}
	_, _, page = citizenGet(t, ts, "/citizen/block?lang=en", named.sessionCookie(), "")
	if strings.Contains(page, `id="f-name"`) {
		t.Errorf("the block form asks for the name the portal gave")
	}
	if !strings.Contains(page, `id="known-name"`) || !strings.Contains(page, "Kari Nordmann") {
		t.Errorf("the block form does not say which name the case is filed in")
	}

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"csrf": named.CSRF, "document_kind": string(beredskap.IDPassport),
		"document_expires": time.Now().AddDate(2, 0, 0).Format(time.DateOnly)} {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", "pass.png")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(pngCopy(t))
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, ts.URL+"/citizen/block?lang=en", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(named.sessionCookie())
	resp, err := noRedirects(t, ts).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(readBody(t, resp)); resp.StatusCode != http.StatusOK {
		t.Fatalf("filing the block: %d\n%s", resp.StatusCode, got)
	}
	support := mustAddStaffUser(t, ts, "support@helfo.test", beredskap.RoleCitizenSupport, national)
	cases, _, err := citizensOf(t, ts).ListCases(actorOf(t, ts, support), beredskap.CaseFilter{NationalID: named.NationalID})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 1 || cases[0].Name != "Kari Nordmann" {
		t.Errorf("cases %+v; want one in the portal's name", cases)
	}
}
