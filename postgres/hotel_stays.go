package postgres

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

const stayColumns = `id, hotel_id, municipality, receipt, guest_name, birth_date, kind, status, from_day, to_day,
	channel, guardian_stay_id, carer_for, payer, employer_org, employer_name, checked_in_at, checked_out_at,
	transfer_address, transfer_group, transfer_documents, note, allocated_by, created_at, updated_at`

// stayRow is the values of a stay's row that its struct does not hold as
// they are stored.
type stayRow struct {
	birthDate, fromDay, toDay *time.Time
}

// stayRowOf checks s's kind, status and days and returns the days as
// dates, and stamps s's times as stored. A bad value is EINVALID naming
// its field; ToDay before FromDay is EINVALID on to_day.
func stayRowOf(s *beredskap.Stay) (stayRow, error) {
	var r stayRow
	var err error
	if r.birthDate, err = optionalDate("birth_date", s.BirthDate); err != nil {
		return r, err
	}
	if r.fromDay, r.toDay, err = dayRange("from_day", s.FromDay, "to_day", s.ToDay); err != nil {
		return r, err
	}
	if s.Kind != beredskap.StayQuarantine && s.Kind != beredskap.StayIsolation {
		return r, beredskap.Invalid("kind", "enum", "must be quarantine or isolation")
	}
	switch s.Status {
	case beredskap.StayAllocated, beredskap.StayCheckedIn, beredskap.StayCheckedOut, beredskap.StayDeparted,
		beredskap.StayTransferred, beredskap.StayCancelled:
	default:
		return r, beredskap.Invalid("status", "enum",
			"must be allocated, checked_in, checked_out, departed, transferred or cancelled")
	}
	s.CheckedInAt, s.CheckedOutAt = stampPtr(s.CheckedInAt), stampPtr(s.CheckedOutAt)
	return r, nil
}

// scanStay reads a row of stayColumns.
func scanStay(row pgx.Row) (*beredskap.Stay, error) {
	var (
		s               beredskap.Stay
		birth           *time.Time
		from, to        time.Time
		kind, status    string
		guardian, carer *int64
	)
	err := row.Scan(&s.ID, &s.HotelID, &s.Municipality, &s.Receipt, &s.GuestName, &birth, &kind, &status,
		&from, &to, &s.Channel, &guardian, &carer, &s.Payer, &s.EmployerOrg, &s.EmployerName, &s.CheckedInAt,
		&s.CheckedOutAt, &s.TransferAddress, &s.TransferGroup, &s.TransferDocuments, &s.Note, &s.AllocatedBy,
		&s.CreatedAt, &s.UpdatedAt)
	if err != nil {
		return nil, err
	}
	s.Kind, s.Status = beredskap.StayKind(kind), beredskap.StayStatus(status)
	s.BirthDate, s.FromDay, s.ToDay = dayString(birth), dayString(&from), dayString(&to)
	if guardian != nil {
		s.GuardianStayID = *guardian
	}
	if carer != nil {
		s.CarerFor = *carer
	}
	s.CheckedInAt, s.CheckedOutAt = utcPtr(s.CheckedInAt), utcPtr(s.CheckedOutAt)
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return &s, nil
}

// queryStays runs a query of stayColumns and reads every row.
func queryStays(ctx context.Context, tx pgx.Tx, query string, args ...any) ([]*beredskap.Stay, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.Stay, error) { return scanStay(row) })
}

