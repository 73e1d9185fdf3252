package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"beredskap"
)

const reportColumns = `id, plan_id, receipt, municipality, operator, outcome, language, interpreter, understood,
	staying_at, breaches, breach_text, employer_breach, employer_org, employer_name, employer_suspected,
	employer_text, corrects, created_at`

// kindList writes a list of kinds (breaches, suspicions) as stored:
// comma-separated.
func kindList[K ~string](ks []K) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ",")
}

// parseKinds reads a list of kinds as kindList wrote it; nil when empty.
func parseKinds[K ~string](stored string) []K {
	if stored == "" {
		return nil
	}
	parts := strings.Split(stored, ",")
	ks := make([]K, len(parts))
	for i, p := range parts {
		ks[i] = K(p)
	}
	return ks
}

// CreateCallReport stores r and sets its ID and CreatedAt (from the
// clock). A Corrects naming a report of another plan, or one corrected
// already, is ECONFLICT; one naming no report is ENOTFOUND.
func (t *followUpTx) CreateCallReport(ctx context.Context, r *beredskap.CallReport) error {
	if r.Corrects != 0 {
		var planID int64
		var corrected bool
		err := t.tx.QueryRowContext(ctx, `SELECT plan_id,
	EXISTS (SELECT 1 FROM call_reports c WHERE c.corrects <> 0 AND c.corrects = r.id) FROM call_reports r WHERE r.id = ?`,
			r.Corrects).Scan(&planID, &corrected)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("create call report: %w", beredskap.Errorf(beredskap.ENOTFOUND, "the report to correct does not exist"))
		case err != nil:
			return fmt.Errorf("create call report: %w", err)
		case planID != r.PlanID:
			return fmt.Errorf("create call report: %w", beredskap.Errorf(beredskap.ECONFLICT, "the report to correct is about another traveller"))
		case corrected:
			return fmt.Errorf("create call report: %w", beredskap.Errorf(beredskap.ECONFLICT, "the report has been corrected already"))
		}
	}
	r.CreatedAt = t.now()
	err := t.tx.QueryRowContext(ctx, `INSERT INTO call_reports (plan_id, receipt, municipality, operator, outcome,
	language, interpreter, understood, staying_at, breaches, breach_suspected, breach_text, employer_breach,
	employer_org, employer_name, employer_suspected, employer_text, corrects, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.PlanID, r.Receipt, r.Municipality, r.Operator, string(r.Outcome), r.Language, r.Interpreter,
		string(r.Understood), r.StayingAt, kindList(r.Breaches), r.BreachSuspected(), r.BreachText,
		r.EmployerBreach, r.EmployerOrg, r.EmployerName, kindList(r.EmployerSuspected), r.EmployerText,
		r.Corrects, fmtTime(r.CreatedAt)).Scan(&r.ID)
	if err != nil {
		err = translate(err)
		if beredskap.ErrorCode(err) == beredskap.ECONFLICT {
			err = beredskap.Errorf(beredskap.ECONFLICT, "the report has been corrected already")
		}
		return fmt.Errorf("create call report: %w", err)
	}
	return nil
}

// FindCallReport returns the report with the id, or ENOTFOUND.
func (t *followUpTx) FindCallReport(ctx context.Context, id int64) (*beredskap.CallReport, error) {
	r, err := scanReport(t.tx.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM call_reports WHERE id = ?`, id))
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
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rs, err := t.queryReports(ctx, `SELECT `+reportColumns+` FROM call_reports WHERE id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, fmt.Errorf("find call reports: %w", err)
	}
	return rs, nil
}

// ListCallReports returns the plan's reports, oldest first, corrected ones
// included.
func (t *followUpTx) ListCallReports(ctx context.Context, planID int64) ([]*beredskap.CallReport, error) {
	rs, err := t.queryReports(ctx, `SELECT `+reportColumns+` FROM call_reports WHERE plan_id = ? ORDER BY id`, planID)
	if err != nil {
		return nil, fmt.Errorf("list call reports of plan %d: %w", planID, err)
	}
	return rs, nil
}

// ReportsAfter returns the municipality's reports with an id above afterID,
// oldest first, at most limit (MaxPageSize at most), corrected ones
// included.
func (t *followUpTx) ReportsAfter(ctx context.Context, municipality string, afterID int64, limit int) ([]*beredskap.CallReport, error) {
	rs, err := t.queryReports(ctx, `SELECT `+reportColumns+` FROM call_reports
WHERE municipality = ? AND id > ? ORDER BY id LIMIT ?`, municipality, afterID, pageLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("reports of %s after %d: %w", municipality, afterID, err)
	}
	return rs, nil
}

// queryReports runs a query of reportColumns and returns its reports.
func (t *followUpTx) queryReports(ctx context.Context, query string, args ...any) ([]*beredskap.CallReport, error) {
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var rs []*beredskap.CallReport
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return rs, rows.Err()
}

// scanReport reads a row of reportColumns.
func scanReport(row interface{ Scan(...any) error }) (*beredskap.CallReport, error) {
	var (
		r                                                 beredskap.CallReport
		outcome, understood, breaches, suspected, created string
	)
	err := row.Scan(&r.ID, &r.PlanID, &r.Receipt, &r.Municipality, &r.Operator, &outcome, &r.Language,
		&r.Interpreter, &understood, &r.StayingAt, &breaches, &r.BreachText, &r.EmployerBreach, &r.EmployerOrg,
		&r.EmployerName, &suspected, &r.EmployerText, &r.Corrects, &created)
	if err != nil {
		return nil, err
	}
	r.Outcome, r.Understood = beredskap.CallOutcome(outcome), beredskap.Understood(understood)
	r.Breaches = parseKinds[beredskap.BreachKind](breaches)
	r.EmployerSuspected = parseKinds[beredskap.EmployerSuspicion](suspected)
	if r.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("call report %d: %w", r.ID, err)
	}
	return &r, nil
}

// CreateLabourNotice stores n and sets its ID and CreatedAt (from the
// clock).
func (t *followUpTx) CreateLabourNotice(ctx context.Context, n *beredskap.LabourNotice) error {
	n.CreatedAt = t.now()
	err := t.tx.QueryRowContext(ctx, `INSERT INTO labour_notices (report_id, org_number, employer_name, suspected,
	suspicion, municipality, arrival_date, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		n.ReportID, n.OrgNumber, n.EmployerName, kindList(n.Suspected), n.Suspicion, n.Municipality, n.ArrivalDate,
		fmtTime(n.CreatedAt)).Scan(&n.ID)
	if err != nil {
		return fmt.Errorf("create labour notice: %w", translate(err))
	}
	return nil
}

