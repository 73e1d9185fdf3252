package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"beredskap"
	"beredskap/web"
)

// validOrg is a valid organisation number (Brønnøysundregistrene's own
// check digit rule, RULES.md: employers are named by it).
const validOrg = "923609016"

// followUpServer starts a server whose logins are not limited, with a
// control-centre operator logged in and one plan, in municipality A,
// claimed by them unless claim is false.
func followUpServer(t *testing.T, claim bool) (*testServer, *staffUser, *beredskap.FollowUpPlan) {
	t.Helper()
	ts := startServerWith(t, web.Config{}, serverOptions{staff: manyLogins})
	t.Cleanup(func() { logInternalErrors(t, ts) })
	centre := mustAddStaffUser(t, ts, "operator@kontrollsenter.test", beredskap.RoleControlCentre, national)
	mustLogIn(t, ts, centre)
	p := mustPlan(t, ts, mustRegistration(t, ts, municipalityA, "Kowalska"), municipalityA, "Kowalska")
	if claim {
		mustClaim(t, ts, centre, p.ID)
	}
	return ts, centre, p
}

// logInternalErrors shows the server's internal errors when the test
// failed.
func logInternalErrors(t *testing.T, ts *testServer) {
	if !t.Failed() {
		return
	}
	for _, line := range strings.Split(ts.Logs.String(), "\n") {
		if strings.Contains(line, "internal error") {
			t.Log(line)
		}
	}
}

// planPath returns the address of the plan's page.
func planPath(p *beredskap.FollowUpPlan, lang string) string {
	return fmt.Sprintf("/staff/followup/queue/%d?receipt=%s&lang=%s", p.ID, url.QueryEscape(p.Receipt), lang)
}

// storedReports returns the plan's call reports and every labour notice.
func storedReports(t *testing.T, ts *testServer, planID int64) ([]*beredskap.CallReport, []*beredskap.LabourNotice) {
	t.Helper()
	var reports []*beredskap.CallReport
	var notices []*beredskap.LabourNotice
	err := followUpStore(t, ts).ViewFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
		var err error
		if reports, err = tx.ListCallReports(ctx, planID); err != nil {
			return err
		}
		notices, _, err = tx.ListLabourNotices(ctx, beredskap.NoticeFilter{Limit: beredskap.MaxPageSize})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return reports, notices
}

// breachReport is a report of a reached traveller working with others
// for an employer that seems not to meet its duties (issue 4, point 4).
func breachReport(receipt, org string) url.Values {
	return url.Values{
		"receipt": {receipt}, "outcome": {"reached"}, "language": {"pl"}, "interpreter": {"true"},
		"understood": {"partly"}, "staying_at": {"Brakke på byggeplassen"}, "breaches": {"workplace_with_others"},
		"breach_text": {"Arbeider på byggeplass med andre."}, "employer_breach": {"true"}, "employer_org": {org},
		"employer_name": {"Bygg og Anlegg AS"}, "employer_suspected": {"work_in_quarantine", "shared_lodging"},
		"employer_text": {"Lar arbeidere i karantene jobbe med andre."},
	}
}

// TestFollowUpReportErrorsNameTheField posts a report with a wrong
// organisation number in each staff language: the page answers 400 with
// the field's label in that language in the error summary and at the
// field, and stores neither a report nor a notice.
func TestFollowUpReportErrorsNameTheField(t *testing.T) {
	ts, centre, p := followUpServer(t, true)
	for _, lang := range staffLanguages {
		loc := staffLocale(t, lang)
		resp := staffPost(t, ts, centre, fmt.Sprintf("/staff/followup/queue/%d/reports?lang=%s", p.ID, lang),
			breachReport(p.Receipt, "123456789"))
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: status %d; want 400:\n%s", lang, resp.StatusCode, readBody(t, resp))
		}
		doc := document(t, resp)
		summary := textOf(doc, "#error-summary")
		if !strings.Contains(summary, loc["centre.label.employer_org"]) {
			t.Errorf("%s: error summary %q does not name %q", lang, summary, loc["centre.label.employer_org"])
		}
		if href, _ := doc.Find("#error-summary a").Attr("href"); href != "#f-employer_org" {
			t.Errorf("%s: the summary links to %q; want #f-employer_org", lang, href)
		}
		if textOf(doc, "#f-employer_org-error") == "" {
			t.Errorf("%s: no message at the organisation number", lang)
		}
		if got, _ := doc.Find("#f-employer_name").Attr("value"); got != "Bygg og Anlegg AS" {
			t.Errorf("%s: the form lost what was typed: employer_name %q", lang, got)
		}
	}
	reports, notices := storedReports(t, ts, p.ID)
	if len(reports) != 0 || len(notices) != 0 {
		t.Errorf("stored %d reports and %d notices after refused input; want none", len(reports), len(notices))
	}
}

