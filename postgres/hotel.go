package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

var _ beredskap.HotelStore = (*StaffStore)(nil)

// maxHotelAttempts bounds how often UpdateHotels runs fn when the server
// aborts the transaction for a deadlock or a serialization failure.
const maxHotelAttempts = 5

// UpdateHotels runs fn in a read committed transaction, as UpdateFollowUp
// does, and commits when fn returns nil. The transaction serves the staff
// and follow-up statements too, so that audit entries, plans and SMS commit
// with the hotel work.
//
// Concurrent allocations to one hotel queue on the hotel's row (LockHotel
// takes it FOR UPDATE). A transaction that holds it and then waits for the
// audit trail's head can meet one that holds the head and waits for the
// hotel, and the server aborts one of them for the deadlock (40P01); a
// serialization failure (40001) is treated alike. Such a transaction did
// nothing, so UpdateHotels runs fn again in a new one, up to
// maxHotelAttempts times in all; fn must therefore do nothing but work in
// tx. Other errors are returned as fn gave them.
func (s *StaffStore) UpdateHotels(ctx context.Context, fn func(ctx context.Context, tx beredskap.HotelTx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
			return fn(ctx, &hotelTx{followUpTx: &followUpTx{staffTx: tx.(*staffTx)}})
		})
		if err == nil || attempt == maxHotelAttempts || !retryable(err) || ctx.Err() != nil {
			return err
		}
	}
}

// ViewHotels runs fn in a read-only transaction, as View does, and returns
// fn's error. Audit, LockHotel and every write fail inside it.
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

// scanHotel reads a row of hotelColumns.
func scanHotel(row pgx.Row) (*beredskap.QuarantineHotel, error) {
	var h beredskap.QuarantineHotel
	err := row.Scan(&h.ID, &h.Municipality, &h.Name, &h.Address, &h.PostalCode, &h.ContactName,
		&h.ContactEmail, &h.ContactPhone, &h.Rooms, &h.Isolation, &h.Active, &h.CreatedAt, &h.UpdatedAt)
	if err != nil {
		return nil, err
	}
	h.CreatedAt, h.UpdatedAt = h.CreatedAt.UTC(), h.UpdatedAt.UTC()
	return &h, nil
}

// checkRooms returns EINVALID on rooms when n is negative.
func checkRooms(n int) error {
	if n < 0 {
		return beredskap.Invalid("rooms", "min", "must not be negative")
	}
	return nil
}

// CreateHotel stores h and sets ID, CreatedAt and UpdatedAt from the clock.
// Negative rooms are EINVALID.
func (t *hotelTx) CreateHotel(ctx context.Context, h *beredskap.QuarantineHotel) error {
	if err := checkRooms(h.Rooms); err != nil {
		return fmt.Errorf("create hotel: %w", err)
	}
	now := t.now()
	err := t.tx.QueryRow(ctx, `INSERT INTO quarantine_hotels (municipality, name, address, postal_code,
	contact_name, contact_email, contact_phone, rooms, isolation, active, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
RETURNING id`, h.Municipality, h.Name, h.Address, h.PostalCode, h.ContactName, h.ContactEmail,
		h.ContactPhone, h.Rooms, h.Isolation, h.Active, now).Scan(&h.ID)
	if err != nil {
		return fmt.Errorf("create hotel: %w", translate(err))
	}
	h.CreatedAt, h.UpdatedAt = now, now
	return nil
}

// UpdateHotel stores every field of h except ID, Municipality and
// CreatedAt and sets UpdatedAt from the clock, or returns ENOTFOUND.
func (t *hotelTx) UpdateHotel(ctx context.Context, h *beredskap.QuarantineHotel) error {
	if err := checkRooms(h.Rooms); err != nil {
		return fmt.Errorf("update hotel %d: %w", h.ID, err)
	}
	now := t.now()
	tag, err := t.tx.Exec(ctx, `UPDATE quarantine_hotels SET name = $2, address = $3, postal_code = $4,
	contact_name = $5, contact_email = $6, contact_phone = $7, rooms = $8, isolation = $9, active = $10,
	updated_at = $11
WHERE id = $1`, h.ID, h.Name, h.Address, h.PostalCode, h.ContactName, h.ContactEmail, h.ContactPhone,
		h.Rooms, h.Isolation, h.Active, now)
	if err != nil {
		return fmt.Errorf("update hotel %d: %w", h.ID, translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update hotel %d: %w", h.ID, notFound("hotel"))
	}
	h.UpdatedAt = now
	return nil
}

// FindHotel returns the hotel with the id, or ENOTFOUND.
func (t *hotelTx) FindHotel(ctx context.Context, id int64) (*beredskap.QuarantineHotel, error) {
	h, err := scanHotel(t.tx.QueryRow(ctx, `SELECT `+hotelColumns+` FROM quarantine_hotels WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("find hotel %d: %w", id, noRows(err, "hotel"))
	}
	return h, nil
}

// LockHotel returns the hotel with the id, or ENOTFOUND, and holds its row
// FOR UPDATE until the transaction ends: another transaction's LockHotel of
// the same hotel waits, and once it gets the row its next statements see
// the stays this one committed. It fails in a read-only transaction.
func (t *hotelTx) LockHotel(ctx context.Context, id int64) (*beredskap.QuarantineHotel, error) {
	h, err := scanHotel(t.tx.QueryRow(ctx, `SELECT `+hotelColumns+` FROM quarantine_hotels WHERE id = $1
FOR UPDATE`, id))
	if err != nil {
		return nil, fmt.Errorf("lock hotel %d: %w", id, noRows(err, "hotel"))
	}
	return h, nil
}

// ListHotels returns the hotels of a municipality ("" for all) by name,
// then id.
func (t *hotelTx) ListHotels(ctx context.Context, municipality string) ([]*beredskap.QuarantineHotel, error) {
	query := `SELECT ` + hotelColumns + ` FROM quarantine_hotels`
	var args []any
	if municipality != "" {
		query += ` WHERE municipality = $1`
		args = append(args, municipality)
	}
	rows, err := t.tx.Query(ctx, query+` ORDER BY name, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list hotels: %w", err)
	}
	hs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.QuarantineHotel, error) { return scanHotel(row) })
	if err != nil {
		return nil, fmt.Errorf("list hotels: %w", err)
	}
	return hs, nil
}

