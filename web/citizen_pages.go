package web

import (
	"net/http"
	"time"

	"beredskap"
	"beredskap/auditlog"
	"beredskap/citizen"
	"beredskap/retention"
)

// registerCitizenPages registers the citizen pages and citizen support's
// case pages when the server has a citizen service, and the citizen login
// when it also has the national ID portal's client.
// citizenArea holds the pages of citizens logged in through the national
// ID portal: their data and who has looked at it, block and reopen cases,
// withdrawal of consent.
func citizenArea() area {
	return area{
		Name:    "citizen",
		Enabled: func(c *Config) bool { return c.Citizens != nil },
		Pages: []string{
			"citizen_home.html", "citizen_blocked.html", "citizen_case_form.html", "citizen_case_filed.html",
			"citizen_withdraw.html", "citizen_withdrawn.html",
		},
		Routes: (*Server).registerCitizenPages,
	}
}

// caseArea holds citizen support's pages: block and reopen cases,
// registering a paper form, reopen codes and letters to print.
func caseArea() area {
	return area{
		Name:    "cases",
		Enabled: func(c *Config) bool { return c.Citizens != nil },
		Wide:    true,
		Pages: []string{
			"citizen_cases.html", "citizen_case.html", "citizen_case_new.html", "citizen_code.html", "citizen_letters.html",
		},
		Links: []navLink{
			{Group: "citizens", Path: "/staff/cases", Key: "staff.nav.cases", Allowed: canAnywhere(beredskap.PermProcessCitizenCases)},
			{Group: "citizens", Path: "/staff/letters", Key: "staff.nav.letters", Allowed: canAnywhere(beredskap.PermProcessCitizenCases)},
		},
		Routes: (*Server).registerCasePages,
	}
}

func (s *Server) registerCitizenPages() {
	if s.cfg.CitizenOIDC != nil {
		s.handle("GET /citizen/login", s.handleCitizenLogin)
		s.handle("GET /citizen/login/callback", s.handleCitizenCallback)
	}
	s.handle("POST /citizen/logout", s.handleCitizenLogout)
	s.handle("GET /citizen", s.handleCitizenHome)
	s.handle("GET /citizen/looks.json", s.handleCitizenLooksJSON)
	s.handle("GET /citizen/my-data.json", s.handleCitizenDataJSON)
	s.handle("GET /citizen/my-data.pdf", s.handleCitizenDataPDF)
	s.handle("GET /citizen/block", s.handleCitizenBlockForm)
	s.handle("POST /citizen/block", s.handleCitizenBlock)
	s.handle("GET /citizen/reopen", s.handleCitizenReopenForm)
	s.handle("POST /citizen/reopen", s.handleCitizenReopen)
	s.handle("GET /citizen/withdraw", s.handleCitizenWithdrawForm)
	s.handle("POST /citizen/withdraw", s.handleCitizenWithdraw)
}

func (s *Server) registerCasePages() {
	s.handle("GET /staff/cases", s.handleCases)
	s.handle("GET /staff/cases/new", s.handleCaseNew)
	s.handle("POST /staff/cases", s.handleCaseRegister)
	s.handle("POST /staff/cases/block-now", s.handleCaseBlockNow)
	s.handle("GET /staff/cases/code", s.handleCaseCodeForm)
	s.handle("POST /staff/cases/code", s.handleCaseCode)
	s.handle("GET /staff/cases/{id}", s.handleCase)
	s.handle("GET /staff/cases/{id}/attachment", s.handleCaseAttachment)
	s.handle("POST /staff/cases/{id}/approve", s.handleCaseApprove)
	s.handle("POST /staff/cases/{id}/reject", s.handleCaseReject)
	s.handle("GET /staff/letters", s.handleLetters)
	s.handle("GET /staff/letters/{file}", s.handleLetter)
}

// citizenHomePage is what a logged-in person sees about themselves.
type citizenHomePage struct {
	citizenFrame
	Blocked       bool
	Registrations []citizenRegistration
	Cases         []*beredskap.AccessCase
	Looks         []lookView
	// Retention says per item what is kept, why, for how long and when it
	// is deleted.
	Retention []retention.StatementItem
	// CorrectionAction is where the correction form posts ("" without a
	// retention service); CorrectionDone says a request was just filed.
	CorrectionAction string
	CorrectionDone   bool
	// Checkpoint is the signed checkpoint of the audit log up to which
	// the looks are proven; nil when none is signed yet.
	Checkpoint *auditlog.Checkpoint
}

