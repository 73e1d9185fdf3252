package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"beredskap"
)

const orderColumns = `id, kind, status, first_name, last_name, email, mobile, county, municipality, position,
	role, service_need, valid_to, ordered_by, self_filed, officer_email, confirmed_by, decided_by, reason,
	user_id, created_at, updated_at`

// CreateAccessOrder stores o, with the e-mail in lower case, and sets ID,
// CreatedAt and UpdatedAt (from the clock). An open order for the same
// e-mail and municipality is ECONFLICT.
func (t *staffTx) CreateAccessOrder(ctx context.Context, o *beredskap.AccessOrder) error {
	o.Email = strings.ToLower(o.Email)
	o.CreatedAt = t.now()
	o.UpdatedAt = o.CreatedAt
	o.ValidTo = stampOpt(o.ValidTo)
	err := t.tx.QueryRowContext(ctx, `INSERT INTO access_orders (
	kind, status, first_name, last_name, email, mobile, county, municipality, position,
	role, service_need, valid_to, ordered_by, self_filed, officer_email, confirmed_by, decided_by, reason,
	user_id, created_at, updated_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		string(o.Kind), string(o.Status), o.FirstName, o.LastName, o.Email, o.Mobile, o.County, o.Municipality,
		o.Position, string(o.Role), o.ServiceNeed, fmtOpt(o.ValidTo), o.OrderedBy, o.SelfFiled, o.OfficerEmail,
		o.ConfirmedBy, o.DecidedBy, o.Reason, o.UserID, fmtTime(o.CreatedAt), fmtTime(o.UpdatedAt)).Scan(&o.ID)
	if err != nil {
		return fmt.Errorf("create access order: %w", translate(err))
	}
	return nil
}

// UpdateAccessOrder stores Status, ConfirmedBy, DecidedBy, Reason, UserID
// and UpdatedAt, or returns ENOTFOUND. Reopening an order while another is
// open for the same person and municipality is ECONFLICT.
func (t *staffTx) UpdateAccessOrder(ctx context.Context, o *beredskap.AccessOrder) error {
	o.UpdatedAt = stamp(o.UpdatedAt)
	err := t.execOne(ctx, "access order", `UPDATE access_orders SET
	status = ?, confirmed_by = ?, decided_by = ?, reason = ?, user_id = ?, updated_at = ?
WHERE id = ?`,
		string(o.Status), o.ConfirmedBy, o.DecidedBy, o.Reason, o.UserID, fmtTime(o.UpdatedAt), o.ID)
	if err != nil {
		return fmt.Errorf("update access order %d: %w", o.ID, err)
	}
	return nil
}

// FindAccessOrder returns the order with the id, or ENOTFOUND.
func (t *staffTx) FindAccessOrder(ctx context.Context, id int64) (*beredskap.AccessOrder, error) {
	o, err := scanOrder(t.tx.QueryRowContext(ctx, `SELECT `+orderColumns+` FROM access_orders WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("find access order %d: %w", id, noRows(err, "access order"))
	}
	return o, nil
}

// scanOrder reads a row of orderColumns.
func scanOrder(row interface{ Scan(...any) error }) (*beredskap.AccessOrder, error) {
	var (
		o                  beredskap.AccessOrder
		kind, status, role string
		validTo            sql.NullString
		created, updated   string
	)
	err := row.Scan(&o.ID, &kind, &status, &o.FirstName, &o.LastName, &o.Email, &o.Mobile, &o.County,
		&o.Municipality, &o.Position, &role, &o.ServiceNeed, &validTo, &o.OrderedBy, &o.SelfFiled,
		&o.OfficerEmail, &o.ConfirmedBy, &o.DecidedBy, &o.Reason, &o.UserID, &created, &updated)
	if err != nil {
		return nil, err
	}
	o.Kind, o.Status, o.Role = beredskap.OrderKind(kind), beredskap.OrderStatus(status), beredskap.Role(role)
	if o.ValidTo, err = parseOpt(validTo); err != nil {
		return nil, fmt.Errorf("access order %d: %w", o.ID, err)
	}
	if o.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("access order %d: %w", o.ID, err)
	}
	if o.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, fmt.Errorf("access order %d: %w", o.ID, err)
	}
	return &o, nil
}

// ListAccessOrders returns orders newest first by (CreatedAt, ID), of the
// given statuses and municipality when set, at most f.Limit (50 when unset,
// never more than beredskap.MaxPageSize), and the next page's token or "".
// The token names the last order of the page; a malformed one is EINVALID.
func (t *staffTx) ListAccessOrders(ctx context.Context, f beredskap.AccessOrderFilter) ([]*beredskap.AccessOrder, string, error) {
	limit := pageLimit(f.Limit)
	query := `SELECT ` + orderColumns + ` FROM access_orders WHERE 1 = 1`
	var args []any
	if len(f.Statuses) > 0 {
		query += ` AND status IN (` + strings.Repeat("?, ", len(f.Statuses)-1) + `?)`
		for _, s := range f.Statuses {
			args = append(args, string(s))
		}
	}
	if f.Municipality != "" {
		query += ` AND municipality = ?`
		args = append(args, f.Municipality)
	}
	if f.PageToken != "" {
		id, err := beredskap.DecodeSeqToken(f.PageToken)
		if err != nil {
			return nil, "", fmt.Errorf("list access orders: %w", err)
		}
		// Orders are never removed, so the last one's position can be
		// looked up.
		query += ` AND (created_at, id) < ((SELECT created_at FROM access_orders WHERE id = ?), ?)`
		args = append(args, id, id)
	}
	query += ` ORDER BY created_at DESC, id DESC LIMIT ?`
	args = append(args, limit+1)
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list access orders: %w", err)
	}
	defer rows.Close()
	var orders []*beredskap.AccessOrder
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list access orders: %w", err)
		}
		orders = append(orders, o)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list access orders: %w", err)
	}
	var next string
	if len(orders) > limit {
		orders = orders[:limit]
		next = beredskap.EncodeSeqToken(orders[limit-1].ID)
	}
	return orders, next, nil
}