// dayRange parses the days from and to (both included) and returns
// EINVALID naming the field that does not parse, or "to" when to is before
// from.
func dayRange(fromField, from, toField, to string) (*time.Time, *time.Time, error) {
	f, err := requiredDate(fromField, from)
	if err != nil {
		return nil, nil, err
	}
	l, err := requiredDate(toField, to)
	if err != nil {
		return nil, nil, err
	}
	if l.Before(*f) {
		return nil, nil, beredskap.Invalid(toField, "before_from", "must not be before "+fromField)
	}
	return f, l, nil
}

// AddCapacityChange stores c and sets ID and CreatedAt from the clock. A
// day that does not parse, To before From or negative rooms is EINVALID; a
// hotel that does not exist is ENOTFOUND.
func (t *hotelTx) AddCapacityChange(ctx context.Context, c *beredskap.CapacityChange) error {
	from, to, err := dayRange("from", c.From, "to", c.To)
	if err == nil {
		err = checkRooms(c.Rooms)
	}
	if err != nil {
		return fmt.Errorf("add capacity change: %w", err)
	}
	now := t.now()
	err = t.tx.QueryRow(ctx, `INSERT INTO hotel_capacity_changes (hotel_id, from_day, to_day, rooms, created_by, created_at)
SELECT id, $2, $3, $4, $5, $6 FROM quarantine_hotels WHERE id = $1
RETURNING id`, c.HotelID, from, to, c.Rooms, c.CreatedBy, now).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("add capacity change: %w", noRows(err, "hotel"))
	}
	c.CreatedAt = now
	return nil
}

// ListCapacityChanges returns the hotel's capacity changes, oldest first.
func (t *hotelTx) ListCapacityChanges(ctx context.Context, hotelID int64) ([]*beredskap.CapacityChange, error) {
	rows, err := t.tx.Query(ctx, `SELECT id, hotel_id, from_day, to_day, rooms, created_by, created_at
FROM hotel_capacity_changes WHERE hotel_id = $1 ORDER BY id`, hotelID)
	if err != nil {
		return nil, fmt.Errorf("list capacity changes: %w", err)
	}
	cs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.CapacityChange, error) {
		var (
			c        beredskap.CapacityChange
			from, to time.Time
		)
		if err := row.Scan(&c.ID, &c.HotelID, &from, &to, &c.Rooms, &c.CreatedBy, &c.CreatedAt); err != nil {
			return nil, err
		}
		c.From, c.To, c.CreatedAt = dayString(&from), dayString(&to), c.CreatedAt.UTC()
		return &c, nil
	})
	if err != nil {
		return nil, fmt.Errorf("list capacity changes: %w", err)
	}
	return cs, nil
}

// RoomsTaken returns, for each night from..to (both included, zeros
// included), how many rooms the hotel's open stays take: those allocated or
// checked in that share no guardian's room and whose FromDay is on or
// before the night and ToDay after it. A day that does not parse, or to
// before from, is EINVALID.
func (t *hotelTx) RoomsTaken(ctx context.Context, hotelID int64, from, to string) (map[string]int, error) {
	f, l, err := dayRange("from", from, "to", to)
	if err != nil {
		return nil, fmt.Errorf("rooms taken: %w", err)
	}
	rows, err := t.tx.Query(ctx, `SELECT n::date, count(s.id)
FROM generate_series($2::date, $3::date, interval '1 day') AS n
LEFT JOIN hotel_stays s ON s.hotel_id = $1 AND s.status IN ('allocated', 'checked_in')
	AND s.guardian_stay_id IS NULL AND s.from_day <= n::date AND s.to_day > n::date
GROUP BY n`, hotelID, f, l)
	if err != nil {
		return nil, fmt.Errorf("rooms taken: %w", err)
	}
	taken := map[string]int{}
	var (
		night time.Time
		n     int
	)
	_, err = pgx.ForEachRow(rows, []any{&night, &n}, func() error {
		taken[night.Format(time.DateOnly)] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rooms taken: %w", err)
	}
	return taken, nil
}

// strs returns v, or an empty slice for nil, so that it is stored as an
// empty array rather than NULL.
func strs(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// conflict returns ECONFLICT with the message.
func conflict(format string, args ...any) error {
	return beredskap.Errorf(beredskap.ECONFLICT, format, args...)
}

// isNoRows reports whether err is pgx's "no rows".
func isNoRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }
