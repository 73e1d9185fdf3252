package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

const reportColumns = `id, plan_id, receipt, municipality, operator, outcome, language, interpreter, understood,
	staying_at, breaches, breach_text, employer_breach, employer_org, employer_name, employer_suspected,
	employer_text, corrects, created_at`

// kindStrings returns a list of kinds (breaches, suspicions) as the text[] it is
// stored as; empty, not nil, when there are none.
func kindStrings[K ~string](ks []K) []string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return s
}

// kinds reads a list of kinds stored as text[]; nil when empty.
func kinds[K ~string](stored []string) []K {
	var ks []K
	for _, s := range stored {
		ks = append(ks, K(s))
	}
	return ks
}

// scanReport reads a row of reportColumns.
func scanReport(row pgx.Row) (*beredskap.CallReport, error) {
	var (
		r                   beredskap.CallReport
		outcome, understood string
		breaches, suspected []string
		corrects            *int64
	)
	err := row.Scan(&r.ID, &r.PlanID, &r.Receipt, &r.Municipality, &r.Operator, &outcome, &r.Language,
		&r.Interpreter, &understood, &r.StayingAt, &breaches, &r.BreachText, &r.EmployerBreach, &r.EmployerOrg,
		&r.EmployerName, &suspected, &r.EmployerText, &corrects, &r.CreatedAt)
	if err != nil {
		return nil, err
	}
	r.Outcome, r.Understood = beredskap.CallOutcome(outcome), beredskap.Understood(understood)
	r.Breaches = kinds[beredskap.BreachKind](breaches)
	r.EmployerSuspected = kinds[beredskap.EmployerSuspicion](suspected)
	if corrects != nil {
		r.Corrects = *corrects
	}
	r.CreatedAt = r.CreatedAt.UTC()
	return &r, nil
}

// queryReports runs a query of reportColumns and reads every row.
func queryReports(ctx context.Context, tx pgx.Tx, query string, args ...any) ([]*beredskap.CallReport, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.CallReport, error) { return scanReport(row) })
}

// CreateCallReport stores r and sets ID and CreatedAt from the clock. A
// Corrects naming a report of another plan, or one already corrected, is
// ECONFLICT; one naming no report is ENOTFOUND. Either leaves the
// transaction usable. Two concurrent corrections of one report meet on the
// unique index of corrects: the second waits for the first and then finds
// the conflict.
func (t *followUpTx) CreateCallReport(ctx context.Context, r *beredskap.CallReport) error {
	if r.Corrects != 0 {
		var planID int64
		err := t.tx.QueryRow(ctx, `SELECT plan_id FROM call_reports WHERE id = $1`, r.Corrects).Scan(&planID)
		if err != nil {
			return fmt.Errorf("create call report: corrects %d: %w", r.Corrects, noRows(err, "call report"))
		}
		if planID != r.PlanID {
			return fmt.Errorf("create call report: %w", beredskap.Errorf(beredskap.ECONFLICT,
				"report %d is about another traveller", r.Corrects))
		}
	}
	now := t.now()
	var id int64
	err := t.tx.QueryRow(ctx, `INSERT INTO call_reports (plan_id, receipt, municipality, operator, outcome,
	language, interpreter, understood, staying_at, breaches, breach_text, employer_breach, employer_org,
	employer_name, employer_suspected, employer_text, corrects, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
ON CONFLICT (corrects) DO NOTHING
RETURNING id`,
		r.PlanID, r.Receipt, r.Municipality, r.Operator, string(r.Outcome), r.Language, r.Interpreter,
		string(r.Understood), r.StayingAt, kindStrings(r.Breaches), r.BreachText, r.EmployerBreach, r.EmployerOrg,
		r.EmployerName, kindStrings(r.EmployerSuspected), r.EmployerText, nullID(r.Corrects), now).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("create call report: %w", beredskap.Errorf(beredskap.ECONFLICT,
			"report %d has been corrected already", r.Corrects))
	}
	if err != nil {
		return fmt.Errorf("create call report: %w", translate(err))
	}
	r.ID, r.CreatedAt = id, now
	return nil
}

