package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

const smsColumns = `id, plan_id, receipt, to_number, language, template, body, encoding, segments, status, attempts,
	next_attempt_at, provider_id, last_error, sent_by, created_at, updated_at, delivered_at`

// scanSMS reads a row of smsColumns.
func scanSMS(row pgx.Row) (*beredskap.SMSMessage, error) {
	var (
		m      beredskap.SMSMessage
		planID *int64
		status string
	)
	err := row.Scan(&m.ID, &planID, &m.Receipt, &m.To, &m.Language, &m.Template, &m.Body, &m.Encoding, &m.Segments,
		&status, &m.Attempts, &m.NextAttemptAt, &m.ProviderID, &m.LastError, &m.SentBy, &m.CreatedAt, &m.UpdatedAt,
		&m.DeliveredAt)
	if err != nil {
		return nil, err
	}
	if planID != nil {
		m.PlanID = *planID
	}
	m.Status = beredskap.SMSStatus(status)
	m.NextAttemptAt, m.CreatedAt, m.UpdatedAt = m.NextAttemptAt.UTC(), m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	m.DeliveredAt = utcPtr(m.DeliveredAt)
	return &m, nil
}

// querySMS runs a query of smsColumns and reads every row.
func querySMS(ctx context.Context, tx pgx.Tx, query string, args ...any) ([]*beredskap.SMSMessage, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.SMSMessage, error) { return scanSMS(row) })
}

// EnqueueSMS stores m (Status queued when empty) and sets ID, CreatedAt and
// UpdatedAt from the clock.
func (t *followUpTx) EnqueueSMS(ctx context.Context, m *beredskap.SMSMessage) error {
	if m.Status == "" {
		m.Status = beredskap.SMSQueued
	}
	now := t.now()
	m.NextAttemptAt, m.DeliveredAt = stamp(m.NextAttemptAt), stampPtr(m.DeliveredAt)
	err := t.tx.QueryRow(ctx, `INSERT INTO sms_outbox (plan_id, receipt, to_number, language, template, body,
	encoding, segments, status, attempts, next_attempt_at, provider_id, last_error, sent_by, created_at, updated_at,
	delivered_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16)
RETURNING id`,
		nullID(m.PlanID), m.Receipt, m.To, m.Language, m.Template, m.Body, m.Encoding, m.Segments, string(m.Status),
		m.Attempts, m.NextAttemptAt, m.ProviderID, m.LastError, m.SentBy, now, m.DeliveredAt).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("enqueue sms: %w", translate(err))
	}
	m.CreatedAt, m.UpdatedAt = now, now
	return nil
}

// TakeDueSMS marks up to limit queued (or lapsed sending) messages whose
// NextAttemptAt has come as sending until leaseUntil, counts an attempt on
// each, and returns them, earliest due first. The messages are chosen and
// locked with FOR UPDATE SKIP LOCKED, so concurrent workers pass over each
// other's; one taken and committed after this statement's snapshot is
// checked again in its new version and passed over too.
func (t *followUpTx) TakeDueSMS(ctx context.Context, now, leaseUntil time.Time, limit int) ([]*beredskap.SMSMessage, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := t.tx.Query(ctx, `WITH due AS (
	SELECT id, next_attempt_at AS due_at FROM sms_outbox
	WHERE status IN ('queued', 'sending') AND next_attempt_at <= $1
	ORDER BY next_attempt_at, id
	LIMIT $2
	FOR UPDATE SKIP LOCKED
)
UPDATE sms_outbox m SET status = 'sending', attempts = m.attempts + 1, next_attempt_at = $3, updated_at = $4
FROM due WHERE m.id = due.id
RETURNING due.due_at, `+qualified("m", smsColumns), stamp(now), limit, stamp(leaseUntil), t.now())
	if err != nil {
		return nil, fmt.Errorf("take due sms: %w", err)
	}
	type taken struct {
		due time.Time
		m   *beredskap.SMSMessage
	}
	ts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (taken, error) {
		var due time.Time
		m, err := scanSMS(dueRow{row: row, due: &due})
		return taken{due, m}, err
	})
	if err != nil {
		return nil, fmt.Errorf("take due sms: %w", err)
	}
	slices.SortFunc(ts, func(a, b taken) int {
		if c := a.due.Compare(b.due); c != 0 {
			return c
		}
		return int(a.m.ID - b.m.ID)
	})
	ms := make([]*beredskap.SMSMessage, len(ts))
	for i, x := range ts {
		ms[i] = x.m
	}
	return ms, nil
}

// dueRow is a row whose first column, the due time, goes to due and the
// rest to the destinations Scan is given.
type dueRow struct {
	row pgx.Row
	due *time.Time
}

func (r dueRow) Scan(dest ...any) error {
	return r.row.Scan(append([]any{r.due}, dest...)...)
}

