package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

const dispensationColumns = `id, receipt, municipality, purpose, relation, relation_note, place, from_at, to_at,
	rule_id, status, granted_by, ended_at, end_reason, created_at`

// scanDispensation reads a row of dispensationColumns.
func scanDispensation(row pgx.Row) (*beredskap.Dispensation, error) {
	var (
		d               beredskap.Dispensation
		purpose, status string
	)
	err := row.Scan(&d.ID, &d.Receipt, &d.Municipality, &purpose, &d.Relation, &d.RelationNote, &d.Place,
		&d.From, &d.To, &d.RuleID, &status, &d.GrantedBy, &d.EndedAt, &d.EndReason, &d.CreatedAt)
	if err != nil {
		return nil, err
	}
	d.Purpose, d.Status = beredskap.DispensationPurpose(purpose), beredskap.DispensationStatus(status)
	d.From, d.To, d.CreatedAt, d.EndedAt = d.From.UTC(), d.To.UTC(), d.CreatedAt.UTC(), utcPtr(d.EndedAt)
	return &d, nil
}

// queryDispensations runs a query of dispensationColumns and reads every
// row.
func queryDispensations(ctx context.Context, tx pgx.Tx, query string, args ...any) ([]*beredskap.Dispensation, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.Dispensation, error) { return scanDispensation(row) })
}

// checkDispensationStatus returns EINVALID on status unless st is granted
// or ended.
func checkDispensationStatus(st beredskap.DispensationStatus) error {
	if st != beredskap.DispensationGranted && st != beredskap.DispensationEnded {
		return beredskap.Invalid("status", "enum", "must be granted or ended")
	}
	return nil
}

// CreateDispensation stores d and sets ID and CreatedAt from the clock,
// and writes d's instants back UTC to the microsecond. A bad status, or To
// not after From, is EINVALID.
func (t *hotelTx) CreateDispensation(ctx context.Context, d *beredskap.Dispensation) error {
	if err := checkDispensationStatus(d.Status); err != nil {
		return fmt.Errorf("create dispensation: %w", err)
	}
	d.From, d.To, d.EndedAt = stamp(d.From), stamp(d.To), stampPtr(d.EndedAt)
	if !d.To.After(d.From) {
		return fmt.Errorf("create dispensation: %w", beredskap.Invalid("to", "before_from", "must be after from"))
	}
	now := t.now()
	err := t.tx.QueryRow(ctx, `INSERT INTO dispensations (receipt, municipality, purpose, relation, relation_note,
	place, from_at, to_at, rule_id, status, granted_by, ended_at, end_reason, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
RETURNING id`, d.Receipt, d.Municipality, string(d.Purpose), d.Relation, d.RelationNote, d.Place, d.From, d.To,
		d.RuleID, string(d.Status), d.GrantedBy, d.EndedAt, d.EndReason, now).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("create dispensation: %w", translate(err))
	}
	d.CreatedAt = now
	return nil
}