// FindCallReport returns the report with the id, or ENOTFOUND.
func (t *followUpTx) FindCallReport(ctx context.Context, id int64) (*beredskap.CallReport, error) {
	r, err := scanReport(t.tx.QueryRow(ctx, `SELECT `+reportColumns+` FROM call_reports WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("find call report %d: %w", id, noRows(err, "call report"))
	}
	return r, nil
}

// FindCallReports returns the reports with the ids (see beredskap.FollowUpTx).
func (t *followUpTx) FindCallReports(ctx context.Context, ids []int64) ([]*beredskap.CallReport, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rs, err := queryReports(ctx, t.tx, `SELECT `+reportColumns+` FROM call_reports WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("find call reports: %w", err)
	}
	return rs, nil
}

// ListCallReports returns the plan's reports, oldest first, corrected ones
// included.
func (t *followUpTx) ListCallReports(ctx context.Context, planID int64) ([]*beredskap.CallReport, error) {
	rs, err := queryReports(ctx, t.tx, `SELECT `+reportColumns+` FROM call_reports WHERE plan_id = $1 ORDER BY id`, planID)
	if err != nil {
		return nil, fmt.Errorf("list call reports of plan %d: %w", planID, err)
	}
	return rs, nil
}

// ReportsAfter returns the municipality's reports with an ID above afterID,
// oldest first, at most limit, corrected ones included.
func (t *followUpTx) ReportsAfter(ctx context.Context, municipality string, afterID int64, limit int) ([]*beredskap.CallReport, error) {
	rs, err := queryReports(ctx, t.tx, `SELECT `+reportColumns+` FROM call_reports
WHERE municipality = $1 AND id > $2 ORDER BY id LIMIT $3`, municipality, afterID, max(limit, 0))
	if err != nil {
		return nil, fmt.Errorf("reports after %d: %w", afterID, err)
	}
	return rs, nil
}

const noticeColumns = `id, report_id, org_number, employer_name, suspected, suspicion, municipality, arrival_date,
	created_at`

// CreateLabourNotice stores n and sets ID and CreatedAt from the clock. An
// arrival date that does not parse is EINVALID.
func (t *followUpTx) CreateLabourNotice(ctx context.Context, n *beredskap.LabourNotice) error {
	arrival, err := requiredDate("arrival_date", n.ArrivalDate)
	if err != nil {
		return fmt.Errorf("create labour notice: %w", err)
	}
	now := t.now()
	err = t.tx.QueryRow(ctx, `INSERT INTO labour_notices (report_id, org_number, employer_name, suspected,
	suspicion, municipality, arrival_date, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id`, n.ReportID, n.OrgNumber, n.EmployerName, kindStrings(n.Suspected), n.Suspicion, n.Municipality, arrival,
		now).Scan(&n.ID)
	if err != nil {
		return fmt.Errorf("create labour notice: %w", translate(err))
	}
	n.CreatedAt = now
	return nil
}

// ListLabourNotices returns notices newest first (by ID) and the next
// page's token, a sequence token naming the last notice of the page. A
// malformed token is EINVALID on page_token.
func (t *followUpTx) ListLabourNotices(ctx context.Context, f beredskap.NoticeFilter) ([]*beredskap.LabourNotice, string, error) {
	limit := pageLimit(f.Limit)
	query := `SELECT ` + noticeColumns + ` FROM labour_notices WHERE true`
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.OrgNumber != "" {
		query += ` AND org_number = ` + arg(f.OrgNumber)
	}
	if !f.From.IsZero() {
		query += ` AND created_at >= ` + arg(stamp(f.From))
	}
	if !f.To.IsZero() {
		query += ` AND created_at < ` + arg(stamp(f.To))
	}
	if f.PageToken != "" {
		id, err := beredskap.DecodeSeqToken(f.PageToken)
		if err != nil {
			return nil, "", fmt.Errorf("list labour notices: %w", err)
		}
		query += ` AND id < ` + arg(id)
	}
	query += ` ORDER BY id DESC LIMIT ` + arg(limit+1)
	rows, err := t.tx.Query(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list labour notices: %w", err)
	}
	ns, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.LabourNotice, error) {
		var n beredskap.LabourNotice
		var arrival *time.Time
		var suspected []string
		err := row.Scan(&n.ID, &n.ReportID, &n.OrgNumber, &n.EmployerName, &suspected, &n.Suspicion,
			&n.Municipality, &arrival, &n.CreatedAt)
		n.ArrivalDate, n.CreatedAt = dayString(arrival), n.CreatedAt.UTC()
		n.Suspected = kinds[beredskap.EmployerSuspicion](suspected)
		return &n, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("list labour notices: %w", err)
	}
	var next string
	if len(ns) > limit {
		ns = ns[:limit]
		next = beredskap.EncodeSeqToken(ns[limit-1].ID)
	}
	return ns, next, nil
}

