package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"beredskap"
)

var _ beredskap.HotelStore = (*StaffStore)(nil)

// UpdateHotels runs fn in an immediate write transaction, as Update does,
// and commits when fn returns nil. The transaction serves the staff and
// follow-up statements too, so that audit entries, plans and SMS commit
// with the hotel work. Writes are serialised on the one writer connection,
// which is what keeps two allocations from counting the same free room.
func (s *StaffStore) UpdateHotels(ctx context.Context, fn func(ctx context.Context, tx beredskap.HotelTx) error) error {
	return s.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		return fn(ctx, &hotelTx{followUpTx: &followUpTx{staffTx: tx.(*staffTx)}})
	})
}

// ViewHotels runs fn in a read transaction, as View does. Writes in it
// fail, Audit included.
func (s *StaffStore) ViewHotels(ctx context.Context, fn func(ctx context.Context, tx beredskap.HotelTx) error) error {
	return s.View(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		return fn(ctx, &hotelTx{followUpTx: &followUpTx{staffTx: tx.(*staffTx)}})
	})
}

// hotelTx is one HotelStore transaction: a follow-up transaction with the
// hotel statements added.
type hotelTx struct {
	*followUpTx
}

var _ beredskap.HotelTx = (*hotelTx)(nil)

const hotelColumns = `id, municipality, name, address, postal_code, contact_name, contact_email, contact_phone,
	rooms, isolation, active, created_at, updated_at`

// CreateHotel stores h and sets its ID, and CreatedAt and UpdatedAt from
// the clock.
func (t *hotelTx) CreateHotel(ctx context.Context, h *beredskap.QuarantineHotel) error {
	h.CreatedAt = t.now()
	h.UpdatedAt = h.CreatedAt
	err := t.tx.QueryRowContext(ctx, `INSERT INTO quarantine_hotels (municipality, name, address, postal_code,
	contact_name, contact_email, contact_phone, rooms, isolation, active, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		h.Municipality, h.Name, h.Address, h.PostalCode, h.ContactName, h.ContactEmail, h.ContactPhone,
		h.Rooms, h.Isolation, h.Active, fmtTime(h.CreatedAt), fmtTime(h.UpdatedAt)).Scan(&h.ID)
	if err != nil {
		return fmt.Errorf("create hotel: %w", translate(err))
	}
	return nil
}

// UpdateHotel stores every field of h but ID, Municipality and CreatedAt,
// and sets UpdatedAt from the clock, or returns ENOTFOUND.
func (t *hotelTx) UpdateHotel(ctx context.Context, h *beredskap.QuarantineHotel) error {
	h.UpdatedAt = t.now()
	err := t.execOne(ctx, "hotel", `UPDATE quarantine_hotels SET name = ?, address = ?, postal_code = ?,
	contact_name = ?, contact_email = ?, contact_phone = ?, rooms = ?, isolation = ?, active = ?, updated_at = ?
WHERE id = ?`, h.Name, h.Address, h.PostalCode, h.ContactName, h.ContactEmail, h.ContactPhone, h.Rooms,
		h.Isolation, h.Active, fmtTime(h.UpdatedAt), h.ID)
	if err != nil {
		return fmt.Errorf("update hotel %d: %w", h.ID, err)
	}
	return nil
}

// FindHotel returns the hotel with the id, or ENOTFOUND.
func (t *hotelTx) FindHotel(ctx context.Context, id int64) (*beredskap.QuarantineHotel, error) {
	h, err := scanHotel(t.tx.QueryRowContext(ctx, `SELECT `+hotelColumns+` FROM quarantine_hotels WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("find hotel %d: %w", id, noRows(err, "hotel"))
	}
	return h, nil
}

// LockHotel returns the hotel with the id, or ENOTFOUND. On SQLite it
// only reads the hotel: an UpdateHotels transaction holds the one writer
// connection from its immediate BEGIN to its end, so no other transaction
// can allocate a room anywhere meanwhile, and a count of rooms taken stays
// true until the allocation commits. In a view it locks nothing, nor need
// it, since a view allocates nothing.
func (t *hotelTx) LockHotel(ctx context.Context, id int64) (*beredskap.QuarantineHotel, error) {
	h, err := t.FindHotel(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	return h, nil
}

// ListHotels returns the hotels of the municipality, or of all when it is
// "", by name and then id.
func (t *hotelTx) ListHotels(ctx context.Context, municipality string) ([]*beredskap.QuarantineHotel, error) {
	query := `SELECT ` + hotelColumns + ` FROM quarantine_hotels ORDER BY name, id`
	args := []any{}
	if municipality != "" {
		query = `SELECT ` + hotelColumns + ` FROM quarantine_hotels WHERE municipality = ? ORDER BY name, id`
		args = append(args, municipality)
	}
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list hotels: %w", err)
	}
	hs, err := collect(rows, scanHotel)
	if err != nil {
		return nil, fmt.Errorf("list hotels: %w", err)
	}
	return hs, nil
}

