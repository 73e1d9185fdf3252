package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"beredskap"
)

// CreateCorrection stores c as open.
func (t *retentionTx) CreateCorrection(ctx context.Context, c *beredskap.CorrectionRequest) error {
	c.CreatedAt, c.Status = t.now(), "open"
	err := t.tx.QueryRowContext(ctx, `INSERT INTO correction_requests
		(national_id, receipt, text, status, answer, closed_by, created_at) VALUES (?, ?, ?, 'open', '', '', ?) RETURNING id`,
		c.NationalID, c.Receipt, c.Text, fmtTime(c.CreatedAt)).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("create correction request: %w", translate(err))
	}
	return nil
}

// ListCorrections returns the open requests, or the person's.
func (t *retentionTx) ListCorrections(ctx context.Context, nationalID string) ([]*beredskap.CorrectionRequest, error) {
	query := `SELECT id, national_id, receipt, text, status, answer, closed_by, created_at, closed_at
		FROM correction_requests WHERE status = 'open' ORDER BY created_at, id LIMIT ?`
	args := []any{beredskap.MaxPageSize}
	if nationalID != "" {
		query = `SELECT id, national_id, receipt, text, status, answer, closed_by, created_at, closed_at
			FROM correction_requests WHERE national_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`
		args = []any{nationalID, beredskap.MaxPageSize}
	}
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list correction requests: %w", err)
	}
	defer rows.Close()
	var out []*beredskap.CorrectionRequest
	for rows.Next() {
		var c beredskap.CorrectionRequest
		var created string
		var closed sql.NullString
		if err := rows.Scan(&c.ID, &c.NationalID, &c.Receipt, &c.Text, &c.Status, &c.Answer, &c.ClosedBy, &created, &closed); err != nil {
			return nil, err
		}
		if c.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		if c.ClosedAt, err = parseOpt(closed); err != nil {
			return nil, err
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}

// CloseCorrection closes an open request.
func (t *retentionTx) CloseCorrection(ctx context.Context, id int64, by, answer string, at time.Time) error {
	return t.execOne(ctx, "open correction request", `UPDATE correction_requests
		SET status = 'closed', closed_by = ?, answer = ?, closed_at = ? WHERE id = ? AND status = 'open'`,
		by, answer, fmtTime(at), id)
}
