package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"beredskap"
	"beredskap/citizen"
)

// casePage is a citizen-support page about citizens' cases: the staff
// frame with a case form.
type casePage struct {
	staffFrame
	Form      caseForm
	BlockForm caseForm
	Rows      []*beredskap.AccessCase
	Case      *beredskap.AccessCase
	Letters   []citizen.PrintLetter
	NextHref  string
	FirstHref string
}

// Status names a case status in the page's language.
func (p *casePage) Status(st beredskap.CaseStatus) string { return p.T("case.status." + string(st)) }

// Kind names a case kind in the page's language.
func (p *casePage) Kind(k beredskap.CaseKind) string { return p.T("case.kind." + string(k)) }

// Document names an identity document kind in the page's language.
func (p *casePage) Document(k beredskap.IDDocumentKind) string {
	return p.T("case.document_kind." + string(k))
}

// CaseHref returns the link to a case's page.
func (p *casePage) CaseHref(id int64) string {
	return p.Href("/staff/cases/" + strconv.FormatInt(id, 10))
}

// supportPage returns the frame of a case page at path when the actor may
// process citizens' cases; otherwise it answers itself and returns nil.
func (s *Server) supportPage(w http.ResponseWriter, r *http.Request, path, titleKey string) *casePage {
	a, ok := s.requireActor(w, r)
	if !ok {
		return nil
	}
	if !beredskap.Can(a, beredskap.PermProcessCitizenCases, "") {
		s.Error(w, r, forbidden("process citizens' cases"))
		return nil
	}
	p := &casePage{staffFrame: s.newStaffFrame(w, r, a, path, titleKey)}
	p.Form = caseForm{Values: url.Values{}, text: p.text}
	p.BlockForm = caseForm{Values: url.Values{}, text: p.text, Prefix: "block_"}
	return p
}

// caseStatuses returns the statuses a status filter choice selects.
func caseStatuses(choice string) ([]beredskap.CaseStatus, error) {
	switch choice {
	case "", "open":
		return []beredskap.CaseStatus{beredskap.CaseReceived, beredskap.CaseAwaitingCode}, nil
	case "all":
		return nil, nil
	case string(beredskap.CaseReceived), string(beredskap.CaseAwaitingCode), string(beredskap.CaseCompleted), string(beredskap.CaseRejected):
		return []beredskap.CaseStatus{beredskap.CaseStatus(choice)}, nil
	}
	return nil, beredskap.Invalid("status", "unknown_value", "is not a status of cases")
}

// handleCases shows the queue of citizens' cases by deadline, the open
// ones unless the status filter says otherwise.
func (s *Server) handleCases(w http.ResponseWriter, r *http.Request) {
	page := s.supportPage(w, r, "/staff/cases", "case.list.title")
	if page == nil {
		return
	}
	q := r.URL.Query()
	status := q.Get("status")
	if status == "" {
		status = "open"
	}
	page.Form.Values.Set("status", status)
	statuses, err := caseStatuses(status)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	token := q.Get("page_token")
	rows, next, err := s.cfg.Citizens.ListCases(r.Context(), beredskap.CaseFilter{Statuses: statuses, Limit: staffPageSize, PageToken: token})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page.Rows = rows
	if next != "" {
		page.NextHref = page.Href("/staff/cases", "status", status, "page_token", next)
	}
	if token != "" {
		page.FirstHref = page.Href("/staff/cases", "status", status)
	}
	s.render(w, r, http.StatusOK, "citizen_cases.html", page)
}

// handleCaseNew shows the form to register a paper form, and the form to
// block a person's access at once on suspected misuse.
func (s *Server) handleCaseNew(w http.ResponseWriter, r *http.Request) {
	if page := s.supportPage(w, r, "/staff/cases/new", "case.new.title"); page != nil {
		s.render(w, r, http.StatusOK, "citizen_case_new.html", page)
	}
}

