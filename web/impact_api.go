package web

import (
	"net/http"
	"time"

	"beredskap"
)

// registerImpactAPI registers the JSON API of rule-change impact.
func (s *Server) registerImpactAPI() {
	s.handle("GET /api/v1/rule-impact", s.apiImpactRuns)
	s.handle("POST /api/v1/rule-impact", s.apiImpactCompute)
	s.handle("GET /api/v1/rule-impact/changes", s.apiImpactChanges)
	s.handle("POST /api/v1/rule-impact/{run}/notify", s.apiImpactNotify)
}

// apiImpactRuns lists the runs, newest first.
func (s *Server) apiImpactRuns(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	runs, err := s.cfg.Hotels.ImpactRuns(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	body := itemsJSON[impactRunJSON]{Items: []impactRunJSON{}}
	for _, run := range runs {
		body.Items = append(body.Items, impactRunOf(run))
	}
	writeJSON(w, http.StatusOK, body)
}

// apiImpactCompute re-evaluates the active quarantines under the version
// in force at the instant asked for.
func (s *Server) apiImpactCompute(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.mayNational(w, r, "compute rule-change impact", beredskap.PermRuleImpact); !ok {
		return
	}
	var in impactComputeJSON
	if err := s.decodeStaffJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	if in.At == "" {
		s.Error(w, r, beredskap.Invalid("at", "required", "is required"))
		return
	}
	at, err := apiInstant("at", in.At)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	run, err := s.cfg.Hotels.ComputeImpact(r.Context(), at)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, impactRunOf(run))
}

// apiImpactChanges returns a run's changes of the caller's municipality
// (or the one named, for national roles), a page at a time.
func (s *Server) apiImpactChanges(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	at, err := time.Parse(time.RFC3339, q.Get("at"))
	if err != nil {
		s.Error(w, r, beredskap.Invalid("at", "format_instant", "must be an RFC 3339 instant"))
		return
	}
	limit, err := pageLimit(q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if limit == 0 {
		limit = impactPageSize
	}
	m := q.Get("municipality")
	if m == "" {
		m = a.Municipality()
	}
	if own := a.Municipality(); own != "" && m != own {
		s.Error(w, r, forbidden("read another municipality's impact"))
		return
	}
	run, changes, err := s.cfg.Hotels.Impact(r.Context(), at, m, q.Get("after"), limit)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	body := impactChangesJSON{Run: impactRunOf(run), Items: []impactChangeJSON{}}
	for _, c := range changes {
		body.Items = append(body.Items, impactChangeJSON{Receipt: c.Receipt, Municipality: c.Municipality,
			Changes: nonNil(c.Changes), Group: c.Group, OldLastDay: c.OldLastDay, NewLastDay: c.NewLastDay,
			Language: c.Language, Description: nonNil(describeEnglish(c))})
	}
	if len(changes) == limit {
		body.NextAfter = changes[len(changes)-1].Receipt
	}
	writeJSON(w, http.StatusOK, body)
}

// apiImpactNotify queues the SMS of a run.
func (s *Server) apiImpactNotify(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.mayNational(w, r, "notify about a rule change", beredskap.PermRuleImpact); !ok {
		return
	}
	id, err := pathID(r, "run")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	n, err := s.cfg.Hotels.NotifyImpact(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, notifiedJSON{Queued: n})
}

// describeEnglish says in English how the change affects the traveller.
func describeEnglish(c *beredskap.ImpactChange) []string {
	f := &staffFrame{text: staffText{staff: staffLocales.get("en"), public: allLocales.get("en")}}
	return f.describeChange(c)
}

// nonNil returns s, or an empty list for nil.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
