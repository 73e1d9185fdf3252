package postgres

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

const orderColumns = `id, kind, status, first_name, last_name, email, mobile, county, municipality, position,
	role, service_need, valid_to, ordered_by, self_filed, officer_email, confirmed_by, decided_by, reason,
	COALESCE(user_id, 0), created_at, updated_at`

// CreateAccessOrder stores o with its e-mail in lower case and sets ID,
// CreatedAt and UpdatedAt (the clock's time). An open order for the same
// e-mail and municipality is ECONFLICT.
func (t *staffTx) CreateAccessOrder(ctx context.Context, o *beredskap.AccessOrder) error {
	now := t.now()
	email := strings.ToLower(o.Email)
	validTo := stampPtr(o.ValidTo)
	var id int64
	// The conflict target is the partial unique index of open orders; a
	// concurrent insert of the same pair waits here for the other
	// transaction and then sees its row.
	err := t.tx.QueryRow(ctx, `INSERT INTO access_orders (kind, status, first_name, last_name, email, mobile,
	county, municipality, position, role, service_need, valid_to, ordered_by, self_filed, officer_email,
	confirmed_by, decided_by, reason, user_id, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)
ON CONFLICT (email, municipality) WHERE status IN ('awaiting_confirmation', 'pending') DO NOTHING
RETURNING id`,
		string(o.Kind), string(o.Status), o.FirstName, o.LastName, email, o.Mobile, o.County, o.Municipality,
		o.Position, string(o.Role), o.ServiceNeed, validTo, o.OrderedBy, o.SelfFiled, o.OfficerEmail,
		o.ConfirmedBy, o.DecidedBy, o.Reason, nullID(o.UserID), now).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("create access order: %w", beredskap.Errorf(beredskap.ECONFLICT,
			"an open access order for that e-mail and municipality exists already"))
	}
	if err != nil {
		return fmt.Errorf("create access order: %w", translate(err))
	}
	o.ID, o.Email, o.CreatedAt, o.UpdatedAt, o.ValidTo = id, email, now, now, validTo
	return nil
}

// UpdateAccessOrder stores Status, ConfirmedBy, DecidedBy, Reason, UserID
// and UpdatedAt of o (UpdatedAt is the clock's time when zero). An unknown
// order is ENOTFOUND; reopening an order while another is open for the
// same e-mail and municipality is ECONFLICT.
func (t *staffTx) UpdateAccessOrder(ctx context.Context, o *beredskap.AccessOrder) error {
	if o.UpdatedAt.IsZero() {
		o.UpdatedAt = t.now()
	}
	o.UpdatedAt = stamp(o.UpdatedAt)
	tag, err := t.execSavepoint(ctx, `UPDATE access_orders SET status = $2, confirmed_by = $3, decided_by = $4,
	reason = $5, user_id = $6, updated_at = $7
WHERE id = $1`, o.ID, string(o.Status), o.ConfirmedBy, o.DecidedBy, o.Reason, nullID(o.UserID), o.UpdatedAt)
	if err != nil {
		return fmt.Errorf("update access order %d: %w", o.ID, translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update access order %d: %w", o.ID, notFound("access order"))
	}
	return nil
}

// FindAccessOrder returns the access order with the id, or ENOTFOUND.
func (t *staffTx) FindAccessOrder(ctx context.Context, id int64) (*beredskap.AccessOrder, error) {
	o, err := scanOrder(t.tx.QueryRow(ctx, `SELECT `+orderColumns+` FROM access_orders WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("find access order %d: %w", id, noRows(err, "access order"))
	}
	return o, nil
}

func scanOrder(row pgx.Row) (*beredskap.AccessOrder, error) {
	var (
		o                  beredskap.AccessOrder
		kind, status, role string
	)
	err := row.Scan(&o.ID, &kind, &status, &o.FirstName, &o.LastName, &o.Email, &o.Mobile, &o.County,
		&o.Municipality, &o.Position, &role, &o.ServiceNeed, &o.ValidTo, &o.OrderedBy, &o.SelfFiled,
		&o.OfficerEmail, &o.ConfirmedBy, &o.DecidedBy, &o.Reason, &o.UserID, &o.CreatedAt, &o.UpdatedAt)
	if err != nil {
		return nil, err
	}
	o.Kind, o.Status, o.Role = beredskap.OrderKind(kind), beredskap.OrderStatus(status), beredskap.Role(role)
	o.ValidTo = utcPtr(o.ValidTo)
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return &o, nil
}

// ListAccessOrders returns access orders newest first by (CreatedAt, ID),
// at most f.Limit (50 when unset, never more than beredskap.MaxPageSize),
// and the next page's token or "". A malformed page token is EINVALID on
// page_token.
func (t *staffTx) ListAccessOrders(ctx context.Context, f beredskap.AccessOrderFilter) ([]*beredskap.AccessOrder, string, error) {
	limit := pageLimit(f.Limit)
	query := `SELECT ` + orderColumns + ` FROM access_orders WHERE true`
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(f.Statuses) > 0 {
		statuses := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			statuses[i] = string(s)
		}
		query += ` AND status = ANY(` + arg(statuses) + `)`
	}
	if f.Municipality != "" {
		query += ` AND municipality = ` + arg(f.Municipality)
	}
	if f.PageToken != "" {
		at, id, err := decodeOrderToken(f.PageToken)
		if err != nil {
			return nil, "", fmt.Errorf("list access orders: %w", err)
		}
		query += ` AND (created_at, id) < (` + arg(at) + `, ` + arg(id) + `)`
	}
	query += ` ORDER BY created_at DESC, id DESC LIMIT ` + arg(limit+1)
	rows, err := t.tx.Query(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list access orders: %w", err)
	}
	orders, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.AccessOrder, error) { return scanOrder(row) })
	if err != nil {
		return nil, "", fmt.Errorf("list access orders: %w", err)
	}
	var next string
	if len(orders) > limit {
		orders = orders[:limit]
		last := orders[limit-1]
		next = encodeOrderToken(last.CreatedAt, last.ID)
	}
	return orders, next, nil
}

// An access order page token is base64url of "<unix microseconds>.<id>",
// the position of the last order of a page.

func encodeOrderToken(createdAt time.Time, id int64) string {
	s := strconv.FormatInt(createdAt.UnixMicro(), 10) + "." + strconv.FormatInt(id, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

// decodeOrderToken returns the position an access order page token names,
// or EINVALID on page_token.
func decodeOrderToken(token string) (time.Time, int64, error) {
	bad := beredskap.Invalid("page_token", "malformed", "is not a page token this list returned")
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return time.Time{}, 0, bad
	}
	micros, idText, ok := strings.Cut(string(b), ".")
	if !ok {
		return time.Time{}, 0, bad
	}
	us, err1 := strconv.ParseInt(micros, 10, 64)
	id, err2 := strconv.ParseInt(idText, 10, 64)
	if err1 != nil || err2 != nil || us < 0 || id <= 0 {
		return time.Time{}, 0, bad
	}
	return time.UnixMicro(us).UTC(), id, nil
}