// ListLabourNotices returns the notices f selects, newest first, and the
// next page's token (a sequence token of the last id), "" after the last
// page. A malformed token is EINVALID.
func (t *followUpTx) ListLabourNotices(ctx context.Context, f beredskap.NoticeFilter) ([]*beredskap.LabourNotice, string, error) {
	limit := pageLimit(f.Limit)
	var conds []string
	var args []any
	if f.OrgNumber != "" {
		conds, args = append(conds, `org_number = ?`), append(args, f.OrgNumber)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, `created_at >= ?`), append(args, fmtTime(f.From))
	}
	if !f.To.IsZero() {
		conds, args = append(conds, `created_at < ?`), append(args, fmtTime(f.To))
	}
	if f.PageToken != "" {
		after, err := beredskap.DecodeSeqToken(f.PageToken)
		if err != nil {
			return nil, "", fmt.Errorf("list labour notices: %w", err)
		}
		conds, args = append(conds, `id < ?`), append(args, after)
	}
	query := `SELECT id, report_id, org_number, employer_name, suspected, suspicion, municipality, arrival_date,
	created_at FROM labour_notices`
	if len(conds) > 0 {
		query += ` WHERE ` + strings.Join(conds, " AND ")
	}
	rows, err := t.tx.QueryContext(ctx, query+` ORDER BY id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list labour notices: %w", err)
	}
	defer rows.Close()
	var ns []*beredskap.LabourNotice
	for rows.Next() {
		var n beredskap.LabourNotice
		var suspected, created string
		if err := rows.Scan(&n.ID, &n.ReportID, &n.OrgNumber, &n.EmployerName, &suspected, &n.Suspicion,
			&n.Municipality, &n.ArrivalDate, &created); err != nil {
			return nil, "", fmt.Errorf("list labour notices: %w", err)
		}
		n.Suspected = parseKinds[beredskap.EmployerSuspicion](suspected)
		if n.CreatedAt, err = parseTime(created); err != nil {
			return nil, "", fmt.Errorf("labour notice %d: %w", n.ID, err)
		}
		ns = append(ns, &n)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list labour notices: %w", err)
	}
	if len(ns) <= limit {
		return ns, "", nil
	}
	ns = ns[:limit]
	return ns, beredskap.EncodeSeqToken(ns[limit-1].ID), nil
}

// FindDigestPref returns the user's digest preference, or ENOTFOUND.
func (t *followUpTx) FindDigestPref(ctx context.Context, userID int64) (*beredskap.DigestPref, error) {
	p, err := scanDigestPref(t.tx.QueryRowContext(ctx, `SELECT user_id, mode, last_report_id, last_sent_at
FROM digest_prefs WHERE user_id = ?`, userID))
	if err != nil {
		return nil, fmt.Errorf("find digest preference of user %d: %w", userID, noRows(err, "digest preference"))
	}
	return p, nil
}

// SaveDigestPref creates or replaces the user's digest preference.
func (t *followUpTx) SaveDigestPref(ctx context.Context, p *beredskap.DigestPref) error {
	p.LastSentAt = stampOpt(p.LastSentAt)
	_, err := t.tx.ExecContext(ctx, `INSERT INTO digest_prefs (user_id, mode, last_report_id, last_sent_at)
VALUES (?, ?, ?, ?)
ON CONFLICT (user_id) DO UPDATE SET mode = excluded.mode,
	last_report_id = max(digest_prefs.last_report_id, excluded.last_report_id),
	last_sent_at = CASE WHEN digest_prefs.last_sent_at IS NULL OR digest_prefs.last_sent_at < excluded.last_sent_at
		THEN excluded.last_sent_at ELSE digest_prefs.last_sent_at END`, p.UserID, string(p.Mode), p.LastReportID, fmtOpt(p.LastSentAt))
	if err != nil {
		return fmt.Errorf("save digest preference of user %d: %w", p.UserID, translate(err))
	}
	return nil
}

// SwapDigestProgress moves the user's digest from (fromReport, fromSent)
// to (toReport, toSent) if it is still there, and reports whether it was.
func (t *followUpTx) SwapDigestProgress(ctx context.Context, userID, fromReport int64, fromSent *time.Time, toReport int64, toSent *time.Time) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE digest_prefs SET last_report_id = ?, last_sent_at = ?
WHERE user_id = ? AND last_report_id = ? AND last_sent_at IS ?`,
		toReport, fmtOpt(toSent), userID, fromReport, fmtOpt(fromSent))
	if err != nil {
		return false, fmt.Errorf("swap digest progress of user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ListDigestPrefs returns every preference whose mode is not off, by user.
func (t *followUpTx) ListDigestPrefs(ctx context.Context) ([]*beredskap.DigestPref, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT user_id, mode, last_report_id, last_sent_at FROM digest_prefs
WHERE mode <> 'off' ORDER BY user_id`)
	if err != nil {
		return nil, fmt.Errorf("list digest preferences: %w", err)
	}
	defer rows.Close()
	var ps []*beredskap.DigestPref
	for rows.Next() {
		p, err := scanDigestPref(rows)
		if err != nil {
			return nil, fmt.Errorf("list digest preferences: %w", err)
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list digest preferences: %w", err)
	}
	return ps, nil
}

// scanDigestPref reads a row of a digest preference.
func scanDigestPref(row interface{ Scan(...any) error }) (*beredskap.DigestPref, error) {
	var (
		p    beredskap.DigestPref
		mode string
		sent sql.NullString
		err  error
	)
	if err = row.Scan(&p.UserID, &mode, &p.LastReportID, &sent); err != nil {
		return nil, err
	}
	p.Mode = beredskap.DigestMode(mode)
	if p.LastSentAt, err = parseOpt(sent); err != nil {
		return nil, fmt.Errorf("digest preference of user %d: %w", p.UserID, err)
	}
	return &p, nil
}