// SaveSMS stores Status, Attempts, NextAttemptAt, ProviderID, LastError and
// DeliveredAt and sets UpdatedAt from the clock, or returns ENOTFOUND.
func (t *followUpTx) SaveSMS(ctx context.Context, m *beredskap.SMSMessage) error {
	now := t.now()
	m.NextAttemptAt, m.DeliveredAt = stamp(m.NextAttemptAt), stampPtr(m.DeliveredAt)
	tag, err := t.tx.Exec(ctx, `UPDATE sms_outbox SET status = $2, attempts = $3, next_attempt_at = $4,
	provider_id = $5, last_error = $6, delivered_at = $7, updated_at = $8
WHERE id = $1`, m.ID, string(m.Status), m.Attempts, m.NextAttemptAt, m.ProviderID, m.LastError, m.DeliveredAt, now)
	if err != nil {
		return fmt.Errorf("save sms %d: %w", m.ID, translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("save sms %d: %w", m.ID, notFound("sms"))
	}
	m.UpdatedAt = now
	return nil
}

// FindSMS returns the message with the id, or ENOTFOUND.
func (t *followUpTx) FindSMS(ctx context.Context, id int64) (*beredskap.SMSMessage, error) {
	m, err := scanSMS(t.tx.QueryRow(ctx, `SELECT `+smsColumns+` FROM sms_outbox WHERE id = $1`+t.lockRow(), id))
	if err != nil {
		return nil, fmt.Errorf("find sms %d: %w", id, noRows(err, "sms"))
	}
	return m, nil
}

// FindSMSByProviderID returns the message the provider knows by the id, or
// ENOTFOUND.
func (t *followUpTx) FindSMSByProviderID(ctx context.Context, providerID string) (*beredskap.SMSMessage, error) {
	if providerID == "" {
		return nil, fmt.Errorf("find sms by provider id: %w", notFound("sms"))
	}
	m, err := scanSMS(t.tx.QueryRow(ctx, `SELECT `+smsColumns+` FROM sms_outbox WHERE provider_id = $1`+t.lockRow(), providerID))
	if err != nil {
		return nil, fmt.Errorf("find sms by provider id: %w", noRows(err, "sms"))
	}
	return m, nil
}

// CancelPlanSMS cancels the plan's queued messages and returns how many.
func (t *followUpTx) CancelPlanSMS(ctx context.Context, planID int64) (int, error) {
	tag, err := t.tx.Exec(ctx, `UPDATE sms_outbox SET status = 'cancelled', updated_at = $2
WHERE plan_id = $1 AND status = 'queued'`, planID, t.now())
	if err != nil {
		return 0, fmt.Errorf("cancel sms of plan %d: %w", planID, err)
	}
	return int(tag.RowsAffected()), nil
}

// ListPlanSMS returns the plan's messages, oldest first.
func (t *followUpTx) ListPlanSMS(ctx context.Context, planID int64) ([]*beredskap.SMSMessage, error) {
	ms, err := querySMS(ctx, t.tx, `SELECT `+smsColumns+` FROM sms_outbox WHERE plan_id = $1 ORDER BY id`, planID)
	if err != nil {
		return nil, fmt.Errorf("list sms of plan %d: %w", planID, err)
	}
	return ms, nil
}

// ListTemplates returns every stored template by key and language.
func (t *followUpTx) ListTemplates(ctx context.Context) ([]*beredskap.SMSTemplate, error) {
	rows, err := t.tx.Query(ctx, `SELECT key, language, body, updated_by, updated_at FROM sms_templates
ORDER BY key, language`)
	if err != nil {
		return nil, fmt.Errorf("list sms templates: %w", err)
	}
	ts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.SMSTemplate, error) { return scanTemplate(row) })
	if err != nil {
		return nil, fmt.Errorf("list sms templates: %w", err)
	}
	return ts, nil
}

// FindTemplate returns the template of the key and language, or
// ENOTFOUND.
func (t *followUpTx) FindTemplate(ctx context.Context, key, language string) (*beredskap.SMSTemplate, error) {
	tp, err := scanTemplate(t.tx.QueryRow(ctx, `SELECT key, language, body, updated_by, updated_at FROM sms_templates
WHERE key = $1 AND language = $2`, key, language))
	if err != nil {
		return nil, fmt.Errorf("find sms template %s/%s: %w", key, language, noRows(err, "sms template"))
	}
	return tp, nil
}

// scanTemplate reads a template's row.
func scanTemplate(row pgx.Row) (*beredskap.SMSTemplate, error) {
	var tp beredskap.SMSTemplate
	if err := row.Scan(&tp.Key, &tp.Language, &tp.Body, &tp.UpdatedBy, &tp.UpdatedAt); err != nil {
		return nil, err
	}
	tp.UpdatedAt = tp.UpdatedAt.UTC()
	return &tp, nil
}

// SaveTemplate creates or replaces the template of tp's key and language
// and sets UpdatedAt from the clock.
func (t *followUpTx) SaveTemplate(ctx context.Context, tp *beredskap.SMSTemplate) error {
	now := t.now()
	_, err := t.tx.Exec(ctx, `INSERT INTO sms_templates (key, language, body, updated_by, updated_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (key, language) DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by,
	updated_at = excluded.updated_at`, tp.Key, tp.Language, tp.Body, tp.UpdatedBy, now)
	if err != nil {
		return fmt.Errorf("save sms template %s/%s: %w", tp.Key, tp.Language, translate(err))
	}
	tp.UpdatedAt = now
	return nil
}

// lockRow returns the clause that locks the rows a finder reads in a write
// transaction, so that a message read and then saved cannot overwrite a
// change committed in between: the worker saving "sent" after a delivery
// receipt overtook it, say. In a read-only transaction it is empty.
func (t *followUpTx) lockRow() string {
	if t.readOnly {
		return ""
	}
	return " FOR UPDATE"
}