// TestFollowUpClaimNextAndReport is the operator's round: the queue lists
// the traveller, claim-next holds them and leads to their page, a report
// with a suspected employer breach is stored and shown, and the labour
// inspector sees the notice by employer and can export it (issue 4, points
// 2, 4 and 6).
func TestFollowUpClaimNextAndReport(t *testing.T) {
	ts, centre, p := followUpServer(t, false)
	doc := mustPage(t, ts, centre, "/staff/followup?lang=nb", http.StatusOK)
	if doc.Find(fmt.Sprintf(`#queue tr[data-plan="%d"]`, p.ID)).Length() != 1 {
		t.Fatalf("the queue does not list plan %d", p.ID)
	}
	resp := staffPost(t, ts, centre, "/staff/followup/claim-next?lang=nb", url.Values{"language": {"pl"}})
	readBody(t, resp)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, fmt.Sprintf("/staff/followup/queue/%d?", p.ID)) {
		t.Fatalf("claim-next: status %d to %q; want 303 to plan %d", resp.StatusCode, loc, p.ID)
	}
	doc = mustPage(t, ts, centre, loc, http.StatusOK)
	if got := textOf(doc, "#plan-holder"); !strings.Contains(got, centre.Email) {
		t.Errorf("holder %q; want %s", got, centre.Email)
	}
	if got := textOf(doc, "#plan-receipt"); got != p.Receipt {
		t.Errorf("receipt %q; want %s", got, p.Receipt)
	}

	resp = staffPost(t, ts, centre, fmt.Sprintf("/staff/followup/queue/%d/reports?lang=nb", p.ID), breachReport(p.Receipt, validOrg))
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("file the report: status %d; want 303", resp.StatusCode)
	}
	reports, notices := storedReports(t, ts, p.ID)
	if len(reports) != 1 || !reports[0].BreachSuspected() || reports[0].EmployerOrg != validOrg {
		t.Fatalf("reports %+v; want one with the breach and the employer", reports)
	}
	if len(notices) != 1 || notices[0].OrgNumber != validOrg {
		t.Fatalf("notices %+v; want one for %s", notices, validOrg)
	}
	doc = mustPage(t, ts, centre, resp.Header.Get("Location"), http.StatusOK)
	if doc.Find("#report-filed").Length() != 1 || doc.Find(fmt.Sprintf(`#report-list tr[data-report="%d"]`, reports[0].ID)).Length() != 1 {
		t.Errorf("the page does not confirm and list report %d", reports[0].ID)
	}

	// A correction is a new report that references the old one (issue 4,
	// point 4); filing let go of the traveller, so the operator claims
	// them again first.
	resp = staffPost(t, ts, centre, fmt.Sprintf("/staff/followup/queue/%d/claim?lang=nb", p.ID), nil)
	readBody(t, resp)
	doc = mustPage(t, ts, centre, planPath(p, "nb")+fmt.Sprintf("&correct=%d", reports[0].ID), http.StatusOK)
	action, _ := doc.Find("#report-form").Attr("action")
	if want := fmt.Sprintf("/staff/followup/reports/%d/corrections", reports[0].ID); !strings.HasPrefix(action, want) {
		t.Errorf("the correction form posts to %q; want %s", action, want)
	}
	if got, _ := doc.Find("#f-employer_org").Attr("value"); got != validOrg {
		t.Errorf("the correction form holds employer_org %q; want the old report's %s", got, validOrg)
	}
	// The traveller turns out to work alone: no breach after all.
	correction := url.Values{"receipt": {p.Receipt}, "outcome": {"reached"}, "language": {"pl"},
		"understood": {"no"}, "staying_at": {"Brakke på byggeplassen"}}
	resp = staffPost(t, ts, centre, action, correction)
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("file the correction: status %d; want 303", resp.StatusCode)
	}
	reports, _ = storedReports(t, ts, p.ID)
	if len(reports) != 2 || reports[1].Corrects != reports[0].ID || reports[1].Understood != beredskap.UnderstoodNo {
		t.Fatalf("reports after the correction %+v; want the old one and one correcting it", reports)
	}
	doc = mustPage(t, ts, centre, planPath(p, "nb"), http.StatusOK)
	if doc.Find(fmt.Sprintf(`#report-list tr[data-report="%d"][data-corrected="true"]`, reports[0].ID)).Length() != 1 {
		t.Errorf("the page does not mark report %d corrected", reports[0].ID)
	}

	labour := mustAddStaffUser(t, ts, "inspektor@arbeidstilsynet.test", beredskap.RoleLabourInspector,
		beredskap.Scope{Kind: beredskap.ScopeLabourInspectorate})
	mustLogIn(t, ts, labour)
	doc = mustPage(t, ts, labour, "/staff/labour/notices?lang=nb&org_number="+validOrg, http.StatusOK)
	row := doc.Find(`#notices tr[data-org="` + validOrg + `"]`)
	if row.Length() != 1 || !strings.Contains(row.Text(), "Bygg og Anlegg AS") {
		t.Fatalf("the notices do not list the employer %s", validOrg)
	}
	if strings.Contains(doc.Text(), "Kowalska") || strings.Contains(doc.Text(), p.Receipt) {
		t.Errorf("the labour inspectorate's page names the traveller")
	}
	csvHref, _ := doc.Find("#export-csv").Attr("href")
	resp = staffGet(t, ts, labour, csvHref)
	body := string(readBody(t, resp))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.Contains(body, validOrg) {
		t.Errorf("CSV export: status %d, %s:\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	resp = ts.get(t, "/api/v1/labour-notices?org_number="+validOrg, "Authorization", "Bearer "+labour.Token)
	var list struct {
		Items []struct {
			OrgNumber string `json:"org_number"`
		} `json:"items"`
	}
	decodeJSON(t, resp, &list)
	if len(list.Items) != 1 || list.Items[0].OrgNumber != validOrg {
		t.Errorf("API notices %+v; want the one of %s", list.Items, validOrg)
	}
}

// TestFollowUpReportNeedsClaim posts a report on a traveller the
// operator does not hold: refused with a notice (issue 4, point 8), and
// nothing stored.
func TestFollowUpReportNeedsClaim(t *testing.T) {
	ts, centre, p := followUpServer(t, false)
	resp := staffPost(t, ts, centre, fmt.Sprintf("/staff/followup/queue/%d/reports?lang=en", p.ID), url.Values{
		"receipt": {p.Receipt}, "outcome": {"not_reached"}, "language": {"pl"},
	})
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("status %d; want 409", resp.StatusCode)
	}
	if doc := document(t, resp); doc.Find("#report-conflict").Length() != 1 {
		t.Errorf("no notice that the traveller must be claimed")
	}
	if reports, _ := storedReports(t, ts, p.ID); len(reports) != 0 {
		t.Errorf("stored %d reports; want none", len(reports))
	}
}

