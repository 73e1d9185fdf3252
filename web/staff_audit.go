package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"beredskap"
)

// staffAuditPage is the access administrators' audit search.
type staffAuditPage struct {
	staffFrame
	Rows      []staffAuditRow
	NextHref  string
	FirstHref string
}

// staffAuditRow is one audit entry.
type staffAuditRow struct {
	Seq                                   int64
	At, Actor, Role, Action, Outcome, Via string
	Object                                auditObject
	Detail                                []string // the detail's clauses in words
}

// auditFilterFields are the query parameters of the audit search.
var auditFilterFields = []string{"receipt", "actor", "action", "from", "to"}

// handleStaffAudit searches the audit trail by receipt, actor, action and
// dates (Europe/Oslo, both days included), oldest entry first.
func (s *Server) handleStaffAudit(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	page := &staffAuditPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/audit", "staff.audit.title")}
	page.Values = url.Values{}
	for _, name := range auditFilterFields {
		page.Values.Set(name, strings.TrimSpace(q.Get(name)))
	}
	f, err := decodeAuditFilter(page.Values)
	if err != nil {
		var e *beredskap.Error
		if errors.As(err, &e) {
			page.setProblems(e.Problems, "audit-form")
			page.Title = page.T("staff.form.title_errors", "title", page.Title)
			s.render(w, r, statusOf(e.Code), "staff_audit.html", page)
			return
		}
		s.Error(w, r, err)
		return
	}
	token := q.Get("page_token")
	f.Limit, f.PageToken = staffPageSize, token
	entries, next, err := s.staff.SearchAudit(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	for _, e := range entries {
		page.Rows = append(page.Rows, staffAuditRow{
			Seq:     e.Seq,
			At:      page.Time(e.At),
			Actor:   e.Actor,
			Role:    page.auditRole(e.Role, e.Scope),
			Action:  page.Action(e.Action),
			Object:  page.auditObjectOf(e.Object),
			Outcome: page.T("staff.outcome." + e.Outcome),
			Detail:  page.auditDetail(e.Detail),
			Via:     strings.TrimSpace(e.Address + " " + e.RequestID),
		})
	}
	filter := make([]string, 0, 2*len(auditFilterFields))
	for _, name := range auditFilterFields {
		filter = append(filter, name, page.Values.Get(name))
	}
	if next != "" {
		page.NextHref = page.Href("/staff/audit", append(filter, "page_token", next)...)
	}
	if token != "" {
		page.FirstHref = page.Href("/staff/audit", filter...)
	}
	s.render(w, r, http.StatusOK, "staff_audit.html", page)
}

// decodeAuditFilter reads the search form. Dates are YYYY-MM-DD in
// Europe/Oslo; "to" includes its whole day. It returns EINVALID naming
// each field that does not parse.
func decodeAuditFilter(v url.Values) (beredskap.AuditFilter, error) {
	var ps beredskap.Problems
	f := beredskap.AuditFilter{Actor: strings.ToLower(v.Get("actor")), Action: v.Get("action")}
	if receipt := v.Get("receipt"); receipt != "" {
		norm, ok := beredskap.NormalizeReceipt(receipt)
		if !ok {
			ps.Add("receipt", "format_receipt", "is not a receipt code")
		}
		f.Receipt = norm
	}
	day := func(name string) time.Time {
		s := v.Get(name)
		if s == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(time.DateOnly, s, oslo)
		if err != nil {
			ps.Add(name, "format_date", "is not a date written YYYY-MM-DD")
		}
		return t
	}
	f.From = day("from")
	if to := day("to"); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		ps.Add("to", "before_from", "is before the from date")
	}
	return f, ps.Err()
}

// auditRole writes the role and scope an entry's actor acted in.
func (f *staffFrame) auditRole(r beredskap.Role, scope string) string {
	if r == "" {
		return ""
	}
	kind, code, _ := strings.Cut(scope, ":")
	return f.Role(r) + ", " + f.Scope(beredskap.Scope{Kind: beredskap.ScopeKind(kind), Code: code})
}
