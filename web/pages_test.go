package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"beredskap"
	"beredskap/web"
)

var languages = []string{"nb", "nn", "en"}

// validForm is the contract example as the form posts it.
func validForm(token string) url.Values {
	return url.Values{
		"traveller.first_name":                  {"Anna"},
		"traveller.last_name":                   {"Kowalska"},
		"traveller.birth_date":                  {"1990-05-17"},
		"traveller.national_id":                 {""},
		"traveller.nationality":                 {"PL"},
		"traveller.id_document.type":            {"passport"},
		"traveller.id_document.number":          {"EA1234567"},
		"traveller.id_document.country":         {"PL"},
		"traveller.id_document.expires":         {"2027-01-31"},
		"traveller.phone":                       {"+48601234567"},
		"traveller.email":                       {"anna@example.com"},
		"traveller.language":                    {"pl"},
		"arrival_time.date":                     {"2020-12-20"},
		"arrival_time.time":                     {"14:30"},
		"arrival.mode":                          {"air"},
		"arrival.point":                         {"OSL"},
		"countries_visited":                     {"PL"},
		"countries_visited.other":               {"de"},
		"residence":                             {"none"},
		"purpose":                               {"other"},
		"employer.org_number":                   {""},
		"employer.name":                         {""},
		"accommodation.type":                    {"other_suitable"},
		"accommodation.address.street":          {"Storgata 1"},
		"accommodation.address.postal_code":     {"0155"},
		"accommodation.address.municipality":    {"0301"},
		"accommodation.single_room":             {"true"},
		"accommodation.own_bathroom":            {"true"},
		"accommodation.own_kitchen_or_meals":    {"true"},
		"accommodation.close_contact_avoidable": {"true"},
		"critical_function_sector":              {""},
		"documents":                             {"accommodation_confirmation"},
		"destination":                           {"mainland"},
		"idempotency_token":                     {token},
	}
}

// noRedirects is a client that returns redirects instead of following them.
func (ts *testServer) noRedirects() *http.Client {
	c := *ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

func (ts *testServer) postForm(t *testing.T, lang string, form url.Values, headers ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, ts.URL+"/register?lang="+lang, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := ts.noRedirects().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func document(t *testing.T, resp *http.Response) *goquery.Document {
	t.Helper()
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestFormRendersInEachLanguage(t *testing.T) {
	ts := mustServer(t, web.Config{})
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			loc := locale(t, lang)
			resp := ts.get(t, "/?lang="+lang)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			doc := document(t, resp)
			if got, _ := doc.Find("html").Attr("lang"); got != lang {
				t.Errorf("html lang %q; want %q", got, lang)
			}
			for field, key := range map[string]string{
				"f-traveller-first_name":              "label.traveller.first_name",
				"f-accommodation-address-postal_code": "label.accommodation.address.postal_code",
				"f-arrival_time-date":                 "label.arrival_time.date",
			} {
				label := strings.TrimSpace(doc.Find(`label[for="` + field + `"]`).Text())
				if !strings.HasPrefix(label, loc[key]) {
					t.Errorf("label of %s %q; want %q", field, label, loc[key])
				}
			}
			if got := strings.TrimSpace(doc.Find("h1").Text()); got != loc["form.title"] {
				t.Errorf("h1 %q; want %q", got, loc["form.title"])
			}
			if got := doc.Find(`#submit`).Text(); got != loc["form.submit"] {
				t.Errorf("submit %q; want %q", got, loc["form.submit"])
			}
			if action, _ := doc.Find("form#form").Attr("action"); action != "/register?lang="+lang {
				t.Errorf("form action %q", action)
			}
			if tok, _ := doc.Find(`input[name="idempotency_token"]`).Attr("value"); len(tok) < 16 {
				t.Errorf("idempotency token %q; want a random one", tok)
			}
			checkAccessibleMarkup(t, doc)
		})
	}
}