// UpdateDispensation stores Status, EndedAt and EndReason of d, or returns
// ENOTFOUND. A bad status is EINVALID.
func (t *hotelTx) UpdateDispensation(ctx context.Context, d *beredskap.Dispensation) error {
	if err := checkDispensationStatus(d.Status); err != nil {
		return fmt.Errorf("update dispensation %d: %w", d.ID, err)
	}
	d.EndedAt = stampPtr(d.EndedAt)
	tag, err := t.tx.Exec(ctx, `UPDATE dispensations SET status = $2, ended_at = $3, end_reason = $4 WHERE id = $1`,
		d.ID, string(d.Status), d.EndedAt, d.EndReason)
	if err != nil {
		return fmt.Errorf("update dispensation %d: %w", d.ID, translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update dispensation %d: %w", d.ID, notFound("dispensation"))
	}
	return nil
}

// FindDispensation returns the dispensation with the id, or ENOTFOUND.
func (t *hotelTx) FindDispensation(ctx context.Context, id int64) (*beredskap.Dispensation, error) {
	d, err := scanDispensation(t.tx.QueryRow(ctx, `SELECT `+dispensationColumns+` FROM dispensations WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("find dispensation %d: %w", id, noRows(err, "dispensation"))
	}
	return d, nil
}

// DispensationsOf returns the receipt's dispensations, oldest first (by
// id).
func (t *hotelTx) DispensationsOf(ctx context.Context, receipt string) ([]*beredskap.Dispensation, error) {
	if r, ok := beredskap.NormalizeReceipt(receipt); ok {
		receipt = r
	}
	ds, err := queryDispensations(ctx, t.tx, `SELECT `+dispensationColumns+` FROM dispensations
WHERE receipt = $1 ORDER BY id`, receipt)
	if err != nil {
		return nil, fmt.Errorf("dispensations of a receipt: %w", err)
	}
	return ds, nil
}

// ListDispensations returns a municipality's dispensations by CreatedAt
// then id, newest first, at most limit (50 when 0 or less, never more than
// beredskap.MaxPageSize).
func (t *hotelTx) ListDispensations(ctx context.Context, municipality string, limit int) ([]*beredskap.Dispensation, error) {
	ds, err := queryDispensations(ctx, t.tx, `SELECT `+dispensationColumns+` FROM dispensations
WHERE municipality = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, municipality, pageLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("list dispensations: %w", err)
	}
	return ds, nil
}

const delegationColumns = `id, user_id, municipality, granted_by, created_at, ended_at`

// scanDelegation reads a row of delegationColumns.
func scanDelegation(row pgx.Row) (*beredskap.Delegation, error) {
	var d beredskap.Delegation
	if err := row.Scan(&d.ID, &d.UserID, &d.Municipality, &d.GrantedBy, &d.CreatedAt, &d.EndedAt); err != nil {
		return nil, err
	}
	d.CreatedAt, d.EndedAt = d.CreatedAt.UTC(), utcPtr(d.EndedAt)
	return &d, nil
}

// CreateDelegation stores d, open, and sets ID and CreatedAt from the
// clock. An open delegation of the same user in the same municipality is
// ECONFLICT and leaves the transaction usable.
func (t *hotelTx) CreateDelegation(ctx context.Context, d *beredskap.Delegation) error {
	now := t.now()
	err := t.tx.QueryRow(ctx, `INSERT INTO dispensation_delegations (user_id, municipality, granted_by, created_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (user_id, municipality) WHERE ended_at IS NULL DO NOTHING
RETURNING id`, d.UserID, d.Municipality, d.GrantedBy, now).Scan(&d.ID)
	if isNoRows(err) {
		return fmt.Errorf("create delegation: %w", conflict(
			"user %d has an open delegation in municipality %s already", d.UserID, d.Municipality))
	}
	if err != nil {
		return fmt.Errorf("create delegation: %w", translate(err))
	}
	d.CreatedAt, d.EndedAt = now, nil
	return nil
}

// EndDelegation sets EndedAt of the open delegation with the id, or returns
// ENOTFOUND when there is none (unknown, or ended already).
func (t *hotelTx) EndDelegation(ctx context.Context, id int64, at time.Time) error {
	tag, err := t.tx.Exec(ctx, `UPDATE dispensation_delegations SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL`,
		id, stamp(at))
	if err != nil {
		return fmt.Errorf("end delegation %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("end delegation %d: %w", id, notFound("open delegation"))
	}
	return nil
}

// OpenDelegation returns the user's open delegation in the municipality,
// or ENOTFOUND.
func (t *hotelTx) OpenDelegation(ctx context.Context, userID int64, municipality string) (*beredskap.Delegation, error) {
	d, err := scanDelegation(t.tx.QueryRow(ctx, `SELECT `+delegationColumns+` FROM dispensation_delegations
WHERE user_id = $1 AND municipality = $2 AND ended_at IS NULL`, userID, municipality))
	if err != nil {
		return nil, fmt.Errorf("open delegation: %w", noRows(err, "open delegation"))
	}
	return d, nil
}

// ListDelegations returns a municipality's delegations, open and ended,
// oldest first (by id).
func (t *hotelTx) ListDelegations(ctx context.Context, municipality string) ([]*beredskap.Delegation, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+delegationColumns+` FROM dispensation_delegations
WHERE municipality = $1 ORDER BY id`, municipality)
	if err != nil {
		return nil, fmt.Errorf("list delegations: %w", err)
	}
	ds, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.Delegation, error) { return scanDelegation(row) })
	if err != nil {
		return nil, fmt.Errorf("list delegations: %w", err)
	}
	return ds, nil
}
