package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"beredskap"
	"beredskap/followup"
)

// municipalTravellerPage is one followed-up traveller's whole timeline:
// registration, decision, SMS and their delivery, calls and reports (with
// corrections shown as such) and labour notices.
type municipalTravellerPage struct {
	staffFrame
	TL       *followup.Timeline
	Name     string
	BackHref string
	Events   []municipalEvent
	Reports  []municipalReport
	SMS      []municipalSMS
	Notices  []municipalNotice
	Hotel    *travellerHotel
}

// municipalEvent is one line of the timeline.
type municipalEvent struct {
	ID, Time, What, Detail string
	Breach                 bool
}

// municipalReport is one call report as the page shows it.
type municipalReport struct {
	ID                                          int64
	Time, Operator, Outcome, Language, LangName string
	Understood, StayingAt, BreachText           string
	Breaches                                    []string
	Interpreter, EmployerBreach                 bool
	EmployerOrg, EmployerName, EmployerText     string
	Suspected                                   string // in the page's language
	Corrects, CorrectedBy                       int64
}

// municipalSMS is one SMS of the traveller.
type municipalSMS struct {
	ID                                         int64
	Time, Template, Language, LangName, Status string
	Delivered, Encoding                        string
	Segments, Attempts                         int
}

// municipalNotice is one notice to the labour inspectorate.
type municipalNotice struct {
	ID                                   int64
	Time, OrgNumber, Employer, Suspicion string
	// Suspected is what was suspected, in the page's language; Suspicion
	// the operator's words on a notice made before the fixed list.
	Suspected string
	ReportID  int64
}