// CreateStay stores s and sets ID, CreatedAt and UpdatedAt from the clock.
// A bad kind, status or day is EINVALID; a hotel, guardian's stay or
// minor's stay that does not exist fails (internal).
func (t *hotelTx) CreateStay(ctx context.Context, s *beredskap.Stay) error {
	r, err := stayRowOf(s)
	if err != nil {
		return fmt.Errorf("create stay: %w", err)
	}
	now := t.now()
	err = t.tx.QueryRow(ctx, `INSERT INTO hotel_stays (hotel_id, municipality, receipt, guest_name, birth_date,
	kind, status, from_day, to_day, channel, guardian_stay_id, carer_for, payer, employer_org, employer_name,
	checked_in_at, checked_out_at, transfer_address, transfer_group, transfer_documents, note, allocated_by,
	created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
	$23, $23)
RETURNING id`,
		s.HotelID, s.Municipality, s.Receipt, s.GuestName, r.birthDate, string(s.Kind), string(s.Status),
		r.fromDay, r.toDay, s.Channel, nullID(s.GuardianStayID), nullID(s.CarerFor), s.Payer, s.EmployerOrg,
		s.EmployerName, s.CheckedInAt, s.CheckedOutAt, s.TransferAddress, s.TransferGroup,
		strs(s.TransferDocuments), s.Note, s.AllocatedBy, now).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("create stay: %w", translate(err))
	}
	s.CreatedAt, s.UpdatedAt = now, now
	return nil
}

