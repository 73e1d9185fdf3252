package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"beredskap"
	"beredskap/followup"
)

// TestMunicipalListOwnMunicipality checks that a municipal user sees the
// travellers of their own municipality only, even when the query names
// another, and gets the not-found page for another municipality's
// traveller; the control centre chooses the municipality (issue 4 point
// 5; seed 000: the officer of the quarantine municipality follows up).
func TestMunicipalListOwnMunicipality(t *testing.T) {
	f := newMuniFixture(t)
	for _, path := range []string{
		"/staff/followup/travellers?lang=en",
		"/staff/followup/travellers?lang=en&municipality=" + municipalityB,
	} {
		doc := mustPage(t, f.ts, f.officerA, path, http.StatusOK)
		if got := doc.Find(`#travellers tr[data-receipt="` + f.receiptA + `"]`).Length(); got != 1 {
			t.Errorf("%s: rows of own traveller %d; want 1", path, got)
		}
		if got := doc.Find(`tr[data-receipt="` + f.receiptB + `"]`).Length(); got != 0 {
			t.Errorf("%s: the other municipality's traveller is listed", path)
		}
		if doc.Find("#f-municipality").Length() != 0 {
			t.Errorf("%s: a municipal user is offered a municipality filter", path)
		}
	}
	doc := mustPage(t, f.ts, f.staffB, "/staff/followup/travellers?lang=nb", http.StatusOK)
	if doc.Find(`tr[data-receipt="`+f.receiptB+`"]`).Length() != 1 || doc.Find(`tr[data-receipt="`+f.receiptA+`"]`).Length() != 0 {
		t.Errorf("municipal staff of B: rows %q; want only %s", textOf(doc, "#travellers tbody"), f.receiptB)
	}

	resp := staffGet(t, f.ts, f.officerA, "/staff/followup/travellers/"+f.receiptB)
	readBody(t, resp)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("another municipality's traveller: status %d; want 404", resp.StatusCode)
	}
	doc = mustPage(t, f.ts, f.officerA, "/staff/followup/travellers/"+f.receiptA+"?lang=en", http.StatusOK)
	if got := textOf(doc, "#traveller-receipt"); got != f.receiptA {
		t.Errorf("traveller page receipt %q; want %s", got, f.receiptA)
	}

	// The control centre first chooses a municipality.
	doc = mustPage(t, f.ts, f.centre, "/staff/followup/travellers?lang=en", http.StatusOK)
	if doc.Find("select#f-municipality").Length() != 1 || doc.Find("#travellers").Length() != 0 {
		t.Errorf("control centre without a municipality: want the choice and no list")
	}
	doc = mustPage(t, f.ts, f.centre, "/staff/followup/travellers?lang=en&municipality="+municipalityB, http.StatusOK)
	if doc.Find(`tr[data-receipt="`+f.receiptB+`"]`).Length() != 1 || doc.Find(`tr[data-receipt="`+f.receiptA+`"]`).Length() != 0 {
		t.Errorf("control centre, municipality B: rows %q", textOf(doc, "#travellers tbody"))
	}
	if href, _ := doc.Find("#export-csv").Attr("href"); !strings.Contains(href, "municipality="+municipalityB) {
		t.Errorf("the control centre's export link %q does not carry the municipality", href)
	}
}