// TestFollowUpSMSPreview previews SMS: Arabic needs UCS-2, a language
// without templates falls back with a warning (issue 4, points 3 and 8),
// and sending puts the SMS on the traveller's page.
func TestFollowUpSMSPreview(t *testing.T) {
	ts, centre, p := followUpServer(t, true)
	preview := func(lang string) *http.Response {
		return staffPost(t, ts, centre, fmt.Sprintf("/staff/followup/queue/%d/sms?lang=en", p.ID), url.Values{
			"receipt": {p.Receipt}, "sms_template": {"day2"}, "sms_language": {lang}, "do": {"preview"},
		})
	}
	resp := preview("ar")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("preview: status %d:\n%s", resp.StatusCode, readBody(t, resp))
	}
	doc := document(t, resp)
	if enc, _ := doc.Find("#sms-count").Attr("data-encoding"); enc != "UCS-2" {
		t.Errorf("Arabic preview encoding %q; want UCS-2", enc)
	}
	if doc.Find("#sms-fell-back").Length() != 0 {
		t.Errorf("Arabic has a template; no warning wanted")
	}
	// Filipino has no template (nor is it a language of the register): the
	// preview falls back to English and says so.
	doc = document(t, preview("fil"))
	if doc.Find("#sms-fell-back").Length() != 1 {
		t.Errorf("no warning that Filipino fell back")
	}
	if got := textOf(doc, "#sms-preview-body"); !strings.Contains(got, "Anna") {
		t.Errorf("preview %q does not greet the traveller", got)
	}

	resp = staffPost(t, ts, centre, fmt.Sprintf("/staff/followup/queue/%d/sms?lang=en", p.ID), url.Values{
		"receipt": {p.Receipt}, "sms_template": {"not_reached"}, "sms_language": {"pl"}, "do": {"send"},
	})
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: status %d; want 303", resp.StatusCode)
	}
	doc = mustPage(t, ts, centre, resp.Header.Get("Location"), http.StatusOK)
	if doc.Find("#sms-sent").Length() != 1 || doc.Find("#sms-list tbody tr").Length() == 0 {
		t.Errorf("the page does not show the SMS sent")
	}
}

