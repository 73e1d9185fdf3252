package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"beredskap"
)

// maxStatsDays bounds the days FollowUpStats counts over.
const maxStatsDays = 1000

// prefixEnd is the greatest code point, written after a prefix to bound the
// names that start with it: in UTF-8 byte order, which is SQLite's text
// order, every such name sorts below prefix+prefixEnd.
const prefixEnd = "\U0010FFFF"

// nameIndexMax is how many plans a name may match in a municipality for
// ListTravellers to read them through the name indexes and sort them; a
// name that matches more is looked for along the arrival index instead,
// where it is common enough to fill a page soon.
var nameIndexMax = 1000

// travellersQuery returns the query and arguments of a page of ListTravellers
// with limit rows (every row when limit is 0, as EachTraveller reads). It is a range of an index that starts with the
// municipality and orders by (arrival_at DESC, receipt DESC), starting after
// the page token, so that no page sorts or skips rows; a search by a rare
// name reads the name indexes and sorts what they match (byName).
func travellersQuery(f beredskap.ReportFilter, limit int, byName bool) (string, []any, error) {
	if f.Municipality == "" {
		return "", nil, beredskap.Invalid("municipality", "required", "is required")
	}
	conds := []string{`municipality = ?`}
	args := []any{f.Municipality}
	if f.ArrivalFrom != "" {
		d, err := parseDay("arrival_from", f.ArrivalFrom)
		if err != nil {
			return "", nil, err
		}
		conds, args = append(conds, `arrival_at >= ?`), append(args, dayStart(d, 0))
	}
	if f.ArrivalTo != "" {
		d, err := parseDay("arrival_to", f.ArrivalTo)
		if err != nil {
			return "", nil, err
		}
		conds, args = append(conds, `arrival_at < ?`), append(args, dayStart(d, 1))
	}
	switch f.Status {
	case "":
	case beredskap.PlanActive, beredskap.PlanEnded:
		conds, args = append(conds, `status = ?`), append(args, string(f.Status))
	default:
		return "", nil, beredskap.Invalid("status", "unknown", "is not a status of a follow-up")
	}
	if f.NotReached {
		conds = append(conds, `reached = 0`)
	}
	if f.Breach {
		conds = append(conds, `breach_suspected = 1`)
	}
	if f.Language != "" {
		conds, args = append(conds, `language = ?`), append(args, f.Language)
	}
	from := `followup_plans`
	if name := strings.ToLower(strings.TrimSpace(f.Name)); name != "" && byName {
		// CROSS JOIN keeps SQLite from walking the arrival index instead.
		from = `(SELECT id AS match_id FROM followup_plans WHERE municipality = ? AND first_lower >= ? AND first_lower < ?
	UNION SELECT id FROM followup_plans WHERE municipality = ? AND last_lower >= ? AND last_lower < ?)
	CROSS JOIN followup_plans ON id = match_id`
		args = append([]any{f.Municipality, name, name + prefixEnd, f.Municipality, name, name + prefixEnd}, args...)
	} else if name != "" {
		from = `followup_plans INDEXED BY followup_plans_municipality_arrival`
		conds = append(conds, `((first_lower >= ? AND first_lower < ?) OR (last_lower >= ? AND last_lower < ?))`)
		args = append(args, name, name+prefixEnd, name, name+prefixEnd)
	}
	if f.PageToken != "" {
		at, receipt, err := beredskap.DecodePageToken(f.PageToken)
		if err != nil {
			return "", nil, err
		}
		conds, args = append(conds, `(arrival_at, receipt) < (?, ?)`), append(args, fmtTime(at), receipt)
	}
	query := `SELECT ` + planColumns + ` FROM ` + from + ` WHERE ` + strings.Join(conds, " AND ") +
		` ORDER BY arrival_at DESC, receipt DESC`
	if limit <= 0 {
		return query, args, nil
	}
	return query + ` LIMIT ?`, append(args, limit+1), nil
}