// citizenRegistration is one of the person's registrations with its
// decision in the page's language.
type citizenRegistration struct {
	Receipt, Arrival, Registered string
	Decision                     DecisionView
}

// handleCitizenHome shows the person's registrations with their
// decisions, their cases, and who has looked at their data.
func (s *Server) handleCitizenHome(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.requireCitizen(w, r)
	if !ok {
		return
	}
	data, err := s.cfg.Citizens.MyData(r.Context(), sess)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page := &citizenHomePage{citizenFrame: s.newCitizenFrame(w, r, sess, "/citizen", "citizen.home.title"),
		Cases: data.Cases, Checkpoint: data.Checkpoint}
	page.Looks = viewLooks(citizenLocales.get(page.Lang), data.Looks)
	page.Blocked = data.Account != nil && data.Account.Blocked
	if s.cfg.Retention != nil {
		page.CorrectionAction = "/citizen/correction?lang=" + page.Lang
		page.CorrectionDone = r.URL.Query().Get("done") == "correction"
	}
	page.Retention = retention.Statement(s.retentionPolicy(), page.Lang,
		retention.Subject{Registrations: data.Registrations, Cases: data.Cases, Account: data.Account})
	public := allLocales.get(page.Lang)
	for _, reg := range data.Registrations {
		sf := staffFrame{}
		page.Registrations = append(page.Registrations, citizenRegistration{
			Receipt:    reg.Receipt,
			Arrival:    sf.arrival(reg.Registration.ArrivalTime),
			Registered: page.Time(reg.CreatedAt),
			Decision:   decisionView(public, s.decisionIn(r, reg, page.Lang)),
		})
	}
	s.render(w, r, http.StatusOK, "citizen_home.html", page)
}

// citizenCaseFormPage is the block form of a logged-in person or the
// public reopen form.
type citizenCaseFormPage struct {
	citizenFrame
	Kind   beredskap.CaseKind
	Action string
	// Public says the form asks for name and national identity number,
	// since the person cannot log in.
	Public bool
	// AskName says the form asks for the name: on the public form, and
	// when the national ID portal did not give it at login.
	AskName bool
	// KnownName is the name the ID portal gave, used instead of asking.
	KnownName string
}

// citizenCaseFiledPage confirms a case filed: its number and what comes
// next.
type citizenCaseFiledPage struct {
	citizenFrame
	Case *beredskap.AccessCase
}

func (s *Server) citizenCaseForm(w http.ResponseWriter, r *http.Request, sess *beredskap.CitizenSession, kind beredskap.CaseKind) *citizenCaseFormPage {
	path := "/citizen/" + string(kind)
	page := &citizenCaseFormPage{citizenFrame: s.newCitizenFrame(w, r, sess, path, "citizen."+string(kind)+".title"),
		Kind: kind, Public: sess == nil, AskName: sess == nil || sess.Name == ""}
	if !page.AskName {
		page.KnownName = sess.Name
	}
	page.Action = page.Href(path)
	return page
}

// handleCitizenBlockForm shows the form to block one's own access.
func (s *Server) handleCitizenBlockForm(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.requireCitizen(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "citizen_case_form.html", s.citizenCaseForm(w, r, sess, beredskap.CaseBlock))
}

// handleCitizenBlock files a block case for the logged-in person.
func (s *Server) handleCitizenBlock(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.requireCitizen(w, r)
	if !ok {
		return
	}
	in, err := s.caseInput(w, r, checkCitizenCSRF(sess))
	var c *beredskap.AccessCase
	if err == nil {
		in.Kind, in.NationalID = beredskap.CaseBlock, sess.NationalID
		in.Language = citizenLocales.pageLanguage(r)
		if sess.Name != "" {
			in.Name = sess.Name
		}
		c, err = s.cfg.Citizens.FileCase(r.Context(), sess, in)
	}
	s.citizenCaseDone(w, r, sess, beredskap.CaseBlock, c, err)
}

