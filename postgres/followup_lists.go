package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"beredskap"
)

// maxStatsDays bounds the days FollowUpStats counts over.
const maxStatsDays = 1000

// parseDay parses a YYYY-MM-DD day of a filter, or returns EINVALID on
// field.
func parseDay(field, s string) (time.Time, error) {
	d, err := requiredDate(field, s)
	if err != nil {
		return time.Time{}, err
	}
	return *d, nil
}

// dayStart returns the instant Europe/Oslo's day d (a UTC midnight from
// parseDay) plus days begins.
func dayStart(d time.Time, days int) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day()+days, 0, 0, 0, 0, oslo).UTC()
}

// prefixBound returns the least string above every string that starts
// with prefix, in code point order (which is the byte order of UTF-8 and so
// of the C collation): prefix with its last code point incremented, those
// that cannot be dropped. ok is false when there is none (every code point
// the greatest).
func prefixBound(prefix string) (bound string, ok bool) {
	rs := []rune(prefix)
	for len(rs) > 0 {
		last := rs[len(rs)-1] + 1
		if last == 0xD800 {
			last = 0xE000 // surrogates are no characters
		}
		if last <= utf8.MaxRune {
			rs[len(rs)-1] = last
			return string(rs), true
		}
		rs = rs[:len(rs)-1]
	}
	return "", false
}

