package web

import (
	"beredskap"
)

// municipalArea holds the municipalities' follow-up pages and API
// (travellers, timelines, exports, charts, digest settings), when the
// server has a follow-up service. Municipal users who may read their
// municipality's reports reach the list from the navigation; the control
// centre reaches it from its own pages.
func municipalArea() area {
	return area{
		Name:    "municipal",
		Enabled: func(c *Config) bool { return c.FollowUp != nil },
		Wide:    true,
		Pages:   []string{"municipal_travellers.html", "municipal_traveller.html", "municipal_digest.html"},
		Links: []navLink{{Group: "followup", Path: "/staff/followup/travellers", Key: "muni.nav.travellers",
			Allowed: func(a *beredskap.Actor) bool {
				m := a.Municipality()
				return m != "" && beredskap.Can(a, beredskap.PermViewReports, m)
			}}},
		Routes: (*Server).registerMunicipalPages,
	}
}

func (s *Server) registerMunicipalPages() {
	s.handle("GET /staff/followup/travellers", s.handleMunicipalTravellers)
	s.handle("GET /staff/followup/travellers/{receipt}", s.handleMunicipalTraveller)
	s.handle("GET /staff/followup/export", s.handleMunicipalExport)
	s.handle("GET /staff/followup/digest", s.handleMunicipalDigest)
	s.handle("POST /staff/followup/digest", s.handleMunicipalDigestSave)

	s.handle("GET /api/v1/followup/travellers", s.apiMunicipalTravellers)
	s.handle("GET /api/v1/followup/travellers/{receipt}", s.apiMunicipalTraveller)
	s.handle("GET /api/v1/followup/export", s.apiMunicipalExport)
	s.handle("GET /api/v1/followup/stats", s.apiMunicipalStats)
}