// ListTravellers returns the plans of f.Municipality that f selects, newest
// arrival first, and the next page's token (a page token of the last
// plan's arrival and receipt), "" after the last page. A missing
// municipality, a malformed date, status or token is EINVALID.
func (t *followUpTx) ListTravellers(ctx context.Context, f beredskap.ReportFilter) ([]*beredskap.FollowUpPlan, string, error) {
	limit := pageLimit(f.Limit)
	byName, err := t.rareName(ctx, f)
	if err != nil {
		return nil, "", fmt.Errorf("list travellers: %w", err)
	}
	query, args, err := travellersQuery(f, limit, byName)
	if err != nil {
		return nil, "", fmt.Errorf("list travellers: %w", err)
	}
	ps, err := t.queryPlans(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list travellers: %w", err)
	}
	if len(ps) <= limit {
		return ps, "", nil
	}
	ps = ps[:limit]
	last := ps[limit-1]
	return ps, beredskap.EncodePageToken(last.ArrivalAt, last.Receipt), nil
}

// rareName tells whether f searches for a name that at most nameIndexMax
// plans of its municipality match, to be looked up in the name indexes.
func (t *followUpTx) rareName(ctx context.Context, f beredskap.ReportFilter) (bool, error) {
	name := strings.ToLower(strings.TrimSpace(f.Name))
	if name == "" || f.Municipality == "" {
		return false, nil
	}
	var n int
	err := t.tx.QueryRowContext(ctx, `SELECT
	(SELECT COUNT(*) FROM (SELECT 1 FROM followup_plans WHERE municipality = ?1 AND first_lower >= ?2 AND first_lower < ?3 LIMIT ?4)) +
	(SELECT COUNT(*) FROM (SELECT 1 FROM followup_plans WHERE municipality = ?1 AND last_lower >= ?2 AND last_lower < ?3 LIMIT ?4))`,
		f.Municipality, name, name+prefixEnd, nameIndexMax+1).Scan(&n)
	if err != nil {
		return false, err
	}
	return n <= nameIndexMax, nil
}

// EachTraveller calls fn with every plan f selects, in the order of
// ListTravellers, read by one query (see beredskap.FollowUpTx). Limit and
// PageToken are ignored.
func (t *followUpTx) EachTraveller(ctx context.Context, f beredskap.ReportFilter, fn func(*beredskap.FollowUpPlan) error) error {
	f.PageToken = ""
	byName, err := t.rareName(ctx, f)
	if err != nil {
		return fmt.Errorf("each traveller: %w", err)
	}
	query, args, err := travellersQuery(f, 0, byName)
	if err != nil {
		return fmt.Errorf("each traveller: %w", err)
	}
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("each traveller: %w", err)
	}
	return eachRow("each traveller", rows, scanPlan, fn)
}

// FollowUpStats counts the municipality's arrivals and quarantines in
// force on each day of from..to, and its suspected breaches in each ISO
// week those days touch, zeros included, oldest first. A suspected breach
// is a report with breaches that no later report corrects, counted in the
// week (Europe/Oslo) it was made. Dates that do not parse, from after to,
// or more than maxStatsDays days, are EINVALID.
func (t *followUpTx) FollowUpStats(ctx context.Context, municipality, from, to string) (*beredskap.FollowUpStats, error) {
	first, err := parseDay("from", from)
	if err != nil {
		return nil, fmt.Errorf("follow-up stats: %w", err)
	}
	last, err := parseDay("to", to)
	if err != nil {
		return nil, fmt.Errorf("follow-up stats: %w", err)
	}
	n := int(last.Sub(first).Round(24*time.Hour)/(24*time.Hour)) + 1
	if n < 1 || n > maxStatsDays {
		return nil, fmt.Errorf("follow-up stats: %w", beredskap.Invalid("to", "range",
			fmt.Sprintf("must be on or after from and at most %d days after it", maxStatsDays-1)))
	}
	st := &beredskap.FollowUpStats{}
	index := map[string]int{}
	var weeks []string
	for i := range n {
		d := time.Date(first.Year(), first.Month(), first.Day()+i, 12, 0, 0, 0, oslo)
		day := d.Format(time.DateOnly)
		index[day] = i
		st.ArrivalsPerDay = append(st.ArrivalsPerDay, beredskap.DayCount{Day: day})
		st.ActivePerDay = append(st.ActivePerDay, beredskap.DayCount{Day: day})
		if w := isoWeek(d); len(weeks) == 0 || weeks[len(weeks)-1] != w {
			weeks = append(weeks, w)
			st.BreachesPerWeek = append(st.BreachesPerWeek, beredskap.DayCount{Day: w})
		}
	}
	if err := t.countArrivals(ctx, municipality, from, to, st.ArrivalsPerDay, index); err != nil {
		return nil, fmt.Errorf("follow-up stats: %w", err)
	}
	if err := t.countInForce(ctx, municipality, from, to, st.ActivePerDay); err != nil {
		return nil, fmt.Errorf("follow-up stats: %w", err)
	}
	if err := t.countBreaches(ctx, municipality, dayStart(first, 0), dayStart(last, 1), st.BreachesPerWeek); err != nil {
		return nil, fmt.Errorf("follow-up stats: %w", err)
	}
	return st, nil
}

