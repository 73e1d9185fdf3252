package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"beredskap"
	"beredskap/web"
)

// TestFollowUpBrowserReportReachesMunicipality is issue 4, point 10, in a
// real browser: a control-centre operator claims the next traveller, files
// a call report with a suspected breach and an employer breach; the
// municipal officer of the traveller's municipality then finds the
// traveller in their list, with the report on the timeline, and the
// officer of another municipality finds neither (seed 000: reports go to
// the municipal medical officer of the municipality where the traveller
// stays).
func TestFollowUpBrowserReportReachesMunicipality(t *testing.T) {
	browser := mustBrowser(t)
	ts := startServerWith(t, web.Config{}, serverOptions{staff: manyLogins})
	t.Cleanup(func() { logInternalErrors(t, ts) })
	centre := mustAddStaffUser(t, ts, "operator@kontrollsenter.test", beredskap.RoleControlCentre, national)
	officerA := mustAddStaffUser(t, ts, "kommuneoverlege@oslo.test", beredskap.RoleMunicipalOfficer, municipal(municipalityA))
	officerB := mustAddStaffUser(t, ts, "kommuneoverlege@bergen.test", beredskap.RoleMunicipalOfficer, municipal(municipalityB))
	receipt := mustRegistration(t, ts, municipalityA, "Kowalska")
	mustPlan(t, ts, receipt, municipalityA, "Kowalska")

	// The operator claims the next traveller of the queue.
	centreTab := staffTab(t, browser)
	browserLogIn(t, centreTab, ts, centre)
	err := chromedp.Do(centreTab,
		chromedp.Navigate(ts.URL+"/staff/followup?lang=nb"),
		chromedp.WaitVisible(chromedp.CSS(`#queue tr[data-receipt="`+receipt+`"]`)),
	)
	if err != nil {
		t.Fatalf("open the queue: %v", err)
	}
	checkAxe(t, centreTab, "followup-queue-nb")
	err = chromedp.Do(centreTab,
		chromedp.Click(chromedp.CSS("#claim-next")),
		chromedp.WaitVisible(chromedp.CSS("#report-form")),
	)
	if err != nil {
		t.Fatalf("claim the next traveller: %v", err)
	}
	if got := text(t, centreTab, "#plan-receipt"); got != receipt {
		t.Fatalf("claimed %q; want %s", got, receipt)
	}
	if got := text(t, centreTab, "#plan-holder"); !strings.Contains(got, centre.Email) {
		t.Errorf("holder %q; want %s", got, centre.Email)
	}
	checkAxe(t, centreTab, "followup-plan-nb")

	// A preview of the day-2 SMS in the traveller's language.
	err = chromedp.Do(centreTab,
		chromedp.SetValue(chromedp.CSS("#f-sms_template"), "day2"),
		chromedp.Click(chromedp.CSS("#sms-preview-button")),
		chromedp.WaitVisible(chromedp.CSS("#sms-preview")),
	)
	if err != nil {
		t.Fatalf("preview an SMS: %v", err)
	}
	// Issue 16, item 7: the count in words, not the encoding's code.
	if got := text(t, centreTab, "#sms-count"); !strings.Contains(got, "SMS") || strings.Contains(got, "GSM-7") || strings.Contains(got, "UCS-2") {
		t.Errorf("the preview does not say in words how many SMS it takes: %q", got)
	}

	// The call: reached, partly understood, works at a building site with
	// others for an employer that lets them.
	err = chromedp.Do(centreTab,
		chromedp.Click(chromedp.CSS("#f-outcome-reached")),
		chromedp.SetValue(chromedp.CSS("#f-language"), "pl"),
		chromedp.Click(chromedp.CSS("#f-interpreter")),
		chromedp.Click(chromedp.CSS("#f-understood-partly")),
		chromedp.SendKeys(chromedp.CSS("#f-staying_at"), "Brakke på byggeplassen"),
		chromedp.Click(chromedp.CSS("#f-breaches-workplace_with_others")),
		chromedp.SendKeys(chromedp.CSS("#f-breach_text"), "Arbeider på byggeplass med andre."),
		chromedp.Click(chromedp.CSS("#f-employer_breach")),
		chromedp.SendKeys(chromedp.CSS("#f-employer_org"), validOrg),
		chromedp.SendKeys(chromedp.CSS("#f-employer_name"), "Bygg og Anlegg AS"),
		chromedp.Click(chromedp.CSS("#f-employer_suspected-work_in_quarantine")),
		chromedp.Click(chromedp.CSS("#f-employer_suspected-shared_lodging")),
		chromedp.SendKeys(chromedp.CSS("#f-employer_text"), "Lar arbeidere i karantene jobbe med andre."),
	)
	if err != nil {
		t.Fatalf("fill the report: %v", err)
	}
	checkAxe(t, centreTab, "followup-report-form-nb")
	err = chromedp.Do(centreTab,
		chromedp.Click(chromedp.CSS("#file-report")),
		chromedp.WaitVisible(chromedp.CSS("#report-filed")),
	)
	if err != nil {
		t.Fatalf("file the report: %v", err)
	}
	if n := eval[int](t, centreTab, `document.querySelectorAll("#report-list tbody tr").length`); n != 1 {
		t.Errorf("the page lists %d reports; want 1", n)
	}
	screenshot(t, centreTab, "followup-plan-filed-nb")

	// The templates, one template's form and the notices pass axe too; the
	// notice of the report is listed by employer.
	for _, step := range []struct{ path, wait, name string }{
		{"/staff/followup/templates?lang=en", "#templates", "followup-templates-en"},
		{"/staff/followup/templates/day2/ar?lang=en", "#template-form", "followup-template-ar-en"},
		{"/staff/labour/notices?lang=nb", `#notices tr[data-org="` + validOrg + `"]`, "labour-notices-nb"},
	} {
		if err := chromedp.Do(centreTab, chromedp.Navigate(ts.URL+step.path), chromedp.WaitVisible(chromedp.CSS(step.wait))); err != nil {
			t.Fatalf("open %s: %v", step.path, err)
		}
		checkAxe(t, centreTab, step.name)
	}

	// The officer of the traveller's municipality sees the traveller and
	// the report.
	tabA := staffTab(t, browser)
	browserLogIn(t, tabA, ts, officerA)
	err = chromedp.Do(tabA,
		chromedp.Navigate(ts.URL+"/staff/followup/travellers?lang=nb"),
		chromedp.WaitVisible(chromedp.CSS(`#travellers tr[data-receipt="`+receipt+`"]`)),
	)
	if err != nil {
		t.Fatalf("%s's officer does not find the traveller in the list: %v", municipalityA, err)
	}
	checkAxe(t, tabA, "municipal-travellers-nb")
	err = chromedp.Do(tabA,
		chromedp.Click(chromedp.CSS(`#travellers tr[data-receipt="`+receipt+`"] a`)),
		chromedp.WaitVisible(chromedp.CSS("#traveller-receipt")),
	)
	if err != nil {
		t.Fatalf("open the traveller's timeline: %v", err)
	}
	if got := text(t, tabA, "#traveller-receipt"); got != receipt {
		t.Errorf("timeline of %q; want %s", got, receipt)
	}
	page := eval[string](t, tabA, "document.querySelector('main').innerText")
	for _, want := range []string{"Arbeider på byggeplass med andre.", "Bygg og Anlegg AS"} {
		if !strings.Contains(page, want) {
			t.Errorf("the timeline does not show %q", want)
		}
	}
	if n := eval[int](t, tabA, `document.querySelectorAll("section.muni-report").length`); n != 1 {
		t.Errorf("the timeline shows %d reports; want 1", n)
	}
	screenshot(t, tabA, "municipal-traveller-nb")
	checkAxe(t, tabA, "municipal-traveller-nb")

	// The officer of another municipality finds neither.
	tabB := staffTab(t, browser)
	browserLogIn(t, tabB, ts, officerB)
	err = chromedp.Do(tabB,
		chromedp.Navigate(ts.URL+"/staff/followup/travellers?lang=nb"),
		chromedp.WaitReady(chromedp.CSS("h1")),
	)
	if err != nil {
		t.Fatalf("open %s's list: %v", municipalityB, err)
	}
	if n := eval[int](t, tabB, `document.querySelectorAll('[data-receipt="`+receipt+`"]').length`); n != 0 {
		t.Errorf("%s's officer sees the traveller of %s in the list", municipalityB, municipalityA)
	}
	err = chromedp.Do(tabB,
		chromedp.Navigate(ts.URL+"/staff/followup/travellers/"+receipt+"?lang=nb"),
		chromedp.WaitReady(chromedp.CSS("h1")),
	)
	if err != nil {
		t.Fatalf("open the timeline as %s's officer: %v", municipalityB, err)
	}
	if got := eval[string](t, tabB, "document.title"); !strings.Contains(got, staffLocale(t, "nb")["error.title.not_found"]) &&
		!strings.Contains(got, locale(t, "nb")["error.title.not_found"]) {
		t.Errorf("the timeline page as %s's officer has the title %q; want not found", municipalityB, got)
	}
	if page := eval[string](t, tabB, "document.body.innerText"); strings.Contains(page, "Kowalska") || strings.Contains(page, "Bygg og Anlegg") {
		t.Errorf("%s's officer is shown the traveller or the report", municipalityB)
	}
}