// checkAccessibleMarkup checks by selectors what a screen reader needs:
// a label for every control, unique ids, one h1 and headings in order, a
// skip link to main, and a language switcher.
func checkAccessibleMarkup(t *testing.T, doc *goquery.Document) {
	t.Helper()
	ids := map[string]bool{}
	doc.Find("[id]").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if ids[id] {
			t.Errorf("id %q is used twice", id)
		}
		ids[id] = true
	})
	doc.Find("input, select, textarea").Each(func(_ int, s *goquery.Selection) {
		if typ, _ := s.Attr("type"); typ == "hidden" {
			return
		}
		id, _ := s.Attr("id")
		name, _ := s.Attr("name")
		if id == "" || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("control %s (id %q) has no label", name, id)
		}
		if ref, ok := s.Attr("aria-describedby"); ok {
			for _, r := range strings.Fields(ref) {
				if !ids[r] {
					t.Errorf("control %s is described by missing id %q", name, r)
				}
			}
		}
	})
	if n := doc.Find("h1").Length(); n != 1 {
		t.Errorf("%d h1; want 1", n)
	}
	last := 0
	doc.Find("h1, h2, h3, h4, h5, h6").Each(func(_ int, s *goquery.Selection) {
		level := int(goquery.NodeName(s)[1] - '0')
		if level > last+1 {
			t.Errorf("heading %q is h%d after h%d", strings.TrimSpace(s.Text()), level, last)
		}
		last = level
	})
	if href, _ := doc.Find("a.ds-skip-link").Attr("href"); href != "#main" || doc.Find("main#main").Length() != 1 {
		t.Errorf("skip link to %q; want #main and a main#main", href)
	}
	if n := doc.Find(`nav a[hreflang]`).Length(); n < 3 {
		t.Errorf("language switcher has %d links; want 3", n)
	}
}

func TestFormLanguageFromAcceptLanguage(t *testing.T) {
	ts := mustServer(t, web.Config{})
	tests := []struct{ header, want string }{
		{"nn-NO,nn;q=0.9,nb;q=0.8", "nn"},
		{"nb-NO", "nb"},
		{"no", "nb"},
		{"en-US,en;q=0.9", "en"},
		{"de-DE", "en"},
		{"", "en"},
	}
	for _, tt := range tests {
		resp := ts.get(t, "/", "Accept-Language", tt.header)
		doc := document(t, resp)
		if got, _ := doc.Find("html").Attr("lang"); got != tt.want {
			t.Errorf("Accept-Language %q: lang %q; want %q", tt.header, got, tt.want)
		}
	}
	// The query parameter wins over the header.
	resp := ts.get(t, "/?lang=nn", "Accept-Language", "en")
	if got, _ := document(t, resp).Find("html").Attr("lang"); got != "nn" {
		t.Errorf("?lang=nn: lang %q", got)
	}
}

func TestInvalidFormShowsMessagesNextToFields(t *testing.T) {
	ts := mustServer(t, web.Config{})
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			loc := locale(t, lang)
			form := validForm("tok-invalid-" + lang)
			form.Set("traveller.first_name", "")
			form.Set("accommodation.address.postal_code", "01X5")
			form.Set("countries_visited.other", "DE, Germany")
			form.Del("residence")
			resp := ts.postForm(t, lang, form)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d; want 422", resp.StatusCode)
			}
			doc := document(t, resp)
			for id, key := range map[string]string{
				"f-traveller-first_name":              "reason.required",
				"f-accommodation-address-postal_code": "reason.format_postal_code",
				"f-residence":                         "reason.required",
			} {
				msg := strings.TrimSpace(doc.Find("#" + id + "-error").Text())
				if msg != loc[key] {
					t.Errorf("message of %s %q; want %q", id, msg, loc[key])
				}
				control := doc.Find("#" + id)
				if goquery.NodeName(control) == "fieldset" {
					control = control.Find("input").First()
				}
				if inv, _ := control.Attr("aria-invalid"); inv != "true" {
					t.Errorf("%s: aria-invalid %q", id, inv)
				}
				if desc, _ := doc.Find("#" + id).Attr("aria-describedby"); !strings.Contains(desc, id+"-error") {
					t.Errorf("%s: aria-describedby %q lacks its message", id, desc)
				}
			}
			other := strings.TrimSpace(doc.Find("#f-countries_visited-other-error").Text())
			if !strings.Contains(other, "GERMANY") || !strings.HasPrefix(other, loc["reason.unknown_area"]) {
				t.Errorf("countries message %q; want the reason and the wrong value", other)
			}
			summary := doc.Find(".ds-error-summary")
			if summary.Length() != 1 {
				t.Fatalf("no error summary")
			}
			if href, _ := summary.Find(`a[href="#f-traveller-first_name"]`).Attr("href"); href == "" {
				t.Errorf("summary does not link to the first name: %s", summary.Text())
			}
			if summary.Find(`a[href="#f-residence-registered_resident"]`).Length() != 1 {
				t.Errorf("summary does not link to the first residence option")
			}
			if title := doc.Find("title").Text(); !strings.HasPrefix(title, strings.Split(loc["form.title.errors"], "{")[0]) {
				t.Errorf("title %q does not say there are errors", title)
			}
			// What was typed is kept.
			if v, _ := doc.Find("#f-traveller-last_name").Attr("value"); v != "Kowalska" {
				t.Errorf("last name %q; want what was typed", v)
			}
			if _, ok := doc.Find("#f-documents-accommodation_confirmation").Attr("checked"); !ok {
				t.Errorf("ticked document not kept")
			}
			if v, _ := doc.Find(`#f-traveller-nationality option[selected]`).Attr("value"); v != "PL" {
				t.Errorf("nationality %q not kept", v)
			}
			if tok, _ := doc.Find(`input[name="idempotency_token"]`).Attr("value"); tok != "tok-invalid-"+lang {
				t.Errorf("token %q; want the same token so that the corrected form is the same attempt", tok)
			}
			checkAccessibleMarkup(t, doc)
		})
	}
	if n := ts.count(t); n != 0 {
		t.Errorf("%d registrations stored; want 0", n)
	}
}

