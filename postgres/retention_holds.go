package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

// CreateHold stores h and its receipts.
func (t *retentionTx) CreateHold(ctx context.Context, h *beredskap.LegalHold) error {
	h.CreatedAt = t.now()
	err := t.tx.QueryRow(ctx, `
		INSERT INTO legal_holds (municipality, receipt, reason, until_day, created_by, created_at, released_by)
		VALUES ($1, $2, $3, $4::date, $5, $6, '') RETURNING id`,
		h.Municipality, h.Receipt, h.Reason, h.UntilDay, h.CreatedBy, h.CreatedAt).Scan(&h.ID)
	if err != nil {
		return fmt.Errorf("create hold: %w", translate(err))
	}
	if _, err := t.tx.Exec(ctx, `INSERT INTO legal_hold_receipts (hold_id, receipt) SELECT $1, unnest($2::text[])`,
		h.ID, h.Receipts); err != nil {
		return fmt.Errorf("create hold: %w", translate(err))
	}
	return nil
}

const holdColumns = `id, municipality, receipt, reason, until_day::text, created_by, created_at, released_by, released_at,
	ARRAY(SELECT receipt FROM legal_hold_receipts WHERE hold_id = legal_holds.id ORDER BY receipt)`

func scanHold(row pgx.Row) (*beredskap.LegalHold, error) {
	var h beredskap.LegalHold
	if err := row.Scan(&h.ID, &h.Municipality, &h.Receipt, &h.Reason, &h.UntilDay, &h.CreatedBy, &h.CreatedAt,
		&h.ReleasedBy, &h.ReleasedAt, &h.Receipts); err != nil {
		return nil, err
	}
	h.CreatedAt = h.CreatedAt.UTC()
	h.ReleasedAt = utcPtr(h.ReleasedAt)
	return &h, nil
}

// FindHold returns the hold with the id, or ENOTFOUND.
func (t *retentionTx) FindHold(ctx context.Context, id int64) (*beredskap.LegalHold, error) {
	h, err := scanHold(t.tx.QueryRow(ctx, `SELECT `+holdColumns+` FROM legal_holds WHERE id = $1`, id))
	if err != nil {
		return nil, noRows(err, "legal hold")
	}
	return h, nil
}

// ReleaseHold releases a hold that is not released; ENOTFOUND otherwise.
func (t *retentionTx) ReleaseHold(ctx context.Context, id int64, by string, at time.Time) error {
	tag, err := t.tx.Exec(ctx, `UPDATE legal_holds SET released_by = $1, released_at = $2 WHERE id = $3 AND released_at IS NULL`,
		by, stamp(at), id)
	if err != nil {
		return fmt.Errorf("release hold: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("legal hold in force")
	}
	return nil
}

// ListHolds returns holds by end day, soonest first.
func (t *retentionTx) ListHolds(ctx context.Context, f beredskap.HoldFilter) ([]*beredskap.LegalHold, error) {
	day := f.Day
	if day == "" {
		day = "0001-01-01"
	}
	return t.listHolds(ctx, `SELECT `+holdColumns+` FROM legal_holds
		WHERE ($1 = '' OR municipality = $1) AND (NOT $2 OR (released_at IS NULL AND until_day >= $3::date))
		ORDER BY until_day, id LIMIT $4`, f.Municipality, f.Active, day, beredskap.MaxPageSize)
}

// HoldsOf returns the holds naming the receipt.
func (t *retentionTx) HoldsOf(ctx context.Context, receipt string) ([]*beredskap.LegalHold, error) {
	return t.listHolds(ctx, `SELECT `+holdColumns+` FROM legal_holds
		WHERE id IN (SELECT hold_id FROM legal_hold_receipts WHERE receipt = $1) ORDER BY until_day, id`, receipt)
}

func (t *retentionTx) listHolds(ctx context.Context, query string, args ...any) ([]*beredskap.LegalHold, error) {
	rows, err := t.tx.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list holds: %w", err)
	}
	defer rows.Close()
	var out []*beredskap.LegalHold
	for rows.Next() {
		h, err := scanHold(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// RegistrationsOf returns the person's registrations, as the citizen
// store's statement of the same name does.
func (t *retentionTx) RegistrationsOf(ctx context.Context, nationalID string) ([]*beredskap.StoredRegistration, error) {
	return (&citizenTx{staffTx: t.staffTx}).RegistrationsOf(ctx, nationalID)
}
