package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"beredskap"
)

// registerFollowUpPages registers the control centre's pages and API (work
// queue, claims, call reports, SMS and templates), the labour
// inspectorate's notices and the SMS receipt webhook, when the server has a
// follow-up service.
func (s *Server) registerFollowUpPages() {
	if s.cfg.SMSReceipts != nil {
		s.handle("POST /api/v1/sms/receipts", s.handleSMSReceipts)
	}
	if s.cfg.FollowUp == nil {
		return
	}
	s.handle("GET /staff/followup", s.handleFollowUpQueue)
	s.handle("POST /staff/followup/claim-next", s.handleFollowUpClaimNext)
	s.handle("GET /staff/followup/queue/{plan}", s.handleFollowUpPlan)
	s.handle("POST /staff/followup/queue/{plan}/claim", s.handleFollowUpClaim)
	s.handle("POST /staff/followup/queue/{plan}/release", s.handleFollowUpRelease)
	s.handle("POST /staff/followup/queue/{plan}/reports", s.handleFollowUpReport)
	s.handle("POST /staff/followup/queue/{plan}/sms", s.handleFollowUpSMS)
	s.handle("POST /staff/followup/reports/{report}/corrections", s.handleFollowUpCorrection)
	s.handle("GET /staff/followup/templates", s.handleFollowUpTemplates)
	s.handle("GET /staff/followup/templates/{key}/{language}", s.handleFollowUpTemplate)
	s.handle("POST /staff/followup/templates/{key}/{language}", s.handleFollowUpTemplateSave)
	s.handle("GET /staff/labour/notices", s.handleLabourNotices)

	s.handle("GET /api/v1/followup/queue", s.apiFollowUpQueue)
	s.handle("POST /api/v1/followup/claim-next", s.apiFollowUpClaimNext)
	s.handle("POST /api/v1/followup/plans/{plan}/claim", s.apiFollowUpClaim)
	s.handle("POST /api/v1/followup/plans/{plan}/release", s.apiFollowUpRelease)
	s.handle("POST /api/v1/followup/plans/{plan}/reports", s.apiFollowUpReport)
	s.handle("POST /api/v1/followup/reports/{report}/corrections", s.apiFollowUpCorrection)
	s.handle("POST /api/v1/followup/plans/{plan}/sms", s.apiFollowUpSMS)
	s.handle("GET /api/v1/followup/sms-templates", s.apiFollowUpTemplates)
	s.handle("PUT /api/v1/followup/sms-templates/{key}/{language}", s.apiFollowUpTemplateSave)
	s.handle("GET /api/v1/labour-notices", s.apiLabourNotices)
}

// handleSMSReceipts hands the SMS provider's delivery receipts, within the
// body limit, to the handler that checks their signature and records them.
func (s *Server) handleSMSReceipts(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	s.cfg.SMSReceipts.ServeHTTP(w, r)
}

// followUpTemplates holds the parsed pages of the control centre and the
// labour inspectorate, each with the layout, the form controls and the
// staff parts.
var followUpTemplates = mustLoadFollowUpTemplates()

func mustLoadFollowUpTemplates() map[string]*template.Template {
	names := []string{
		"followup_queue.html", "followup_plan.html", "followup_templates.html", "followup_template.html",
		"labour_notices.html",
	}
	ts := map[string]*template.Template{}
	for _, name := range names {
		t, err := template.New(name).ParseFS(templateFiles,
			"templates/layout.html", "templates/fields.html", "templates/staff_parts.html", "templates/"+name)
		if err != nil {
			panic(err)
		}
		ts[name] = t
	}
	return ts
}

// renderFollowUp renders one of the follow-up pages like renderStaff.
func (s *Server) renderFollowUp(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := followUpTemplates[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// followUpLinks returns the links of the control centre's and the labour
// inspectorate's pages that the actor's role may use, for the navigation
// and the staff home page.
func (f *staffFrame) followUpLinks(current string) []staffLink {
	var links []staffLink
	add := func(ok bool, path, key string) {
		if ok {
			links = append(links, staffLink{
				Href: f.Href(path), Text: f.T(key), Hint: f.T(key + ".hint"), Current: path == current,
			})
		}
	}
	add(beredskap.Can(f.Actor, beredskap.PermFollowUp, ""), "/staff/followup", "centre.nav.queue")
	add(beredskap.Can(f.Actor, beredskap.PermManageTemplates, ""), "/staff/followup/templates", "centre.nav.templates")
	add(beredskap.Can(f.Actor, beredskap.PermViewLabourNotices, ""), "/staff/labour/notices", "centre.nav.notices")
	return links
}

// planHref returns the address of a plan's page on the control centre's
// side in lang. The receipt names the traveller whose timeline the page
// shows; the page checks that it belongs to the plan.
func planHref(planID int64, receipt, lang string) string {
	q := url.Values{"receipt": {receipt}, "lang": {lang}}
	return "/staff/followup/queue/" + strconv.FormatInt(planID, 10) + "?" + q.Encode()
}

// timelineHref returns the address of the municipal timeline page of the
// traveller with receipt.
func timelineHref(receipt, lang string) string {
	return "/staff/followup/travellers/" + url.PathEscape(receipt) + "?lang=" + url.QueryEscape(lang)
}
