package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"beredskap"
	"beredskap/followup"
	"beredskap/hotel"
)

// isoDate finds an ISO 8601 day (2021-02-26) standing alone in text.
var isoDate = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)

// rawWords finds what a Norwegian page must not show: snake_case codes
// and the English words the timelines, SMS counts and fee lines used to
// show ("arrival 2021-02-26", "rule 2021-02-15; quarantine (full)",
// "suspected breach: not_at_address", "UCS-2, 3 segment(s)").
var rawWords = regexp.MustCompile(`\b[a-z]+_[a-z_]+\b|(?i)\b(arrival|rule|quarantine|suspected|breach|segments?|attempts|allocated|payer|traveller)\b|UCS-2|GSM-7`)

// shownText returns what a person reads on the page: the text of the
// body without scripts, the values of form fields (which are machine
// fields: a date input holds an ISO date), what is marked as code, and
// the logged-in user's name (the test users' names hold their roles).
func shownText(doc *goquery.Document) string {
	body := doc.Find("body").Clone()
	body.Find("script, style, input, textarea, select, .code, code, [hidden], #staff-who").Remove()
	return body.Text()
}

// Issue 16, items 7 and 8: bokmål and nynorsk pages write every date
// people read as dd.mm.yyyy, never as an ISO date, and show no codes or
// English: the staff pages of a followed-up traveller with a suspected
// breach (timelines, call reports, SMS, hotel stay and fees, rule impact)
// and the public decision page.
func TestNorwegianPagesShowNoISODatesOrCodes(t *testing.T) {
	f := newMuniFixture(t)
	ts := f.ts
	coord := mustAddStaffUser(t, ts, "dates.coordinator@example.no", beredskap.RoleHotelCoordinator, municipal(municipalityA))
	mustLogIn(t, ts, coord)
	receipt := hostileRegistration(t, ts)
	system := beredskap.WithActor(context.Background(), beredskap.SystemActor())
	if _, _, err := ts.FollowUp.PlanPass(system); err != nil {
		t.Fatalf("plan pass: %v", err)
	}
	tl, err := ts.FollowUp.Traveller(system, receipt)
	if err != nil {
		t.Fatalf("timeline: %v", err)
	}
	centre := actorOf(t, ts, f.centre)
	if _, err := ts.FollowUp.Claim(centre, tl.Plan.ID); err != nil {
		t.Fatalf("claim: %v", err)
	}
	if _, err := ts.FollowUp.FileReport(centre, tl.Plan.ID, followup.ReportInput{
		Outcome: beredskap.CallReached, Language: "nb", Understood: beredskap.UnderstoodYes, StayingAt: "Hotell",
		Breaches: []beredskap.BreachKind{beredskap.BreachNotAtAddress}, BreachText: "Var på butikken",
	}); err != nil {
		t.Fatalf("file a report: %v", err)
	}
	h, err := ts.Hotels.CreateHotel(actorOf(t, ts, coord), hotel.HotelInput{
		Name: "Karantenehotellet", Address: "Karl Johans gate 1", PostalCode: "0154", ContactName: "Kari Kontakt",
		ContactEmail: "kontakt@oslo.test", ContactPhone: "+4722000000", Rooms: 5, Active: true,
	})
	if err != nil {
		t.Fatalf("add hotel: %v", err)
	}
	st := mustStay(t, ts, coord, receipt, h)

	for _, p := range []struct {
		as   *staffUser
		path string
	}{
		{f.officerA, "/staff/followup/travellers"},
		{f.officerA, "/staff/followup/travellers/" + receipt},
		{f.centre, fmt.Sprintf("/staff/followup/queue/%d?receipt=%s&", tl.Plan.ID, receipt)},
		{f.centre, "/staff/registrations/" + receipt},
		{coord, fmt.Sprintf("/staff/stays/%d", st.ID)},
		{coord, fmt.Sprintf("/staff/stays/%d/fees", st.ID)},
		{coord, fmt.Sprintf("/staff/hotels/%d", h.ID)},
		{coord, "/staff/stays"},
		{coord, "/staff/allocate"},
		{f.centre, "/staff/rule-impact"},
	} {
		sep := "?"
		if strings.HasSuffix(p.path, "&") {
			sep = ""
		}
		for _, lang := range []string{"nb", "nn"} {
			resp := staffGet(t, ts, p.as, p.path+sep+"lang="+lang)
			checkShown(t, p.path+" ("+lang+")", resp)
		}
	}
	for _, lang := range []string{"nb", "nn"} {
		resp := ts.get(t, "/receipt/"+receipt+"?lang="+lang)
		checkShown(t, "/receipt ("+lang+")", resp)
	}

	// The audit log of all this work, every page of it, as the access
	// administrator reads it: its objects and details in words, not as
	// the entries store them (kind:id, key=value, ISO instants).
	admin := mustAddStaffUser(t, ts, "dates.admin@example.no", beredskap.RoleAccessAdmin, national)
	mustLogIn(t, ts, admin)
	for _, lang := range []string{"nb", "nn"} {
		rows := 0
		for path, n := "/staff/audit?lang="+lang, 1; path != ""; n++ {
			doc := mustPage(t, ts, admin, path, http.StatusOK)
			where := fmt.Sprintf("/staff/audit page %d (%s)", n, lang)
			checkShownDoc(t, where, doc)
			text := shownText(doc)
			for _, loc := range rawAuditText.FindAllStringIndex(text, -1) {
				from, to := max(loc[0]-40, 0), min(loc[1]+40, len(text))
				t.Errorf("%s shows the stored %q: %q", where, text[loc[0]:loc[1]], strings.Join(strings.Fields(text[from:to]), " "))
			}
			rows += doc.Find("#audit tbody tr").Length()
			path, _ = doc.Find("#next-page").Attr("href")
		}
		// The entries of the work above: logins, the plan pass, the claim,
		// the report, the hotel, the stay, the pages' reads.
		if rows < 20 {
			t.Errorf("%s: %d audit entries; want the work of the test", lang, rows)
		}
	}
}

