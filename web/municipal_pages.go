package web

import (
	"bytes"
	"html/template"
	"net/http"

	"beredskap"
)

// registerMunicipalPages registers the municipalities' follow-up pages and
// API (travellers, timelines, exports, charts, digest settings), when the
// server has a follow-up service.
func (s *Server) registerMunicipalPages() {
	if s.cfg.FollowUp == nil {
		return
	}
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

// municipalTemplates holds the parsed municipal follow-up pages, each with
// the layout, the form controls, the staff parts and the chart.
var municipalTemplates = mustLoadMunicipalTemplates()

func mustLoadMunicipalTemplates() map[string]*template.Template {
	names := []string{"municipal_travellers.html", "municipal_traveller.html", "municipal_digest.html"}
	ts := map[string]*template.Template{}
	for _, name := range names {
		t, err := template.New(name).ParseFS(templateFiles,
			"templates/layout.html", "templates/fields.html", "templates/staff_parts.html",
			"templates/municipal_parts.html", "templates/"+name)
		if err != nil {
			panic(err)
		}
		ts[name] = t
	}
	return ts
}

// renderMunicipal renders one of the municipal pages into a buffer first,
// like renderStaff, so that a template error becomes a clean error page.
func (s *Server) renderMunicipal(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := municipalTemplates[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// municipalLinks returns the link to the municipality's follow-up list for
// municipal users who may read their municipality's reports, for the
// navigation and the staff home page. The control centre reaches the list
// from its own pages.
func (f *staffFrame) municipalLinks(current string) []staffLink {
	m := f.Actor.Municipality()
	if m == "" || !beredskap.Can(f.Actor, beredskap.PermViewReports, m) {
		return nil
	}
	const path = "/staff/followup/travellers"
	return []staffLink{{Href: f.Href(path), Text: f.T("muni.nav.travellers"),
		Hint: f.T("muni.nav.travellers.hint"), Current: current == path}}
}