// handleCaseRegister registers a case from a paper form and shows it.
func (s *Server) handleCaseRegister(w http.ResponseWriter, r *http.Request) {
	page := s.supportPage(w, r, "/staff/cases/new", "case.new.title")
	if page == nil {
		return
	}
	in, err := s.caseInput(w, r, s.checkCSRF)
	var c *beredskap.AccessCase
	if err == nil {
		c, err = s.cfg.Citizens.RegisterCase(r.Context(), in)
	}
	if err != nil {
		page.Form.Values = r.PostForm
		if page.Form.Values == nil || beredskap.ErrorCode(err) == beredskap.EFORBIDDEN || !page.Form.setError(err, "case-form") {
			s.Error(w, r, err)
			return
		}
		s.render(w, r, statusOf(beredskap.ErrorCode(err)), "citizen_case_new.html", page)
		return
	}
	http.Redirect(w, r, page.CaseHref(c.ID), http.StatusSeeOther)
}

// handleCaseBlockNow blocks a person's access at once on suspected misuse
// and shows the case it made.
func (s *Server) handleCaseBlockNow(w http.ResponseWriter, r *http.Request) {
	page := s.supportPage(w, r, "/staff/cases/new", "case.new.title")
	if page == nil {
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.cfg.Citizens.BlockNow(r.Context(), strings.TrimSpace(r.PostFormValue("block_national_id")),
		strings.TrimSpace(r.PostFormValue("block_name")), strings.TrimSpace(r.PostFormValue("block_reason")))
	if err != nil {
		page.BlockForm.Values = r.PostForm
		if !page.BlockForm.setError(err, "block-form") {
			s.Error(w, r, err)
			return
		}
		s.render(w, r, statusOf(beredskap.ErrorCode(err)), "citizen_case_new.html", page)
		return
	}
	http.Redirect(w, r, page.CaseHref(c.ID), http.StatusSeeOther)
}

// handleCase shows one case with the link to its attachment and, while it
// waits for a decision, the approve and reject forms.
func (s *Server) handleCase(w http.ResponseWriter, r *http.Request) {
	s.showCase(w, r, nil)
}

// showCase renders a case's page, with err at the reject form's reason
// when it is a field problem.
func (s *Server) showCase(w http.ResponseWriter, r *http.Request, err error) {
	id, perr := pathID(r, "id")
	if perr != nil {
		s.Error(w, r, perr)
		return
	}
	page := s.supportPage(w, r, "/staff/cases/"+strconv.FormatInt(id, 10), "case.case.title")
	if page == nil {
		return
	}
	status := http.StatusOK
	if err != nil {
		page.Form.Values = r.PostForm
		if page.Form.Values == nil || !page.Form.setError(err, "reject-form") {
			s.Error(w, r, err)
			return
		}
		status = statusOf(beredskap.ErrorCode(err))
	}
	c, gerr := s.cfg.Citizens.GetCase(r.Context(), id)
	if gerr != nil {
		s.Error(w, r, gerr)
		return
	}
	page.Case = c
	page.Title = page.T("case.case.title_number", "number", c.Number)
	s.render(w, r, status, "citizen_case.html", page)
}

// handleCaseAttachment serves the decrypted copy of a case's identity
// document as a download that is never cached.
func (s *Server) handleCaseAttachment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if page := s.supportPage(w, r, "/staff/cases", "case.list.title"); page == nil {
		return
	}
	mediaType, data, err := s.cfg.Citizens.Attachment(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ext := map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}[mediaType]
	w.Header().Set("Content-Type", mediaType)
	setAttachment(w.Header(), downloadName(downloadLocale(r), "file.case_attachment", time.Now(), ext, "case", id))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(data)
}

// handleCaseApprove approves a case and shows it again.
func (s *Server) handleCaseApprove(w http.ResponseWriter, r *http.Request) {
	s.decideCase(w, r, func(id int64) (*beredskap.AccessCase, error) {
		return s.cfg.Citizens.ApproveCase(r.Context(), id)
	})
}

