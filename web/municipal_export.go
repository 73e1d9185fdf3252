package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"beredskap"
	"beredskap/followup"
)

// muniContentTypes are the media types of the export formats.
var muniContentTypes = map[string]string{
	followup.FormatCSV:  "text/csv; charset=utf-8",
	followup.FormatXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// muniExportWriter sends the headers of an attachment with the first bytes
// written, so that an error found before anything is written can still be
// answered as an error.
type muniExportWriter struct {
	w                     http.ResponseWriter
	contentType, filename string
	started               bool
}

func (e *muniExportWriter) Write(p []byte) (int, error) {
	if !e.started {
		e.started = true
		h := e.w.Header()
		h.Set("Content-Type", e.contentType)
		setAttachment(h, e.filename)
		h.Set("Cache-Control", "no-store")
		e.w.WriteHeader(http.StatusOK)
	}
	return e.w.Write(p)
}

// muniExportFilename returns the name of an export of municipality's
// travellers in the language of r.
func muniExportFilename(r *http.Request, municipality, format string) string {
	m := ""
	if muniFourDigits(municipality) {
		m = municipality
	}
	return downloadName(downloadLocale(r), "file.followup_travellers", time.Now(), "."+format, "municipality", m)
}

// muniFourDigits reports whether s is four ASCII digits.
func muniFourDigits(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// writeMuniExport writes the travellers f selects as an attachment in format.
// Errors found before the first byte (refusals, bad filters, an unknown
// format) are answered with Error; a failure after it can only be logged.
func (s *Server) writeMuniExport(w http.ResponseWriter, r *http.Request, f beredskap.ReportFilter, format string) {
	ct, ok := muniContentTypes[format]
	if !ok {
		ct = "application/octet-stream"
	}
	ew := &muniExportWriter{w: w, contentType: ct, filename: muniExportFilename(r, f.Municipality, format)}
	err := s.cfg.FollowUp.Export(r.Context(), f, format, exportLayout(r), ew)
	switch {
	case err == nil && !ew.started:
		// An export always has a header row; nothing written means
		// nothing to send but the headers.
		_, _ = ew.Write(nil)
	case err != nil && !ew.started:
		s.Error(w, r, err)
	case err != nil:
		s.logger.Error("export interrupted", "request_id", RequestID(r.Context()), "err", err)
	}
}

// handleMunicipalExport downloads the list as CSV or XLSX with the same
// filters as the page. Municipal roles export their own municipality (a
// municipality in the query is ignored for them, as on the list); the
// control centre names one.
func (s *Server) handleMunicipalExport(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	m := a.Municipality()
	if m == "" {
		m = strings.TrimSpace(q.Get("municipality"))
	}
	f, err := muniReportFilter(q, m)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f.PageToken = ""
	s.writeMuniExport(w, r, f, strings.TrimSpace(q.Get("format")))
}

// municipalDigestPage is the form of a municipal user's e-mail digest.
type municipalDigestPage struct {
	staffFrame
	Form     municipalForm
	Saved    bool
	BackHref string
}

// handleMunicipalDigest shows the digest form with the user's choice.
func (s *Server) handleMunicipalDigest(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	p, err := s.cfg.FollowUp.DigestPref(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page := s.municipalDigestFrame(w, r, a)
	page.Values = url.Values{"mode": {string(p.Mode)}}
	page.Saved = r.URL.Query().Get("saved") == "1"
	s.render(w, r, http.StatusOK, "municipal_digest.html", page)
}

// handleMunicipalDigestSave sets the user's digest and shows the form
// again; a wrong choice comes back with an error summary.
func (s *Server) handleMunicipalDigestSave(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	mode := strings.TrimSpace(r.PostForm.Get("mode"))
	var err error
	if mode == "" {
		err = beredskap.Invalid("mode", "required", "choose off, daily or immediate")
	} else {
		err = s.cfg.FollowUp.SetDigest(r.Context(), beredskap.DigestMode(mode))
	}
	if err == nil {
		http.Redirect(w, r, "/staff/followup/digest?saved=1&lang="+url.QueryEscape(staffLocales.pageLanguage(r)), http.StatusSeeOther)
		return
	}
	problems, invalid := municipalProblems(err)
	if !invalid {
		s.Error(w, r, err)
		return
	}
	page := s.municipalDigestFrame(w, r, a)
	page.Values = url.Values{"mode": {mode}}
	page.Form.setProblems(problems, "digest-form")
	s.render(w, r, http.StatusBadRequest, "municipal_digest.html", page)
}

// digestPage returns the frame of the digest page.
func (s *Server) municipalDigestFrame(w http.ResponseWriter, r *http.Request, a *beredskap.Actor) *municipalDigestPage {
	page := &municipalDigestPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/followup/digest", "muni.digest.title")}
	page.Form = municipalForm{frame: &page.staffFrame}
	page.BackHref = page.Href("/staff/followup/travellers")
	return page
}
