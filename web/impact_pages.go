package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"beredskap"
)

// impactPage lists the runs of rule-change impact, the rule versions to
// compute one for, and, for a chosen run, who changes and how (e.g. "may
// leave the hotel: group 4") with the button that notifies them.
type impactPage struct {
	staffFrame
	Form     hotelForm
	Runs     []impactRunRow
	Versions []impactVersionRow
	Run      *impactRunRow
	Changes  []impactChangeRow
	NextHref string
	Action   string
	Done     string
	Conflict string
	// Compute says the actor may compute runs and notify (national
	// roles).
	Compute bool
}

// impactRunRow is one run: the figures of its first computation, and
// those at the instant the version takes effect (Final is the time of
// the final run, "" before it).
type impactRunRow struct {
	ID                             int64
	RuleID, At, Computed, Notified string
	Href, NotifyAction             string
	Evaluated, Changed             int
	Final                          string
	FinalEvaluated, InForce, Added int
}

// impactVersionRow is a rule version one may compute the impact of.
type impactVersionRow struct {
	ID, InForce, At string
}

// impactChangeRow is one traveller whose obligations change.
type impactChangeRow struct {
	Receipt, Municipality, Language, LangName string
	Changes                                   []string
}

// impactPageSize is how many changes the page shows at a time.
const impactPageSize = 100

// handleImpact shows the runs and, with at, one run's changes.
func (s *Server) handleImpact(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	page, err := s.impactPageOf(w, r, a, r.URL.Query())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "impact_page.html", page)
}

// impactPageOf builds the page for the query q (at, after, done).
func (s *Server) impactPageOf(w http.ResponseWriter, r *http.Request, a *beredskap.Actor, q url.Values) (*impactPage, error) {
	ctx := r.Context()
	runs, err := s.cfg.Hotels.ImpactRuns(ctx)
	if err != nil {
		return nil, err
	}
	page := &impactPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/rule-impact", "hotel.impact.title")}
	page.Form = newHotelForm(&page.staffFrame)
	page.Form.rename = map[string]string{"at": "impact_at"}
	page.Values = url.Values{"impact_at": {q.Get("impact_at")}, "at": {q.Get("at")}}
	page.Action = page.Href("/staff/rule-impact")
	page.Compute = beredskap.Can(a, beredskap.PermRuleImpact, "")
	if done := q.Get("done"); done != "" && page.text.Has("hotel.done."+done) {
		page.Done = page.T("hotel.done."+done, "n", q.Get("n"))
	}
	for _, run := range runs {
		page.Runs = append(page.Runs, page.impactRunRowOf(run))
	}
	for _, v := range s.cfg.Hotels.Book().Versions() {
		page.Versions = append(page.Versions, impactVersionRow{ID: v.ID, InForce: page.Time(v.InForceFrom),
			At: v.InForceFrom.In(oslo).Format("2006-01-02T15:04")})
	}
	at := q.Get("at")
	if at == "" {
		return page, nil
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return nil, beredskap.Invalid("at", "format_instant", "must be an RFC 3339 instant")
	}
	run, changes, err := s.cfg.Hotels.Impact(ctx, t, a.Municipality(), q.Get("after"), impactPageSize)
	if err != nil {
		return nil, err
	}
	row := page.impactRunRowOf(run)
	page.Run = &row
	for _, c := range changes {
		page.Changes = append(page.Changes, impactChangeRow{Receipt: c.Receipt, Municipality: municipalityName(c.Municipality),
			Language: c.Language, LangName: autonym(c.Language), Changes: page.describeChange(c)})
	}
	if len(changes) == impactPageSize {
		page.NextHref = page.Href("/staff/rule-impact", "at", at, "after", changes[len(changes)-1].Receipt)
	}
	return page, nil
}

