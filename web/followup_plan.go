package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"beredskap"
	"beredskap/followup"
)

// followUpPlanPage is the control centre's page of one followed-up
// traveller: contact details, the hold, the timeline, the call reports
// with their corrections, the report form and the ad-hoc SMS form.
type followUpPlanPage struct {
	staffFrame
	Form     followUpForm
	Plan     *beredskap.FollowUpPlan
	TL       *followup.Timeline
	Receipt  string
	Name     string
	LangName string
	Status   string
	Held     string // who holds the traveller and until when, "" when free
	Mine     bool

	TimelineHref, ClaimAction, ReleaseAction, ReportAction, SMSAction string

	Events  []followUpEventRow
	Reports []followUpReportRow
	SMS     []followUpSMSRow

	// Correcting is the report the form corrects, 0 for a new report.
	Correcting int64
	// Filed and Sent are the report filed and the SMS queued just now.
	Filed, Sent int64
	// ReportConflict and SMSConflict say the service refused the form
	// because the operator does not hold the traveller (or the report was
	// corrected already).
	ReportConflict, SMSConflict bool
	Preview                     *followup.Preview
	PreviewLang                 string
}

// followUpEventRow is one line of the timeline.
type followUpEventRow struct {
	At, Kind, Detail string
}

// followUpReportRow is one call report.
type followUpReportRow struct {
	ID                                                        int64
	At, Operator, Outcome, Language, Understood, StayingAt    string
	Breaches, BreachText, Employer, EmployerText, CorrectHref string
	// Suspected is what was suspected of the employer, in the page's
	// language.
	Suspected                              string
	Interpreter, EmployerBreach, Corrected bool
	Corrects                               int64
}

// followUpSMSRow is one SMS of the traveller.
type followUpSMSRow struct {
	ID                                           int64
	At, Template, Language, Status, Encoding, To string
	Segments                                     int
}

// planTimeline returns the timeline of the receipt when it belongs to the
// plan planID, and ENOTFOUND otherwise.
func (s *Server) planTimeline(r *http.Request, planID int64, receipt string) (*followup.Timeline, error) {
	receipt = strings.TrimSpace(receipt)
	if receipt == "" {
		return nil, beredskap.Errorf(beredskap.ENOTFOUND, "no such plan")
	}
	tl, err := s.cfg.FollowUp.Traveller(r.Context(), receipt)
	if err != nil {
		return nil, err
	}
	if tl.Plan == nil || tl.Plan.ID != planID {
		return nil, beredskap.Errorf(beredskap.ENOTFOUND, "no such plan")
	}
	return tl, nil
}

