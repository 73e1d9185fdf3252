package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"beredskap"
	"beredskap/web"
)

// Seed 001: from 13 December 2020 at 17:00 a traveller with a suitable
// place of their own (exemption group 4, seed 004) need not stay at the
// quarantine hotel. A traveller who arrives on 11 December is decided by
// the rules then, and the receipt page says, in the page's language, that
// the rules change on 13 December at 17:00 and what applies then.
func TestReceiptShowsComingRuleChange(t *testing.T) {
	ts := mustServer(t, web.Config{})
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			loc := locale(t, lang)
			form := validForm("tok-coming-" + lang)
			form.Set("arrival_time.date", "2020-12-11")
			form.Set("arrival_time.time", "12:00")
			resp := ts.postForm(t, lang, form)
			readBody(t, resp)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("status %d; want 303", resp.StatusCode)
			}
			doc := document(t, ts.get(t, resp.Header.Get("Location")))
			if got := doc.Find("#decision-hotel").Text(); got != loc["decision.hotel.required"] {
				t.Fatalf("hotel %q; want %q (decided before the change)", got, loc["decision.hotel.required"])
			}
			coming := doc.Find(".coming-change")
			if coming.Length() != 1 {
				t.Fatalf("%d announced rule changes; want 1", coming.Length())
			}
			if rule, _ := coming.Attr("data-rule"); rule != "2020-12-13-1700" {
				t.Errorf("announced rule version %q; want 2020-12-13-1700", rule)
			}
			heading := coming.Find("h3").Text()
			for _, part := range []string{"13", loc["month.12"], "2020", "17:00"} {
				if !strings.Contains(heading, part) {
					t.Errorf("heading %q lacks %q", heading, part)
				}
			}
			var lines []string
			coming.Find("li").Each(func(_ int, li *goquery.Selection) { lines = append(lines, li.Text()) })
			// What applies then: no hotel, and why (exemption group 4), in
			// the decision's own words.
			if len(lines) != 2 || lines[0] != loc["decision.hotel.not_required"] || !strings.Contains(lines[1], "4") {
				t.Errorf("lines %q; want %q and the exemption of group 4", lines, loc["decision.hotel.not_required"])
			}
			checkAccessibleMarkup(t, doc)
		})
	}
}

// The API answers with the same change, computed from the new version.
func TestAPIShowsComingRuleChange(t *testing.T) {
	ts := mustServer(t, web.Config{})
	body := contractWith(t, func(m map[string]any) { m["arrival_time"] = "2020-12-11T12:00:00+01:00" })
	type answer struct {
		Receipt     string                 `json:"receipt"`
		Decision    beredskap.Decision     `json:"decision"`
		RuleChanges []beredskap.RuleChange `json:"rule_changes"`
	}
	check := func(what string, got []beredskap.RuleChange) {
		t.Helper()
		if len(got) != 1 {
			t.Fatalf("%s: %d rule changes; want 1", what, len(got))
		}
		c := got[0]
		if c.InForceFrom != "2020-12-13T17:00:00+01:00" || !slices.Contains(c.Changes, "hotel_lifted") ||
			c.Decision.RuleSet.ID != "2020-12-13-1700" || c.Decision.Hotel.Required {
			t.Errorf("%s: change %+v; want the hotel lifted from 2020-12-13T17:00:00+01:00", what, c)
		}
	}
	resp := ts.post(t, "/api/v1/registrations", body, "Idempotency-Key", "coming-1", "Accept-Language", "en")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("register: %d %s", resp.StatusCode, readBody(t, resp))
	}
	var created answer
	decodeJSON(t, resp, &created)
	if !created.Decision.Hotel.Required {
		t.Fatalf("decision %+v; want the hotel required before the change", created.Decision.Hotel)
	}
	check("registration", created.RuleChanges)

	resp = ts.post(t, "/api/v1/evaluate", body, "Accept-Language", "en")
	var evaluated struct {
		beredskap.Decision
		RuleChanges []beredskap.RuleChange `json:"rule_changes"`
	}
	decodeJSON(t, resp, &evaluated)
	check("evaluation", evaluated.RuleChanges)

	// Arriving after the change, nothing is announced and the field is
	// left out, as before.
	after := contractWith(t, func(m map[string]any) { m["arrival_time"] = "2020-12-13T18:00:00+01:00" })
	raw := string(readBody(t, ts.post(t, "/api/v1/evaluate", after)))
	if strings.Contains(raw, "rule_changes") {
		t.Errorf("evaluation after the change announces one: %s", raw)
	}
}
