package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"beredskap"
	"beredskap/citizen"
	"beredskap/internal/datefmt"
	"beredskap/letter"
	"beredskap/retention"
)

// retentionArea holds the municipal officer's legal holds (page and
// API), correction requests and the statistics that remain after purges.
func retentionArea() area {
	return area{
		Name:    "retention",
		Enabled: func(c *Config) bool { return c.Retention != nil },
		Wide:    true,
		Pages:   []string{"legal_holds.html", "corrections.html", "statistics.html"},
		Links: []navLink{
			{Group: "registrations", Path: "/staff/legal-holds", Key: "retention.nav.holds", Allowed: can(beredskap.PermLegalHold)},
			{Group: "citizens", Path: "/staff/corrections", Key: "retention.nav.corrections", Allowed: canAnywhere(beredskap.PermProcessCitizenCases)},
			{Group: "registrations", Path: "/staff/statistics", Key: "retention.nav.stats", Allowed: func(a *beredskap.Actor) bool {
				return beredskap.Can(a, beredskap.PermViewStatistics, beredskap.StatisticsScope(a))
			}},
		},
		Routes: (*Server).registerRetention,
	}
}

func (s *Server) registerRetention() {
	s.handle("GET /staff/legal-holds", s.handleLegalHolds)
	s.handle("POST /staff/legal-holds", s.handleLegalHoldCreate)
	s.handle("POST /staff/legal-holds/{hold}/release", s.handleLegalHoldRelease)
	s.handle("GET /api/v1/legal-holds", s.apiLegalHolds)
	s.handle("POST /api/v1/legal-holds", s.apiLegalHoldCreate)
	s.handle("POST /api/v1/legal-holds/{hold}/release", s.apiLegalHoldRelease)
	s.handle("GET /staff/statistics", s.handleStatistics)
	s.handle("GET /staff/corrections", s.handleCorrections)
	s.handle("POST /staff/corrections/{correction}/close", s.handleCorrectionClose)
	s.handle("GET /api/v1/corrections", s.apiCorrections)
	s.handle("POST /api/v1/corrections/{correction}/close", s.apiCorrectionClose)
	if s.cfg.Citizens != nil {
		s.handle("POST /citizen/correction", s.handleCitizenCorrection)
	}
}

// legalHoldsPage lists the holds in force for review, with the form that
// makes one.
type legalHoldsPage struct {
	staffFrame
	Holds                  []*beredskap.LegalHold
	Receipt, Reason, Until string
	Done, Problem          string
}

// handleLegalHolds shows the holds of the officer's municipality.
func (s *Server) handleLegalHolds(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	page := &legalHoldsPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/legal-holds", "retention.holds.title")}
	if done := r.URL.Query().Get("done"); done == "created" || done == "released" {
		page.Done = page.T("retention.holds.done." + done)
	}
	s.renderHolds(w, r, http.StatusOK, page)
}

// renderHolds lists the holds into page and renders it with status.
func (s *Server) renderHolds(w http.ResponseWriter, r *http.Request, status int, page *legalHoldsPage) {
	holds, err := s.cfg.Retention.ListHolds(r.Context(), true)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page.Holds = holds
	s.render(w, r, status, "legal_holds.html", page)
}

// handleLegalHoldCreate holds a person's data from the form; bad input
// shows the form again with the problem named.
func (s *Server) handleLegalHoldCreate(w http.ResponseWriter, r *http.Request) {
	a, ok := s.mayAny(w, r, "hold data", beredskap.PermLegalHold)
	if !ok {
		return
	}
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	in := retention.HoldRequest{Receipt: strings.TrimSpace(r.PostFormValue("receipt")),
		Reason: r.PostFormValue("reason"), Until: strings.TrimSpace(r.PostFormValue("until"))}
	_, err := s.cfg.Retention.CreateHold(r.Context(), in)
	var field string
	switch be := (*beredskap.Error)(nil); {
	case err == nil:
		http.Redirect(w, r, "/staff/legal-holds?done=created", http.StatusSeeOther)
		return
	case beredskap.ErrorCode(err) == beredskap.ENOTFOUND:
		field = "receipt"
	case errors.As(err, &be) && be.Code == beredskap.EINVALID && be.Field != "":
		field = be.Field
	default:
		s.Error(w, r, err)
		return
	}
	page := &legalHoldsPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/legal-holds", "retention.holds.title"),
		Receipt: in.Receipt, Reason: in.Reason, Until: in.Until}
	page.Problem = page.T("retention.holds.error." + field)
	s.renderHolds(w, r, http.StatusBadRequest, page)
}