func TestFormRegistersAndShowsReceipt(t *testing.T) {
	ts := mustServer(t, web.Config{})
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			loc := locale(t, lang)
			form := validForm("tok-valid-" + lang)
			resp := ts.postForm(t, lang, form)
			readBody(t, resp)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("status %d; want 303", resp.StatusCode)
			}
			loc303 := resp.Header.Get("Location")
			if !strings.HasPrefix(loc303, "/receipt/") || !strings.HasSuffix(loc303, "?lang="+lang) {
				t.Fatalf("Location %q", loc303)
			}

			// A double submit lands on the same receipt.
			resp = ts.postForm(t, lang, form)
			readBody(t, resp)
			if again := resp.Header.Get("Location"); again != loc303 {
				t.Errorf("second submit went to %q; want %q", again, loc303)
			}

			resp = ts.get(t, loc303)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("receipt: status %d", resp.StatusCode)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("receipt Cache-Control %q; want no-store", cc)
			}
			doc := document(t, resp)
			code := strings.TrimSpace(doc.Find("#receipt-code").Text())
			if got, ok := beredskap.NormalizeReceipt(code); !ok || got != code || !strings.Contains(loc303, code) {
				t.Errorf("receipt code %q is not valid or not the page's", code)
			}
			if got := doc.Find("#traveller-name").Text(); got != "Anna Kowalska" {
				t.Errorf("name %q", got)
			}
			if got := doc.Find("#decision-headline").Text(); got != loc["decision.headline.full"] {
				t.Errorf("headline %q; want %q", got, loc["decision.headline.full"])
			}
			if got := doc.Find("#traveller-birth-date").Text(); !strings.Contains(got, "1990") || !strings.Contains(got, loc["month.5"]) {
				t.Errorf("birth date %q; want it written in %s", got, lang)
			}
			src, _ := doc.Find("img.receipt-qr").Attr("src")
			alt, _ := doc.Find("img.receipt-qr").Attr("alt")
			if !strings.Contains(alt, code) {
				t.Errorf("QR alt %q lacks the code", alt)
			}
			qr := ts.get(t, src)
			png := readBody(t, qr)
			if qr.StatusCode != 200 || qr.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(string(png), "\x89PNG") {
				t.Errorf("QR %s: %d %s", src, qr.StatusCode, qr.Header.Get("Content-Type"))
			}
			if doc.Find(".reasons li").Length() == 0 {
				t.Errorf("no reasons shown")
			}
			// Issue 14: the summary says what the reasons say: the test
			// duty (a foreign visitor shows a pre-arrival test), why the
			// hotel is not required (group 4 in words, not its number)
			// and the registration duty.
			tests := doc.Find("#decision-tests li")
			if tests.Length() != 1 || !strings.Contains(doc.Find(".reasons").Text(), strings.TrimSpace(tests.First().Text())) {
				t.Errorf("tests in the summary: %d %q", tests.Length(), tests.Text())
			}
			why := strings.TrimSpace(doc.Find("#decision-hotel-why").Text())
			if why == "" || !strings.Contains(doc.Find(".reasons").Text(), why) {
				t.Errorf("no reason for the hotel in the summary: %q", why)
			}
			if doc.Find("#decision-other li").Length() == 0 {
				t.Errorf("the registration duty is not in the summary")
			}
			checkAccessibleMarkup(t, doc)
		})
	}
	if n := ts.count(t); n != len(languages) {
		t.Errorf("%d registrations; want %d", n, len(languages))
	}
}