// FindDigestPref returns the user's preference, ENOTFOUND when none.
func (t *followUpTx) FindDigestPref(ctx context.Context, userID int64) (*beredskap.DigestPref, error) {
	p, err := scanDigestPref(t.tx.QueryRow(ctx, `SELECT user_id, mode, last_report_id, last_sent_at FROM digest_prefs
WHERE user_id = $1`, userID))
	if err != nil {
		return nil, fmt.Errorf("find digest preference of user %d: %w", userID, noRows(err, "digest preference"))
	}
	return p, nil
}

// scanDigestPref reads a preference's row.
func scanDigestPref(row pgx.Row) (*beredskap.DigestPref, error) {
	var (
		p    beredskap.DigestPref
		mode string
	)
	if err := row.Scan(&p.UserID, &mode, &p.LastReportID, &p.LastSentAt); err != nil {
		return nil, err
	}
	p.Mode, p.LastSentAt = beredskap.DigestMode(mode), utcPtr(p.LastSentAt)
	return &p, nil
}

// SaveDigestPref creates or replaces the user's preference.
func (t *followUpTx) SaveDigestPref(ctx context.Context, p *beredskap.DigestPref) error {
	p.LastSentAt = stampPtr(p.LastSentAt)
	_, err := t.tx.Exec(ctx, `INSERT INTO digest_prefs (user_id, mode, last_report_id, last_sent_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (user_id) DO UPDATE SET mode = excluded.mode,
	last_report_id = GREATEST(digest_prefs.last_report_id, excluded.last_report_id),
	last_sent_at = GREATEST(digest_prefs.last_sent_at, excluded.last_sent_at)`, p.UserID, string(p.Mode), p.LastReportID, p.LastSentAt)
	if err != nil {
		return fmt.Errorf("save digest preference of user %d: %w", p.UserID, translate(err))
	}
	return nil
}

// SwapDigestProgress moves the user's digest from (fromReport, fromSent)
// to (toReport, toSent) if it is still there, and reports whether it was.
func (t *followUpTx) SwapDigestProgress(ctx context.Context, userID, fromReport int64, fromSent *time.Time, toReport int64, toSent *time.Time) (bool, error) {
	tag, err := t.tx.Exec(ctx, `UPDATE digest_prefs SET last_report_id = $4, last_sent_at = $5
WHERE user_id = $1 AND last_report_id = $2 AND last_sent_at IS NOT DISTINCT FROM $3`,
		userID, fromReport, stampPtr(fromSent), toReport, stampPtr(toSent))
	if err != nil {
		return false, fmt.Errorf("swap digest progress of user %d: %w", userID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// ListDigestPrefs returns every preference whose mode is not off, by user.
func (t *followUpTx) ListDigestPrefs(ctx context.Context) ([]*beredskap.DigestPref, error) {
	rows, err := t.tx.Query(ctx, `SELECT user_id, mode, last_report_id, last_sent_at FROM digest_prefs
WHERE mode <> 'off' ORDER BY user_id`)
	if err != nil {
		return nil, fmt.Errorf("list digest preferences: %w", err)
	}
	ps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.DigestPref, error) { return scanDigestPref(row) })
	if err != nil {
		return nil, fmt.Errorf("list digest preferences: %w", err)
	}
	return ps, nil
}