// handleLegalHoldRelease releases a hold from its row's button.
func (s *Server) handleLegalHoldRelease(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.mayAny(w, r, "release holds", beredskap.PermLegalHold); !ok {
		return
	}
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	id, err := pathID(r, "hold")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.cfg.Retention.ReleaseHold(r.Context(), id); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/legal-holds?done=released", http.StatusSeeOther)
}

// apiLegalHolds lists the caller's municipality's holds, soonest end
// first: those in force, or all with ?all=true.
func (s *Server) apiLegalHolds(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	holds, err := s.cfg.Retention.ListHolds(r.Context(), r.URL.Query().Get("all") != "true")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if holds == nil {
		holds = []*beredskap.LegalHold{}
	}
	writeJSON(w, http.StatusOK, itemsJSON[*beredskap.LegalHold]{Items: holds})
}

// apiLegalHoldCreate holds a person's data: {"receipt", "reason", "until"}.
func (s *Server) apiLegalHoldCreate(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.mayAny(w, r, "hold data", beredskap.PermLegalHold); !ok {
		return
	}
	var in retention.HoldRequest
	if err := s.decodeStaffJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	h, err := s.cfg.Retention.CreateHold(r.Context(), in)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, h)
}

// apiLegalHoldRelease ends a hold before its day.
func (s *Server) apiLegalHoldRelease(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.mayAny(w, r, "release holds", beredskap.PermLegalHold); !ok {
		return
	}
	id, err := pathID(r, "hold")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.cfg.Retention.ReleaseHold(r.Context(), id); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// retentionPolicy returns the policy in force.
func (s *Server) retentionPolicy() *retention.Policy {
	if s.cfg.Retention != nil {
		return s.cfg.Retention.Policy()
	}
	return retention.MustEmbedded().At(time.Now())
}

// citizenCopy is the person's copy of all their data (GDPR art. 15).
type citizenCopy struct {
	Generated     time.Time                       `json:"generated_at"`
	NationalID    string                          `json:"national_id"`
	Name          string                          `json:"name"`
	Account       *beredskap.CitizenAccount       `json:"account"`
	Registrations []*beredskap.StoredRegistration `json:"registrations"`
	Cases         []citizenCaseJSON               `json:"cases"`
	Looks         []citizenLookJSON               `json:"looks"`
	Retention     []retention.StatementItem       `json:"retention"`
	looks         []citizen.Look                  // for naming them in the PDF's language
}

type citizenCaseJSON struct {
	Number    string     `json:"number"`
	Kind      string     `json:"kind"`
	Status    string     `json:"status"`
	Channel   string     `json:"channel"`
	Reason    string     `json:"reason,omitempty"`
	Deadline  time.Time  `json:"deadline"`
	CreatedAt time.Time  `json:"created_at"`
	ClosedAt  *time.Time `json:"closed_at,omitempty"`
}

// citizenCopyOf gathers the logged-in person's copy, or answers itself and
// returns nil.
func (s *Server) citizenCopyOf(w http.ResponseWriter, r *http.Request) (*citizenCopy, string) {
	sess, ok := s.requireCitizen(w, r)
	if !ok {
		return nil, ""
	}
	data, err := s.cfg.Citizens.MyData(r.Context(), sess)
	if err != nil {
		s.Error(w, r, err)
		return nil, ""
	}
	lang := citizenLocales.pageLanguage(r)
	return copyOf(sess, data, s.retentionPolicy(), lang), lang
}

func copyOf(sess *beredskap.CitizenSession, data *citizen.MyData, p *retention.Policy, lang string) *citizenCopy {
	c := &citizenCopy{Generated: time.Now().UTC(), NationalID: sess.NationalID, Name: sess.Name, Account: data.Account,
		Registrations: data.Registrations, Cases: []citizenCaseJSON{}, Looks: []citizenLookJSON{}, looks: data.Looks}
	if c.Registrations == nil {
		c.Registrations = []*beredskap.StoredRegistration{}
	}
	for _, k := range data.Cases {
		c.Cases = append(c.Cases, citizenCaseJSON{Number: k.Number, Kind: string(k.Kind), Status: string(k.Status),
			Channel: k.Channel, Reason: k.Reason, Deadline: k.Deadline, CreatedAt: k.CreatedAt, ClosedAt: k.ClosedAt})
	}
	for _, l := range data.Looks {
		c.Looks = append(c.Looks, lookJSON(l))
	}
	c.Retention = retention.Statement(p, lang, retention.Subject{Registrations: data.Registrations, Cases: data.Cases, Account: data.Account})
	return c
}

// handleCitizenDataJSON sends the person's copy of all their data as JSON.
func (s *Server) handleCitizenDataJSON(w http.ResponseWriter, r *http.Request) {
	c, _ := s.citizenCopyOf(w, r)
	if c == nil {
		return
	}
	setAttachment(w.Header(), downloadName(citizenLocales.get(citizenLocales.pageLanguage(r)), "citizen.file.my_data", c.Generated, ".json"))
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, c)
}