// checkShown reports each ISO date, code or English word a person reads
// in resp's Norwegian page, and on a page that says it is in nynorsk
// (lang="nn"), each word only bokmål writes so.
func checkShown(t *testing.T, where string, resp *http.Response) {
	t.Helper()
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("%s: status %d", where, resp.StatusCode)
		return
	}
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	checkShownDoc(t, where, doc)
}

// checkShownDoc is checkShown of a parsed page.
func checkShownDoc(t *testing.T, where string, doc *goquery.Document) {
	t.Helper()
	text := shownText(doc)
	for _, loc := range isoDate.FindAllStringIndex(text, -1) {
		from, to := max(loc[0]-40, 0), min(loc[1]+40, len(text))
		t.Errorf("%s shows the ISO date %s: %q", where, text[loc[0]:loc[1]], strings.Join(strings.Fields(text[from:to]), " "))
	}
	for _, loc := range rawWords.FindAllStringIndex(text, -1) {
		from, to := max(loc[0]-40, 0), min(loc[1]+40, len(text))
		t.Errorf("%s shows %q: %q", where, text[loc[0]:loc[1]], strings.Join(strings.Fields(text[from:to]), " "))
	}
	if lang, _ := doc.Find("html").Attr("lang"); strings.Contains(where, "(nn)") && lang != "nn" {
		t.Errorf("%s: the page is in %q; want nynorsk", where, lang)
	}
	if lang, _ := doc.Find("html").Attr("lang"); lang == "nn" {
		for _, loc := range bokmalOnly.FindAllStringIndex(text, -1) {
			from, to := max(loc[0]-40, 0), min(loc[1]+40, len(text))
			t.Errorf("%s shows the bokmål word %q in nynorsk: %q", where, text[loc[0]:loc[1]], strings.Join(strings.Fields(text[from:to]), " "))
		}
	}
}