// TestFollowUpTemplateUnknownPlaceholder saves a template with an unknown
// placeholder through the form and the API: refused naming the field, and
// the template is unchanged (issue 4, point 8).
func TestFollowUpTemplateUnknownPlaceholder(t *testing.T) {
	ts, centre, _ := followUpServer(t, false)
	before := templateBody(t, ts, centre, "day2", "nb")
	resp := staffPost(t, ts, centre, "/staff/followup/templates/day2/nb?lang=nb", url.Values{"body": {"Hei {navn}, husk karantenen."}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d; want 400", resp.StatusCode)
	}
	summary := textOf(document(t, resp), "#error-summary")
	if !strings.Contains(summary, staffLocale(t, "nb")["centre.label.body"]) || !strings.Contains(summary, "{navn}") {
		t.Errorf("error summary %q names neither the field nor the placeholder", summary)
	}

	req, err := http.NewRequest(http.MethodPut, ts.URL+"/api/v1/followup/sms-templates/day2/nb",
		strings.NewReader(`{"body": "Hei {navn}"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+centre.Token)
	resp, err = ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var e apiError
	decodeJSON(t, resp, &e)
	if resp.StatusCode != http.StatusBadRequest || e.Error.Field != "body" || e.Error.Reason != "unknown_placeholder" {
		t.Errorf("API: status %d, %+v; want 400 naming body", resp.StatusCode, e.Error)
	}
	if after := templateBody(t, ts, centre, "day2", "nb"); after != before {
		t.Errorf("the template changed from %q to %q", before, after)
	}
}

// templateBody returns the text of a template as the API lists it.
func templateBody(t *testing.T, ts *testServer, u *staffUser, key, lang string) string {
	t.Helper()
	resp := ts.get(t, "/api/v1/followup/sms-templates", "Authorization", "Bearer "+u.Token)
	var list struct {
		Items []struct{ Key, Language, Body string } `json:"items"`
	}
	decodeJSON(t, resp, &list)
	for _, it := range list.Items {
		if it.Key == key && it.Language == lang {
			return it.Body
		}
	}
	t.Fatalf("no template %s/%s in %+v", key, lang, list.Items)
	return ""
}

// TestFollowUpAPIReportErrors posts bad call reports to the API: each is
// refused naming the field, and nothing is stored.
func TestFollowUpAPIReportErrors(t *testing.T) {
	ts, centre, p := followUpServer(t, true)
	for _, c := range []struct{ body, field, reason string }{
		{`{"outcome": "reached", "language": "xx", "understood": "yes"}`, "language", "unknown_value"},
		{`{"outcome": "reached", "language": "pl", "understood": "yes", "colour": "red"}`, "colour", "unknown_field"},
		{`{"outcome": "reached", "language": "pl", "understood": "yes", "interpreter": "yes"}`, "interpreter", "wrong_type"},
		{`{"outcome": "reached", "language": "pl", "understood": "yes", "employer_breach": true, "employer_org": "123",
			"employer_name": "X AS", "employer_text": "Y"}`, "employer_org", "invalid_org_number"},
		{`{"outcome": "reached", "language": "pl", "understood": "yes", "employer_breach": true, "employer_org": "974760673",
			"employer_name": "X AS", "employer_suspected": ["made them work"]}`, "employer_suspected[0]", "unknown_value"},
		{`{"outcome": "reached", "language": "pl", "understood": "yes", "employer_breach": true, "employer_org": "974760673",
			"employer_name": "X AS", "employer_text": "made them work"}`, "employer_suspected", "required"},
	} {
		resp := ts.post(t, fmt.Sprintf("/api/v1/followup/plans/%d/reports", p.ID), []byte(c.body), "Authorization", "Bearer "+centre.Token)
		var e apiError
		decodeJSON(t, resp, &e)
		if resp.StatusCode != http.StatusBadRequest || e.Error.Field != c.field || e.Error.Reason != c.reason {
			t.Errorf("%s: status %d, field %q, reason %q; want 400, %s, %s", c.body, resp.StatusCode, e.Error.Field, e.Error.Reason, c.field, c.reason)
		}
	}
	if reports, notices := storedReports(t, ts, p.ID); len(reports) != 0 || len(notices) != 0 {
		t.Errorf("stored %d reports and %d notices; want none", len(reports), len(notices))
	}
	resp := ts.post(t, fmt.Sprintf("/api/v1/followup/plans/%d/reports", p.ID),
		[]byte(`{"outcome": "not_reached", "language": "pl"}`), "Authorization", "Bearer "+centre.Token)
	var rep struct {
		ID      int64  `json:"id"`
		Receipt string `json:"receipt"`
	}
	decodeJSON(t, resp, &rep)
	if resp.StatusCode != http.StatusCreated || rep.Receipt != p.Receipt {
		t.Fatalf("valid report: status %d, %+v; want 201 for %s", resp.StatusCode, rep, p.Receipt)
	}
	// Filing a report lets go of the traveller; the operator claims them
	// again to correct it.
	mustClaim(t, ts, centre, p.ID)
	resp = ts.post(t, fmt.Sprintf("/api/v1/followup/reports/%d/corrections", rep.ID),
		[]byte(`{"outcome": "wrong_number", "language": "pl"}`), "Authorization", "Bearer "+centre.Token)
	var corr struct {
		Corrects int64 `json:"corrects"`
	}
	decodeJSON(t, resp, &corr)
	if resp.StatusCode != http.StatusCreated || corr.Corrects != rep.ID {
		t.Errorf("correction: status %d, corrects %d; want 201 correcting %d", resp.StatusCode, corr.Corrects, rep.ID)
	}
}

// TestLabourNoticeFilterErrors sends wrong filters to the notices page:
// each is refused naming the field in the page's language.
func TestLabourNoticeFilterErrors(t *testing.T) {
	ts := staffServer(t)
	labour := mustAddStaffUser(t, ts, "inspektor@arbeidstilsynet.test", beredskap.RoleLabourInspector,
		beredskap.Scope{Kind: beredskap.ScopeLabourInspectorate})
	mustLogIn(t, ts, labour)
	for _, lang := range staffLanguages {
		loc := staffLocale(t, lang)
		for query, field := range map[string]string{"org_number=12345": "org_number", "from=2021-13-01": "from",
			"from=2021-02-15&to=2021-02-01": "to"} {
			doc := mustPage(t, ts, labour, "/staff/labour/notices?lang="+lang+"&"+query, http.StatusBadRequest)
			if got := textOf(doc, "#error-summary"); !strings.Contains(got, loc["centre.label."+field]) {
				t.Errorf("%s, %s: error summary %q does not name %q", lang, query, got, loc["centre.label."+field])
			}
		}
	}
	resp := ts.get(t, "/api/v1/labour-notices?org_number=12345", "Authorization", "Bearer "+labour.Token)
	var e apiError
	decodeJSON(t, resp, &e)
	if resp.StatusCode != http.StatusBadRequest || e.Error.Field != "org_number" {
		t.Errorf("API: status %d, field %q; want 400 naming org_number", resp.StatusCode, e.Error.Field)
	}
}

// TestFollowUpQueuePages fills the queue past one page: the page says how
// many travellers the queue holds and which are shown, and leads to the
// next page, which shows the rest and leads back to the first; every
// traveller is listed once.
func TestFollowUpQueuePages(t *testing.T) {
	ts, centre, first := followUpServer(t, false)
	const total = 53
	for i := 1; i < total; i++ {
		name := fmt.Sprintf("Nowak%02d", i)
		mustPlan(t, ts, mustRegistration(t, ts, municipalityA, name), municipalityA, name)
	}
	seen := map[string]bool{}
	doc := mustPage(t, ts, centre, "/staff/followup?lang=nb", http.StatusOK)
	for page, want := range []struct{ from, to int }{{1, 50}, {51, total}} {
		if got, _ := doc.Find("#queue-total").Attr("data-total"); got != fmt.Sprint(total) {
			t.Fatalf("page %d: the total is %q; want %d", page+1, got, total)
		}
		text := doc.Find("#queue-total").Text()
		if !strings.Contains(text, fmt.Sprintf("%d–%d", want.from, want.to)) {
			t.Errorf("page %d: %q; want it to say %d–%d are shown", page+1, text, want.from, want.to)
		}
		rows := doc.Find("#queue tbody tr[data-plan]")
		if rows.Length() != want.to-want.from+1 {
			t.Errorf("page %d: %d rows; want %d", page+1, rows.Length(), want.to-want.from+1)
		}
		rows.Each(func(_ int, s *goquery.Selection) {
			id, _ := s.Attr("data-plan")
			if seen[id] {
				t.Errorf("plan %s is listed twice", id)
			}
			seen[id] = true
		})
		next, hasNext := doc.Find("#next-page").Attr("href")
		_, hasFirst := doc.Find("#first-page").Attr("href")
		if page == 0 {
			if !hasNext || hasFirst {
				t.Fatalf("page 1: next %v, first %v; want only a link to the next page", hasNext, hasFirst)
			}
			doc = mustPage(t, ts, centre, next, http.StatusOK)
		} else if hasNext || !hasFirst {
			t.Errorf("page 2: next %v, first %v; want only a link to the first page", hasNext, hasFirst)
		}
	}
	if len(seen) != total || !seen[fmt.Sprint(first.ID)] {
		t.Errorf("%d travellers listed over the pages; want all %d", len(seen), total)
	}
}

// TestFollowUpReportRefusesPersonalData checks issue 13, item 8 on the
// control centre's page: the note for the labour inspectorate warns not to
// write personal data, and a note with a phone number is refused at the
// field in the page's language, storing neither report nor notice.
func TestFollowUpReportRefusesPersonalData(t *testing.T) {
	ts, centre, p := followUpServer(t, true)
	for _, lang := range staffLanguages {
		loc := staffLocale(t, lang)
		form := breachReport(p.Receipt, "974760673")
		form.Set("employer_text", "Formannen svarer på 912 34 567.")
		resp := staffPost(t, ts, centre, fmt.Sprintf("/staff/followup/queue/%d/reports?lang=%s", p.ID, lang), form)
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: status %d; want 400:\n%s", lang, resp.StatusCode, readBody(t, resp))
		}
		doc := document(t, resp)
		if got := textOf(doc, "#f-employer_text-error"); !strings.Contains(got, loc["centre.reason.personal_phone"]) {
			t.Errorf("%s: message at the note %q; want %q", lang, got, loc["centre.reason.personal_phone"])
		}
		if got := textOf(doc, "#f-employer_text-hint"); got != loc["centre.hint.employer_text"] {
			t.Errorf("%s: the note's hint %q; want the warning %q", lang, got, loc["centre.hint.employer_text"])
		}
	}
	if reports, notices := storedReports(t, ts, p.ID); len(reports) != 0 || len(notices) != 0 {
		t.Errorf("%d reports and %d notices stored after the refusals; want none", len(reports), len(notices))
	}
}
