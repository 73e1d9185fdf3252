package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"beredskap/web"
)

// Issue 14: a public page lists, in plain words and in the page's
// language, what changed between two rule versions. From 2021-01-22 to
// 2021-01-25 the pre-arrival test went from 72 to 24 hours
// (lund.kommune.no) and parent–child visitation stopped being a full
// exemption (asnes.kommune.no).
func TestRuleChangesPage(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, web.Config{})
	for lang, want := range map[string][]string{
		"nb": {"24 timer før ankomst", "72 timer før ankomst", "Gjelder ikke lenger:", "25. januar 2021"},
		"nn": {"24 timar før ankomst", "Gjeld ikkje lenger:"},
		"en": {"24 hours before arrival", "No longer:", "25 January 2021"},
	} {
		doc, text := ruleChanges(t, ts, "2021-01-22", "2021-01-25", lang)
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the changes lack %q:\n%s", lang, w, text)
			}
		}
		if strings.Contains(text, "seed") || strings.Contains(text, "_") {
			t.Errorf("%s: internal names on the page:\n%s", lang, text)
		}
		checkAccessibleMarkup(t, doc)
	}
	// From 1 February 2022 23.00 the test after arrival ended
	// (landbrukstenester.no 2.2.2022); the page says so in every language.
	for lang, want := range map[string][]string{
		"nb": {"Gjelder ikke lenger:", "koronatest etter ankomst", "1. februar 2022 kl. 23.00"},
		"nn": {"Gjeld ikkje lenger:", "koronatest etter ankomst"},
		"en": {"No longer:", "covid-19 test after arrival", "1 February 2022"},
	} {
		_, text := ruleChanges(t, ts, "2022-01-26", "2022-02-01-2300", lang)
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the changes of 1 February 2022 lack %q:\n%s", lang, w, text)
			}
		}
	}
	resp := ts.get(t, "/rules/changes?from=2021-01-22&to=1999-01-01&lang=en")
	readBody(t, resp)
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown version: status %d; want 400", resp.StatusCode)
	}
	resp = ts.get(t, "/rules/changes?lang=en")
	doc := document(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(doc.Find("#changes").Text(), "no entry measures") {
		t.Errorf("the default page (the last two versions) does not show the end of the measures: %d", resp.StatusCode)
	}
}

// ruleChanges opens the page of what changed from one version to another
// in lang, and returns it with the text of its heading and changes.
func ruleChanges(t *testing.T, ts *testServer, from, to, lang string) (*goquery.Document, string) {
	t.Helper()
	resp := ts.get(t, "/rules/changes?from="+from+"&to="+to+"&lang="+lang)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s, %s to %s: status %d", lang, from, to, resp.StatusCode)
	}
	doc := document(t, resp)
	return doc, doc.Find("#changes").Text() + doc.Find("#changes-heading").Text()
}