// travellersQuery returns the query and arguments of a page of
// ListTravellers with limit rows (every row when limit is 0, as
// EachTraveller reads). The page is a scan of the index
// followup_plans_municipality_arrival from the page token's position, in the
// index's order, so no page sorts the municipality's plans or skips over
// earlier pages; every condition but the name's is a key of that index and
// tested there without reading the rows it leaves out. (A name prefix may
// instead be looked up in the name indexes when the planner finds it
// selective.)
func travellersQuery(f beredskap.ReportFilter, limit int) (string, []any, error) {
	if f.Municipality == "" {
		return "", nil, beredskap.Invalid("municipality", "required", "is required")
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	conds := []string{`municipality = ` + arg(f.Municipality)}
	if f.ArrivalFrom != "" {
		d, err := parseDay("arrival_from", f.ArrivalFrom)
		if err != nil {
			return "", nil, err
		}
		conds = append(conds, `arrival_at >= `+arg(dayStart(d, 0)))
	}
	if f.ArrivalTo != "" {
		d, err := parseDay("arrival_to", f.ArrivalTo)
		if err != nil {
			return "", nil, err
		}
		conds = append(conds, `arrival_at < `+arg(dayStart(d, 1)))
	}
	switch f.Status {
	case "":
	case beredskap.PlanActive, beredskap.PlanEnded:
		conds = append(conds, `status = `+arg(string(f.Status)))
	default:
		return "", nil, beredskap.Invalid("status", "unknown", "is not a status of a follow-up")
	}
	if f.NotReached {
		conds = append(conds, `reached = false`)
	}
	if f.Breach {
		conds = append(conds, `breach_suspected = true`)
	}
	if f.Language != "" {
		conds = append(conds, `language = `+arg(f.Language))
	}
	if name := nameKey(strings.TrimSpace(f.Name)); name != "" {
		lo := arg(name)
		if hi, ok := prefixBound(name); ok {
			h := arg(hi)
			conds = append(conds, `((first_lower >= `+lo+` AND first_lower < `+h+`) OR (last_lower >= `+lo+
				` AND last_lower < `+h+`))`)
		} else {
			conds = append(conds, `(first_lower >= `+lo+` OR last_lower >= `+lo+`)`)
		}
	}
	if f.PageToken != "" {
		at, receipt, err := beredskap.DecodePageToken(f.PageToken)
		if err != nil {
			return "", nil, err
		}
		conds = append(conds, `(arrival_at, receipt) < (`+arg(at)+`, `+arg(receipt)+`)`)
	}
	query := `SELECT ` + planColumns + ` FROM followup_plans WHERE ` + strings.Join(conds, " AND ") +
		` ORDER BY arrival_at DESC, receipt DESC`
	if limit <= 0 {
		return query, args, nil
	}
	return query + ` LIMIT ` + arg(limit+1), args, nil
}

// ListTravellers returns the plans of f.Municipality that f selects, newest
// arrival first, and the next page's token (a page token of the last
// plan's arrival and receipt, as the SQLite store writes it), "" after the
// last page. A missing municipality, a malformed date, status or token is
// EINVALID.
func (t *followUpTx) ListTravellers(ctx context.Context, f beredskap.ReportFilter) ([]*beredskap.FollowUpPlan, string, error) {
	limit := pageLimit(f.Limit)
	query, args, err := travellersQuery(f, limit)
	if err != nil {
		return nil, "", fmt.Errorf("list travellers: %w", err)
	}
	ps, err := queryPlans(ctx, t.tx, query, args...)
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

// EachTraveller calls fn with every plan f selects, in the order of
// ListTravellers, read by one query (see beredskap.FollowUpTx). Limit and
// PageToken are ignored.
func (t *followUpTx) EachTraveller(ctx context.Context, f beredskap.ReportFilter, fn func(*beredskap.FollowUpPlan) error) error {
	f.PageToken = ""
	query, args, err := travellersQuery(f, 0)
	if err != nil {
		return fmt.Errorf("each traveller: %w", err)
	}
	rows, err := t.tx.Query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("each traveller: %w", err)
	}
	return eachRow("each traveller", rows, scanPlan, fn)
}

// FollowUpStats counts the municipality's arrivals and quarantines in force
// on each day of from..to, and its suspected breaches in each ISO week those
// days touch, zeros included, oldest first. A quarantine is in force on the
// days from its first to its last, ended or not. A suspected breach is a
// report with breaches that no report corrects, counted in the week
// (Europe/Oslo) it was made, when it was made on one of the days. Dates that
// do not parse, from after to, or more than maxStatsDays days are EINVALID.
func (t *followUpTx) FollowUpStats(ctx context.Context, municipality, from, to string) (*beredskap.FollowUpStats, error) {
	first, err := parseDay("from", from)
	if err != nil {
		return nil, fmt.Errorf("follow-up stats: %w", err)
	}
	last, err := parseDay("to", to)
	if err != nil {
		return nil, fmt.Errorf("follow-up stats: %w", err)
	}
	n := int(last.Sub(first)/(24*time.Hour)) + 1
	if n < 1 || n > maxStatsDays {
		return nil, fmt.Errorf("follow-up stats: %w", beredskap.Invalid("to", "range",
			fmt.Sprintf("must be on or after from and at most %d days after it", maxStatsDays-1)))
	}
	st := &beredskap.FollowUpStats{}
	week := map[string]int{}
	for i := range n {
		d := first.AddDate(0, 0, i)
		st.ArrivalsPerDay = append(st.ArrivalsPerDay, beredskap.DayCount{Day: d.Format(time.DateOnly)})
		st.ActivePerDay = append(st.ActivePerDay, beredskap.DayCount{Day: d.Format(time.DateOnly)})
		if w := isoWeek(d); len(st.BreachesPerWeek) == 0 || st.BreachesPerWeek[len(st.BreachesPerWeek)-1].Day != w {
			week[w] = len(st.BreachesPerWeek)
			st.BreachesPerWeek = append(st.BreachesPerWeek, beredskap.DayCount{Day: w})
		}
	}
	if err := t.countArrivals(ctx, municipality, first, last, st.ArrivalsPerDay); err != nil {
		return nil, fmt.Errorf("follow-up stats: %w", err)
	}
	if err := t.countInForce(ctx, municipality, first, last, st.ActivePerDay); err != nil {
		return nil, fmt.Errorf("follow-up stats: %w", err)
	}
	if err := t.countBreaches(ctx, municipality, first, last, st.BreachesPerWeek, week); err != nil {
		return nil, fmt.Errorf("follow-up stats: %w", err)
	}
	return st, nil
}

// isoWeek returns the ISO week of the day d, written YYYY-Www.
func isoWeek(d time.Time) string {
	y, w := d.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// dayIndex returns the position of the day d in counts that start on
// first.
func dayIndex(first, d time.Time) int {
	return int(d.Sub(first) / (24 * time.Hour))
}

// countArrivals adds the plans arriving on each day of first..last
// (Europe/Oslo) to counts. It reads the range of arrival instants from the
// index of the municipal list.
func (t *followUpTx) countArrivals(ctx context.Context, municipality string, first, last time.Time, counts []beredskap.DayCount) error {
	rows, err := t.tx.Query(ctx, `SELECT arrival_day, count(*) FROM followup_plans
WHERE municipality = $1 AND arrival_at >= $2 AND arrival_at < $3 GROUP BY arrival_day`,
		municipality, dayStart(first, 0), dayStart(last, 1))
	if err != nil {
		return fmt.Errorf("arrivals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			day time.Time
			n   int
		)
		if err := rows.Scan(&day, &n); err != nil {
			return fmt.Errorf("arrivals: %w", err)
		}
		if i := dayIndex(first, day); i >= 0 && i < len(counts) {
			counts[i].Count += n
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("arrivals: %w", err)
	}
	return nil
}

// countInForce adds to counts, for each day of first..last, the plans whose
// quarantine covers it (first_day <= day <= last_day), ended or not, as a
// sum over a difference array of the plans grouped by their days.
func (t *followUpTx) countInForce(ctx context.Context, municipality string, first, last time.Time, counts []beredskap.DayCount) error {
	rows, err := t.tx.Query(ctx, `SELECT first_day, last_day, count(*) FROM followup_plans
WHERE municipality = $1 AND last_day >= $2 AND first_day <= $3 GROUP BY first_day, last_day`,
		municipality, first, last)
	if err != nil {
		return fmt.Errorf("quarantines in force: %w", err)
	}
	defer rows.Close()
	diff := make([]int, len(counts)+1)
	for rows.Next() {
		var (
			from, to time.Time
			n        int
		)
		if err := rows.Scan(&from, &to, &n); err != nil {
			return fmt.Errorf("quarantines in force: %w", err)
		}
		lo, hi := max(dayIndex(first, from), 0), min(dayIndex(first, to), len(counts)-1)
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

// countBreaches adds to weeks (positions by week in index) the
// municipality's reports with breaches made on the days first..last that no
// report corrects, by ISO week in Europe/Oslo.
func (t *followUpTx) countBreaches(ctx context.Context, municipality string, first, last time.Time, weeks []beredskap.DayCount, index map[string]int) error {
	rows, err := t.tx.Query(ctx, `SELECT to_char(r.created_at AT TIME ZONE 'Europe/Oslo', 'IYYY-"W"IW'), count(*)
FROM call_reports r
WHERE r.municipality = $1 AND cardinality(r.breaches) > 0 AND r.created_at >= $2 AND r.created_at < $3
	AND NOT EXISTS (SELECT 1 FROM call_reports c WHERE c.corrects = r.id)
GROUP BY 1`, municipality, dayStart(first, 0), dayStart(last, 1))
	if err != nil {
		return fmt.Errorf("suspected breaches: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			w string
			n int
		)
		if err := rows.Scan(&w, &n); err != nil {
			return fmt.Errorf("suspected breaches: %w", err)
		}
		if i, ok := index[w]; ok {
			weeks[i].Count += n
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("suspected breaches: %w", err)
	}
	return nil
}
