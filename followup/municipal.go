package followup

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"beredskap"
)

// Limits of the municipal lists.
const (
	// defaultPageSize is the page a list returns when no limit is asked.
	defaultPageSize = 50
	// maxNameSearch is the longest name prefix a list may search for.
	maxNameSearch = 100
	// maxStatsDays is the longest range of days a chart may cover.
	maxStatsDays = 366
)

// dayLayout is how calendar dates are written (YYYY-MM-DD); they are
// dates of the Europe/Oslo calendar (oslo).
const dayLayout = time.DateOnly

// ListTravellers returns the followed-up travellers of f.Municipality (the
// actor's own for municipal roles when empty) and the next page's token.
// Another municipality is EFORBIDDEN. Needs PermViewReports; audited.
//
// The control centre must name the municipality (EINVALID "municipality"
// otherwise). Bad filters are EINVALID naming the field: arrival_from and
// arrival_to (YYYY-MM-DD, from not after to), status, language, name (at
// most 100 characters) and limit (50 when 0, at most
// beredskap.MaxPageSize). The page is read in a read-only snapshot and its
// audit entry "followup.travellers.list", with the receipts returned as
// subjects, is appended in a short write transaction of its own; nothing
// is returned unless that entry has committed.
func (s *Service) ListTravellers(ctx context.Context, f beredskap.ReportFilter) ([]*beredskap.FollowUpPlan, string, error) {
	const action = "followup.travellers.list"
	a := beredskap.ActorFrom(ctx)
	m, err := s.reportMunicipality(ctx, a, f.Municipality, action)
	if err != nil {
		return nil, "", err
	}
	f.Municipality = m
	if err := checkReportFilter(&f, true); err != nil {
		return nil, "", err
	}
	var plans []*beredskap.FollowUpPlan
	var next string
	err = s.store.ViewFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		var err error
		plans, next, err = tx.ListTravellers(ctx, f)
		return err
	})
	if err != nil {
		return nil, "", beredskap.Wrap("list travellers", err)
	}
	rec := beredskap.RecordFor(a, action, municipalityObject(m), beredskap.OutcomeOK)
	rec.Subjects = make([]string, len(plans))
	for i, p := range plans {
		rec.Subjects[i] = p.Receipt
	}
	rec.Detail = describeReportFilter(f)
	if err := s.commitAudit(ctx, rec); err != nil {
		return nil, "", beredskap.Wrap("list travellers", err)
	}
	return plans, next, nil
}

// reportMunicipality returns the municipality whose follow-up a's list,
// export or chart shows: m, or for municipal roles their own when m is
// empty. A municipality a may not see, and roles without PermViewReports,
// are EFORBIDDEN, audited as denied action; an empty municipality for a
// national role is EINVALID "municipality".
func (s *Service) reportMunicipality(ctx context.Context, a *beredskap.Actor, m, action string) (string, error) {
	m = strings.TrimSpace(m)
	if own := a.Municipality(); own != "" && m == "" {
		m = own
	}
	if !beredskap.Can(a, beredskap.PermViewReports, m) {
		return "", s.tx.Deny(ctx, a, action, municipalityObject(m))
	}
	switch {
	case m == "":
		return "", beredskap.Invalid("municipality", "required", "name the municipality")
	case !isDigits(m, 4):
		return "", beredskap.Invalid("municipality", "format_municipality", "must be a four-digit municipality number")
	}
	return m, nil
}

// municipalityObject names a municipality in the audit trail.
func municipalityObject(m string) string {
	if m == "" {
		return "municipalities:all"
	}
	return "municipality:" + m
}

// commitAudit appends rec in a write transaction of its own, after the
// read it describes was done in a snapshot.
func (s *Service) commitAudit(ctx context.Context, rec beredskap.AuditRecord) error {
	return s.store.UpdateFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		return beredskap.AppendAudit(ctx, tx, rec)
	})
}

// checkReportFilter checks and tidies f's filters and, when paged, sets
// its default limit. It returns an EINVALID error naming every bad field.
func checkReportFilter(f *beredskap.ReportFilter, paged bool) error {
	var ps beredskap.Problems
	from, fromOK := checkDay(&ps, "arrival_from", f.ArrivalFrom, false)
	to, toOK := checkDay(&ps, "arrival_to", f.ArrivalTo, false)
	if fromOK && toOK && f.ArrivalFrom != "" && f.ArrivalTo != "" && to.Before(from) {
		ps.Add("arrival_to", "before_from", "must not be before arrival_from")
	}
	switch f.Status {
	case "", beredskap.PlanActive, beredskap.PlanEnded:
	default:
		ps.Add("status", "unknown_value", "must be one of active, ended")
	}
	if f.Language != "" && !slices.Contains(beredskap.Enumerations["traveller.language"], f.Language) {
		ps.Add("language", "unknown_value", "must be one of "+strings.Join(beredskap.Enumerations["traveller.language"], ", "))
	}
	f.Name = strings.TrimSpace(f.Name)
	switch {
	case !utf8.ValidString(f.Name) || strings.IndexFunc(f.Name, unicode.IsControl) >= 0:
		ps.Add("name", "format_text", "must be text without control characters")
	case utf8.RuneCountInString(f.Name) > maxNameSearch:
		ps.Add("name", "too_long", fmt.Sprintf("must be at most %d characters", maxNameSearch))
	}
	if paged {
		checkLimit(&ps, &f.Limit)
	}
	return ps.Err()
}

// checkLimit sets a zero limit to the default page and records a problem
// with one below zero or above beredskap.MaxPageSize.
func checkLimit(ps *beredskap.Problems, limit *int) {
	switch {
	case *limit == 0:
		*limit = defaultPageSize
	case *limit < 0 || *limit > beredskap.MaxPageSize:
		ps.Add("limit", "out_of_range", fmt.Sprintf("must be between 1 and %d", beredskap.MaxPageSize))
	}
}

// checkDay parses v as a calendar date (YYYY-MM-DD) and records a problem
// when it is malformed, or missing and required. ok is false when v is not
// a date.
func checkDay(ps *beredskap.Problems, field, v string, required bool) (day time.Time, ok bool) {
	if v == "" {
		if required {
			ps.Add(field, "required", "is required")
		}
		return time.Time{}, false
	}
	d, err := time.Parse(dayLayout, v)
	if err != nil {
		ps.Add(field, "format_date", "must be a date written YYYY-MM-DD")
		return time.Time{}, false
	}
	return d, true
}

// describeReportFilter writes f for an audit entry's Detail.
func describeReportFilter(f beredskap.ReportFilter) string {
	parts := []string{"municipality=" + f.Municipality}
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("arrival_from", f.ArrivalFrom)
	add("arrival_to", f.ArrivalTo)
	add("status", string(f.Status))
	if f.NotReached {
		parts = append(parts, "not_reached")
	}
	if f.Breach {
		parts = append(parts, "breach")
	}
	add("language", f.Language)
	// The name searched for is a traveller's personal data, which the
	// audit trail never holds (it outlives the registrations): the entry
	// says a name was searched, and its subjects name the receipts found.
	if f.Name != "" {
		parts = append(parts, "name_search")
	}
	if f.Limit != 0 {
		add("limit", strconv.Itoa(f.Limit))
	}
	if f.PageToken != "" {
		parts = append(parts, "page=next")
	}
	return strings.Join(parts, " ")
}

// isDigits reports whether s is n ASCII digits.
func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