// handleFollowUpPlan shows a traveller's page; ?correct= fills the report
// form from that report, to correct it.
func (s *Server) handleFollowUpPlan(w http.ResponseWriter, r *http.Request) {
	// The page is the control centre's; municipal users read the
	// traveller's timeline on their own pages.
	a, ok := s.requireFollowUp(w, r, beredskap.PermFollowUp)
	if !ok {
		return
	}
	id, err := pathID(r, "plan")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	q := r.URL.Query()
	tl, err := s.planTimeline(r, id, q.Get("receipt"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// The call is most often held in the traveller's language.
	page := s.planPage(w, r, a, tl, url.Values{"language": {tl.Plan.Language}})
	page.Filed, _ = strconv.ParseInt(q.Get("filed"), 10, 64)
	page.Sent, _ = strconv.ParseInt(q.Get("sent"), 10, 64)
	if c, err := strconv.ParseInt(q.Get("correct"), 10, 64); err == nil {
		for _, rep := range tl.Reports {
			if rep.ID == c {
				page.Correcting = c
				page.Values = reportValues(rep)
			}
		}
		if page.Correcting == 0 {
			s.Error(w, r, beredskap.Errorf(beredskap.ENOTFOUND, "no such report"))
			return
		}
	}
	page.setActions()
	s.render(w, r, http.StatusOK, "followup_plan.html", page)
}

// planPage returns the page of the timeline tl with the form values.
func (s *Server) planPage(w http.ResponseWriter, r *http.Request, a *beredskap.Actor, tl *followup.Timeline, values url.Values) *followUpPlanPage {
	p := tl.Plan
	path := "/staff/followup/queue/" + strconv.FormatInt(p.ID, 10)
	page := &followUpPlanPage{staffFrame: s.newStaffFrame(w, r, a, path, "centre.plan.title"), Plan: p, TL: tl, Receipt: p.Receipt}
	page.Form = followUpForm{frame: &page.staffFrame}
	page.Values = values
	for i := range page.Languages {
		page.Languages[i].Href += "&receipt=" + url.QueryEscape(p.Receipt)
	}
	page.Name = strings.TrimSpace(p.FirstName + " " + p.LastName)
	page.LangName = autonym(p.Language)
	page.Status = page.T("centre.status." + string(p.Status))
	if p.ClaimedBy != "" && p.LeaseUntil != nil {
		page.Held = page.T("centre.plan.held_by", "who", p.ClaimedBy, "until", page.Time(*p.LeaseUntil))
		page.Mine = p.ClaimedBy == a.User.Email
	}
	page.TimelineHref = timelineHref(p.Receipt, page.Lang)
	details := page.eventDetails(tl)
	for i, e := range tl.Events {
		page.Events = append(page.Events, followUpEventRow{At: page.Time(e.At), Kind: page.T("centre.event." + e.Kind), Detail: details[i]})
	}
	corrected := map[int64]bool{}
	for _, rep := range tl.Reports {
		if rep.Corrects != 0 {
			corrected[rep.Corrects] = true
		}
	}
	for _, rep := range tl.Reports {
		page.Reports = append(page.Reports, page.reportRow(rep, corrected[rep.ID]))
	}
	for _, m := range tl.SMS {
		page.SMS = append(page.SMS, followUpSMSRow{
			ID: m.ID, At: page.Time(m.CreatedAt), Template: page.T("centre.template." + m.Template),
			Language: autonym(m.Language), Status: page.T("centre.sms_status." + string(m.Status)),
			Encoding: m.Encoding, Segments: m.Segments, To: m.To,
		})
	}
	if page.Values.Get("sms_language") == "" {
		page.Values.Set("sms_language", p.Language)
	}
	return page
}

// setActions sets the addresses the page's forms post to. They carry the
// receipt, so that a form refused as expired leads back to this page (see
// Server.formPage).
func (page *followUpPlanPage) setActions() {
	base := "/staff/followup/queue/" + strconv.FormatInt(page.Plan.ID, 10)
	page.ClaimAction = page.Href(base+"/claim", "receipt", page.Receipt)
	page.ReleaseAction = page.Href(base+"/release", "receipt", page.Receipt)
	page.ReportAction = page.Href(base+"/reports", "receipt", page.Receipt)
	if page.Correcting != 0 {
		page.ReportAction = page.Href("/staff/followup/reports/"+strconv.FormatInt(page.Correcting, 10)+"/corrections",
			"receipt", page.Receipt)
	}
	page.SMSAction = page.Href(base+"/sms", "receipt", page.Receipt)
}

// reportRow describes a report in the page's language.
func (page *followUpPlanPage) reportRow(rep *beredskap.CallReport, corrected bool) followUpReportRow {
	row := followUpReportRow{
		ID: rep.ID, At: page.Time(rep.CreatedAt), Operator: rep.Operator,
		Outcome:   page.T("centre.outcome." + string(rep.Outcome)),
		StayingAt: rep.StayingAt, BreachText: rep.BreachText, EmployerText: rep.EmployerText,
		Interpreter: rep.Interpreter, EmployerBreach: rep.EmployerBreach, Corrected: corrected, Corrects: rep.Corrects,
	}
	if rep.Language != "" {
		row.Language = autonym(rep.Language)
	}
	if rep.Understood != "" {
		row.Understood = page.T("centre.understood." + string(rep.Understood))
	}
	var kinds []string
	for _, k := range rep.Breaches {
		kinds = append(kinds, page.T("centre.breach."+string(k)))
	}
	row.Breaches = strings.Join(kinds, ", ")
	if rep.EmployerBreach {
		row.Employer = strings.TrimSpace(rep.EmployerName + " (" + rep.EmployerOrg + ")")
		row.Suspected = suspicionWords(page.text, rep.EmployerSuspected)
	}
	if !corrected {
		row.CorrectHref = planHref(page.Plan.ID, page.Receipt, page.Lang) + "&correct=" +
			strconv.FormatInt(rep.ID, 10) + "#report-form"
	}
	return row
}

// reportValues returns the form values of a stored report, to correct it.
func reportValues(rep *beredskap.CallReport) url.Values {
	v := url.Values{
		"outcome": {string(rep.Outcome)}, "language": {rep.Language}, "understood": {string(rep.Understood)},
		"staying_at": {rep.StayingAt}, "breach_text": {rep.BreachText}, "employer_org": {rep.EmployerOrg},
		"employer_name": {rep.EmployerName}, "employer_text": {rep.EmployerText},
	}
	if rep.Interpreter {
		v.Set("interpreter", "true")
	}
	if rep.EmployerBreach {
		v.Set("employer_breach", "true")
	}
	for _, k := range rep.Breaches {
		v.Add("breaches", string(k))
	}
	for _, k := range rep.EmployerSuspected {
		v.Add("employer_suspected", string(k))
	}
	return v
}

// decodeReportForm reads the call report form.
func decodeReportForm(v url.Values) followup.ReportInput {
	in := followup.ReportInput{
		Outcome:        beredskap.CallOutcome(v.Get("outcome")),
		Language:       v.Get("language"),
		Interpreter:    v.Get("interpreter") == "true",
		Understood:     beredskap.Understood(v.Get("understood")),
		StayingAt:      v.Get("staying_at"),
		BreachText:     v.Get("breach_text"),
		EmployerBreach: v.Get("employer_breach") == "true",
		EmployerOrg:    strings.ReplaceAll(v.Get("employer_org"), " ", ""),
		EmployerName:   v.Get("employer_name"),
		EmployerText:   v.Get("employer_text"),
	}
	for _, k := range v["breaches"] {
		in.Breaches = append(in.Breaches, beredskap.BreachKind(k))
	}
	for _, k := range v["employer_suspected"] {
		in.EmployerSuspected = append(in.EmployerSuspected, beredskap.EmployerSuspicion(k))
	}
	return in
}

// suspicionWords returns what was suspected of an employer in the words
// of x, comma-separated.
func suspicionWords(x staffText, ss []beredskap.EmployerSuspicion) string {
	words := make([]string, len(ss))
	for i, k := range ss {
		words[i] = x.T("centre.suspected." + string(k))
	}
	return strings.Join(words, ", ")
}

// handleFollowUpReport files a call report on the traveller the operator
// holds and shows the page again; wrong fields are shown at the form.
func (s *Server) handleFollowUpReport(w http.ResponseWriter, r *http.Request) {
	s.postReport(w, r, false)
}

// handleFollowUpCorrection files a report that corrects an earlier one.
func (s *Server) handleFollowUpCorrection(w http.ResponseWriter, r *http.Request) {
	s.postReport(w, r, true)
}

// postReport files a new report (correct false; the path names the plan)
// or a correction (the path names the report corrected).
func (s *Server) postReport(w http.ResponseWriter, r *http.Request, correct bool) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	values := trimmed(r.PostForm)
	in := decodeReportForm(values)
	var rep *beredskap.CallReport
	var err error
	var planID, reportID int64
	if correct {
		if reportID, err = pathID(r, "report"); err == nil {
			rep, err = s.cfg.FollowUp.CorrectReport(r.Context(), reportID, in)
		}
	} else {
		if planID, err = pathID(r, "plan"); err == nil {
			rep, err = s.cfg.FollowUp.FileReport(r.Context(), planID, in)
		}
	}
	if err == nil {
		http.Redirect(w, r, planHref(rep.PlanID, rep.Receipt, staffLocales.pageLanguage(r))+
			"&filed="+strconv.FormatInt(rep.ID, 10)+"#reports", http.StatusSeeOther)
		return
	}
	problems, invalid := invalidProblems(err)
	if !invalid && beredskap.ErrorCode(err) != beredskap.ECONFLICT {
		s.Error(w, r, err)
		return
	}
	tl, terr := s.cfg.FollowUp.Traveller(r.Context(), values.Get("receipt"))
	if terr != nil || tl.Plan == nil || (!correct && tl.Plan.ID != planID) || (correct && !hasReport(tl, reportID)) {
		s.Error(w, r, err)
		return
	}
	page := s.planPage(w, r, a, tl, values)
	page.Correcting = reportID
	page.setActions()
	if invalid {
		page.Form.setProblems(problems, "report-form", nil)
	} else {
		page.ReportConflict = true
	}
	s.render(w, r, statusOf(beredskap.ErrorCode(err)), "followup_plan.html", page)
}

// hasReport reports whether the timeline holds the report id.
func hasReport(tl *followup.Timeline, id int64) bool {
	for _, rep := range tl.Reports {
		if rep.ID == id {
			return true
		}
	}
	return false
}

// smsRename maps the SMS service's field names to the form's.
var smsRename = map[string]string{"key": "sms_template", "template": "sms_template", "language": "sms_language"}

// handleFollowUpSMS previews (do=preview) or sends an ad-hoc SMS from a
// template to the traveller.
func (s *Server) handleFollowUpSMS(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	id, err := pathID(r, "plan")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	values := trimmed(r.PostForm)
	key, lang := values.Get("sms_template"), values.Get("sms_language")
	var preview *followup.Preview
	if key == "" {
		err = beredskap.Invalid("sms_template", "required", "choose a template")
	} else if values.Get("do") == "preview" {
		preview, err = s.cfg.FollowUp.PreviewSMS(r.Context(), id, key, lang)
	} else {
		var m *beredskap.SMSMessage
		if m, err = s.cfg.FollowUp.SendSMS(r.Context(), id, key, lang); err == nil {
			http.Redirect(w, r, planHref(id, m.Receipt, staffLocales.pageLanguage(r))+
				"&sent="+strconv.FormatInt(m.ID, 10)+"#sms", http.StatusSeeOther)
			return
		}
	}
	problems, invalid := invalidProblems(err)
	if err != nil && !invalid && beredskap.ErrorCode(err) != beredskap.ECONFLICT {
		s.Error(w, r, err)
		return
	}
	tl, terr := s.planTimeline(r, id, values.Get("receipt"))
	if terr != nil {
		s.Error(w, r, terr)
		return
	}
	page := s.planPage(w, r, a, tl, values)
	page.setActions()
	status := http.StatusOK
	switch {
	case invalid:
		page.Form.setProblems(problems, "sms-form", smsRename)
		status = http.StatusBadRequest
	case err != nil:
		page.SMSConflict, status = true, http.StatusConflict
	default:
		page.Preview, page.PreviewLang = preview, autonym(preview.Language)
	}
	s.render(w, r, status, "followup_plan.html", page)
}
