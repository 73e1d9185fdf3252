package web

import (
	"net/http"
	"strings"
	"time"

	"beredskap"
	"beredskap/followup"
)

// muniTravellerJSON is a followed-up traveller as the municipal API shows it.
type muniTravellerJSON struct {
	Receipt         string     `json:"receipt"`
	Municipality    string     `json:"municipality"`
	FirstName       string     `json:"first_name"`
	LastName        string     `json:"last_name"`
	BirthDate       string     `json:"birth_date"`
	Phone           string     `json:"phone"`
	Email           string     `json:"email"`
	Language        string     `json:"language"`
	ArrivalAt       time.Time  `json:"arrival_at"`
	FirstDay        string     `json:"first_day"`
	LastDay         string     `json:"last_day"`
	Status          string     `json:"status"`
	EndReason       string     `json:"end_reason"`
	Reached         bool       `json:"reached"`
	BreachSuspected bool       `json:"breach_suspected"`
	Attempts        int        `json:"attempts"`
	LastReportAt    *time.Time `json:"last_report_at"`
}

func muniTravellerOf(p *beredskap.FollowUpPlan) muniTravellerJSON {
	return muniTravellerJSON{
		Receipt: p.Receipt, Municipality: p.Municipality, FirstName: p.FirstName, LastName: p.LastName,
		BirthDate: p.BirthDate, Phone: p.Phone, Email: p.Email, Language: p.Language, ArrivalAt: p.ArrivalAt,
		FirstDay: p.FirstDay, LastDay: p.LastDay, Status: string(p.Status), EndReason: p.EndReason,
		Reached: p.Reached, BreachSuspected: p.BreachSuspected, Attempts: p.Attempts, LastReportAt: p.LastReportAt,
	}
}

// muniTravellerListJSON is the body of GET /api/v1/followup/travellers.
type muniTravellerListJSON struct {
	Items         []muniTravellerJSON `json:"items"`
	NextPageToken string              `json:"next_page_token,omitempty"`
}

// muniTimelineJSON is the body of GET /api/v1/followup/travellers/{receipt}.
type muniTimelineJSON struct {
	Traveller    muniTravellerJSON             `json:"traveller"`
	Registration *beredskap.StoredRegistration `json:"registration"`
	SMS          []muniSMSJSON                 `json:"sms"`
	Reports      []muniReportJSON              `json:"reports"`
	Notices      []muniNoticeJSON              `json:"notices"`
	Events       []muniEventJSON               `json:"events"`
}

// muniSMSJSON is one SMS of a timeline.
type muniSMSJSON struct {
	ID          int64      `json:"id"`
	Template    string     `json:"template"`
	Language    string     `json:"language"`
	Body        string     `json:"body"`
	Encoding    string     `json:"encoding"`
	Segments    int        `json:"segments"`
	Status      string     `json:"status"`
	Attempts    int        `json:"attempts"`
	SentBy      string     `json:"sent_by"`
	CreatedAt   time.Time  `json:"created_at"`
	DeliveredAt *time.Time `json:"delivered_at"`
}

// muniReportJSON is one call report of a timeline: the report as the
// follow-up API shows it, without the plan, receipt and municipality the
// timeline names once.
type muniReportJSON struct {
	ID       int64  `json:"id"`
	Operator string `json:"operator"`
	reportInputJSON
	Corrects  int64     `json:"corrects"`
	CreatedAt time.Time `json:"created_at"`
}

// muniNoticeJSON is one labour notice of a timeline.
type muniNoticeJSON struct {
	ID           int64     `json:"id"`
	ReportID     int64     `json:"report_id"`
	OrgNumber    string    `json:"org_number"`
	EmployerName string    `json:"employer_name"`
	Suspected    []string  `json:"suspected"`
	Suspicion    string    `json:"suspicion"`
	CreatedAt    time.Time `json:"created_at"`
}

// muniEventJSON is one line of a timeline.
type muniEventJSON struct {
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"`
	Detail string    `json:"detail"`
	Ref    int64     `json:"ref"`
}

