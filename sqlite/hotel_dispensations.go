package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"beredskap"
)

const dispensationColumns = `id, receipt, municipality, purpose, relation, relation_note, place, from_at, to_at,
	rule_id, status, granted_by, ended_at, end_reason, created_at`

// CreateDispensation stores d and sets its ID, and CreatedAt from the
// clock; From and To are written back as stored.
func (t *hotelTx) CreateDispensation(ctx context.Context, d *beredskap.Dispensation) error {
	d.CreatedAt = t.now()
	d.From, d.To, d.EndedAt = stamp(d.From), stamp(d.To), stampOpt(d.EndedAt)
	err := t.tx.QueryRowContext(ctx, `INSERT INTO dispensations (receipt, municipality, purpose, relation,
	relation_note, place, from_at, to_at, rule_id, status, granted_by, ended_at, end_reason, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		d.Receipt, d.Municipality, string(d.Purpose), d.Relation, d.RelationNote, d.Place, fmtTime(d.From),
		fmtTime(d.To), d.RuleID, string(d.Status), d.GrantedBy, fmtOpt(d.EndedAt), d.EndReason,
		fmtTime(d.CreatedAt)).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("create dispensation: %w", translate(err))
	}
	return nil
}

// UpdateDispensation stores d's Status, EndedAt and EndReason, or returns
// ENOTFOUND.
func (t *hotelTx) UpdateDispensation(ctx context.Context, d *beredskap.Dispensation) error {
	d.EndedAt = stampOpt(d.EndedAt)
	err := t.execOne(ctx, "dispensation", `UPDATE dispensations SET status = ?, ended_at = ?, end_reason = ?
WHERE id = ?`, string(d.Status), fmtOpt(d.EndedAt), d.EndReason, d.ID)
	if err != nil {
		return fmt.Errorf("update dispensation %d: %w", d.ID, err)
	}
	return nil
}

// FindDispensation returns the dispensation with the id, or ENOTFOUND.
func (t *hotelTx) FindDispensation(ctx context.Context, id int64) (*beredskap.Dispensation, error) {
	d, err := scanDispensation(t.tx.QueryRowContext(ctx, `SELECT `+dispensationColumns+` FROM dispensations WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("find dispensation %d: %w", id, noRows(err, "dispensation"))
	}
	return d, nil
}

// DispensationsOf returns the receipt's dispensations, oldest first.
func (t *hotelTx) DispensationsOf(ctx context.Context, receipt string) ([]*beredskap.Dispensation, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+dispensationColumns+` FROM dispensations
WHERE receipt = ? ORDER BY id`, receipt)
	if err != nil {
		return nil, fmt.Errorf("dispensations of a receipt: %w", err)
	}
	ds, err := collect(rows, scanDispensation)
	if err != nil {
		return nil, fmt.Errorf("dispensations of a receipt: %w", err)
	}
	return ds, nil
}

// ListDispensations returns the municipality's dispensations by CreatedAt
// and then id, newest first, at most limit (50 when unset, never more than
// beredskap.MaxPageSize).
func (t *hotelTx) ListDispensations(ctx context.Context, municipality string, limit int) ([]*beredskap.Dispensation, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+dispensationColumns+` FROM dispensations
WHERE municipality = ? ORDER BY created_at DESC, id DESC LIMIT ?`, municipality, pageLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("list dispensations: %w", err)
	}
	ds, err := collect(rows, scanDispensation)
	if err != nil {
		return nil, fmt.Errorf("list dispensations: %w", err)
	}
	return ds, nil
}

