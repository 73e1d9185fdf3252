package web

import (
	"net/http"
	"time"

	"beredskap"
	"beredskap/followup"
)

// planJSON is a followed-up traveller as the control centre's API shows
// it.
type planJSON struct {
	ID              int64      `json:"id"`
	Receipt         string     `json:"receipt"`
	Municipality    string     `json:"municipality"`
	FirstName       string     `json:"first_name"`
	LastName        string     `json:"last_name"`
	Phone           string     `json:"phone"`
	Language        string     `json:"language"`
	FirstDay        string     `json:"first_day"`
	LastDay         string     `json:"last_day"`
	Status          string     `json:"status"`
	Reached         bool       `json:"reached"`
	BreachSuspected bool       `json:"breach_suspected"`
	Attempts        int        `json:"attempts"`
	NextCallAt      time.Time  `json:"next_call_at"`
	ClaimedBy       string     `json:"claimed_by"`
	LeaseUntil      *time.Time `json:"lease_until"`
}

func planOf(p *beredskap.FollowUpPlan) planJSON {
	out := planJSON{
		ID: p.ID, Receipt: p.Receipt, Municipality: p.Municipality, FirstName: p.FirstName, LastName: p.LastName,
		Phone: p.Phone, Language: p.Language, FirstDay: p.FirstDay, LastDay: p.LastDay, Status: string(p.Status),
		Reached: p.Reached, BreachSuspected: p.BreachSuspected, Attempts: p.Attempts, NextCallAt: p.NextCallAt,
		ClaimedBy: p.ClaimedBy,
	}
	if p.ClaimedBy != "" {
		out.LeaseUntil = p.LeaseUntil
	}
	return out
}

// queueJSON is the body of GET /api/v1/followup/queue.
type queueJSON struct {
	Items []planJSON `json:"items"`
}