// handleCitizenReopenForm shows the public form to reopen one's access.
func (s *Server) handleCitizenReopenForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "citizen_case_form.html", s.citizenCaseForm(w, r, nil, beredskap.CaseReopen))
}

// handleCitizenReopen files a reopen case from the public form.
func (s *Server) handleCitizenReopen(w http.ResponseWriter, r *http.Request) {
	in, err := s.caseInput(w, r, s.checkCSRF)
	var c *beredskap.AccessCase
	if err == nil {
		in.Kind = beredskap.CaseReopen
		c, err = s.cfg.Citizens.RequestReopen(r.Context(), in)
	}
	s.citizenCaseDone(w, r, nil, beredskap.CaseReopen, c, err)
}

// citizenCaseDone shows the case filed, or the form again with err at its
// fields; other errors get the error page.
func (s *Server) citizenCaseDone(w http.ResponseWriter, r *http.Request, sess *beredskap.CitizenSession, kind beredskap.CaseKind, c *beredskap.AccessCase, err error) {
	if err != nil {
		page := s.citizenCaseForm(w, r, sess, kind)
		page.Values = r.PostForm
		if page.Values == nil || beredskap.ErrorCode(err) == beredskap.EFORBIDDEN || !page.setError(err, "case-form") {
			s.Error(w, r, err)
			return
		}
		s.render(w, r, statusOf(beredskap.ErrorCode(err)), "citizen_case_form.html", page)
		return
	}
	page := &citizenCaseFiledPage{citizenFrame: s.newCitizenFrame(w, r, sess, "/citizen/"+string(kind), "citizen.filed.title"), Case: c}
	s.render(w, r, http.StatusOK, "citizen_case_filed.html", page)
}

// citizenWithdrawPage asks the person to confirm the withdrawal of
// consent, and shows its receipt afterwards.
type citizenWithdrawPage struct {
	citizenFrame
	Receipt *citizen.Withdrawal
}

// handleCitizenWithdrawForm asks the person to confirm.
func (s *Server) handleCitizenWithdrawForm(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.requireCitizen(w, r)
	if !ok {
		return
	}
	page := &citizenWithdrawPage{citizenFrame: s.newCitizenFrame(w, r, sess, "/citizen/withdraw", "citizen.withdraw.title")}
	s.render(w, r, http.StatusOK, "citizen_withdraw.html", page)
}

// handleCitizenWithdraw withdraws the person's consent and shows the
// receipt.
func (s *Server) handleCitizenWithdraw(w http.ResponseWriter, r *http.Request) {
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
	receipt, err := s.cfg.Citizens.WithdrawConsent(r.Context(), sess)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page := &citizenWithdrawPage{citizenFrame: s.newCitizenFrame(w, r, sess, "/citizen/withdraw", "citizen.withdrawn.title"),
		Receipt: receipt}
	s.render(w, r, http.StatusOK, "citizen_withdrawn.html", page)
}

// citizenLooksJSON is the answer of GET /citizen/looks.json: the looks as
// the page shows them, and the bundle of their inclusion proofs in the
// newest signed checkpoint, which beredskap audit verify-proof (or any
// RFC 6962 tool) checks outside our system.
type citizenLooksJSON struct {
	Looks []citizenLookJSON `json:"looks"`
	auditlog.Bundle
}

// citizenLookJSON is one look.
type citizenLookJSON struct {
	Seq          int64     `json:"seq"`
	At           time.Time `json:"at"`
	Organisation string    `json:"organisation"`
	Body         string    `json:"body"`
	Role         string    `json:"role"`
	Name         string    `json:"name,omitempty"`
	Proven       bool      `json:"proven"`
}

// handleCitizenLooksJSON answers the logged-in person's looks with their
// proofs.
func (s *Server) handleCitizenLooksJSON(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.requireCitizen(w, r)
	if !ok {
		return
	}
	data, err := s.cfg.Citizens.MyData(r.Context(), sess)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := citizenLooksJSON{Looks: make([]citizenLookJSON, len(data.Looks))}
	for i, l := range data.Looks {
		out.Looks[i] = lookJSON(l)
	}
	if data.Proofs != nil {
		out.Bundle = *data.Proofs
	}
	if out.Entries == nil {
		out.Entries = []auditlog.ProvenEntry{}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}
