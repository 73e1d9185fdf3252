package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"beredskap"
)

// defaultPageSize is the page size of a list that asks for none.
const defaultPageSize = 50

// maxReceiptAttempts bounds the retries after a receipt collision, which at
// 50 random bits is already rare beyond practical concern.
const maxReceiptAttempts = 5

// RegistrationService stores registrations in SQLite.
type RegistrationService struct {
	db    *DB
	clock beredskap.Clock
	// newReceipt is beredskap.NewReceipt; tests replace it.
	newReceipt func() string
	batches    groupCommit
}

var _ beredskap.RegistrationService = (*RegistrationService)(nil)

// NewRegistrationService returns a service that stores registrations in db
// and takes the time of each write from clock.
func NewRegistrationService(db *DB, clock beredskap.Clock) *RegistrationService {
	return &RegistrationService{db: db, clock: clock, newReceipt: beredskap.NewReceipt}
}

// CreateRegistration stores n under a fresh receipt and returns it with
// created true. Concurrent calls share transactions (see groupCommit); each
// returns once its registration is committed. A retry with an IdempotencyKey stored before
// and the same RequestHash returns the stored registration with created
// false; another RequestHash is ECONFLICT. An arrival time or birth date
// that does not parse is EINVALID.
func (s *RegistrationService) CreateRegistration(ctx context.Context, n beredskap.NewRegistration) (*beredskap.StoredRegistration, bool, error) {
	cols, err := columnsOf(n)
	if err != nil {
		return nil, false, fmt.Errorf("create registration: %w", err)
	}
	op := newCreateOp(ctx, n, cols)
	s.db.prio.enter()
	s.batches.do(op, s.writeBatch)
	s.db.prio.leave()
	if op.err != nil {
		return nil, false, fmt.Errorf("create registration: %w", translate(op.err))
	}
	return op.reg, op.created, nil
}

// create writes n, whose columns are cols, with the transaction's
// statements, or finds the registration stored before under its
// idempotency key. Its *beredskap.Error failures come before it writes
// anything.
func (s *RegistrationService) create(ctx context.Context, stmts *txStatements, n beredskap.NewRegistration, cols columns) (*beredskap.StoredRegistration, bool, error) {
	if n.IdempotencyKey != "" {
		var receipt, hash string
		err := stmts.get(findIdempotencyQuery).QueryRowContext(ctx, n.IdempotencyKey).Scan(&receipt, &hash)
		switch {
		case err == nil && hash != n.RequestHash:
			return nil, false, beredskap.Errorf(beredskap.ECONFLICT, "the idempotency key was used for another registration")
		case err == nil:
			reg, err := findRegistration(ctx, stmts.tx, receipt)
			return reg, false, err
		case !errors.Is(err, sql.ErrNoRows):
			return nil, false, err
		}
	}
	now := s.clock().UTC().Truncate(time.Microsecond)
	reg, err := s.insertRegistration(ctx, stmts, n, cols, now)
	if err != nil {
		return nil, false, err
	}
	if n.IdempotencyKey != "" {
		_, err := stmts.get(insertIdempotencyQuery).ExecContext(ctx,
			n.IdempotencyKey, reg.Receipt, n.RequestHash, now.Format(timeFormat))
		if err != nil {
			return nil, false, err
		}
	}
	return reg, true, nil
}

// insertRegistration inserts n, whose columns are cols, under a fresh
// receipt, drawing another when the receipt is taken.
func (s *RegistrationService) insertRegistration(ctx context.Context, stmts *txStatements, n beredskap.NewRegistration, cols columns, now time.Time) (*beredskap.StoredRegistration, error) {
	insert := stmts.get(insertRegistrationQuery)
	for range maxReceiptAttempts {
		receipt := s.newReceipt()
		_, err := insert.ExecContext(ctx,
			receipt, n.Municipality, cols.arrivalAt.Format(timeFormat), now.Format(timeFormat),
			n.Registration.Traveller.FirstName, n.Registration.Traveller.LastName, n.Registration.Traveller.BirthDate,
			n.Registration.Traveller.Language, n.Decision.RuleSet.ID, n.Decision.RuleSet.Hash,
			n.Decision.Quarantine.LastDay, cols.registration, cols.decision)
		if isUniqueViolation(err) {
			continue // receipt collision: SQLite undid the statement only
		}
		if err != nil {
			return nil, err
		}
		return &beredskap.StoredRegistration{
			Receipt:      receipt,
			Municipality: n.Municipality,
			Registration: n.Registration,
			Decision:     n.Decision,
			CreatedAt:    now,
		}, nil
	}
	return nil, fmt.Errorf("no free receipt after %d attempts", maxReceiptAttempts)
}

// columns are the values of a registration row derived from n.
type columns struct {
	arrivalAt    time.Time
	registration string
	decision     string
}

func columnsOf(n beredskap.NewRegistration) (columns, error) {
	arrival, err := n.Registration.ArrivalInstant()
	if err != nil {
		return columns{}, beredskap.Invalid("arrival_time", "format_instant", "must be an RFC 3339 instant")
	}
	if _, err := beredskap.ParseDate(n.Registration.Traveller.BirthDate); err != nil {
		return columns{}, beredskap.Invalid("traveller.birth_date", "format_date", "must be a date written YYYY-MM-DD")
	}
	if d := n.Decision.Quarantine.LastDay; d != nil {
		if _, err := beredskap.ParseDate(*d); err != nil {
			return columns{}, fmt.Errorf("decision quarantine.last_day %q: %w", *d, err)
		}
	}
	r, err := json.Marshal(n.Registration)
	if err != nil {
		return columns{}, err
	}
	d, err := json.Marshal(n.Decision)
	if err != nil {
		return columns{}, err
	}
	return columns{arrivalAt: arrival.UTC(), registration: string(r), decision: string(d)}, nil
}

