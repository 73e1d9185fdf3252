package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"beredskap"
)

const smsColumns = `id, plan_id, receipt, to_number, language, template, body, encoding, segments, status,
	attempts, next_attempt_at, provider_id, last_error, sent_by, created_at, updated_at, delivered_at`

// EnqueueSMS stores m, queued when its Status is empty, and sets its ID,
// CreatedAt (from the clock) and UpdatedAt.
func (t *followUpTx) EnqueueSMS(ctx context.Context, m *beredskap.SMSMessage) error {
	if m.Status == "" {
		m.Status = beredskap.SMSQueued
	}
	m.CreatedAt = t.now()
	m.UpdatedAt = m.CreatedAt
	m.NextAttemptAt, m.DeliveredAt = stamp(m.NextAttemptAt), stampOpt(m.DeliveredAt)
	err := t.tx.QueryRowContext(ctx, `INSERT INTO sms_outbox (plan_id, receipt, to_number, language, template, body,
	encoding, segments, status, attempts, next_attempt_at, provider_id, last_error, sent_by, created_at, updated_at,
	delivered_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		m.PlanID, m.Receipt, m.To, m.Language, m.Template, m.Body, m.Encoding, m.Segments, string(m.Status),
		m.Attempts, fmtTime(m.NextAttemptAt), m.ProviderID, m.LastError, m.SentBy, fmtTime(m.CreatedAt),
		fmtTime(m.UpdatedAt), fmtOpt(m.DeliveredAt)).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("enqueue SMS: %w", translate(err))
	}
	return nil
}

// TakeDueSMS marks up to limit messages that are queued, or sending with a
// lapsed lease, and whose next attempt is due at now, as sending until
// leaseUntil with one more attempt, and returns them earliest first
// (MaxPageSize at most). The
// writer connection serialises workers, so none takes a message twice.
func (t *followUpTx) TakeDueSMS(ctx context.Context, now, leaseUntil time.Time, limit int) ([]*beredskap.SMSMessage, error) {
	if limit <= 0 {
		return nil, nil
	}
	limit = min(limit, beredskap.MaxPageSize)
	rows, err := t.tx.QueryContext(ctx, `SELECT id FROM sms_outbox
WHERE status IN ('queued', 'sending') AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
		fmtTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("take due SMS: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("take due SMS: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("take due SMS: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{fmtTime(stamp(leaseUntil)), fmtTime(t.now())}
	for _, id := range ids {
		args = append(args, id)
	}
	ms, err := t.querySMS(ctx, `UPDATE sms_outbox SET status = 'sending', next_attempt_at = ?,
	attempts = attempts + 1, updated_at = ?
WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) RETURNING `+smsColumns, args...)
	if err != nil {
		return nil, fmt.Errorf("take due SMS: %w", err)
	}
	order := make(map[int64]int, len(ids))
	for i, id := range ids {
		order[id] = i
	}
	slices.SortFunc(ms, func(a, b *beredskap.SMSMessage) int { return order[a.ID] - order[b.ID] })
	return ms, nil
}

// SaveSMS stores Status, Attempts, NextAttemptAt, ProviderID, LastError and
// DeliveredAt, and sets UpdatedAt from the clock, or returns ENOTFOUND.
func (t *followUpTx) SaveSMS(ctx context.Context, m *beredskap.SMSMessage) error {
	m.UpdatedAt = t.now()
	m.NextAttemptAt, m.DeliveredAt = stamp(m.NextAttemptAt), stampOpt(m.DeliveredAt)
	err := t.execOne(ctx, "SMS", `UPDATE sms_outbox SET status = ?, attempts = ?, next_attempt_at = ?,
	provider_id = ?, last_error = ?, delivered_at = ?, updated_at = ? WHERE id = ?`,
		string(m.Status), m.Attempts, fmtTime(m.NextAttemptAt), m.ProviderID, m.LastError, fmtOpt(m.DeliveredAt),
		fmtTime(m.UpdatedAt), m.ID)
	if err != nil {
		return fmt.Errorf("save SMS %d: %w", m.ID, err)
	}
	return nil
}

// FindSMS returns the message with the id, or ENOTFOUND.
func (t *followUpTx) FindSMS(ctx context.Context, id int64) (*beredskap.SMSMessage, error) {
	m, err := scanSMS(t.tx.QueryRowContext(ctx, `SELECT `+smsColumns+` FROM sms_outbox WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("find SMS %d: %w", id, noRows(err, "SMS"))
	}
	return m, nil
}

// FindSMSByProviderID returns the newest message the provider knows by the
// id, or ENOTFOUND.
func (t *followUpTx) FindSMSByProviderID(ctx context.Context, providerID string) (*beredskap.SMSMessage, error) {
	if providerID == "" {
		return nil, fmt.Errorf("find SMS by provider id: %w", notFound("SMS"))
	}
	m, err := scanSMS(t.tx.QueryRowContext(ctx, `SELECT `+smsColumns+` FROM sms_outbox
WHERE provider_id = ? ORDER BY id DESC LIMIT 1`, providerID))
	if err != nil {
		return nil, fmt.Errorf("find SMS by provider id: %w", noRows(err, "SMS"))
	}
	return m, nil
}

// CancelPlanSMS cancels the plan's queued messages and returns how many.
func (t *followUpTx) CancelPlanSMS(ctx context.Context, planID int64) (int, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE sms_outbox SET status = 'cancelled', updated_at = ?
WHERE plan_id = ? AND status = 'queued'`, fmtTime(t.now()), planID)
	if err != nil {
		return 0, fmt.Errorf("cancel SMS of plan %d: %w", planID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("cancel SMS of plan %d: %w", planID, err)
	}
	return int(n), nil
}

// ListPlanSMS returns the plan's messages, oldest first.
func (t *followUpTx) ListPlanSMS(ctx context.Context, planID int64) ([]*beredskap.SMSMessage, error) {
	ms, err := t.querySMS(ctx, `SELECT `+smsColumns+` FROM sms_outbox WHERE plan_id = ? ORDER BY id`, planID)
	if err != nil {
		return nil, fmt.Errorf("list SMS of plan %d: %w", planID, err)
	}
	return ms, nil
}

// querySMS runs a query of smsColumns and returns its messages.
func (t *followUpTx) querySMS(ctx context.Context, query string, args ...any) ([]*beredskap.SMSMessage, error) {
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ms []*beredskap.SMSMessage
	for rows.Next() {
		m, err := scanSMS(rows)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

// scanSMS reads a row of smsColumns.
func scanSMS(row interface{ Scan(...any) error }) (*beredskap.SMSMessage, error) {
	var (
		m                beredskap.SMSMessage
		status, next     string
		created, updated string
		delivered        sql.NullString
	)
	err := row.Scan(&m.ID, &m.PlanID, &m.Receipt, &m.To, &m.Language, &m.Template, &m.Body, &m.Encoding,
		&m.Segments, &status, &m.Attempts, &next, &m.ProviderID, &m.LastError, &m.SentBy, &created, &updated, &delivered)
	if err != nil {
		return nil, err
	}
	m.Status = beredskap.SMSStatus(status)
	if m.NextAttemptAt, err = parseTime(next); err != nil {
		return nil, fmt.Errorf("SMS %d: %w", m.ID, err)
	}
	if m.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("SMS %d: %w", m.ID, err)
	}
	if m.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, fmt.Errorf("SMS %d: %w", m.ID, err)
	}
	if m.DeliveredAt, err = parseOpt(delivered); err != nil {
		return nil, fmt.Errorf("SMS %d: %w", m.ID, err)
	}
	return &m, nil
}

// ListTemplates returns every stored template by key and language.
func (t *followUpTx) ListTemplates(ctx context.Context) ([]*beredskap.SMSTemplate, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT key, language, body, updated_by, updated_at FROM sms_templates
ORDER BY key, language`)
	if err != nil {
		return nil, fmt.Errorf("list SMS templates: %w", err)
	}
	defer rows.Close()
	var ts []*beredskap.SMSTemplate
	for rows.Next() {
		tp, err := scanTemplate(rows)
		if err != nil {
			return nil, fmt.Errorf("list SMS templates: %w", err)
		}
		ts = append(ts, tp)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list SMS templates: %w", err)
	}
	return ts, nil
}

// FindTemplate returns the template of the key and language, or ENOTFOUND.
func (t *followUpTx) FindTemplate(ctx context.Context, key, language string) (*beredskap.SMSTemplate, error) {
	tp, err := scanTemplate(t.tx.QueryRowContext(ctx, `SELECT key, language, body, updated_by, updated_at
FROM sms_templates WHERE key = ? AND language = ?`, key, language))
	if err != nil {
		return nil, fmt.Errorf("find SMS template %s/%s: %w", key, language, noRows(err, "SMS template"))
	}
	return tp, nil
}

// SaveTemplate creates or replaces the template of tp's key and language
// and sets its UpdatedAt from the clock.
func (t *followUpTx) SaveTemplate(ctx context.Context, tp *beredskap.SMSTemplate) error {
	tp.UpdatedAt = t.now()
	_, err := t.tx.ExecContext(ctx, `INSERT INTO sms_templates (key, language, body, updated_by, updated_at)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (key, language) DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by,
	updated_at = excluded.updated_at`, tp.Key, tp.Language, tp.Body, tp.UpdatedBy, fmtTime(tp.UpdatedAt))
	if err != nil {
		return fmt.Errorf("save SMS template %s/%s: %w", tp.Key, tp.Language, translate(err))
	}
	return nil
}

// scanTemplate reads a row of a template.
func scanTemplate(row interface{ Scan(...any) error }) (*beredskap.SMSTemplate, error) {
	var (
		tp      beredskap.SMSTemplate
		updated string
		err     error
	)
	if err = row.Scan(&tp.Key, &tp.Language, &tp.Body, &tp.UpdatedBy, &updated); err != nil {
		return nil, err
	}
	if tp.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, fmt.Errorf("SMS template %s/%s: %w", tp.Key, tp.Language, err)
	}
	return &tp, nil
}