// impactRunRowOf returns the row of run in the page's language.
func (f *staffFrame) impactRunRowOf(run *beredskap.ImpactRun) impactRunRow {
	at := run.At.UTC().Format(time.RFC3339)
	row := impactRunRow{ID: run.ID, RuleID: run.RuleID, At: f.Time(run.At), Computed: f.Time(run.ComputedAt),
		Evaluated: run.Evaluated, Changed: run.Changed, Href: f.Href("/staff/rule-impact", "at", at),
		FinalEvaluated: run.FinalEvaluated, InForce: run.ChangedInForce(), Added: run.Added}
	if run.FinalAt != nil {
		row.Final = f.Time(*run.FinalAt)
	}
	if run.NotifiedAt != nil {
		row.Notified = f.Time(*run.NotifiedAt)
	} else if beredskap.Can(f.Actor, beredskap.PermRuleImpact, "") {
		row.NotifyAction = f.Href("/staff/rule-impact/" + itoa(run.ID) + "/notify")
	}
	return row
}

// describeChange says in the page's language how a traveller's
// obligations change, one sentence per change code.
func (f *staffFrame) describeChange(c *beredskap.ImpactChange) []string {
	var out []string
	for _, code := range c.Changes {
		key := "hotel.change." + code
		if !f.text.Has(key) {
			out = append(out, code)
			continue
		}
		out = append(out, f.T(key, "group", strconv.Itoa(c.Group), "old", f.DateOf(c.OldLastDay),
			"new", f.DateOf(c.NewLastDay)))
	}
	return out
}

// handleImpactCompute computes the impact of the rule version in force at
// the instant asked for, then shows it.
func (s *Server) handleImpactCompute(w http.ResponseWriter, r *http.Request) {
	a, ok := s.mayNational(w, r, "compute rule-change impact", beredskap.PermRuleImpact)
	if !ok {
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	v := strings.TrimSpace(r.PostForm.Get("impact_at"))
	t, err := parseLocal("impact_at", v)
	if err == nil && v == "" {
		err = beredskap.Invalid("impact_at", "required", "is required")
	}
	var run *beredskap.ImpactRun
	if err == nil {
		run, err = s.cfg.Hotels.ComputeImpact(r.Context(), t)
	}
	if err == nil || beredskap.ErrorCode(err) == beredskap.ECONFLICT {
		at := t
		if run != nil {
			at = run.At
		}
		q := url.Values{"lang": {staffLocales.pageLanguage(r)}, "at": {at.UTC().Format(time.RFC3339)}, "done": {"computed"}}
		http.Redirect(w, r, "/staff/rule-impact?"+q.Encode(), http.StatusSeeOther)
		return
	}
	problems, invalid := invalidProblems(err)
	if !invalid {
		s.Error(w, r, err)
		return
	}
	page, perr := s.impactPageOf(w, r, a, url.Values{"impact_at": {v}})
	if perr != nil {
		s.Error(w, r, perr)
		return
	}
	page.Form.setProblems(problems, "impact-form")
	s.render(w, r, http.StatusBadRequest, "impact_page.html", page)
}

// handleImpactNotify queues the SMS of a run to every traveller it
// changes, in their language.
func (s *Server) handleImpactNotify(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.mayNational(w, r, "notify about a rule change", beredskap.PermRuleImpact); !ok {
		return
	}
	id, err := pathID(r, "run")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	n, err := s.cfg.Hotels.NotifyImpact(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	q := url.Values{"lang": {staffLocales.pageLanguage(r)}, "done": {"notified"}, "n": {strconv.Itoa(n)}}
	if at := r.PostForm.Get("at"); at != "" {
		q.Set("at", at)
	}
	http.Redirect(w, r, "/staff/rule-impact?"+q.Encode(), http.StatusSeeOther)
}

// mayNational answers 403 before a form or body is read unless the actor
// may do p everywhere (roles with national reach), and returns the actor.
func (s *Server) mayNational(w http.ResponseWriter, r *http.Request, what string, p beredskap.Permission) (*beredskap.Actor, bool) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return nil, false
	}
	if !beredskap.Can(a, p, "") {
		s.Error(w, r, forbidden(what))
		return nil, false
	}
	return a, true
}
