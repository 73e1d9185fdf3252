package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"beredskap/internal/testwait"
	"beredskap/norway"
)

// The demo persons are adults living in Norway with valid synthetic
// national identity numbers that match their birth dates.
func TestDemoCitizensHaveSyntheticIDs(t *testing.T) {
	citizens := demoCitizens()
	if len(citizens) != demoCitizenCount {
		t.Fatalf("%d demo citizens; want %d", len(citizens), demoCitizenCount)
	}
	seen := map[string]bool{}
	for _, reg := range citizens {
		id, err := norway.ParseNationalID(reg.Traveller.NationalID, norway.IDOptions{AllowSynthetic: true})
		if err != nil || !id.Synthetic {
			t.Errorf("%s: %+v, %v; want a synthetic number", reg.Traveller.NationalID, id, err)
			continue
		}
		if got, want := id.BirthDate.Format(time.DateOnly), reg.Traveller.BirthDate; got != want {
			t.Errorf("%s holds birth date %s; want %s", reg.Traveller.NationalID, got, want)
		}
		if seen[id.Number] {
			t.Errorf("%s given twice", id.Number)
		}
		seen[id.Number] = true
	}
}

// The demo starts a development ID portal: a visitor who opens the printed
// citizen login address, picks a demo person on the portal's page, and
// follows the redirects lands logged in on /citizen, which lists that
// person's registration.
func TestDemoCitizenLoginThroughPortal(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "demo.db"),
			"--mail-dir", filepath.Join(dir, "mail"), "--count", "5", "--log-level", "warn"}, nil, pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := testwait.Receive(t, done, "the demo to shut down"); err != nil {
			t.Errorf("demo returned %v after shutdown", err)
		}
	})

	var out strings.Builder
	lines := bufio.NewReader(pr)
	for !strings.Contains(out.String(), "Stop with Ctrl-C.") {
		line, err := lines.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the demo's output: %v\n%s", err, out.String())
		}
		out.WriteString(line)
	}
	go io.Copy(io.Discard, lines)
	// The logins come last, after the address, and are kept in a file.
	if strings.Index(out.String(), "Staff pages:") < strings.Index(out.String(), "beredskap is serving at") {
		t.Errorf("the logins are not printed last:\n%s", out.String())
	}
	kept, err := os.ReadFile(filepath.Join(dir, "demo-logins.txt"))
	if err != nil || !strings.Contains(string(kept), "hotell.oslo@demo.beredskap.no") || !strings.Contains(out.String(), string(kept)) {
		t.Errorf("the logins file holds %q (%v); want what was printed", kept, err)
	}
	login := regexp.MustCompile(`Citizen pages: open (http://[0-9.:]+/citizen/login) and pick a demo person \(([^)]*)\)`).
		FindStringSubmatch(out.String())
	if login == nil {
		t.Fatalf("no citizen login line in the demo's output:\n%s", out.String())
	}
	citizens := demoCitizens()
	person := citizens[1]
	name := person.Traveller.FirstName + " " + person.Traveller.LastName
	if !strings.Contains(login[2], name) {
		t.Errorf("printed persons %q do not name %q", login[2], name)
	}

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.Get(login[1] + "?lang=en")
	if err != nil {
		t.Fatal(err)
	}
	page := document(t, resp)
	if !strings.Contains(page.Find("#banner").Text(), "stand-in for ID-porten") {
		t.Errorf("the pick page has no development banner")
	}
	form := page.Find("form")
	action, _ := form.Attr("action")
	values := url.Values{}
	form.Find("input[type=hidden]").Each(func(_ int, s *goquery.Selection) {
		values.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	button := form.Find(`button[name=person][data-pid="` + person.Traveller.NationalID + `"]`)
	if button.Length() != 1 || !strings.Contains(button.Text(), name) {
		t.Fatalf("the pick page offers no button for %s (%s)", name, person.Traveller.NationalID)
	}
	values.Set("person", button.AttrOr("value", ""))
	actionURL, err := resp.Request.URL.Parse(action)
	if err != nil {
		t.Fatal(err)
	}

	resp, err = client.PostForm(actionURL.String(), values)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Request.URL.Path; got != "/citizen" {
		t.Fatalf("landed on %s; want /citizen", resp.Request.URL)
	}
	home := document(t, resp)
	rows := home.Find("#my-registrations tbody tr")
	if rows.Length() != 1 {
		t.Fatalf("/citizen lists %d registrations; want 1:\n%s", rows.Length(), home.Text())
	}
	arrival, err := time.Parse(time.RFC3339, person.ArrivalTime)
	if err != nil {
		t.Fatal(err)
	}
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.TrimSpace(rows.Find("td").Eq(1).Text())
	if want := arrival.In(oslo).Format("02.01.2006 15:04"); got != want {
		t.Errorf("/citizen shows arrival %q; want %q", got, want)
	}
}

// document reads resp's HTML after checking it is 200 OK; it fails the
// test otherwise.
func document(t *testing.T, resp *http.Response) *goquery.Document {
	t.Helper()
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s %s: status %d\n%s", resp.Request.Method, resp.Request.URL, resp.StatusCode, body)
	}
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
