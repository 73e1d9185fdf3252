package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"beredskap"
)

// CreateHold stores h and its receipts.
func (t *retentionTx) CreateHold(ctx context.Context, h *beredskap.LegalHold) error {
	h.CreatedAt = t.now()
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO legal_holds (municipality, receipt, reason, until_day, created_by, created_at, released_by)
		VALUES (?, ?, ?, ?, ?, ?, '') RETURNING id`,
		h.Municipality, h.Receipt, h.Reason, h.UntilDay, h.CreatedBy, fmtTime(h.CreatedAt)).Scan(&h.ID)
	if err != nil {
		return fmt.Errorf("create hold: %w", translate(err))
	}
	for _, r := range h.Receipts {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO legal_hold_receipts (hold_id, receipt) VALUES (?, ?)`, h.ID, r); err != nil {
			return fmt.Errorf("create hold: %w", translate(err))
		}
	}
	return nil
}

const holdColumns = `id, municipality, receipt, reason, until_day, created_by, created_at, released_by, released_at`

func scanHold(row interface{ Scan(...any) error }) (*beredskap.LegalHold, error) {
	var h beredskap.LegalHold
	var created string
	var released sql.NullString
	if err := row.Scan(&h.ID, &h.Municipality, &h.Receipt, &h.Reason, &h.UntilDay, &h.CreatedBy, &created,
		&h.ReleasedBy, &released); err != nil {
		return nil, err
	}
	var err error
	if h.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if h.ReleasedAt, err = parseOpt(released); err != nil {
		return nil, err
	}
	return &h, nil
}

// holdReceipts fills in the receipts of each hold.
func (t *retentionTx) holdReceipts(ctx context.Context, holds []*beredskap.LegalHold) error {
	for _, h := range holds {
		rows, err := t.tx.QueryContext(ctx, `SELECT receipt FROM legal_hold_receipts WHERE hold_id = ? ORDER BY receipt`, h.ID)
		if err != nil {
			return fmt.Errorf("hold receipts: %w", err)
		}
		h.Receipts = nil
		for rows.Next() {
			var r string
			if err := rows.Scan(&r); err != nil {
				rows.Close()
				return err
			}
			h.Receipts = append(h.Receipts, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// FindHold returns the hold with the id, or ENOTFOUND.
func (t *retentionTx) FindHold(ctx context.Context, id int64) (*beredskap.LegalHold, error) {
	h, err := scanHold(t.tx.QueryRowContext(ctx, `SELECT `+holdColumns+` FROM legal_holds WHERE id = ?`, id))
	if err != nil {
		return nil, noRows(err, "legal hold")
	}
	return h, t.holdReceipts(ctx, []*beredskap.LegalHold{h})
}

// ReleaseHold releases a hold that is not released; ENOTFOUND otherwise.
func (t *retentionTx) ReleaseHold(ctx context.Context, id int64, by string, at time.Time) error {
	return t.execOne(ctx, "legal hold in force",
		`UPDATE legal_holds SET released_by = ?, released_at = ? WHERE id = ? AND released_at IS NULL`, by, fmtTime(at), id)
}

// ListHolds returns holds by end day, soonest first.
func (t *retentionTx) ListHolds(ctx context.Context, f beredskap.HoldFilter) ([]*beredskap.LegalHold, error) {
	return t.listHolds(ctx, `SELECT `+holdColumns+` FROM legal_holds
		WHERE (?1 = '' OR municipality = ?1) AND (?2 = 0 OR (released_at IS NULL AND until_day >= ?3))
		ORDER BY until_day, id LIMIT ?4`, f.Municipality, f.Active, f.Day, beredskap.MaxPageSize)
}

// HoldsOf returns the holds naming the receipt.
func (t *retentionTx) HoldsOf(ctx context.Context, receipt string) ([]*beredskap.LegalHold, error) {
	return t.listHolds(ctx, `SELECT `+holdColumns+` FROM legal_holds
		WHERE id IN (SELECT hold_id FROM legal_hold_receipts WHERE receipt = ?) ORDER BY until_day, id`, receipt)
}

func (t *retentionTx) listHolds(ctx context.Context, query string, args ...any) ([]*beredskap.LegalHold, error) {
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list holds: %w", err)
	}
	var out []*beredskap.LegalHold
	for rows.Next() {
		h, err := scanHold(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, t.holdReceipts(ctx, out)
}

// RegistrationsOf returns the person's registrations, as the citizen
// store's statement of the same name does.
func (t *retentionTx) RegistrationsOf(ctx context.Context, nationalID string) ([]*beredskap.StoredRegistration, error) {
	return (&citizenTx{staffTx: t.staffTx}).RegistrationsOf(ctx, nationalID)
}
