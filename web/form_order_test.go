package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"beredskap/web"
)

// TestErrorSummaryFollowsTheForm sends an empty form and a form with
// problems late and early on it, and checks that the error summary lists
// its lines in the order in which their fields stand on the rendered form.
func TestErrorSummaryFollowsTheForm(t *testing.T) {
	ts := mustServer(t, web.Config{})
	late := validForm("tok-order-late")
	late.Set("traveller.first_name", "")
	late.Set("accommodation.address.postal_code", "01X5")
	late.Del("documents")
	late.Set("arrival_time.date", "")
	late.Del("residence")
	forms := map[string]url.Values{
		"empty": {"idempotency_token": {"tok-order-empty"}},
		"mixed": late,
	}
	for name, form := range forms {
		for _, lang := range languages {
			t.Run(name+"/"+lang, func(t *testing.T) {
				resp := ts.postForm(t, lang, form)
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("status %d; want 422", resp.StatusCode)
				}
				doc := document(t, resp)
				place := map[string]int{}
				doc.Find("#form [id]").Each(func(i int, s *goquery.Selection) {
					id, _ := s.Attr("id")
					place["#"+id] = i
				})
				var hrefs []string
				doc.Find("#error-summary a").Each(func(_ int, s *goquery.Selection) {
					href, _ := s.Attr("href")
					hrefs = append(hrefs, href)
				})
				if len(hrefs) < 4 {
					t.Fatalf("summary has %d lines: %v", len(hrefs), hrefs)
				}
				if hrefs[0] != "#f-traveller-first_name" {
					t.Errorf("summary starts with %s; want the first name, the form's first field", hrefs[0])
				}
				last := -1
				for _, h := range hrefs {
					i, ok := place[h]
					if !ok {
						t.Errorf("summary links to %s, which is not on the form", h)
						continue
					}
					if i < last {
						t.Errorf("summary line %s comes after a field further down the form: %s", h, strings.Join(hrefs, " "))
					}
					last = max(last, i)
				}
			})
		}
	}
}