// handleCaseReject rejects a case with the reason given.
func (s *Server) handleCaseReject(w http.ResponseWriter, r *http.Request) {
	s.decideCase(w, r, func(id int64) (*beredskap.AccessCase, error) {
		return s.cfg.Citizens.RejectCase(r.Context(), id, strings.TrimSpace(r.PostFormValue("reason")))
	})
}

// decideCase runs a decision on the case of the path after the form's
// checks, and goes back to the case's page.
func (s *Server) decideCase(w http.ResponseWriter, r *http.Request, decide func(id int64) (*beredskap.AccessCase, error)) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	id, err := pathID(r, "id")
	if err == nil {
		err = s.parseStaffForm(w, r)
	}
	if err == nil && !beredskap.Can(a, beredskap.PermProcessCitizenCases, "") {
		err = forbidden("process citizens' cases")
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if _, err := decide(id); err != nil {
		s.showCase(w, r, err)
		return
	}
	f := staffFrame{Page: Page{Lang: staffLocales.pageLanguage(r)}}
	http.Redirect(w, r, f.Href("/staff/cases/"+strconv.FormatInt(id, 10)), http.StatusSeeOther)
}

// handleCaseCodeForm shows the form where support enters the case number
// and the code a person reads out on the phone.
func (s *Server) handleCaseCodeForm(w http.ResponseWriter, r *http.Request) {
	if page := s.supportPage(w, r, "/staff/cases/code", "case.code.title"); page != nil {
		s.render(w, r, http.StatusOK, "citizen_code.html", page)
	}
}

// handleCaseCode checks the code of a reopen case and, when it matches,
// shows the case reopened.
func (s *Server) handleCaseCode(w http.ResponseWriter, r *http.Request) {
	page := s.supportPage(w, r, "/staff/cases/code", "case.code.title")
	if page == nil {
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.cfg.Citizens.EnterCode(r.Context(), strings.TrimSpace(r.PostFormValue("case_number")), strings.TrimSpace(r.PostFormValue("code")))
	if err != nil {
		page.Form.Values = r.PostForm
		page.Form.Values.Del("code")
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			err = beredskap.Invalid("case_number", "not_found", "no case has this number")
		}
		if !page.Form.setError(err, "code-form") {
			s.Error(w, r, err)
			return
		}
		s.render(w, r, statusOf(beredskap.ErrorCode(err)), "citizen_code.html", page)
		return
	}
	page.Case = c
	s.render(w, r, http.StatusOK, "citizen_code.html", page)
}

// LettersWithoutAddress reports whether a letter on the page has no
// registered address, so that the page says what to do about it.
func (p *casePage) LettersWithoutAddress() bool {
	for _, l := range p.Letters {
		if !l.AddressKnown {
			return true
		}
	}
	return false
}

// handleLetters shows the letters waiting to be printed and posted, and
// those printed already, to download again.
func (s *Server) handleLetters(w http.ResponseWriter, r *http.Request) {
	page := s.supportPage(w, r, "/staff/letters", "case.letters.title")
	if page == nil {
		return
	}
	letters, err := s.cfg.Citizens.PrintLetters(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page.Letters = letters
	s.render(w, r, http.StatusOK, "citizen_letters.html", page)
}

// handleLetter serves a letter's PDF for printing, the first time or
// again; each download is counted and audited.
func (s *Server) handleLetter(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".pdf")
	id, err := strconv.ParseInt(name, 10, 64)
	if !ok || err != nil || id <= 0 {
		s.Error(w, r, beredskap.Errorf(beredskap.ENOTFOUND, "no such letter"))
		return
	}
	if page := s.supportPage(w, r, "/staff/letters", "case.letters.title"); page == nil {
		return
	}
	pdf, err := s.cfg.Citizens.DownloadLetter(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	setAttachment(w.Header(), downloadName(downloadLocale(r), "file.letter", time.Now(), ".pdf", "case", id))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(pdf)
}
