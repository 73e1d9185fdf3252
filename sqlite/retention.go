package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"beredskap"
)

var _ beredskap.RetentionStore = (*StaffStore)(nil)

// UpdateRetention runs fn in an immediate write transaction, as Update
// does, and commits when fn returns nil.
func (s *StaffStore) UpdateRetention(ctx context.Context, fn func(ctx context.Context, tx beredskap.RetentionTx) error) error {
	return s.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		return fn(ctx, &retentionTx{staffTx: tx.(*staffTx)})
	})
}

// ViewRetention runs fn in a read transaction, as View does.
func (s *StaffStore) ViewRetention(ctx context.Context, fn func(ctx context.Context, tx beredskap.RetentionTx) error) error {
	return s.View(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		return fn(ctx, &retentionTx{staffTx: tx.(*staffTx)})
	})
}

// retentionTx is one RetentionStore transaction: a staff transaction with
// the retention statements added.
type retentionTx struct {
	*staffTx
}

var _ beredskap.RetentionTx = (*retentionTx)(nil)

// DueRegistrations returns the receipts of registrations whose period has
// ended (see beredskap.DueFilter), oldest arrival first.
func (t *retentionTx) DueRegistrations(ctx context.Context, f beredskap.DueFilter) ([]string, error) {
	rows, err := t.tx.QueryContext(ctx, `
		SELECT r.receipt FROM registrations r
		WHERE r.arrival_at < ?1
		  AND NOT EXISTS (SELECT 1 FROM followup_plans p
		                  WHERE p.receipt = r.receipt AND p.status = 'active' AND p.last_day >= ?2)
		  AND NOT EXISTS (SELECT 1 FROM hotel_stays s
		                  WHERE s.receipt = r.receipt AND s.status IN ('allocated', 'checked_in'))
		  AND NOT EXISTS (SELECT 1 FROM legal_hold_receipts hr JOIN legal_holds h ON h.id = hr.hold_id
		                  WHERE hr.receipt = r.receipt AND h.released_at IS NULL AND h.until_day >= ?2)
		ORDER BY r.arrival_at LIMIT ?3`, fmtTime(f.ArrivedBefore), f.Today, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("due registrations: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// statsQuery returns the statistics of the registrations matching cond
// (over the registrations r), one row per month, municipality and key, with
// ?1 as cond's only parameter.
func statsQuery(cond string) string {
	month := `substr(r.arrival_at, 1, 7)`
	part := func(key, count, join, where string) string {
		return fmt.Sprintf(`SELECT %s AS month, r.municipality AS municipality, '%s' AS key, %s AS n
			FROM registrations r %s WHERE (%s) %s GROUP BY 1, 2`, month, key, count, join, cond, where)
	}
	return strings.Join([]string{
		part("registrations", "count(*)", "", ""),
		part("quarantine", "count(*)", "", "AND r.quarantine_last_day IS NOT NULL"),
		part("followup_plans", "count(*)", "JOIN followup_plans p ON p.receipt = r.receipt", ""),
		part("followup_reached", "count(*)", "JOIN followup_plans p ON p.receipt = r.receipt", "AND p.reached = 1"),
		part("call_reports", "count(*)", "JOIN call_reports c ON c.receipt = r.receipt", ""),
		part("sms", "count(*)", "JOIN sms_outbox m ON m.receipt = r.receipt", ""),
		part("labour_notices", "count(*)", "JOIN call_reports c ON c.receipt = r.receipt JOIN labour_notices n ON n.report_id = c.id", ""),
		part("hotel_stays", "count(*)", "JOIN hotel_stays s ON s.receipt = r.receipt", ""),
		part("hotel_nights", "CAST(sum(julianday(s.to_day) - julianday(s.from_day)) AS INTEGER)", "JOIN hotel_stays s ON s.receipt = r.receipt", ""),
		part("dispensations", "count(*)", "JOIN dispensations d ON d.receipt = r.receipt", ""),
	}, "\nUNION ALL\n")
}

// purgeInList is the condition that selects the receipts of a JSON array.
const purgeInList = `r.receipt IN (SELECT value FROM json_each(?1))`

// purgeStatement is one statement of PurgeRegistrations and the count its rows
// add to.
type purgeStatement struct {
	count func(c *beredskap.PurgeCounts) *int
	query string
}

// The statements of PurgeRegistrations, each given the receipts as a JSON
// array; all are prepared once on the writer (see purgeQueries). Every
// DELETE finds its rows through an index on receipt (report_id for
// labour notices), never by a scan.
var (
	purgeCountQuery = `INSERT INTO retention_counts (month, municipality, key, count)
		SELECT month, municipality, key, n FROM (` + statsQuery(purgeInList) + `) WHERE n > 0
		ON CONFLICT (month, municipality, key) DO UPDATE SET count = count + excluded.count`
	purgeOpenQuery  = `INSERT INTO purge_gate (id) VALUES (1)`
	purgeCloseQuery = `DELETE FROM purge_gate`
	purgeSteps      = func() []purgeStatement {
		const in = `receipt IN (SELECT value FROM json_each(?1))`
		other := func(c *beredskap.PurgeCounts) *int { return &c.Other }
		return []purgeStatement{
			{func(c *beredskap.PurgeCounts) *int { return &c.SMS }, `DELETE FROM sms_outbox WHERE ` + in},
			{func(c *beredskap.PurgeCounts) *int { return &c.LabourNotices },
				`DELETE FROM labour_notices WHERE report_id IN (SELECT id FROM call_reports WHERE ` + in + `)`},
			{func(c *beredskap.PurgeCounts) *int { return &c.CallReports }, `DELETE FROM call_reports WHERE ` + in},
			{func(c *beredskap.PurgeCounts) *int { return &c.Plans }, `DELETE FROM followup_plans WHERE ` + in},
			{other, `DELETE FROM impact_changes WHERE ` + in},
			{other, `DELETE FROM rule_change_notices WHERE ` + in},
			{func(c *beredskap.PurgeCounts) *int { return &c.Dispensations }, `DELETE FROM dispensations WHERE ` + in},
			{func(c *beredskap.PurgeCounts) *int { return &c.Stays }, `UPDATE hotel_stays SET receipt = '', guest_name = '',
				birth_date = '', transfer_address = '', transfer_documents = '[]', note = '' WHERE ` + in},
			{other, `DELETE FROM idempotency WHERE ` + in},
			{func(c *beredskap.PurgeCounts) *int { return &c.Registrations }, `DELETE FROM registrations WHERE ` + in},
		}
	}()
)

// purgeQueries returns the statements of PurgeRegistrations.
func purgeQueries() []string {
	qs := []string{purgeCountQuery, purgeOpenQuery, purgeCloseQuery}
	for _, st := range purgeSteps {
		qs = append(qs, st.query)
	}
	return qs
}

// PurgeRegistrations counts, de-identifies and deletes (see
// beredskap.RetentionTx). The gate row lets the triggers of registrations
// and call reports allow the deletes, within this transaction only.
func (t *retentionTx) PurgeRegistrations(ctx context.Context, receipts []string) (beredskap.PurgeCounts, error) {
	var c beredskap.PurgeCounts
	if len(receipts) == 0 {
		return c, nil
	}
	list, err := json.Marshal(receipts)
	if err != nil {
		return c, err
	}
	run := func(query string) (int64, error) {
		res, err := t.db.writeStmt(ctx, t.tx, query).ExecContext(ctx, string(list))
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	}
	if _, err := run(purgeCountQuery); err != nil {
		return c, fmt.Errorf("purge: count: %w", err)
	}
	if _, err := run(purgeOpenQuery); err != nil {
		return c, fmt.Errorf("purge: open the gate: %w", err)
	}
	for _, st := range purgeSteps {
		n, err := run(st.query)
		if err != nil {
			return c, fmt.Errorf("purge: %w", err)
		}
		*st.count(&c) += int(n)
	}
	if _, err := run(purgeCloseQuery); err != nil {
		return c, fmt.Errorf("purge: close the gate: %w", err)
	}
	return c, nil
}

// WritersWaiting reports whether registrations or other transactions wait
// for the writer connection this transaction holds.
func (t *retentionTx) WritersWaiting() bool { return t.db.prio.busy() }

// AwaitWriter waits until no registration or other transaction waits for
// the writer connection, for most at the longest; before that, when the
// write-ahead log is long, until it is copied into the database (see
// DB.awaitCopiedLog).
func (s *StaffStore) AwaitWriter(ctx context.Context, most time.Duration) error {
	if err := s.db.awaitCopiedLog(ctx); err != nil {
		return err
	}
	return s.db.prio.await(ctx, most)
}

// deleteLimited runs a DELETE of at most limit rows chosen by the query
// of their rowids, and returns how many it deleted.
func (t *retentionTx) deleteLimited(ctx context.Context, table, idQuery string, args ...any) (int, error) {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE rowid IN (`+idQuery+`)`, args...)
	if err != nil {
		return 0, fmt.Errorf("purge %s: %w", table, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// PurgeFeeRows deletes de-identified stays whose last night is before
// lastNightBefore.
func (t *retentionTx) PurgeFeeRows(ctx context.Context, lastNightBefore string, limit int) (int, error) {
	// Guardians and carers point at stays by id; those links go first.
	ids := `SELECT id FROM hotel_stays WHERE receipt = '' AND to_day < ?1 LIMIT ?2`
	if _, err := t.tx.ExecContext(ctx, `UPDATE hotel_stays SET guardian_stay_id = 0 WHERE guardian_stay_id IN (`+ids+`)`,
		lastNightBefore, limit); err != nil {
		return 0, fmt.Errorf("purge fee rows: %w", err)
	}
	if _, err := t.tx.ExecContext(ctx, `UPDATE hotel_stays SET carer_for = 0 WHERE carer_for IN (`+ids+`)`,
		lastNightBefore, limit); err != nil {
		return 0, fmt.Errorf("purge fee rows: %w", err)
	}
	return t.deleteLimited(ctx, "hotel_stays", ids, lastNightBefore, limit)
}

// PurgeCitizenCases deletes cases closed before closedBefore.
func (t *retentionTx) PurgeCitizenCases(ctx context.Context, closedBefore time.Time, limit int) (int, error) {
	ids := `SELECT id FROM access_cases WHERE closed_at IS NOT NULL AND closed_at < ?1 ORDER BY closed_at LIMIT ?2`
	for _, table := range []string{"case_attachments", "print_letters"} {
		if _, err := t.tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE case_id IN (`+ids+`)`, fmtTime(closedBefore), limit); err != nil {
			return 0, fmt.Errorf("purge citizen cases: %w", err)
		}
	}
	n, err := t.deleteLimited(ctx, "access_cases", ids, fmtTime(closedBefore), limit)
	if err != nil {
		return n, err
	}
	m, err := t.deleteLimited(ctx, "correction_requests",
		`SELECT id FROM correction_requests WHERE closed_at IS NOT NULL AND closed_at < ?1 LIMIT ?2`, fmtTime(closedBefore), limit)
	return n + m, err
}

// PurgeCitizenAccounts deletes accounts not blocked and unchanged since
// changedBefore, and expired citizen sessions.
func (t *retentionTx) PurgeCitizenAccounts(ctx context.Context, changedBefore, now time.Time, limit int) (int, error) {
	n, err := t.deleteLimited(ctx, "citizen_accounts",
		`SELECT rowid FROM citizen_accounts WHERE blocked = 0 AND updated_at < ?1 LIMIT ?2`, fmtTime(changedBefore), limit)
	if err != nil {
		return 0, err
	}
	m, err := t.deleteLimited(ctx, "citizen_sessions",
		`SELECT rowid FROM citizen_sessions WHERE expires_at < ?1 LIMIT ?2`, fmtTime(now), limit)
	return n + m, err
}

// PurgeStaffRecords deletes expired staff sessions and ended tokens,
// enrolment links and decided access orders.
func (t *retentionTx) PurgeStaffRecords(ctx context.Context, endedBefore, now time.Time, limit int) (int, error) {
	before := fmtTime(endedBefore)
	steps := []struct{ table, ids string }{
		{"sessions", `SELECT rowid FROM sessions WHERE expires_at < ?1 LIMIT ?3`},
		{"api_tokens", `SELECT rowid FROM api_tokens WHERE COALESCE(revoked_at, expires_at) < ?2 LIMIT ?3`},
		{"enrolments", `SELECT rowid FROM enrolments WHERE COALESCE(used_at, expires_at) < ?2 LIMIT ?3`},
		{"access_orders", `SELECT rowid FROM access_orders
			WHERE status NOT IN ('awaiting_confirmation', 'pending') AND updated_at < ?2 LIMIT ?3`},
		{"login_throttles", `SELECT rowid FROM login_throttles WHERE expires_at < ?1 LIMIT ?3`},
	}
	total := 0
	for _, st := range steps {
		n, err := t.deleteLimited(ctx, st.table, st.ids, fmtTime(now), before, limit)
		if err != nil {
			return total, err
		}
		total += n
	}
	n, err := t.deidentifyRemovedUsers(ctx, before, limit)
	return total + n, err
}

// deidentifyRemovedUsers blanks the names, mobile number, identity number,
// password hash and TOTP secret of removed users whose last grant ended
// before endedBefore (their creation when they had none), and gives them
// the e-mail address beredskap.RemovedUserEmail(id), at most limit.
func (t *retentionTx) deidentifyRemovedUsers(ctx context.Context, endedBefore string, limit int) (int, error) {
	res, err := t.tx.ExecContext(ctx, `
		UPDATE users SET email = 'user-' || id || '`+beredskap.RemovedUserDomain+`', first_name = '', last_name = '',
			mobile = '', national_id = '', password_hash = '', totp_secret = '', failed_logins = 0, locked_until = NULL,
			search = 'user-' || id || '`+beredskap.RemovedUserDomain+`'
		WHERE id IN (SELECT u.id FROM users u
			WHERE u.status = 'removed' AND u.email NOT LIKE '%`+beredskap.RemovedUserDomain+`'
			  AND COALESCE((SELECT max(COALESCE(g.ended_at, g.valid_to)) FROM grants g WHERE g.user_id = u.id), u.created_at) < ?1
			LIMIT ?2)`, endedBefore, limit)
	if err != nil {
		return 0, fmt.Errorf("de-identify removed users: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// PurgeHolds deletes holds that ended before endedBefore.
func (t *retentionTx) PurgeHolds(ctx context.Context, endedBefore string) (int, error) {
	ids := `SELECT id FROM legal_holds WHERE until_day < ?1 OR (released_at IS NOT NULL AND substr(released_at, 1, 10) < ?1)`
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM legal_hold_receipts WHERE hold_id IN (`+ids+`)`, endedBefore); err != nil {
		return 0, fmt.Errorf("purge holds: %w", err)
	}
	return t.deleteLimited(ctx, "legal_holds", ids, endedBefore)
}

// ClaimPurgeDay claims the day's purge for runner.
func (t *retentionTx) ClaimPurgeDay(ctx context.Context, day, runner string, now, leaseUntil time.Time) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `
		INSERT INTO purge_days (day, runner, lease_until, started_at, purged) VALUES (?1, ?2, ?3, ?4, 0)
		ON CONFLICT (day) DO UPDATE SET runner = excluded.runner, lease_until = excluded.lease_until
		WHERE purge_days.finished_at IS NULL AND (purge_days.lease_until < ?4 OR purge_days.runner = ?2)`,
		day, runner, fmtTime(leaseUntil), fmtTime(now))
	if err != nil {
		return false, fmt.Errorf("claim purge day: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FinishPurgeDay records the day's purge as done.
func (t *retentionTx) FinishPurgeDay(ctx context.Context, day string, at time.Time, purged int) error {
	return t.execOne(ctx, "purge day", `UPDATE purge_days SET finished_at = ?, purged = ? WHERE day = ?`,
		fmtTime(at), purged, day)
}

// Statistics returns live counts plus purged counts.
func (t *retentionTx) Statistics(ctx context.Context, municipality string) ([]beredskap.StatCount, error) {
	cond := `?1 = '' OR r.municipality = ?1`
	rows, err := t.tx.QueryContext(ctx, `
		SELECT month, municipality, key, sum(n) FROM (
			`+statsQuery(cond)+`
			UNION ALL
			SELECT month, municipality, key, count FROM retention_counts WHERE ?1 = '' OR municipality = ?1
		) WHERE n > 0 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, municipality)
	if err != nil {
		return nil, fmt.Errorf("statistics: %w", err)
	}
	defer rows.Close()
	var out []beredskap.StatCount
	for rows.Next() {
		var s beredskap.StatCount
		if err := rows.Scan(&s.Month, &s.Municipality, &s.Key, &s.Count); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
