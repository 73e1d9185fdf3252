package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"beredskap"
)

// registrationItem is one registration of a list: the traveller and the
// decision, without the rest of what was registered.
type registrationItem struct {
	Receipt      string              `json:"receipt"`
	Municipality string              `json:"municipality"`
	CreatedAt    time.Time           `json:"created_at"`
	Traveller    beredskap.Traveller `json:"traveller"`
	Decision     beredskap.Decision  `json:"decision"`
}

// registrationList is the body of GET /api/v1/registrations.
type registrationList struct {
	Items         []registrationItem `json:"items"`
	NextPageToken string             `json:"next_page_token,omitempty"`
}

// auditItem is one audit entry as the API shows it.
type auditItem struct {
	Seq       int64          `json:"seq"`
	At        time.Time      `json:"at"`
	Actor     string         `json:"actor"`
	Role      beredskap.Role `json:"role"`
	Scope     string         `json:"scope"`
	Action    string         `json:"action"`
	Object    string         `json:"object"`
	Outcome   string         `json:"outcome"`
	Detail    string         `json:"detail,omitempty"`
	Address   string         `json:"address,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
}

// auditList is the body of GET /api/v1/audit.
type auditList struct {
	Items         []auditItem `json:"items"`
	NextPageToken string      `json:"next_page_token,omitempty"`
}

// pageLimit reads the limit parameter: 1 to beredskap.MaxPageSize, 0 when
// absent (the service's default). Errors: EINVALID.
func pageLimit(q url.Values) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > beredskap.MaxPageSize {
		return 0, beredskap.Invalid("limit", "out_of_range", "must be a whole number from 1 to 200")
	}
	return n, nil
}

// handleListRegistrations lists the registrations the caller may see,
// newest first, a page at a time.
func (s *Server) handleListRegistrations(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	q := r.URL.Query()
	limit, err := pageLimit(q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	regs, next, err := s.staff.ListRegistrations(r.Context(), beredskap.RegistrationFilter{
		Municipality: q.Get("municipality"), Limit: limit, PageToken: q.Get("page_token"),
	})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	body := registrationList{Items: make([]registrationItem, 0, len(regs)), NextPageToken: next}
	for _, reg := range regs {
		body.Items = append(body.Items, registrationItem{
			Receipt: reg.Receipt, Municipality: reg.Municipality, CreatedAt: reg.CreatedAt,
			Traveller: reg.Registration.Traveller, Decision: reg.Decision,
		})
	}
	writeJSON(w, http.StatusOK, body)
}

// storedRegistrationJSON is a registration with its decision and the rule
// changes known to come during its quarantine (left out when there are
// none).
type storedRegistrationJSON struct {
	*beredskap.StoredRegistration
	RuleChanges []beredskap.RuleChange `json:"rule_changes,omitempty"`
}

// handleGetRegistration returns one registration with its decision, or 404
// when it does not exist or the caller may not see it.
func (s *Server) handleGetRegistration(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	reg, err := s.staff.GetRegistration(r.Context(), r.PathValue("receipt"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, storedRegistrationJSON{StoredRegistration: reg,
		RuleChanges: s.in.ComingChanges(&reg.Registration, &reg.Decision, reg.Decision.Language)})
}

// handleSearchAudit returns the audit entries that match the query
// parameters (receipt, actor, action, object, from and to as RFC 3339),
// oldest first, a page at a time.
func (s *Server) handleSearchAudit(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	q := r.URL.Query()
	f := beredskap.AuditFilter{
		Receipt: q.Get("receipt"), Actor: q.Get("actor"), Action: q.Get("action"), Object: q.Get("object"),
		PageToken: q.Get("page_token"),
	}
	var err error
	if f.Limit, err = pageLimit(q); err != nil {
		s.Error(w, r, err)
		return
	}
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(p.name); v != "" {
			if *p.t, err = time.Parse(time.RFC3339, v); err != nil {
				s.Error(w, r, beredskap.Invalid(p.name, "format_instant", "must be an RFC 3339 instant such as 2021-01-15T12:00:00Z"))
				return
			}
		}
	}
	entries, next, err := s.staff.SearchAudit(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	body := auditList{Items: make([]auditItem, 0, len(entries)), NextPageToken: next}
	for _, e := range entries {
		body.Items = append(body.Items, auditItem{
			Seq: e.Seq, At: e.At, Actor: e.Actor, Role: e.Role, Scope: e.Scope, Action: e.Action,
			Object: e.Object, Outcome: e.Outcome, Detail: e.Detail, Address: e.Address, RequestID: e.RequestID,
		})
	}
	writeJSON(w, http.StatusOK, body)
}