// The statements of writing a registration, prepared once on the writer
// (see statements): parsing them on every call showed in profiles.
const (
	insertRegistrationQuery = `INSERT INTO registrations (
	receipt, municipality, arrival_at, created_at, first_name, last_name, birth_date,
	language, rule_id, rule_hash, quarantine_last_day, registration, decision
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	insertIdempotencyQuery = `INSERT INTO idempotency (key, receipt, request_hash, created_at) VALUES (?, ?, ?, ?)`
	findIdempotencyQuery   = `SELECT receipt, request_hash FROM idempotency WHERE key = ?`
)

// FindRegistration returns the registration with the receipt, given in its
// written form (see beredskap.NormalizeReceipt), or ENOTFOUND.
func (s *RegistrationService) FindRegistration(ctx context.Context, receipt string) (*beredskap.StoredRegistration, error) {
	if r, ok := beredskap.NormalizeReceipt(receipt); ok {
		receipt = r
	}
	reg, err := findRegistration(ctx, s.db.read, receipt)
	if err != nil {
		return nil, fmt.Errorf("find registration: %w", err)
	}
	return reg, nil
}

const selectRegistration = `SELECT receipt, municipality, created_at, registration, decision FROM registrations`

// queryer is a *sql.DB or a *sql.Tx.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func findRegistration(ctx context.Context, q queryer, receipt string) (*beredskap.StoredRegistration, error) {
	reg, err := scanRegistration(q.QueryRowContext(ctx, selectRegistration+` WHERE receipt = ?`, receipt))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, beredskap.Errorf(beredskap.ENOTFOUND, "no registration has that receipt")
	}
	return reg, err
}

// ListRegistrations returns registrations newest first by (created_at,
// receipt), at most f.Limit of them (50 when unset, never more than
// beredskap.MaxPageSize), and the token of the next page, or "" on the last
// page. A malformed page token is EINVALID on page_token.
func (s *RegistrationService) ListRegistrations(ctx context.Context, f beredskap.RegistrationFilter) ([]*beredskap.StoredRegistration, string, error) {
	return listRegistrations(ctx, s.db.read, f)
}

// listRegistrations is ListRegistrations run on q, a pool or a transaction.
func listRegistrations(ctx context.Context, q queryer, f beredskap.RegistrationFilter) ([]*beredskap.StoredRegistration, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultPageSize
	}
	limit = min(limit, beredskap.MaxPageSize)
	query := selectRegistration + ` WHERE 1 = 1`
	var args []any
	if f.Municipality != "" {
		query += ` AND municipality = ?`
		args = append(args, f.Municipality)
	}
	if f.PageToken != "" {
		at, receipt, err := beredskap.DecodePageToken(f.PageToken)
		if err != nil {
			return nil, "", fmt.Errorf("list registrations: %w", err)
		}
		query += ` AND (created_at, receipt) < (?, ?)`
		args = append(args, at.Format(timeFormat), receipt)
	}
	query += ` ORDER BY created_at DESC, receipt DESC LIMIT ?`
	args = append(args, limit+1)

	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list registrations: %w", err)
	}
	defer rows.Close()
	var regs []*beredskap.StoredRegistration
	for rows.Next() {
		reg, err := scanRegistration(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list registrations: %w", err)
		}
		regs = append(regs, reg)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list registrations: %w", err)
	}
	var next string
	if len(regs) > limit {
		regs = regs[:limit]
		last := regs[limit-1]
		next = beredskap.EncodePageToken(last.CreatedAt, last.Receipt)
	}
	return regs, next, nil
}

// scanRegistration reads a row of selectRegistration.
func scanRegistration(row interface{ Scan(...any) error }) (*beredskap.StoredRegistration, error) {
	var (
		reg       beredskap.StoredRegistration
		createdAt string
		r, d      []byte
	)
	if err := row.Scan(&reg.Receipt, &reg.Municipality, &createdAt, &r, &d); err != nil {
		return nil, err
	}
	if err := decodeRegistration(&reg, createdAt, r, d); err != nil {
		return nil, err
	}
	return &reg, nil
}

// decodeRegistration sets reg's CreatedAt, Registration and Decision from
// the created_at, registration and decision columns of selectRegistration;
// reg.Receipt names it in errors. It keeps no reference to r or d, so that
// the caller may reuse them.
func decodeRegistration(reg *beredskap.StoredRegistration, createdAt string, r, d []byte) error {
	t, err := time.Parse(time.RFC3339Nano, createdAt)
	if err != nil {
		return fmt.Errorf("registration %s: created_at: %w", reg.Receipt, err)
	}
	reg.CreatedAt = t.UTC()
	if err := unmarshalStored(r, &reg.Registration); err != nil {
		return fmt.Errorf("registration %s: %w", reg.Receipt, err)
	}
	if err := unmarshalStored(d, &reg.Decision); err != nil {
		return fmt.Errorf("registration %s: %w", reg.Receipt, err)
	}
	return nil
}

// storedJSON is encoding/json's behaviour, as go-json-experiment/json
// (the coming encoding/json/v2) offers it.
var storedJSON = jsonv1.DefaultOptionsV1()

// unmarshalStored decodes a JSON column that json.Marshal wrote, as
// json.Unmarshal would, about three times as fast: a rule-change impact
// run decodes a million registrations and their decisions (issue 5). Like
// json.Unmarshal it copies what it keeps out of data.
func unmarshalStored(data []byte, v any) error {
	return jsonv2.Unmarshal(data, v, storedJSON)
}