// handleMunicipalTraveller shows a traveller's timeline. The service
// answers not found for a traveller of another municipality.
func (s *Server) handleMunicipalTraveller(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	tl, err := s.cfg.FollowUp.Traveller(r.Context(), r.PathValue("receipt"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	path := "/staff/followup/travellers/" + url.PathEscape(tl.Plan.Receipt)
	page := &municipalTravellerPage{staffFrame: s.newStaffFrame(w, r, a, path, "muni.traveller.title"), TL: tl}
	p := tl.Plan
	page.Name = strings.TrimSpace(p.FirstName + " " + p.LastName)
	page.Title = page.T("muni.traveller.title_named", "name", page.Name)
	back := []string{}
	if a.Municipality() == "" {
		back = append(back, "municipality", p.Municipality)
	}
	page.BackHref = page.Href("/staff/followup/travellers", back...)
	page.fill()
	page.Hotel = s.travellerHotelOf(r, &page.staffFrame, tl.Plan.Receipt)
	s.render(w, r, http.StatusOK, "municipal_traveller.html", page)
}

// fill turns the timeline into the page's rows, in the page's language.
func (page *municipalTravellerPage) fill() {
	tl := page.TL
	correctedBy := map[int64]int64{}
	for _, r := range tl.Reports {
		if r.Corrects != 0 {
			correctedBy[r.Corrects] = r.ID
		}
	}
	reports := map[int64]*beredskap.CallReport{}
	for _, r := range tl.Reports {
		reports[r.ID] = r
		mr := municipalReport{
			ID: r.ID, Time: page.Time(r.CreatedAt), Operator: r.Operator,
			Outcome: page.T("muni.outcome." + string(r.Outcome)), Language: r.Language, LangName: autonym(r.Language),
			StayingAt: r.StayingAt, BreachText: r.BreachText, Interpreter: r.Interpreter,
			EmployerBreach: r.EmployerBreach, EmployerOrg: r.EmployerOrg, EmployerName: r.EmployerName,
			EmployerText: r.EmployerText, Suspected: suspicionWords(page.text, r.EmployerSuspected),
			Corrects: r.Corrects, CorrectedBy: correctedBy[r.ID],
		}
		if r.Language == "" {
			mr.LangName = ""
		}
		if r.Understood != "" {
			mr.Understood = page.T("muni.understood." + string(r.Understood))
		}
		for _, b := range r.Breaches {
			mr.Breaches = append(mr.Breaches, page.T("muni.breach."+string(b)))
		}
		page.Reports = append(page.Reports, mr)
	}
	sms := map[int64]*beredskap.SMSMessage{}
	for _, m := range tl.SMS {
		sms[m.ID] = m
		ms := municipalSMS{
			ID: m.ID, Time: page.Time(m.CreatedAt), Template: page.templateName(m.Template), Language: m.Language,
			LangName: autonym(m.Language), Status: page.T("muni.sms.status." + string(m.Status)),
			Encoding: m.Encoding, Segments: m.Segments, Attempts: m.Attempts,
		}
		if m.DeliveredAt != nil {
			ms.Delivered = page.Time(*m.DeliveredAt)
		}
		page.SMS = append(page.SMS, ms)
	}
	for _, n := range tl.Notices {
		page.Notices = append(page.Notices, municipalNotice{
			ID: n.ID, Time: page.Time(n.CreatedAt), OrgNumber: n.OrgNumber, Employer: n.EmployerName,
			Suspicion: n.Suspicion, Suspected: suspicionWords(page.text, n.Suspected), ReportID: n.ReportID,
		})
	}
	details := page.eventDetails(tl)
	for i, e := range tl.Events {
		ev := municipalEvent{ID: "event-" + strconv.Itoa(i+1), Time: page.Time(e.At), What: page.T("muni.event." + e.Kind)}
		ev.Detail = details[i]
		if r, ok := reports[e.Ref]; ok && (e.Kind == "call_report" || e.Kind == "correction") {
			ev.Breach = r.BreachSuspected()
		}
		page.Events = append(page.Events, ev)
	}
}

// eventDetails writes the details of each line of tl's timeline in the
// page's language, from the data each line refers to: the same words on
// the control centre's and the municipality's pages.
func (f *staffFrame) eventDetails(tl *followup.Timeline) []string {
	reports := map[int64]*beredskap.CallReport{}
	for _, r := range tl.Reports {
		reports[r.ID] = r
	}
	sms := map[int64]*beredskap.SMSMessage{}
	for _, m := range tl.SMS {
		sms[m.ID] = m
	}
	out := make([]string, len(tl.Events))
	for i, e := range tl.Events {
		out[i] = f.eventDetail(tl, e, reports, sms)
	}
	return out
}

// eventDetail writes the details of one timeline line from the data it
// refers to.
func (f *staffFrame) eventDetail(tl *followup.Timeline, e followup.Event, reports map[int64]*beredskap.CallReport, sms map[int64]*beredskap.SMSMessage) string {
	switch e.Kind {
	case "registered":
		return f.T("muni.detail.registered", "arrival", f.Time(tl.Plan.ArrivalAt), "receipt", tl.Plan.Receipt)
	case "decided":
		q := tl.Registration.Decision.Quarantine
		if !q.Required || q.FirstDay == nil || q.LastDay == nil {
			return f.T("muni.detail.no_quarantine", "rule", f.RuleVersion(tl.Registration.Decision.RuleSet.ID))
		}
		return f.T("muni.detail.decided", "rule", f.RuleVersion(tl.Registration.Decision.RuleSet.ID),
			"first", f.DateOf(*q.FirstDay), "last", f.DateOf(*q.LastDay))
	case "planned":
		return f.T("muni.detail.planned", "sms", muniJoinInts(tl.Plan.SMSDays), "calls", muniJoinInts(tl.Plan.CallDays),
			"last", f.DateOf(tl.Plan.LastDay))
	case "sms_queued", "sms_sent", "sms_delivered", "sms_failed", "sms_cancelled":
		if m, ok := sms[e.Ref]; ok {
			return f.N("muni.detail.sms", m.Attempts, "template", f.templateName(m.Template), "language", autonym(m.Language))
		}
	case "call_report", "correction":
		if r, ok := reports[e.Ref]; ok {
			d := f.T("muni.detail.report", "id", strconv.FormatInt(r.ID, 10), "outcome", f.T("muni.outcome."+string(r.Outcome)))
			if r.Corrects != 0 {
				d = f.T("muni.detail.corrects", "id", strconv.FormatInt(r.Corrects, 10)) + " " + d
			}
			if r.BreachSuspected() {
				d += " " + f.T("muni.detail.breach")
			}
			return d
		}
	case "notice":
		for _, n := range tl.Notices {
			if n.ID == e.Ref {
				return f.T("muni.detail.notice", "org", n.OrgNumber, "employer", n.EmployerName)
			}
		}
	case "ended":
		key := "muni.end." + e.Detail
		if f.text.Has(key) {
			return f.T(key)
		}
	}
	return ""
}

// templateName names an SMS template in the page's language, or gives
// its key when it has no name.
func (f *staffFrame) templateName(key string) string {
	if f.text.Has("muni.template." + key) {
		return f.T("muni.template." + key)
	}
	return key
}

// muniJoinInts writes days as "2, 5".
func muniJoinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ", ")
}

// LangName names a language in itself.
func (page *municipalTravellerPage) LangName(code string) string { return autonym(code) }
