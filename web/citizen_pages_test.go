package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

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
