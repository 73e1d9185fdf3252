package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"beredskap"
)

var _ beredskap.RetentionStore = (*StaffStore)(nil)

// UpdateRetention runs fn in a read committed write transaction, as Update
// does, and commits when fn returns nil.
func (s *StaffStore) UpdateRetention(ctx context.Context, fn func(ctx context.Context, tx beredskap.RetentionTx) error) error {
	return s.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		return fn(ctx, &retentionTx{staffTx: tx.(*staffTx)})
	})
}

// AwaitWriter returns at once: PostgreSQL's writes do not queue for one
// writer as SQLite's do.
func (s *StaffStore) AwaitWriter(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// ViewRetention runs fn in a read-only transaction, as View does.
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
	rows, err := t.tx.Query(ctx, `
		SELECT r.receipt FROM registrations r
		WHERE r.arrival_at < $1
		  AND NOT EXISTS (SELECT 1 FROM followup_plans p
		                  WHERE p.receipt = r.receipt AND p.status = 'active' AND p.last_day >= $2::date)
		  AND NOT EXISTS (SELECT 1 FROM hotel_stays s
		                  WHERE s.receipt = r.receipt AND s.status IN ('allocated', 'checked_in'))
		  AND NOT EXISTS (SELECT 1 FROM legal_hold_receipts hr JOIN legal_holds h ON h.id = hr.hold_id
		                  WHERE hr.receipt = r.receipt AND h.released_at IS NULL AND h.until_day >= $2::date)
		ORDER BY r.arrival_at LIMIT $3`, stamp(f.ArrivedBefore), f.Today, f.Limit)
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
// $1 as cond's only parameter.
func statsQuery(cond string) string {
	month := `to_char(r.arrival_at AT TIME ZONE 'UTC', 'YYYY-MM')`
	part := func(key, count, join, where string) string {
		return fmt.Sprintf(`SELECT %s AS month, r.municipality AS municipality, '%s'::text AS key, (%s)::bigint AS n
			FROM registrations r %s WHERE (%s) %s GROUP BY 1, 2`, month, key, count, join, cond, where)
	}
	return strings.Join([]string{
		part("registrations", "count(*)", "", ""),
		part("quarantine", "count(*)", "", "AND r.quarantine_last_day IS NOT NULL"),
		part("followup_plans", "count(*)", "JOIN followup_plans p ON p.receipt = r.receipt", ""),
		part("followup_reached", "count(*)", "JOIN followup_plans p ON p.receipt = r.receipt", "AND p.reached"),
		part("call_reports", "count(*)", "JOIN call_reports c ON c.receipt = r.receipt", ""),
		part("sms", "count(*)", "JOIN sms_outbox m ON m.receipt = r.receipt", ""),
		part("labour_notices", "count(*)", "JOIN call_reports c ON c.receipt = r.receipt JOIN labour_notices n ON n.report_id = c.id", ""),
		part("hotel_stays", "count(*)", "JOIN hotel_stays s ON s.receipt = r.receipt", ""),
		part("hotel_nights", "sum(s.to_day - s.from_day)", "JOIN hotel_stays s ON s.receipt = r.receipt", ""),
		part("dispensations", "count(*)", "JOIN dispensations d ON d.receipt = r.receipt", ""),
	}, "\nUNION ALL\n")
}

// PurgeRegistrations counts, de-identifies and deletes (see
// beredskap.RetentionTx). beredskap.purge, set for this transaction only,
// lets the triggers of registrations and call reports allow the deletes.
func (t *retentionTx) PurgeRegistrations(ctx context.Context, receipts []string) (beredskap.PurgeCounts, error) {
	var c beredskap.PurgeCounts
	if len(receipts) == 0 {
		return c, nil
	}
	if _, err := t.tx.Exec(ctx, `
		INSERT INTO retention_counts (month, municipality, key, count)
		SELECT month, municipality, key, n FROM (`+statsQuery(`r.receipt = ANY($1)`)+`) s WHERE n > 0
		ON CONFLICT (month, municipality, key) DO UPDATE SET count = retention_counts.count + excluded.count`,
		receipts); err != nil {
		return c, fmt.Errorf("purge: count: %w", err)
	}
	if _, err := t.tx.Exec(ctx, `SET LOCAL beredskap.purge = 'on'`); err != nil {
		return c, fmt.Errorf("purge: open the gate: %w", err)
	}
	steps := []struct {
		count *int
		query string
	}{
		{&c.SMS, `DELETE FROM sms_outbox WHERE receipt = ANY($1)`},
		{&c.LabourNotices, `DELETE FROM labour_notices WHERE report_id IN (SELECT id FROM call_reports WHERE receipt = ANY($1))`},
		{&c.CallReports, `DELETE FROM call_reports WHERE receipt = ANY($1)`},
		{&c.Plans, `DELETE FROM followup_plans WHERE receipt = ANY($1)`},
		{&c.Other, `DELETE FROM impact_changes WHERE receipt = ANY($1)`},
		{&c.Other, `DELETE FROM rule_change_notices WHERE receipt = ANY($1)`},
		{&c.Dispensations, `DELETE FROM dispensations WHERE receipt = ANY($1)`},
		{&c.Stays, `UPDATE hotel_stays SET receipt = '', guest_name = '', birth_date = NULL, transfer_address = '',
			transfer_documents = '{}', note = '' WHERE receipt = ANY($1)`},
		{&c.Other, `DELETE FROM idempotency WHERE receipt = ANY($1)`},
		{&c.Registrations, `DELETE FROM registrations WHERE receipt = ANY($1)`},
	}
	for _, st := range steps {
		tag, err := t.tx.Exec(ctx, st.query, receipts)
		if err != nil {
			return c, fmt.Errorf("purge: %w", err)
		}
		*st.count += int(tag.RowsAffected())
	}
	if _, err := t.tx.Exec(ctx, `SET LOCAL beredskap.purge = 'off'`); err != nil {
		return c, fmt.Errorf("purge: close the gate: %w", err)
	}
	return c, nil
}

// WritersWaiting is false: PostgreSQL's writers do not wait for the purge,
// whose row locks are on rows no one else writes.
func (t *retentionTx) WritersWaiting() bool { return false }

// exec runs a statement and returns how many rows it changed.
func (t *retentionTx) exec(ctx context.Context, what, query string, args ...any) (int, error) {
	tag, err := t.tx.Exec(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("purge %s: %w", what, err)
	}
	return int(tag.RowsAffected()), nil
}

// PurgeFeeRows deletes de-identified stays whose last night is before
// lastNightBefore.
func (t *retentionTx) PurgeFeeRows(ctx context.Context, lastNightBefore string, limit int) (int, error) {
	ids := `SELECT id FROM hotel_stays WHERE receipt = '' AND to_day < $1::date LIMIT $2`
	if _, err := t.exec(ctx, "fee rows", `UPDATE hotel_stays SET guardian_stay_id = NULL WHERE guardian_stay_id IN (`+ids+`)`,
		lastNightBefore, limit); err != nil {
		return 0, err
	}
	if _, err := t.exec(ctx, "fee rows", `UPDATE hotel_stays SET carer_for = NULL WHERE carer_for IN (`+ids+`)`,
		lastNightBefore, limit); err != nil {
		return 0, err
	}
	return t.exec(ctx, "fee rows", `DELETE FROM hotel_stays WHERE id IN (`+ids+`)`, lastNightBefore, limit)
}

// PurgeCitizenCases deletes cases closed before closedBefore.
func (t *retentionTx) PurgeCitizenCases(ctx context.Context, closedBefore time.Time, limit int) (int, error) {
	ids := `SELECT id FROM access_cases WHERE closed_at IS NOT NULL AND closed_at < $1 ORDER BY closed_at LIMIT $2`
	for _, table := range []string{"case_attachments", "print_letters"} {
		if _, err := t.exec(ctx, "citizen cases", `DELETE FROM `+table+` WHERE case_id IN (`+ids+`)`, stamp(closedBefore), limit); err != nil {
			return 0, err
		}
	}
	n, err := t.exec(ctx, "citizen cases", `DELETE FROM access_cases WHERE id IN (`+ids+`)`, stamp(closedBefore), limit)
	if err != nil {
		return n, err
	}
	m, err := t.exec(ctx, "correction requests", `DELETE FROM correction_requests WHERE id IN (
		SELECT id FROM correction_requests WHERE closed_at IS NOT NULL AND closed_at < $1 LIMIT $2)`, stamp(closedBefore), limit)
	return n + m, err
}

// PurgeCitizenAccounts deletes accounts not blocked and unchanged since
// changedBefore, and expired citizen sessions.
func (t *retentionTx) PurgeCitizenAccounts(ctx context.Context, changedBefore, now time.Time, limit int) (int, error) {
	n, err := t.exec(ctx, "citizen accounts", `DELETE FROM citizen_accounts WHERE national_id IN (
		SELECT national_id FROM citizen_accounts WHERE NOT blocked AND updated_at < $1 LIMIT $2)`, stamp(changedBefore), limit)
	if err != nil {
		return 0, err
	}
	m, err := t.exec(ctx, "citizen sessions", `DELETE FROM citizen_sessions WHERE id IN (
		SELECT id FROM citizen_sessions WHERE expires_at < $1 LIMIT $2)`, stamp(now), limit)
	return n + m, err
}

// PurgeStaffRecords deletes expired staff sessions and ended tokens,
// enrolment links and decided access orders.
func (t *retentionTx) PurgeStaffRecords(ctx context.Context, endedBefore, now time.Time, limit int) (int, error) {
	steps := []struct {
		table, key, ids string
		before          time.Time
	}{
		{"sessions", "id", `SELECT id FROM sessions WHERE expires_at < $1 LIMIT $2`, now},
		{"api_tokens", "id", `SELECT id FROM api_tokens WHERE COALESCE(revoked_at, expires_at) < $1 LIMIT $2`, endedBefore},
		{"enrolments", "hash", `SELECT hash FROM enrolments WHERE COALESCE(used_at, expires_at) < $1 LIMIT $2`, endedBefore},
		{"access_orders", "id", `SELECT id FROM access_orders
			WHERE status NOT IN ('awaiting_confirmation', 'pending') AND updated_at < $1 LIMIT $2`, endedBefore},
		{"login_throttles", "key", `SELECT key FROM login_throttles WHERE expires_at < $1 LIMIT $2`, now},
	}
	total := 0
	for _, st := range steps {
		n, err := t.exec(ctx, st.table, `DELETE FROM `+st.table+` WHERE `+st.key+` IN (`+st.ids+`)`, stamp(st.before), limit)
		if err != nil {
			return total, err
		}
		total += n
	}
	// Removed users: the names, mobile number, identity number, password
	// hash and TOTP secret go once their last grant ended (their creation
	// when they had none), and the e-mail becomes
	// beredskap.RemovedUserEmail(id).
	n, err := t.exec(ctx, "users", `
		UPDATE users SET email = 'user-' || id || '`+beredskap.RemovedUserDomain+`', first_name = '', last_name = '',
			mobile = '', national_id = '', password_hash = '', totp_secret = '', failed_logins = 0, locked_until = NULL
		WHERE id IN (SELECT u.id FROM users u
			WHERE u.status = 'removed' AND u.email NOT LIKE '%`+beredskap.RemovedUserDomain+`'
			  AND COALESCE((SELECT max(COALESCE(g.ended_at, g.valid_to)) FROM grants g WHERE g.user_id = u.id), u.created_at) < $1
			LIMIT $2)`, stamp(endedBefore), limit)
	return total + n, err
}

// PurgeHolds deletes holds that ended before endedBefore.
func (t *retentionTx) PurgeHolds(ctx context.Context, endedBefore string) (int, error) {
	ids := `SELECT id FROM legal_holds WHERE until_day < $1::date
		OR (released_at IS NOT NULL AND (released_at AT TIME ZONE 'UTC')::date < $1::date)`
	if _, err := t.exec(ctx, "holds", `DELETE FROM legal_hold_receipts WHERE hold_id IN (`+ids+`)`, endedBefore); err != nil {
		return 0, err
	}
	return t.exec(ctx, "holds", `DELETE FROM legal_holds WHERE id IN (`+ids+`)`, endedBefore)
}

// ClaimPurgeDay claims the day's purge for runner.
func (t *retentionTx) ClaimPurgeDay(ctx context.Context, day, runner string, now, leaseUntil time.Time) (bool, error) {
	tag, err := t.tx.Exec(ctx, `
		INSERT INTO purge_days (day, runner, lease_until, started_at, purged) VALUES ($1::date, $2, $3, $4, 0)
		ON CONFLICT (day) DO UPDATE SET runner = excluded.runner, lease_until = excluded.lease_until
		WHERE purge_days.finished_at IS NULL AND (purge_days.lease_until < $4 OR purge_days.runner = $2)`,
		day, runner, stamp(leaseUntil), stamp(now))
	if err != nil {
		return false, fmt.Errorf("claim purge day: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// FinishPurgeDay records the day's purge as done.
func (t *retentionTx) FinishPurgeDay(ctx context.Context, day string, at time.Time, purged int) error {
	tag, err := t.tx.Exec(ctx, `UPDATE purge_days SET finished_at = $1, purged = $2 WHERE day = $3::date`, stamp(at), purged, day)
	if err != nil {
		return fmt.Errorf("finish purge day: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("purge day")
	}
	return nil
}

// Statistics returns live counts plus purged counts.
func (t *retentionTx) Statistics(ctx context.Context, municipality string) ([]beredskap.StatCount, error) {
	rows, err := t.tx.Query(ctx, `
		SELECT month, municipality, key, sum(n)::bigint FROM (
			`+statsQuery(`$1 = '' OR r.municipality = $1`)+`
			UNION ALL
			SELECT month, municipality, key, count FROM retention_counts WHERE $1 = '' OR municipality = $1
		) s WHERE n > 0 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, municipality)
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
