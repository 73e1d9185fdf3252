package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

// CreateCorrection stores c as open.
func (t *retentionTx) CreateCorrection(ctx context.Context, c *beredskap.CorrectionRequest) error {
	c.CreatedAt, c.Status = t.now(), "open"
	err := t.tx.QueryRow(ctx, `INSERT INTO correction_requests
		(national_id, receipt, text, status, answer, closed_by, created_at) VALUES ($1, $2, $3, 'open', '', '', $4) RETURNING id`,
		c.NationalID, c.Receipt, c.Text, c.CreatedAt).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("create correction request: %w", translate(err))
	}
	return nil
}

// ListCorrections returns the open requests, or the person's.
func (t *retentionTx) ListCorrections(ctx context.Context, nationalID string) ([]*beredskap.CorrectionRequest, error) {
	const columns = `id, national_id, receipt, text, status, answer, closed_by, created_at, closed_at`
	query := `SELECT ` + columns + ` FROM correction_requests WHERE status = 'open' AND $1 = '' ORDER BY created_at, id LIMIT $2`
	if nationalID != "" {
		query = `SELECT ` + columns + ` FROM correction_requests WHERE national_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`
	}
	rows, err := t.tx.Query(ctx, query, nationalID, beredskap.MaxPageSize)
	if err != nil {
		return nil, fmt.Errorf("list correction requests: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.CorrectionRequest, error) {
		var c beredskap.CorrectionRequest
		err := row.Scan(&c.ID, &c.NationalID, &c.Receipt, &c.Text, &c.Status, &c.Answer, &c.ClosedBy, &c.CreatedAt, &c.ClosedAt)
		c.CreatedAt, c.ClosedAt = c.CreatedAt.UTC(), utcPtr(c.ClosedAt)
		return &c, err
	})
	if err != nil {
		return nil, fmt.Errorf("list correction requests: %w", err)
	}
	return out, nil
}

// CloseCorrection closes an open request.
func (t *retentionTx) CloseCorrection(ctx context.Context, id int64, by, answer string, at time.Time) error {
	tag, err := t.tx.Exec(ctx, `UPDATE correction_requests SET status = 'closed', closed_by = $1, answer = $2, closed_at = $3
		WHERE id = $4 AND status = 'open'`, by, answer, stamp(at), id)
	if err != nil {
		return fmt.Errorf("close correction request: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("open correction request")
	}
	return nil
}