// apiFollowUpQueue returns the work queue in priority order.
func (s *Server) apiFollowUpQueue(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	q := r.URL.Query()
	f, err := queueFilter(q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if f.Limit, err = pageLimit(q); err != nil {
		s.Error(w, r, err)
		return
	}
	plans, err := s.cfg.FollowUp.Queue(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	body := queueJSON{Items: make([]planJSON, 0, len(plans))}
	for _, p := range plans {
		body.Items = append(body.Items, planOf(p))
	}
	writeJSON(w, http.StatusOK, body)
}

// apiFollowUpClaimNext claims the first free traveller of the queue that
// the query's filters select.
func (s *Server) apiFollowUpClaimNext(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	f, err := queueFilter(r.URL.Query())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.cfg.FollowUp.ClaimNext(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, planOf(p))
}

// apiFollowUpClaim claims one traveller, or extends the operator's hold.
func (s *Server) apiFollowUpClaim(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	id, err := pathID(r, "plan")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.cfg.FollowUp.Claim(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, planOf(p))
}

// apiFollowUpRelease lets go of a traveller the operator holds.
func (s *Server) apiFollowUpRelease(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	id, err := pathID(r, "plan")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.cfg.FollowUp.Release(r.Context(), id); err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// reportInputJSON is a call report as the API receives it.
type reportInputJSON struct {
	Outcome        string   `json:"outcome"`
	Language       string   `json:"language"`
	Interpreter    bool     `json:"interpreter"`
	Understood     string   `json:"understood"`
	StayingAt      string   `json:"staying_at"`
	Breaches       []string `json:"breaches"`
	BreachText     string   `json:"breach_text"`
	EmployerBreach bool     `json:"employer_breach"`
	EmployerOrg    string   `json:"employer_org"`
	EmployerName   string   `json:"employer_name"`
	// EmployerSuspected is what was suspected of the employer, from a
	// fixed list; the labour notice carries these, not employer_text.
	EmployerSuspected []string `json:"employer_suspected"`
	EmployerText      string   `json:"employer_text"`
}

func (in reportInputJSON) input() followup.ReportInput {
	out := followup.ReportInput{
		Outcome: beredskap.CallOutcome(in.Outcome), Language: in.Language, Interpreter: in.Interpreter,
		Understood: beredskap.Understood(in.Understood), StayingAt: in.StayingAt, BreachText: in.BreachText,
		EmployerBreach: in.EmployerBreach, EmployerOrg: in.EmployerOrg, EmployerName: in.EmployerName,
		EmployerText: in.EmployerText,
	}
	for _, k := range in.Breaches {
		out.Breaches = append(out.Breaches, beredskap.BreachKind(k))
	}
	for _, k := range in.EmployerSuspected {
		out.EmployerSuspected = append(out.EmployerSuspected, beredskap.EmployerSuspicion(k))
	}
	return out
}

// reportJSON is a stored call report as the API shows it.
type reportJSON struct {
	ID           int64  `json:"id"`
	PlanID       int64  `json:"plan_id"`
	Receipt      string `json:"receipt"`
	Municipality string `json:"municipality"`
	Operator     string `json:"operator"`
	reportInputJSON
	Corrects  int64     `json:"corrects"`
	CreatedAt time.Time `json:"created_at"`
}

func reportOf(r *beredskap.CallReport) reportJSON {
	return reportJSON{
		ID: r.ID, PlanID: r.PlanID, Receipt: r.Receipt, Municipality: r.Municipality, Operator: r.Operator,
		Corrects: r.Corrects, CreatedAt: r.CreatedAt, reportInputJSON: reportInputOf(r),
	}
}

// reportInputOf returns what was reported in r, as the API shows it.
func reportInputOf(r *beredskap.CallReport) reportInputJSON {
	out := reportInputJSON{
		Outcome: string(r.Outcome), Language: r.Language, Interpreter: r.Interpreter,
		Understood: string(r.Understood), StayingAt: r.StayingAt, Breaches: []string{}, BreachText: r.BreachText,
		EmployerBreach: r.EmployerBreach, EmployerOrg: r.EmployerOrg, EmployerName: r.EmployerName,
		EmployerSuspected: namesOf(r.EmployerSuspected), EmployerText: r.EmployerText,
	}
	for _, k := range r.Breaches {
		out.Breaches = append(out.Breaches, string(k))
	}
	return out
}

// requireFollowUp returns the actor when they may work the queue; others
// get 401 or 403 before their body is read.
func (s *Server) requireFollowUp(w http.ResponseWriter, r *http.Request, p beredskap.Permission) (*beredskap.Actor, bool) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return nil, false
	}
	if !beredskap.Can(a, p, "") {
		s.Error(w, r, forbidden("do this"))
		return nil, false
	}
	return a, true
}

// apiFollowUpReport files a call report on a traveller the operator holds.
func (s *Server) apiFollowUpReport(w http.ResponseWriter, r *http.Request) {
	s.apiReport(w, r, false)
}

// apiFollowUpCorrection files a report that corrects an earlier one.
func (s *Server) apiFollowUpCorrection(w http.ResponseWriter, r *http.Request) {
	s.apiReport(w, r, true)
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request, correct bool) {
	if _, ok := s.requireFollowUp(w, r, beredskap.PermFollowUp); !ok {
		return
	}
	name := "plan"
	if correct {
		name = "report"
	}
	id, err := pathID(r, name)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var in reportInputJSON
	if err := s.decodeStaffJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	var rep *beredskap.CallReport
	if correct {
		rep, err = s.cfg.FollowUp.CorrectReport(r.Context(), id, in.input())
	} else {
		rep, err = s.cfg.FollowUp.FileReport(r.Context(), id, in.input())
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, reportOf(rep))
}

// smsRequestJSON asks for an ad-hoc SMS from a template, or its preview.
type smsRequestJSON struct {
	Template string `json:"template"`
	Language string `json:"language"`
	Preview  bool   `json:"preview"`
}

// previewJSON is an SMS as it would be sent.
type previewJSON struct {
	Body     string `json:"body"`
	Encoding string `json:"encoding"`
	Segments int    `json:"segments"`
	Language string `json:"language"`
	FellBack bool   `json:"fell_back"`
}

// smsJSON is an SMS of the outbox.
type smsJSON struct {
	ID        int64     `json:"id"`
	PlanID    int64     `json:"plan_id"`
	Receipt   string    `json:"receipt"`
	To        string    `json:"to"`
	Language  string    `json:"language"`
	Template  string    `json:"template"`
	Body      string    `json:"body"`
	Encoding  string    `json:"encoding"`
	Segments  int       `json:"segments"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

// apiFollowUpSMS previews or queues an ad-hoc SMS to a traveller.
func (s *Server) apiFollowUpSMS(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireFollowUp(w, r, beredskap.PermFollowUp); !ok {
		return
	}
	id, err := pathID(r, "plan")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var in smsRequestJSON
	if err := s.decodeStaffJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	if in.Template == "" {
		s.Error(w, r, beredskap.Invalid("template", "required", "name the template of the SMS"))
		return
	}
	if in.Preview {
		p, err := s.cfg.FollowUp.PreviewSMS(r.Context(), id, in.Template, in.Language)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, previewJSON{Body: p.Body, Encoding: p.Encoding, Segments: p.Segments,
			Language: p.Language, FellBack: p.FellBack})
		return
	}
	m, err := s.cfg.FollowUp.SendSMS(r.Context(), id, in.Template, in.Language)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, smsJSON{ID: m.ID, PlanID: m.PlanID, Receipt: m.Receipt, To: m.To,
		Language: m.Language, Template: m.Template, Body: m.Body, Encoding: m.Encoding, Segments: m.Segments,
		Status: string(m.Status), CreatedAt: m.CreatedAt})
}

// templateJSON is an SMS template as the API shows it.
type templateJSON struct {
	Key       string     `json:"key"`
	Language  string     `json:"language"`
	Body      string     `json:"body"`
	UpdatedBy string     `json:"updated_by"`
	UpdatedAt *time.Time `json:"updated_at"`
}

// templateList is the body of GET /api/v1/followup/sms-templates.
type templateList struct {
	Items []templateJSON `json:"items"`
}

// templateInputJSON is the body of PUT /api/v1/followup/sms-templates/...
type templateInputJSON struct {
	Body string `json:"body"`
}

func templateOf(t *beredskap.SMSTemplate) templateJSON {
	out := templateJSON{Key: t.Key, Language: t.Language, Body: t.Body, UpdatedBy: t.UpdatedBy}
	if !t.UpdatedAt.IsZero() {
		at := t.UpdatedAt
		out.UpdatedAt = &at
	}
	return out
}

// apiFollowUpTemplates lists the SMS templates.
func (s *Server) apiFollowUpTemplates(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	tpls, err := s.cfg.FollowUp.Templates(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	body := templateList{Items: make([]templateJSON, 0, len(tpls))}
	for _, t := range tpls {
		body.Items = append(body.Items, templateOf(t))
	}
	writeJSON(w, http.StatusOK, body)
}

// apiFollowUpTemplateSave creates or replaces the template of a key and
// language; an unknown placeholder is EINVALID naming body.
func (s *Server) apiFollowUpTemplateSave(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireFollowUp(w, r, beredskap.PermManageTemplates)
	if !ok {
		return
	}
	var in templateInputJSON
	if err := s.decodeStaffJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	t := beredskap.SMSTemplate{Key: r.PathValue("key"), Language: r.PathValue("language"), Body: in.Body}
	if err := s.cfg.FollowUp.SaveTemplate(r.Context(), t); err != nil {
		s.Error(w, r, err)
		return
	}
	t.UpdatedBy = a.User.Email
	writeJSON(w, http.StatusOK, templateOf(&t))
}

// namesOf returns codes (such as what was suspected of an employer) as
// strings; empty, not nil, when none.
func namesOf[S ~string](codes []S) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = string(c)
	}
	return out
}