// TestMunicipalFilterErrors checks that wrong filters come back with an
// error summary naming each field in the user's language, and that the
// fields are marked invalid.
func TestMunicipalFilterErrors(t *testing.T) {
	f := newMuniFixture(t)
	cases := []struct {
		lang string
		want []string
	}{
		{"nb", []string{"Ankommet fra: Skriv datoen som ÅÅÅÅ-MM-DD", "Karantene: Velg ett av alternativene."}},
		{"en", []string{"Arrived from: Write the date as YYYY-MM-DD", "Quarantine: Choose one of the options."}},
	}
	for _, c := range cases {
		path := "/staff/followup/travellers?lang=" + c.lang + "&arrival_from=2021-02-30&status=bogus"
		doc := mustPage(t, f.ts, f.officerA, path, http.StatusBadRequest)
		summary := textOf(doc, "#error-summary")
		for _, w := range c.want {
			if !strings.Contains(summary, w) {
				t.Errorf("%s: summary %q lacks %q", c.lang, summary, w)
			}
		}
		if v, _ := doc.Find("#f-arrival_from").Attr("aria-invalid"); v != "true" {
			t.Errorf("%s: arrival_from is not marked invalid", c.lang)
		}
		if href, _ := doc.Find(`#error-summary a`).First().Attr("href"); href != "#f-arrival_from" {
			t.Errorf("%s: the first summary link goes to %q; want #f-arrival_from", c.lang, href)
		}
		if doc.Find("#travellers").Length() != 0 {
			t.Errorf("%s: a list is shown with wrong filters", c.lang)
		}
	}
	doc := mustPage(t, f.ts, f.officerA, "/staff/followup/travellers?lang=en&arrival_from=2021-02-20&arrival_to=2021-02-10", http.StatusBadRequest)
	if s := textOf(doc, "#error-summary"); !strings.Contains(s, "Arrived up to: The last day cannot be before the first.") {
		t.Errorf("from after to: summary %q", s)
	}
}

// TestMunicipalFilters checks that the filters select travellers: by
// name, by suspected breach, and by arrival day.
func TestMunicipalFilters(t *testing.T) {
	f := newMuniFixture(t)
	other := muniRegister(t, f.ts, municipalityA, "Olga", "Lund")
	if _, _, err := f.ts.FollowUp.PlanPass(beredskap.WithActor(t.Context(), beredskap.SystemActor())); err != nil {
		t.Fatal(err)
	}
	f.report(t, followup.ReportInput{Outcome: beredskap.CallReached, Language: "pl", Understood: beredskap.UnderstoodYes,
		StayingAt: "Storgata 1", Breaches: []beredskap.BreachKind{beredskap.BreachVisitors}, BreachText: "Visitors at the door."})
	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{f.receiptA, other}},
		{"&name=nord", []string{f.receiptA}},
		{"&name=OLG", []string{other}},
		{"&breach=true", []string{f.receiptA}},
		{"&not_reached=true", []string{other}},
		{"&arrival_from=2021-02-17", nil},
		{"&arrival_from=2021-02-16&arrival_to=2021-02-16", []string{f.receiptA, other}},
	}
	for _, c := range cases {
		doc := mustPage(t, f.ts, f.officerA, "/staff/followup/travellers?lang=en"+c.query, http.StatusOK)
		var got []string
		doc.Find("#travellers tbody tr").Each(func(_ int, s *goquery.Selection) {
			got = append(got, s.AttrOr("data-receipt", ""))
		})
		if !sameSet(got, c.want) {
			t.Errorf("%q: rows %v; want %v", c.query, got, c.want)
		}
	}
}

