package web

import (
	"net/http"
	"strings"

	"beredskap"
)

// correctionsPage is citizen support's list of open correction requests.
type correctionsPage struct {
	staffFrame
	Requests []*beredskap.CorrectionRequest
	Done     string
}

// handleCorrections lists the open correction requests.
func (s *Server) handleCorrections(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	reqs, err := s.cfg.Retention.Corrections(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page := &correctionsPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/corrections", "retention.corrections.title"), Requests: reqs}
	if r.URL.Query().Get("done") == "closed" {
		page.Done = page.T("retention.corrections.done")
	}
	s.render(w, r, http.StatusOK, "corrections.html", page)
}

// handleCorrectionClose closes a request with the answer of its row's form.
func (s *Server) handleCorrectionClose(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.mayAny(w, r, "handle corrections", beredskap.PermProcessCitizenCases); !ok {
		return
	}
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	id, err := pathID(r, "correction")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.cfg.Retention.CloseCorrection(r.Context(), id, r.PostFormValue("answer")); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/corrections?done=closed", http.StatusSeeOther)
}

// apiCorrections lists the open correction requests.
func (s *Server) apiCorrections(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	reqs, err := s.cfg.Retention.Corrections(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if reqs == nil {
		reqs = []*beredskap.CorrectionRequest{}
	}
	writeJSON(w, http.StatusOK, itemsJSON[*beredskap.CorrectionRequest]{Items: reqs})
}

// apiCorrectionClose closes a request: {"answer": "..."}.
func (s *Server) apiCorrectionClose(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.mayAny(w, r, "handle corrections", beredskap.PermProcessCitizenCases); !ok {
		return
	}
	id, err := pathID(r, "correction")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var in struct {
		Answer string `json:"answer"`
	}
	if err := s.decodeStaffJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.cfg.Retention.CloseCorrection(r.Context(), id, in.Answer); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleCitizenCorrection files the logged-in person's correction request
// from the form on their page.
func (s *Server) handleCitizenCorrection(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.requireCitizen(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, beredskap.Invalid("", "syntax", "the form could not be read"))
		return
	}
	if err := checkCitizenCSRF(sess)(r); err != nil {
		s.Error(w, r, err)
		return
	}
	_, err := s.cfg.Retention.RequestCorrection(r.Context(), sess.NationalID,
		strings.TrimSpace(r.PostFormValue("receipt")), r.PostFormValue("text"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/citizen?done=correction&lang="+citizenLocales.pageLanguage(r), http.StatusSeeOther)
}