func TestReceiptInAnotherLanguage(t *testing.T) {
	ts := mustServer(t, web.Config{})
	resp := ts.postForm(t, "nb", validForm("tok-lang"))
	readBody(t, resp)
	path, _, _ := strings.Cut(resp.Header.Get("Location"), "?")
	en := document(t, ts.get(t, path+"?lang=en"))
	nb := document(t, ts.get(t, path+"?lang=nb"))
	enReason := en.Find(".reasons li p").First().Text()
	nbReason := nb.Find(".reasons li p").First().Text()
	if enReason == "" || enReason == nbReason {
		t.Errorf("reason in en %q and nb %q; want the texts of each language", enReason, nbReason)
	}
	// A receipt typed loosely goes to its written form.
	code := strings.TrimPrefix(path, "/receipt/")
	loose := strings.ToLower(strings.ReplaceAll(code, "-", ""))
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/receipt/"+loose+"?lang=en", nil)
	r, err := ts.noRedirects().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, r)
	if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != path+"?lang=en" {
		t.Errorf("loose receipt: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
}

func TestFormConflict(t *testing.T) {
	ts := mustServer(t, web.Config{})
	resp := ts.postForm(t, "en", validForm("tok-conflict"))
	readBody(t, resp)
	changed := validForm("tok-conflict")
	changed.Set("traveller.first_name", "Maria")
	resp = ts.postForm(t, "en", changed)
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("status %d; want 409", resp.StatusCode)
	}
	doc := document(t, resp)
	if doc.Find("#conflict").Length() != 1 {
		t.Errorf("no conflict message")
	}
	if tok, _ := doc.Find(`input[name="idempotency_token"]`).Attr("value"); tok == "tok-conflict" {
		t.Errorf("the form kept the used token")
	}
	if v, _ := doc.Find("#f-traveller-first_name").Attr("value"); v != "Maria" {
		t.Errorf("first name %q; want what was typed", v)
	}
}

func TestCrossOriginFormRefused(t *testing.T) {
	ts := mustServer(t, web.Config{})
	resp := ts.postForm(t, "nb", validForm("tok-csrf"), "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	doc := document(t, resp)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("status %d; want 403", resp.StatusCode)
	}
	if got, _ := doc.Find("html").Attr("lang"); got != "nb" {
		t.Errorf("error page lang %q; want nb", got)
	}
	resp = ts.postForm(t, "nb", validForm("tok-same"), "Sec-Fetch-Site", "same-origin", "Origin", ts.URL)
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("same-origin: status %d; want 303", resp.StatusCode)
	}
	if n := ts.count(t); n != 1 {
		t.Errorf("%d registrations; want 1", n)
	}
}

func TestAssets(t *testing.T) {
	ts := mustServer(t, web.Config{})
	doc := document(t, ts.get(t, "/"))
	links := doc.Find(`link[rel="stylesheet"]`)
	if links.Length() != 3 {
		t.Fatalf("%d stylesheets; want 3", links.Length())
	}
	links.Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		resp := ts.get(t, href)
		body := readBody(t, resp)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || len(body) == 0 {
			t.Errorf("%s: %d %q", href, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("%s: Cache-Control %q", href, cc)
		}
	})
	for _, path := range []string{"/assets/", "/assets/nope.css", "/assets/../server.go"} {
		resp := ts.get(t, path)
		readBody(t, resp)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d; want 404", path, resp.StatusCode)
		}
	}
}

func TestErrorPage(t *testing.T) {
	ts := mustServer(t, web.Config{})
	resp := ts.get(t, "/receipt/00000-00000-0?lang=nn")
	doc := document(t, resp)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status %d; want 404", resp.StatusCode)
	}
	if got := doc.Find("h1").Text(); got != locale(t, "nn")["error.title.not_found"] {
		t.Errorf("h1 %q", got)
	}
}