// TestMunicipalTimeline checks that the traveller page shows the whole
// timeline with a correction shown as such, the corrected report marked,
// and the labour notice (issue 4 points 4 and 5).
func TestMunicipalTimeline(t *testing.T) {
	f := newMuniFixture(t)
	first := f.report(t, followup.ReportInput{Outcome: beredskap.CallReached, Language: "pl",
		Understood: beredskap.UnderstoodPartly, StayingAt: "Storgata 1"})
	fixed := f.correct(t, first.ID, followup.ReportInput{Outcome: beredskap.CallReached, Language: "pl",
		Understood: beredskap.UnderstoodNo, StayingAt: "At a building site",
		Breaches: []beredskap.BreachKind{beredskap.BreachWorkplace}, BreachText: "Works with others.",
		EmployerBreach: true, EmployerOrg: "974760673", EmployerName: "Bygg AS", EmployerText: "Lets him work.",
		EmployerSuspected: []beredskap.EmployerSuspicion{beredskap.SuspectWorkInQuarantine}})
	doc := mustPage(t, f.ts, f.officerA, "/staff/followup/travellers/"+f.receiptA+"?lang=en", http.StatusOK)
	timeline := textOf(doc, "#timeline tbody")
	for _, w := range []string{"Registered", "Decision", "Follow-up planned", "Call report", "Corrected call report",
		"Notice to the labour inspectorate", "Corrects report " + strconv.FormatInt(first.ID, 10)} {
		if !strings.Contains(timeline, w) {
			t.Errorf("timeline %q lacks %q", timeline, w)
		}
	}
	if s := textOf(doc, "#report-"+strconv.FormatInt(fixed.ID, 10)+"-heading"); !strings.Contains(s, "correction of report "+strconv.FormatInt(first.ID, 10)) {
		t.Errorf("the correction's heading %q does not say what it corrects", s)
	}
	if s := textOf(doc, "#report-"+strconv.FormatInt(first.ID, 10)+"-corrected"); !strings.Contains(s, "Corrected by report "+strconv.FormatInt(fixed.ID, 10)) {
		t.Errorf("the corrected report says %q", s)
	}
	if s := textOf(doc, "#notices"); !strings.Contains(s, "974760673") || !strings.Contains(s, "Bygg AS") {
		t.Errorf("notices %q lack the employer", s)
	}
	// Issue 13, item 8: what was suspected, in the page's words.
	suspected := staffLocale(t, "en")["centre.suspected.work_in_quarantine"]
	if s := textOf(doc, "#notices .employer-suspected"); s != suspected {
		t.Errorf("the notice says %q was suspected; want %q", s, suspected)
	}
	if s := textOf(doc, "#report-"+strconv.FormatInt(fixed.ID, 10)+" .employer-suspected"); s != suspected {
		t.Errorf("the report says %q was suspected; want %q", s, suspected)
	}
	if doc.Find("#timeline caption").Length() != 1 || doc.Find(`#timeline th[scope="col"]`).Length() != 3 {
		t.Error("the timeline table lacks its caption or column headers")
	}
}

// TestMunicipalCharts checks that the charts have one bar per day (and
// per ISO week) of the arrival filter's range, a title, and the numbers
// as a table.
func TestMunicipalCharts(t *testing.T) {
	f := newMuniFixture(t)
	doc := mustPage(t, f.ts, f.officerA, "/staff/followup/travellers?lang=en&arrival_from=2021-02-10&arrival_to=2021-02-20", http.StatusOK)
	for _, c := range []struct {
		id    string
		bars  int
		title string
	}{{"chart-arrivals", 11, "Arrivals per day"}, {"chart-active", 11, "Active quarantines per day"},
		{"chart-breaches", 2, "Suspected breaches per week"}} {
		chart := doc.Find("#" + c.id)
		if got := chart.Find("svg rect.muni-bar").Length(); got != c.bars {
			t.Errorf("%s: %d bars; want %d", c.id, got, c.bars)
		}
		if got := strings.TrimSpace(chart.Find("svg > title").Text()); got != c.title {
			t.Errorf("%s: title %q; want %q", c.id, got, c.title)
		}
		// The title is also visible, as the chart's heading, which names
		// the figure.
		if got := strings.TrimSpace(chart.Find("h3#" + c.id + "-heading").Text()); got != c.title {
			t.Errorf("%s: visible heading %q; want %q", c.id, got, c.title)
		}
		if by, _ := chart.Attr("aria-labelledby"); by != c.id+"-heading" {
			t.Errorf("%s: the figure is labelled by %q; want its heading", c.id, by)
		}
		if got := chart.Find("table tbody tr").Length(); got != c.bars {
			t.Errorf("%s: the table has %d rows; want %d", c.id, got, c.bars)
		}
	}
	row := doc.Find(`#chart-arrivals-table tbody tr`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.TrimSpace(s.Find("th").Text()) == "16 Feb 2021" // the English page's day format
	})
	if got := strings.TrimSpace(row.Find("td").Text()); got != "1" {
		t.Errorf("arrivals on 16 Feb 2021: %q; want 1 (A's traveller only)", got)
	}
}