// scanHotel reads a row of hotelColumns.
func scanHotel(row interface{ Scan(...any) error }) (*beredskap.QuarantineHotel, error) {
	var (
		h                beredskap.QuarantineHotel
		created, updated string
	)
	err := row.Scan(&h.ID, &h.Municipality, &h.Name, &h.Address, &h.PostalCode, &h.ContactName, &h.ContactEmail,
		&h.ContactPhone, &h.Rooms, &h.Isolation, &h.Active, &created, &updated)
	if err != nil {
		return nil, err
	}
	if h.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("hotel %d: %w", h.ID, err)
	}
	if h.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, fmt.Errorf("hotel %d: %w", h.ID, err)
	}
	return &h, nil
}

// AddCapacityChange stores c and sets its ID, and CreatedAt from the clock.
// A From or To that is not a date, or a To before From, is EINVALID.
func (t *hotelTx) AddCapacityChange(ctx context.Context, c *beredskap.CapacityChange) error {
	if _, _, err := dayRange(c.From, c.To, "from", "to"); err != nil {
		return fmt.Errorf("add capacity change: %w", err)
	}
	c.CreatedAt = t.now()
	err := t.tx.QueryRowContext(ctx, `INSERT INTO hotel_capacity_changes (hotel_id, from_day, to_day, rooms,
	created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		c.HotelID, c.From, c.To, c.Rooms, c.CreatedBy, fmtTime(c.CreatedAt)).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("add capacity change: %w", translate(err))
	}
	return nil
}

// ListCapacityChanges returns the hotel's capacity changes, oldest first.
func (t *hotelTx) ListCapacityChanges(ctx context.Context, hotelID int64) ([]*beredskap.CapacityChange, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT id, hotel_id, from_day, to_day, rooms, created_by, created_at
FROM hotel_capacity_changes WHERE hotel_id = ? ORDER BY id`, hotelID)
	if err != nil {
		return nil, fmt.Errorf("list capacity changes: %w", err)
	}
	cs, err := collect(rows, func(row interface{ Scan(...any) error }) (*beredskap.CapacityChange, error) {
		var (
			c       beredskap.CapacityChange
			created string
		)
		if err := row.Scan(&c.ID, &c.HotelID, &c.From, &c.To, &c.Rooms, &c.CreatedBy, &created); err != nil {
			return nil, err
		}
		var err error
		c.CreatedAt, err = parseTime(created)
		return &c, err
	})
	if err != nil {
		return nil, fmt.Errorf("list capacity changes: %w", err)
	}
	return cs, nil
}

// RoomsTaken returns, for each night from..to (both included, zeros
// included), how many rooms the hotel's open stays (allocated or checked
// in) take; a child sharing a guardian's room takes none. A day that is
// not a date, or a to before from, is EINVALID.
func (t *hotelTx) RoomsTaken(ctx context.Context, hotelID int64, from, to string) (map[string]int, error) {
	first, last, err := dayRange(from, to, "from", "to")
	if err != nil {
		return nil, fmt.Errorf("rooms taken: %w", err)
	}
	taken := map[string]int{}
	nights := []string{}
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		n := d.Format(time.DateOnly)
		taken[n] = 0
		nights = append(nights, n)
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT from_day, to_day FROM hotel_stays INDEXED BY hotel_stays_open
WHERE hotel_id = ? AND to_day > ? AND from_day <= ? AND status IN ('allocated', 'checked_in')
	AND guardian_stay_id = 0`, hotelID, from, to)
	if err != nil {
		return nil, fmt.Errorf("rooms taken: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sFrom, sTo string
		if err := rows.Scan(&sFrom, &sTo); err != nil {
			return nil, fmt.Errorf("rooms taken: %w", err)
		}
		for _, n := range nights {
			if sFrom <= n && n < sTo {
				taken[n]++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rooms taken: %w", err)
	}
	return taken, nil
}

// dayRange reads the days from and to, YYYY-MM-DD, as dates in UTC, or
// returns EINVALID on the field of one that is not a date, or on toField
// when to is before from.
func dayRange(from, to, fromField, toField string) (time.Time, time.Time, error) {
	f, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return time.Time{}, time.Time{}, beredskap.Invalid(fromField, "malformed", "is not a date written YYYY-MM-DD")
	}
	l, err := time.Parse(time.DateOnly, to)
	if err != nil {
		return time.Time{}, time.Time{}, beredskap.Invalid(toField, "malformed", "is not a date written YYYY-MM-DD")
	}
	if l.Before(f) {
		return time.Time{}, time.Time{}, beredskap.Invalid(toField, "before_from", "is before the first day")
	}
	return f, l, nil
}

// collect reads every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(row interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// eachRow calls fn with every row read with scan as it comes, and closes
// rows. An error of fn ends the reading and is returned as it is; an error
// of the reading is returned after op.
func eachRow[T any](op string, rows *sql.Rows, scan func(row interface{ Scan(...any) error }) (T, error), fn func(T) error) error {
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}
