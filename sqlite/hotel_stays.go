package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"beredskap"
)

const stayColumns = `id, hotel_id, municipality, receipt, guest_name, birth_date, kind, status, from_day, to_day,
	channel, guardian_stay_id, carer_for, payer, employer_org, employer_name, checked_in_at, checked_out_at,
	transfer_address, transfer_group, transfer_documents, note, allocated_by, created_at, updated_at`

// stampStay writes s's instants back as stored: UTC, to the microsecond.
func stampStay(s *beredskap.Stay) {
	s.CreatedAt, s.UpdatedAt = stamp(s.CreatedAt), stamp(s.UpdatedAt)
	s.CheckedInAt, s.CheckedOutAt = stampOpt(s.CheckedInAt), stampOpt(s.CheckedOutAt)
}

// jsonStrings writes a list of strings as a JSON array.
func jsonStrings(ss []string) string {
	if len(ss) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ss) // a slice of strings always marshals
	return string(b)
}

// stayArgs returns the values of the columns of stayColumns from
// municipality to updated_at, without receipt and created_at.
func stayArgs(s *beredskap.Stay) []any {
	return []any{s.Municipality, s.GuestName, s.BirthDate, string(s.Kind), string(s.Status), s.FromDay, s.ToDay,
		s.Channel, s.GuardianStayID, s.CarerFor, s.Payer, s.EmployerOrg, s.EmployerName, fmtOpt(s.CheckedInAt),
		fmtOpt(s.CheckedOutAt), s.TransferAddress, s.TransferGroup, jsonStrings(s.TransferDocuments), s.Note,
		s.AllocatedBy, fmtTime(s.UpdatedAt)}
}

// CreateStay stores s and sets its ID, and CreatedAt and UpdatedAt from
// the clock.
func (t *hotelTx) CreateStay(ctx context.Context, s *beredskap.Stay) error {
	s.CreatedAt = t.now()
	s.UpdatedAt = s.CreatedAt
	stampStay(s)
	args := append([]any{s.HotelID, s.Receipt}, stayArgs(s)...)
	args = append(args, fmtTime(s.CreatedAt))
	err := t.tx.QueryRowContext(ctx, `INSERT INTO hotel_stays (hotel_id, receipt, municipality, guest_name,
	birth_date, kind, status, from_day, to_day, channel, guardian_stay_id, carer_for, payer, employer_org,
	employer_name, checked_in_at, checked_out_at, transfer_address, transfer_group, transfer_documents, note,
	allocated_by, updated_at, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, args...).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("create stay: %w", translate(err))
	}
	return nil
}

// UpdateStay stores every field of s but ID, HotelID, Receipt and
// CreatedAt, and sets UpdatedAt from the clock, or returns ENOTFOUND.
func (t *hotelTx) UpdateStay(ctx context.Context, s *beredskap.Stay) error {
	s.UpdatedAt = t.now()
	stampStay(s)
	args := append(stayArgs(s), s.ID)
	err := t.execOne(ctx, "stay", `UPDATE hotel_stays SET municipality = ?, guest_name = ?, birth_date = ?,
	kind = ?, status = ?, from_day = ?, to_day = ?, channel = ?, guardian_stay_id = ?, carer_for = ?, payer = ?,
	employer_org = ?, employer_name = ?, checked_in_at = ?, checked_out_at = ?, transfer_address = ?,
	transfer_group = ?, transfer_documents = ?, note = ?, allocated_by = ?, updated_at = ?
WHERE id = ?`, args...)
	if err != nil {
		return fmt.Errorf("update stay %d: %w", s.ID, err)
	}
	return nil
}

// FindStay returns the stay with the id, or ENOTFOUND.
func (t *hotelTx) FindStay(ctx context.Context, id int64) (*beredskap.Stay, error) {
	s, err := scanStay(t.tx.QueryRowContext(ctx, `SELECT `+stayColumns+` FROM hotel_stays WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("find stay %d: %w", id, noRows(err, "stay"))
	}
	return s, nil
}

// staysQuery returns the query and arguments of the stays f selects,
// without order or limit, after the page token when f has one. A malformed
// page token is EINVALID on page_token.
func staysQuery(f beredskap.StayFilter) (string, []any, error) {
	query := `SELECT ` + stayColumns + ` FROM hotel_stays WHERE 1 = 1`
	var args []any
	if f.Municipality != "" {
		query += ` AND municipality = ?`
		args = append(args, f.Municipality)
	}
	if f.HotelID != 0 {
		query += ` AND hotel_id = ?`
		args = append(args, f.HotelID)
	}
	if f.Receipt != "" {
		query += ` AND receipt = ?`
		args = append(args, f.Receipt)
	}
	if f.Status != "" {
		query += ` AND status = ?`
		args = append(args, string(f.Status))
	}
	if f.Night != "" {
		query += ` AND from_day <= ? AND to_day > ?`
		args = append(args, f.Night, f.Night)
	}
	if f.FromNight != "" && f.ToNight != "" {
		query += ` AND from_day <= ? AND to_day > ?`
		args = append(args, f.ToNight, f.FromNight)
	}
	if f.Payer != "" {
		query += ` AND payer = ?`
		args = append(args, f.Payer)
	}
	if f.PageToken != "" {
		day, id, err := decodeStayToken(f.PageToken)
		if err != nil {
			return "", nil, err
		}
		query += ` AND (from_day, id) < (?, ?)`
		args = append(args, day, id)
	}
	return query, args, nil
}

