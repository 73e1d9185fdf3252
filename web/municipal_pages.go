package web

// registerMunicipalPages registers the municipalities' follow-up pages and
// API (travellers, timelines, exports, charts, digest settings), when the
// server has a follow-up service.
func (s *Server) registerMunicipalPages() {
	if s.cfg.FollowUp == nil {
		return
	}
}