// scanDispensation reads a row of dispensationColumns.
func scanDispensation(row interface{ Scan(...any) error }) (*beredskap.Dispensation, error) {
	var (
		d                 beredskap.Dispensation
		purpose, status   string
		from, to, created string
		ended             sql.NullString
	)
	err := row.Scan(&d.ID, &d.Receipt, &d.Municipality, &purpose, &d.Relation, &d.RelationNote, &d.Place, &from, &to,
		&d.RuleID, &status, &d.GrantedBy, &ended, &d.EndReason, &created)
	if err != nil {
		return nil, err
	}
	d.Purpose, d.Status = beredskap.DispensationPurpose(purpose), beredskap.DispensationStatus(status)
	for _, f := range []struct {
		dst *time.Time
		src string
	}{{&d.From, from}, {&d.To, to}, {&d.CreatedAt, created}} {
		if *f.dst, err = parseTime(f.src); err != nil {
			return nil, fmt.Errorf("dispensation %d: %w", d.ID, err)
		}
	}
	if d.EndedAt, err = parseOpt(ended); err != nil {
		return nil, fmt.Errorf("dispensation %d: %w", d.ID, err)
	}
	return &d, nil
}

const delegationColumns = `id, user_id, municipality, granted_by, created_at, ended_at`

// CreateDelegation stores d and sets its ID, and CreatedAt from the clock.
// An open delegation of the same user in the same municipality is
// ECONFLICT.
func (t *hotelTx) CreateDelegation(ctx context.Context, d *beredskap.Delegation) error {
	d.CreatedAt = t.now()
	d.EndedAt = stampOpt(d.EndedAt)
	err := t.tx.QueryRowContext(ctx, `INSERT INTO dispensation_delegations (user_id, municipality, granted_by,
	created_at, ended_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		d.UserID, d.Municipality, d.GrantedBy, fmtTime(d.CreatedAt), fmtOpt(d.EndedAt)).Scan(&d.ID)
	if err != nil {
		err = translate(err)
		if beredskap.ErrorCode(err) == beredskap.ECONFLICT {
			err = beredskap.Errorf(beredskap.ECONFLICT, "the user holds a delegation in the municipality already")
		}
		return fmt.Errorf("create delegation: %w", err)
	}
	return nil
}

// EndDelegation sets EndedAt of the open delegation with the id to at, or
// returns ENOTFOUND when no open delegation has the id.
func (t *hotelTx) EndDelegation(ctx context.Context, id int64, at time.Time) error {
	err := t.execOne(ctx, "open delegation", `UPDATE dispensation_delegations SET ended_at = ?
WHERE id = ? AND ended_at IS NULL`, fmtTime(at), id)
	if err != nil {
		return fmt.Errorf("end delegation %d: %w", id, err)
	}
	return nil
}

// OpenDelegation returns the user's open delegation in the municipality,
// or ENOTFOUND.
func (t *hotelTx) OpenDelegation(ctx context.Context, userID int64, municipality string) (*beredskap.Delegation, error) {
	d, err := scanDelegation(t.tx.QueryRowContext(ctx, `SELECT `+delegationColumns+` FROM dispensation_delegations
WHERE user_id = ? AND municipality = ? AND ended_at IS NULL`, userID, municipality))
	if err != nil {
		return nil, fmt.Errorf("open delegation: %w", noRows(err, "open delegation"))
	}
	return d, nil
}

// ListDelegations returns the municipality's delegations, ended ones
// included, oldest first.
func (t *hotelTx) ListDelegations(ctx context.Context, municipality string) ([]*beredskap.Delegation, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+delegationColumns+` FROM dispensation_delegations
WHERE municipality = ? ORDER BY id`, municipality)
	if err != nil {
		return nil, fmt.Errorf("list delegations: %w", err)
	}
	ds, err := collect(rows, scanDelegation)
	if err != nil {
		return nil, fmt.Errorf("list delegations: %w", err)
	}
	return ds, nil
}

// scanDelegation reads a row of delegationColumns.
func scanDelegation(row interface{ Scan(...any) error }) (*beredskap.Delegation, error) {
	var (
		d       beredskap.Delegation
		created string
		ended   sql.NullString
	)
	if err := row.Scan(&d.ID, &d.UserID, &d.Municipality, &d.GrantedBy, &created, &ended); err != nil {
		return nil, err
	}
	var err error
	if d.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("delegation %d: %w", d.ID, err)
	}
	if d.EndedAt, err = parseOpt(ended); err != nil {
		return nil, fmt.Errorf("delegation %d: %w", d.ID, err)
	}
	return &d, nil
}