// staysOrder is the order of ListStays and EachStay: by FromDay and then
// id, newest first.
const staysOrder = ` ORDER BY from_day DESC, id DESC`

// ListStays returns the stays f selects by FromDay and then id, newest
// first, at most f.Limit (50 when unset, never more than
// beredskap.MaxPageSize), and the next page's token, "" on the last page.
// A malformed page token is EINVALID on page_token. The page token holds
// the FromDay and id of the last stay of the page.
func (t *hotelTx) ListStays(ctx context.Context, f beredskap.StayFilter) ([]*beredskap.Stay, string, error) {
	limit := pageLimit(f.Limit)
	query, args, err := staysQuery(f)
	if err != nil {
		return nil, "", fmt.Errorf("list stays: %w", err)
	}
	rows, err := t.tx.QueryContext(ctx, query+staysOrder+` LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list stays: %w", err)
	}
	ss, err := collect(rows, scanStay)
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
	rows, err := t.tx.QueryContext(ctx, query+staysOrder, args...)
	if err != nil {
		return fmt.Errorf("each stay: %w", err)
	}
	return eachRow("each stay", rows, scanStay, fn)
}

// encodeStayToken returns the page token of the position after a stay
// beginning on day with the id: base64url of "YYYY-MM-DD.id".
func encodeStayToken(day string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(day + "." + strconv.FormatInt(id, 10)))
}

// decodeStayToken returns the day and id a token of encodeStayToken
// names, or EINVALID on page_token.
func decodeStayToken(token string) (string, int64, error) {
	bad := beredskap.Invalid("page_token", "malformed", "is not a page token this list returned")
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", 0, bad
	}
	day, n, ok := strings.Cut(string(b), ".")
	if !ok {
		return "", 0, bad
	}
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return "", 0, bad
	}
	id, err := strconv.ParseInt(n, 10, 64)
	if err != nil || id <= 0 {
		return "", 0, bad
	}
	return day, id, nil
}

// StaysOf returns every stay of the receipt, oldest first.
func (t *hotelTx) StaysOf(ctx context.Context, receipt string) ([]*beredskap.Stay, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+stayColumns+` FROM hotel_stays WHERE receipt = ? ORDER BY id`, receipt)
	if err != nil {
		return nil, fmt.Errorf("stays of a receipt: %w", err)
	}
	ss, err := collect(rows, scanStay)
	if err != nil {
		return nil, fmt.Errorf("stays of a receipt: %w", err)
	}
	return ss, nil
}

// scanStay reads a row of stayColumns.
func scanStay(row interface{ Scan(...any) error }) (*beredskap.Stay, error) {
	var (
		s                     beredskap.Stay
		kind, status, docs    string
		created, updated      string
		checkedIn, checkedOut sql.NullString
	)
	err := row.Scan(&s.ID, &s.HotelID, &s.Municipality, &s.Receipt, &s.GuestName, &s.BirthDate, &kind, &status,
		&s.FromDay, &s.ToDay, &s.Channel, &s.GuardianStayID, &s.CarerFor, &s.Payer, &s.EmployerOrg, &s.EmployerName,
		&checkedIn, &checkedOut, &s.TransferAddress, &s.TransferGroup, &docs, &s.Note, &s.AllocatedBy, &created, &updated)
	if err != nil {
		return nil, err
	}
	s.Kind, s.Status = beredskap.StayKind(kind), beredskap.StayStatus(status)
	if s.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("stay %d: %w", s.ID, err)
	}
	if s.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, fmt.Errorf("stay %d: %w", s.ID, err)
	}
	if s.CheckedInAt, err = parseOpt(checkedIn); err != nil {
		return nil, fmt.Errorf("stay %d: %w", s.ID, err)
	}
	if s.CheckedOutAt, err = parseOpt(checkedOut); err != nil {
		return nil, fmt.Errorf("stay %d: %w", s.ID, err)
	}
	if err := json.Unmarshal([]byte(docs), &s.TransferDocuments); err != nil {
		return nil, fmt.Errorf("stay %d: transfer_documents: %w", s.ID, err)
	}
	if len(s.TransferDocuments) == 0 {
		s.TransferDocuments = nil
	}
	return &s, nil
}