func muniTimelineOf(tl *followup.Timeline) muniTimelineJSON {
	out := muniTimelineJSON{
		Traveller: muniTravellerOf(tl.Plan), Registration: tl.Registration,
		SMS: []muniSMSJSON{}, Reports: []muniReportJSON{}, Notices: []muniNoticeJSON{},
		Events: []muniEventJSON{},
	}
	for _, m := range tl.SMS {
		out.SMS = append(out.SMS, muniSMSJSON{
			ID: m.ID, Template: m.Template, Language: m.Language, Body: m.Body, Encoding: m.Encoding,
			Segments: m.Segments, Status: string(m.Status), Attempts: m.Attempts, SentBy: m.SentBy,
			CreatedAt: m.CreatedAt, DeliveredAt: m.DeliveredAt,
		})
	}
	for _, r := range tl.Reports {
		out.Reports = append(out.Reports, muniReportJSON{
			ID: r.ID, Operator: r.Operator, reportInputJSON: reportInputOf(r), Corrects: r.Corrects, CreatedAt: r.CreatedAt,
		})
	}
	for _, n := range tl.Notices {
		out.Notices = append(out.Notices, muniNoticeJSON{
			ID: n.ID, ReportID: n.ReportID, OrgNumber: n.OrgNumber, EmployerName: n.EmployerName,
			Suspected: namesOf(n.Suspected), Suspicion: n.Suspicion, CreatedAt: n.CreatedAt,
		})
	}
	for _, e := range tl.Events {
		out.Events = append(out.Events, muniEventJSON{At: e.At, Kind: e.Kind, Detail: e.Detail, Ref: e.Ref})
	}
	return out
}

// muniStatsJSON is the body of GET /api/v1/followup/stats.
type muniStatsJSON struct {
	Municipality    string         `json:"municipality"`
	From            string         `json:"from"`
	To              string         `json:"to"`
	ArrivalsPerDay  []muniDayJSON  `json:"arrivals_per_day"`
	ActivePerDay    []muniDayJSON  `json:"active_per_day"`
	BreachesPerWeek []muniWeekJSON `json:"breaches_per_week"`
}

// muniDayJSON is one day of a chart.
type muniDayJSON struct {
	Day   string `json:"day"`
	Count int    `json:"count"`
}

// muniWeekJSON is one ISO week of a chart.
type muniWeekJSON struct {
	Week  string `json:"week"`
	Count int    `json:"count"`
}

// apiMunicipalTravellers lists the travellers of a municipality (the
// caller's own when municipal and none is named) that the query's filters
// select, newest arrival first, a page at a time.
func (s *Server) apiMunicipalTravellers(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	q := r.URL.Query()
	f, err := muniReportFilter(q, strings.TrimSpace(q.Get("municipality")))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if f.Limit, err = pageLimit(q); err != nil {
		s.Error(w, r, err)
		return
	}
	plans, next, err := s.cfg.FollowUp.ListTravellers(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	body := muniTravellerListJSON{Items: make([]muniTravellerJSON, 0, len(plans)), NextPageToken: next}
	for _, p := range plans {
		body.Items = append(body.Items, muniTravellerOf(p))
	}
	writeJSON(w, http.StatusOK, body)
}

// apiMunicipalTraveller returns a traveller's timeline, or 404 when there
// is none the caller may see.
func (s *Server) apiMunicipalTraveller(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	tl, err := s.cfg.FollowUp.Traveller(r.Context(), r.PathValue("receipt"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, muniTimelineOf(tl))
}

// apiMunicipalExport downloads the travellers the filters select as CSV
// or XLSX.
func (s *Server) apiMunicipalExport(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	q := r.URL.Query()
	f, err := muniReportFilter(q, strings.TrimSpace(q.Get("municipality")))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f.PageToken = ""
	s.writeMuniExport(w, r, f, strings.TrimSpace(q.Get("format")))
}

// apiMunicipalStats returns the chart numbers of a municipality over the
// days from..to.
func (s *Server) apiMunicipalStats(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	m := strings.TrimSpace(q.Get("municipality"))
	from, to := strings.TrimSpace(q.Get("from")), strings.TrimSpace(q.Get("to"))
	st, err := s.cfg.FollowUp.Stats(r.Context(), m, from, to)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if m == "" {
		m = a.Municipality()
	}
	body := muniStatsJSON{Municipality: m, From: from, To: to,
		ArrivalsPerDay: muniDays(st.ArrivalsPerDay), ActivePerDay: muniDays(st.ActivePerDay),
		BreachesPerWeek: make([]muniWeekJSON, 0, len(st.BreachesPerWeek))}
	for _, p := range st.BreachesPerWeek {
		body.BreachesPerWeek = append(body.BreachesPerWeek, muniWeekJSON{Week: p.Day, Count: p.Count})
	}
	writeJSON(w, http.StatusOK, body)
}

// days converts chart points of days.
func muniDays(points []beredskap.DayCount) []muniDayJSON {
	out := make([]muniDayJSON, 0, len(points))
	for _, p := range points {
		out = append(out, muniDayJSON{Day: p.Day, Count: p.Count})
	}
	return out
}