// isoWeek returns the ISO week of t, written YYYY-Www.
func isoWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// countArrivals adds the plans arriving on each day of from..to to counts.
func (t *followUpTx) countArrivals(ctx context.Context, municipality, from, to string, counts []beredskap.DayCount, index map[string]int) error {
	rows, err := t.tx.QueryContext(ctx, `SELECT arrival_day, COUNT(*) FROM followup_plans
WHERE municipality = ? AND arrival_day BETWEEN ? AND ? GROUP BY arrival_day`, municipality, from, to)
	if err != nil {
		return fmt.Errorf("arrivals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var day string
		var n int
		if err := rows.Scan(&day, &n); err != nil {
			return fmt.Errorf("arrivals: %w", err)
		}
		if i, ok := index[day]; ok {
			counts[i].Count += n
		}
	}
	return rows.Err()
}

// countInForce adds to counts, for each day of from..to, the plans whose
// quarantine covers it (first_day <= day <= last_day), ended or not. It
// reads the plans by the index on (municipality, last_day, first_day) and
// sums a difference array.
func (t *followUpTx) countInForce(ctx context.Context, municipality, from, to string, counts []beredskap.DayCount) error {
	rows, err := t.tx.QueryContext(ctx, `SELECT first_day, last_day, COUNT(*) FROM followup_plans
WHERE municipality = ? AND last_day >= ? AND first_day <= ? GROUP BY first_day, last_day`, municipality, from, to)
	if err != nil {
		return fmt.Errorf("quarantines in force: %w", err)
	}
	defer rows.Close()
	diff := make([]int, len(counts)+1)
	for rows.Next() {
		var first, last string
		var n int
		if err := rows.Scan(&first, &last, &n); err != nil {
			return fmt.Errorf("quarantines in force: %w", err)
		}
		// Days are YYYY-MM-DD, so text order is date order.
		lo, hi := 0, len(counts)-1
		for lo < len(counts) && counts[lo].Day < first {
			lo++
		}
		for hi >= 0 && counts[hi].Day > last {
			hi--
		}
		if lo <= hi {
			diff[lo] += n
			diff[hi+1] -= n
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("quarantines in force: %w", err)
	}
	sum := 0
	for i := range counts {
		sum += diff[i]
		counts[i].Count = sum
	}
	return nil
}

// countBreaches adds to weeks the municipality's reports with breaches made
// in [from, to) that no report corrects, by ISO week in Europe/Oslo.
func (t *followUpTx) countBreaches(ctx context.Context, municipality, from, to string, weeks []beredskap.DayCount) error {
	rows, err := t.tx.QueryContext(ctx, `SELECT r.created_at FROM call_reports r
WHERE r.municipality = ? AND r.breach_suspected = 1 AND r.created_at >= ? AND r.created_at < ?
	AND NOT EXISTS (SELECT 1 FROM call_reports c WHERE c.corrects <> 0 AND c.corrects = r.id)`, municipality, from, to)
	if err != nil {
		return fmt.Errorf("suspected breaches: %w", err)
	}
	defer rows.Close()
	index := map[string]int{}
	for i, w := range weeks {
		index[w.Day] = i
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("suspected breaches: %w", err)
		}
		at, err := parseTime(s)
		if err != nil {
			return fmt.Errorf("suspected breaches: %w", err)
		}
		if i, ok := index[isoWeek(at.In(oslo))]; ok {
			weeks[i].Count++
		}
	}
	return rows.Err()
}