// UpdateStay stores every field of s except ID, HotelID, Receipt and
// CreatedAt and sets UpdatedAt from the clock, or returns ENOTFOUND. A bad
// kind, status or day is EINVALID.
func (t *hotelTx) UpdateStay(ctx context.Context, s *beredskap.Stay) error {
	r, err := stayRowOf(s)
	if err != nil {
		return fmt.Errorf("update stay %d: %w", s.ID, err)
	}
	now := t.now()
	tag, err := t.tx.Exec(ctx, `UPDATE hotel_stays SET municipality = $2, guest_name = $3, birth_date = $4,
	kind = $5, status = $6, from_day = $7, to_day = $8, channel = $9, guardian_stay_id = $10, carer_for = $11,
	payer = $12, employer_org = $13, employer_name = $14, checked_in_at = $15, checked_out_at = $16,
	transfer_address = $17, transfer_group = $18, transfer_documents = $19, note = $20, allocated_by = $21,
	updated_at = $22
WHERE id = $1`,
		s.ID, s.Municipality, s.GuestName, r.birthDate, string(s.Kind), string(s.Status), r.fromDay, r.toDay,
		s.Channel, nullID(s.GuardianStayID), nullID(s.CarerFor), s.Payer, s.EmployerOrg, s.EmployerName,
		s.CheckedInAt, s.CheckedOutAt, s.TransferAddress, s.TransferGroup, strs(s.TransferDocuments), s.Note,
		s.AllocatedBy, now)
	if err != nil {
		return fmt.Errorf("update stay %d: %w", s.ID, translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update stay %d: %w", s.ID, notFound("stay"))
	}
	s.UpdatedAt = now
	return nil
}

// FindStay returns the stay with the id, or ENOTFOUND.
func (t *hotelTx) FindStay(ctx context.Context, id int64) (*beredskap.Stay, error) {
	s, err := scanStay(t.tx.QueryRow(ctx, `SELECT `+stayColumns+` FROM hotel_stays WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("find stay %d: %w", id, noRows(err, "stay"))
	}
	return s, nil
}

// StaysOf returns every stay of the receipt, oldest first (by id).
func (t *hotelTx) StaysOf(ctx context.Context, receipt string) ([]*beredskap.Stay, error) {
	if r, ok := beredskap.NormalizeReceipt(receipt); ok {
		receipt = r
	}
	ss, err := queryStays(ctx, t.tx, `SELECT `+stayColumns+` FROM hotel_stays WHERE receipt = $1 ORDER BY id`, receipt)
	if err != nil {
		return nil, fmt.Errorf("stays of a receipt: %w", err)
	}
	return ss, nil
}

// staysQuery returns the query and arguments of the stays f selects,
// without order or limit, after the page token when f has one. A night
// that does not parse, or a malformed page token, is EINVALID.
func staysQuery(f beredskap.StayFilter) (string, []any, error) {
	query := `SELECT ` + stayColumns + ` FROM hotel_stays WHERE true`
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Municipality != "" {
		query += ` AND municipality = ` + arg(f.Municipality)
	}
	if f.HotelID != 0 {
		query += ` AND hotel_id = ` + arg(f.HotelID)
	}
	if f.Receipt != "" {
		receipt := f.Receipt
		if r, ok := beredskap.NormalizeReceipt(receipt); ok {
			receipt = r
		}
		query += ` AND receipt = ` + arg(receipt)
	}
	if f.Status != "" {
		query += ` AND status = ` + arg(string(f.Status))
	}
	if f.Night != "" {
		night, err := requiredDate("night", f.Night)
		if err != nil {
			return "", nil, err
		}
		n := arg(night)
		query += ` AND from_day <= ` + n + ` AND to_day > ` + n
	}
	if f.FromNight != "" && f.ToNight != "" {
		from, err := requiredDate("from", f.FromNight)
		if err != nil {
			return "", nil, err
		}
		to, err := requiredDate("to", f.ToNight)
		if err != nil {
			return "", nil, err
		}
		query += ` AND from_day <= ` + arg(to) + ` AND to_day > ` + arg(from)
	}
	if f.Payer != "" {
		query += ` AND payer = ` + arg(f.Payer)
	}
	if f.PageToken != "" {
		day, id, err := decodeStayToken(f.PageToken)
		if err != nil {
			return "", nil, err
		}
		query += ` AND (from_day, id) < (` + arg(day) + `, ` + arg(id) + `)`
	}
	return query, args, nil
}

// staysOrder is the order of ListStays and EachStay: by FromDay and then
// id, newest first.
const staysOrder = ` ORDER BY from_day DESC, id DESC`

// ListStays returns the stays f selects by FromDay, newest first, then id,
// newest first, at most f.Limit (50 when unset, never more than
// beredskap.MaxPageSize), and the next page's token or "". A night that
// does not parse, or a malformed page token, is EINVALID.
func (t *hotelTx) ListStays(ctx context.Context, f beredskap.StayFilter) ([]*beredskap.Stay, string, error) {
	limit := pageLimit(f.Limit)
	query, args, err := staysQuery(f)
	if err != nil {
		return nil, "", fmt.Errorf("list stays: %w", err)
	}
	query += staysOrder + ` LIMIT $` + strconv.Itoa(len(args)+1)
	ss, err := queryStays(ctx, t.tx, query, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list stays: %w", err)
	}
	var next string
	if len(ss) > limit {
		ss = ss[:limit]
		last := ss[limit-1]
		next = encodeStayToken(last.FromDay, last.ID)
	}
	return ss, next, nil
}

// EachStay calls fn with every stay f selects, in the order of ListStays,
// read by one query (see beredskap.HotelTx). Limit and PageToken are
// ignored.
func (t *hotelTx) EachStay(ctx context.Context, f beredskap.StayFilter, fn func(*beredskap.Stay) error) error {
	f.PageToken = ""
	query, args, err := staysQuery(f)
	if err != nil {
		return fmt.Errorf("each stay: %w", err)
	}
	rows, err := t.tx.Query(ctx, query+staysOrder, args...)
	if err != nil {
		return fmt.Errorf("each stay: %w", err)
	}
	return eachRow("each stay", rows, scanStay, fn)
}

// A stay page token is base64url of "<from day>.<id>", the position of the
// last stay of a page.

func encodeStayToken(fromDay string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fromDay + "." + strconv.FormatInt(id, 10)))
}

// decodeStayToken returns the position a stay page token names, or
// EINVALID on page_token.
func decodeStayToken(token string) (time.Time, int64, error) {
	bad := beredskap.Invalid("page_token", "malformed", "is not a page token this list returned")
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return time.Time{}, 0, bad
	}
	dayText, idText, ok := strings.Cut(string(b), ".")
	if !ok {
		return time.Time{}, 0, bad
	}
	day, err1 := beredskap.ParseDate(dayText)
	id, err2 := strconv.ParseInt(idText, 10, 64)
	if err1 != nil || err2 != nil || id <= 0 {
		return time.Time{}, 0, bad
	}
	return day, id, nil
}
