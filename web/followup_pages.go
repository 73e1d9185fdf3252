package web

import (
	"net/http"
	"net/url"
	"strconv"

	"beredskap"
)

// followUpArea holds the control centre's pages and API (work queue,
// claims, call reports, SMS and templates) and the labour inspectorate's
// notices, when the server has a follow-up service.
func followUpArea() area {
	return area{
		Name:    "followup",
		Enabled: func(c *Config) bool { return c.FollowUp != nil },
		Wide:    true,
		Pages: []string{
			"followup_queue.html", "followup_plan.html", "followup_templates.html", "followup_template.html",
			"labour_notices.html",
		},
		Links: []navLink{
			{Group: "followup", Path: "/staff/followup", Key: "centre.nav.queue", Allowed: canAnywhere(beredskap.PermFollowUp)},
			{Group: "followup", Path: "/staff/followup/templates", Key: "centre.nav.templates",
				Allowed: canAnywhere(beredskap.PermManageTemplates)},
			{Group: "followup", Path: "/staff/labour/notices", Key: "centre.nav.notices",
				Allowed: canAnywhere(beredskap.PermViewLabourNotices)},
		},
		Routes: (*Server).registerFollowUpPages,
	}
}

func (s *Server) registerFollowUpPages() {
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