// handleCitizenDataPDF sends the person's copy of all their data as a
// readable PDF in the page's language.
func (s *Server) handleCitizenDataPDF(w http.ResponseWriter, r *http.Request) {
	c, lang := s.citizenCopyOf(w, r)
	if c == nil {
		return
	}
	t := func(key string) string { return citizenLocales.get(lang).T(key) }
	rep := letter.Report{Title: t("citizen.copy.title"),
		Subtitle: fmt.Sprintf("%s, %s. %s %s", c.Name, c.NationalID, t("citizen.copy.generated"), datefmt.Minute(lang, c.Generated))}
	regs := letter.Section{Heading: t("citizen.home.registrations")}
	public := allLocales.get(lang)
	for _, reg := range c.Registrations {
		tr := reg.Registration.Traveller
		dv := decisionView(public, s.decisionIn(r, reg, lang))
		decision := dv.Headline
		if dv.Period != "" {
			decision += " – " + dv.Period
		}
		regs.Paragraphs = append(regs.Paragraphs, fmt.Sprintf("%s: %s %s, %s. %s %s. %s, %s. %s %s, %s %s.",
			reg.Receipt, tr.FirstName, tr.LastName, datefmt.DayOf(lang, tr.BirthDate), t("citizen.home.arrival"), datefmt.Instant(lang, reg.Registration.ArrivalTime),
			tr.Phone, tr.Email, reg.Registration.Accommodation.Address.Street, reg.Registration.Accommodation.Address.PostalCode,
			t("citizen.home.decision"), decision))
	}
	if len(regs.Paragraphs) == 0 {
		regs.Paragraphs = []string{t("citizen.home.no_registrations")}
	}
	cases := letter.Section{Heading: t("citizen.home.cases")}
	for _, k := range c.Cases {
		cases.Paragraphs = append(cases.Paragraphs, fmt.Sprintf("%s: %s, %s, %s", k.Number,
			t("case.kind."+k.Kind), t("case.status."+k.Status), datefmt.Day(lang, k.CreatedAt)))
	}
	if len(cases.Paragraphs) == 0 {
		cases.Paragraphs = []string{t("citizen.home.no_cases")}
	}
	looks := letter.Section{Heading: t("citizen.home.looks")}
	for _, l := range viewLooks(citizenLocales.get(lang), c.looks) {
		name := l.Name
		if name == "" {
			name = t("citizen.home.look_name_later")
		}
		looks.Paragraphs = append(looks.Paragraphs, fmt.Sprintf("%s: %s, %s, %s", datefmt.Minute(lang, l.At),
			l.Who, l.RoleName, name))
	}
	keep := letter.Section{Heading: t("citizen.home.retention")}
	for _, it := range c.Retention {
		when := it.Until
		if it.Deleted != "" {
			when = t("citizen.home.retention_deleted") + " " + datefmt.DayOf(lang, it.Deleted)
		}
		keep.Paragraphs = append(keep.Paragraphs, strings.TrimSpace(it.Item+" "+it.Data)+" "+it.Why+" "+
			t("citizen.home.retention_period")+": "+it.Period+". "+when)
	}
	rep.Sections = []letter.Section{regs, cases, looks, keep}
	pdf, err := letter.RenderReport(rep)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	setAttachment(w.Header(), downloadName(citizenLocales.get(lang), "citizen.file.my_data", c.Generated, ".pdf"))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(pdf)
}
