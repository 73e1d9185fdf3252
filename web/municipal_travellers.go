package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"beredskap"
)

// municipalTravellersPage is a municipality's followed-up travellers with
// filters, a page at a time, with export links and charts.
type municipalTravellersPage struct {
	staffFrame
	Form municipalForm
	// Municipality is the municipality listed, "" until a national role
	// has chosen one; Choose says the actor picks it (national reach).
	Municipality string
	Choose       bool
	// Listed says the list was read (no error, a municipality chosen).
	Listed     bool
	Rows       []municipalTravellerRow
	NextHref   string
	FirstHref  string
	CSVHref    string
	XLSXHref   string
	DigestHref string
	Charts     []*muniChart
	ChartFrom  string
	ChartTo    string
}

// municipalTravellerRow is one traveller of the list.
type municipalTravellerRow struct {
	Receipt, Href, Name, Language, LangName, Arrival, LastDay, LastReport string
	Active, Reached, Breach                                               bool
	Attempts                                                              int
}

// handleMunicipalTravellers shows the list. Municipal roles see their own
// municipality (a municipality in the query is the control centre's
// filter and is ignored for them, as on the registrations list); the
// control centre chooses one. Bad filters show the form again with an
// error summary (400).
func (s *Server) handleMunicipalTravellers(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	page := &municipalTravellersPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/followup/travellers", "muni.travellers.title")}
	page.Form = municipalForm{frame: &page.staffFrame}
	page.Values = url.Values{}
	for _, name := range municipalFilterNames {
		if v := strings.TrimSpace(q.Get(name)); v != "" {
			page.Values.Set(name, v)
		}
	}
	page.Municipality = a.Municipality()
	if page.Municipality == "" {
		page.Choose = true
		page.Municipality = page.Values.Get("municipality")
		page.Values.Set("municipality", page.Municipality)
	} else {
		page.Values.Del("municipality")
		page.DigestHref = page.Href("/staff/followup/digest")
	}
	if page.Municipality == "" && beredskap.Can(a, beredskap.PermViewReports, "") {
		// The control centre has yet to choose a municipality.
		s.render(w, r, http.StatusOK, "municipal_travellers.html", page)
		return
	}
	f, err := muniReportFilter(q, page.Municipality)
	if err == nil {
		err = s.fillMunicipalTravellers(r, page, f)
	}
	if err != nil {
		if problems, ok := municipalProblems(err); ok {
			page.Form.setProblems(problems, "filter-form")
			s.render(w, r, http.StatusBadRequest, "municipal_travellers.html", page)
			return
		}
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "municipal_travellers.html", page)
}

// fillMunicipalTravellers reads the page of travellers f selects and the
// charts' numbers into page.
func (s *Server) fillMunicipalTravellers(r *http.Request, page *municipalTravellersPage, f beredskap.ReportFilter) error {
	plans, next, err := s.cfg.FollowUp.ListTravellers(r.Context(), f)
	if err != nil {
		return err
	}
	page.Listed = true
	for _, p := range plans {
		row := municipalTravellerRow{
			Receipt:  p.Receipt,
			Href:     page.Href("/staff/followup/travellers/" + url.PathEscape(p.Receipt)),
			Name:     strings.TrimSpace(p.FirstName + " " + p.LastName),
			Language: p.Language,
			LangName: autonym(p.Language),
			Arrival:  page.Time(p.ArrivalAt),
			LastDay:  page.DateOf(p.LastDay),
			Active:   p.Status == beredskap.PlanActive,
			Reached:  p.Reached,
			Breach:   p.BreachSuspected,
			Attempts: p.Attempts,
		}
		if p.LastReportAt != nil {
			row.LastReport = page.Time(*p.LastReportAt)
		}
		page.Rows = append(page.Rows, row)
	}
	withMunicipality := page.Choose
	query := muniFilterQuery(f, withMunicipality)
	if next != "" {
		page.NextHref = page.Href("/staff/followup/travellers", append(query, "page_token", next)...)
	}
	if f.PageToken != "" {
		page.FirstHref = page.Href("/staff/followup/travellers", query...)
	}
	page.CSVHref = page.Href("/staff/followup/export", append(query, "format", "csv")...)
	page.XLSXHref = page.Href("/staff/followup/export", append(query, "format", "xlsx")...)

	first, last := muniChartRange(f, s.cfg.FollowUp.Now())
	from, to := first.Format(time.DateOnly), last.Format(time.DateOnly)
	st, err := s.cfg.FollowUp.Stats(r.Context(), page.Municipality, from, to)
	if err != nil {
		return err
	}
	page.ChartFrom, page.ChartTo = page.DateOf(from), page.DateOf(to)
	day := page.T("muni.chart.day")
	page.Charts = []*muniChart{
		newMuniChart("chart-arrivals", page.T("muni.chart.arrivals"), page.T("muni.chart.arrivals.desc", "from", page.ChartFrom, "to", page.ChartTo),
			day, page.T("muni.chart.count"), muniEveryDay(st.ArrivalsPerDay, first, last), page.DateOf),
		newMuniChart("chart-active", page.T("muni.chart.active"), page.T("muni.chart.active.desc", "from", page.ChartFrom, "to", page.ChartTo),
			day, page.T("muni.chart.count"), muniEveryDay(st.ActivePerDay, first, last), page.DateOf),
		newMuniChart("chart-breaches", page.T("muni.chart.breaches"), page.T("muni.chart.breaches.desc", "from", page.ChartFrom, "to", page.ChartTo),
			page.T("muni.chart.week"), page.T("muni.chart.count"), muniEveryWeek(st.BreachesPerWeek, first, last), func(k string) string { return k }),
	}
	for _, c := range page.Charts {
		c.Summary = page.T("muni.chart.numbers", "title", c.Title)
	}
	return nil
}