// TestMunicipalExportPage checks the CSV and XLSX downloads: content
// type, attachment, and the own traveller's row only.
func TestMunicipalExportPage(t *testing.T) {
	f := newMuniFixture(t)
	resp := staffGet(t, f.ts, f.officerA, "/staff/followup/export?format=csv&municipality="+municipalityB)
	body := string(readBody(t, resp))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("csv: status %d: %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("csv content type %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, municipalityA) {
		t.Errorf("csv disposition %q", cd)
	}
	lines := strings.Split(strings.TrimSpace(body), "\r\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[1], f.receiptA+",Anna,Nordby,") || strings.Contains(body, f.receiptB) {
		t.Errorf("csv lines %q; want the header and %s only", lines, f.receiptA)
	}

	resp = staffGet(t, f.ts, f.officerA, "/staff/followup/export?format=xlsx")
	data := readBody(t, resp)
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("xlsx content type %q", ct)
	}
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil || len(rows) != 2 || rows[1][0] != f.receiptA {
		t.Errorf("xlsx rows %v, %v; want the header and %s", rows, err, f.receiptA)
	}

	resp = staffGet(t, f.ts, f.officerA, "/staff/followup/export?format=pdf&lang=en")
	readBody(t, resp)
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Content-Disposition") != "" {
		t.Errorf("unknown format: status %d, disposition %q; want 400 and no attachment", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
}

// TestMunicipalDigestPage checks that a municipal user sets their digest
// with the CSRF-protected form and that a wrong choice names the field.
func TestMunicipalDigestPage(t *testing.T) {
	f := newMuniFixture(t)
	doc := mustPage(t, f.ts, f.officerA, "/staff/followup/digest?lang=nb", http.StatusOK)
	if _, ok := doc.Find("#f-mode-off").Attr("checked"); !ok {
		t.Error("the digest is not off at first")
	}
	resp := staffPost(t, f.ts, f.officerA, "/staff/followup/digest?lang=nb", url.Values{"mode": {"immediate"}})
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: status %d; want 303", resp.StatusCode)
	}
	doc = mustPage(t, f.ts, f.officerA, resp.Header.Get("Location"), http.StatusOK)
	if _, ok := doc.Find("#f-mode-immediate").Attr("checked"); !ok || doc.Find("#digest-saved").Length() != 1 {
		t.Error("the saved choice is not shown")
	}
	resp = staffPost(t, f.ts, f.officerA, "/staff/followup/digest?lang=nb", url.Values{"mode": {"weekly"}})
	doc = document(t, resp)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(textOf(doc, "#error-summary"), "E-post om nye rapporter: Velg ett av alternativene.") {
		t.Errorf("wrong mode: status %d, summary %q", resp.StatusCode, textOf(doc, "#error-summary"))
	}
	resp = staffRequest(t, f.ts, f.officerA, http.MethodPost, "/staff/followup/digest", url.Values{"mode": {"off"}}, true)
	readBody(t, resp)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("without a CSRF token: status %d; want 403", resp.StatusCode)
	}
	p, err := f.ts.FollowUp.DigestPref(actorOf(t, f.ts, f.officerA))
	if err != nil || p.Mode != beredskap.DigestImmediate {
		t.Errorf("stored digest %+v, %v; want immediate", p, err)
	}
}

// TestMunicipalHomeLink checks that municipal users find the list from
// the staff home page, and the roles without reports do not.
func TestMunicipalHomeLink(t *testing.T) {
	f := newMuniFixture(t)
	doc := mustPage(t, f.ts, f.officerA, "/staff?lang=en", http.StatusOK)
	if doc.Find(`#staff-tasks a[href^="/staff/followup/travellers"]`).Length() != 1 {
		t.Errorf("the officer's home page has no link to the follow-up list: %q", textOf(doc, "#staff-tasks"))
	}
	border := mustAddStaffUser(t, f.ts, "muni.border@example.no", beredskap.RoleBorderOfficer, national)
	mustLogIn(t, f.ts, border)
	doc = mustPage(t, f.ts, border, "/staff?lang=en", http.StatusOK)
	if doc.Find(`a[href^="/staff/followup/travellers"]`).Length() != 0 {
		t.Error("the border officer is offered the follow-up list")
	}
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		seen[s]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}
