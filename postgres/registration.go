package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

// defaultPageSize is the page size of a list that asks for none.
const defaultPageSize = 50

// maxReceiptAttempts bounds the retries after a receipt collision, which at
// 50 random bits is already rare beyond practical concern.
const maxReceiptAttempts = 5

// RegistrationService stores registrations in PostgreSQL.
type RegistrationService struct {
	db    *DB
	clock beredskap.Clock
	// newReceipt is beredskap.NewReceipt; tests replace it.
	newReceipt func() string
}

var _ beredskap.RegistrationService = (*RegistrationService)(nil)

// NewRegistrationService returns a service that stores registrations in db
// and takes the time of each write from clock.
func NewRegistrationService(db *DB, clock beredskap.Clock) *RegistrationService {
	return &RegistrationService{db: db, clock: clock, newReceipt: beredskap.NewReceipt}
}

// CreateRegistration stores n under a fresh receipt in one transaction and
// returns it with created true. A retry with an IdempotencyKey stored before
// and the same RequestHash returns the stored registration with created
// false; another RequestHash is ECONFLICT. Concurrent requests with one key
// store one registration. An arrival time or birth date that does not parse
// is EINVALID.
func (s *RegistrationService) CreateRegistration(ctx context.Context, n beredskap.NewRegistration) (*beredskap.StoredRegistration, bool, error) {
	var (
		reg     *beredskap.StoredRegistration
		created bool
	)
	err := s.db.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		reg, created, err = s.create(ctx, tx, n)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("create registration: %w", translate(err))
	}
	return reg, created, nil
}

func (s *RegistrationService) create(ctx context.Context, tx pgx.Tx, n beredskap.NewRegistration) (*beredskap.StoredRegistration, bool, error) {
	cols, err := columnsOf(n)
	if err != nil {
		return nil, false, err
	}
	now := s.clock().UTC().Truncate(time.Microsecond)
	receipt := s.newReceipt()
	if n.IdempotencyKey != "" {
		// Claim the key first. A concurrent claim waits here until the
		// other transaction ends; if it committed, the key is taken.
		tag, err := tx.Exec(ctx, `INSERT INTO idempotency (key, receipt, request_hash, created_at)
VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING`, n.IdempotencyKey, receipt, n.RequestHash, now)
		if err != nil {
			return nil, false, err
		}
		if tag.RowsAffected() == 0 {
			reg, err := s.replay(ctx, tx, n)
			return reg, false, err
		}
	}
	for attempt := 1; ; attempt++ {
		tag, err := tx.Exec(ctx, `INSERT INTO registrations (
	receipt, municipality, arrival_at, created_at, first_name, last_name, birth_date,
	language, rule_id, rule_hash, quarantine_last_day, registration, decision
) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
ON CONFLICT (receipt) DO NOTHING`,
			receipt, n.Municipality, cols.arrivalAt, now,
			n.Registration.Traveller.FirstName, n.Registration.Traveller.LastName, cols.birthDate,
			n.Registration.Traveller.Language, n.Decision.RuleSet.ID, n.Decision.RuleSet.Hash,
			cols.lastDay, cols.registration, cols.decision)
		if err != nil {
			return nil, false, err
		}
		if tag.RowsAffected() == 1 {
			break
		}
		if attempt == maxReceiptAttempts {
			return nil, false, fmt.Errorf("no free receipt after %d attempts", maxReceiptAttempts)
		}
		receipt = s.newReceipt() // collision with a stored receipt
		if n.IdempotencyKey != "" {
			if _, err := tx.Exec(ctx, `UPDATE idempotency SET receipt = $2 WHERE key = $1`, n.IdempotencyKey, receipt); err != nil {
				return nil, false, err
			}
		}
	}
	return &beredskap.StoredRegistration{
		Receipt:      receipt,
		Municipality: n.Municipality,
		Registration: n.Registration,
		Decision:     n.Decision,
		CreatedAt:    now,
	}, true, nil
}

// replay returns the registration stored under n's idempotency key, or
// ECONFLICT when the key was used for another request.
//
// A replay must not acknowledge a registration that a failover could
// lose: the first request's commit may stand on the primary while its wait
// for the synchronous standby was cancelled. So the replaying transaction
// writes: it locks the key's row, which is logged, and so its own commit
// waits until the synchronous standby holds everything logged before it,
// the stored registration included (without synchronous replication it
// waits for nothing).
func (s *RegistrationService) replay(ctx context.Context, tx pgx.Tx, n beredskap.NewRegistration) (*beredskap.StoredRegistration, error) {
	var receipt, hash string
	err := tx.QueryRow(ctx, `SELECT receipt, request_hash FROM idempotency WHERE key = $1 FOR UPDATE`, n.IdempotencyKey).Scan(&receipt, &hash)
	if err != nil {
		return nil, err
	}
	if hash != n.RequestHash {
		return nil, beredskap.Errorf(beredskap.ECONFLICT, "the idempotency key was used for another registration")
	}
	return findRegistration(ctx, tx, receipt, "")
}

// columns are the values of a registration row derived from n.
type columns struct {
	arrivalAt    time.Time
	birthDate    time.Time
	lastDay      *time.Time
	registration string
	decision     string
}

func columnsOf(n beredskap.NewRegistration) (columns, error) {
	var c columns
	arrival, err := n.Registration.ArrivalInstant()
	if err != nil {
		return c, beredskap.Invalid("arrival_time", "format_instant", "must be an RFC 3339 instant")
	}
	c.arrivalAt = arrival.UTC()
	if c.birthDate, err = beredskap.ParseDate(n.Registration.Traveller.BirthDate); err != nil {
		return c, beredskap.Invalid("traveller.birth_date", "format_date", "must be a date written YYYY-MM-DD")
	}
	if d := n.Decision.Quarantine.LastDay; d != nil {
		t, err := beredskap.ParseDate(*d)
		if err != nil {
			return c, fmt.Errorf("decision quarantine.last_day %q: %w", *d, err)
		}
		c.lastDay = &t
	}
	r, err := json.Marshal(n.Registration)
	if err != nil {
		return c, err
	}
	d, err := json.Marshal(n.Decision)
	if err != nil {
		return c, err
	}
	c.registration, c.decision = string(r), string(d)
	return c, nil
}

// FindRegistration returns the registration with the receipt, given in its
// written form (see beredskap.NormalizeReceipt), or ENOTFOUND.
func (s *RegistrationService) FindRegistration(ctx context.Context, receipt string) (*beredskap.StoredRegistration, error) {
	if r, ok := beredskap.NormalizeReceipt(receipt); ok {
		receipt = r
	}
	reg, err := findRegistration(ctx, s.db.pool, receipt, "")
	if err != nil {
		return nil, fmt.Errorf("find registration: %w", s.db.unavailable(err))
	}
	return reg, nil
}

const selectRegistration = `SELECT receipt, municipality, created_at, registration, decision FROM registrations`

// queryer is a pool, a connection or a transaction.
type queryer interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// findRegistration returns the registration with the receipt whose
// quarantine municipality is municipality ("" matches any), or ENOTFOUND.
func findRegistration(ctx context.Context, q queryer, receipt, municipality string) (*beredskap.StoredRegistration, error) {
	reg, err := scanRegistration(q.QueryRow(ctx, selectRegistration+` WHERE receipt = $1 AND ($2 = '' OR municipality = $2)`,
		receipt, municipality))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, beredskap.Errorf(beredskap.ENOTFOUND, "no registration has that receipt")
	}
	return reg, err
}

// ListRegistrations returns registrations newest first by (created_at,
// receipt), at most f.Limit of them (50 when unset, never more than
// beredskap.MaxPageSize), and the token of the next page, or "" on the last
// page. A malformed page token is EINVALID on page_token.
func (s *RegistrationService) ListRegistrations(ctx context.Context, f beredskap.RegistrationFilter) ([]*beredskap.StoredRegistration, string, error) {
	regs, next, err := listRegistrations(ctx, s.db.pool, f)
	if err != nil {
		return nil, "", fmt.Errorf("list registrations: %w", s.db.unavailable(err))
	}
	return regs, next, nil
}

// listRegistrations is ListRegistrations over q, with unwrapped errors.
func listRegistrations(ctx context.Context, q queryer, f beredskap.RegistrationFilter) ([]*beredskap.StoredRegistration, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultPageSize
	}
	limit = min(limit, beredskap.MaxPageSize)
	query := selectRegistration + ` WHERE true`
	var args []any
	if f.Municipality != "" {
		args = append(args, f.Municipality)
		query += ` AND municipality = $` + strconv.Itoa(len(args))
	}
	if f.PageToken != "" {
		at, receipt, err := beredskap.DecodePageToken(f.PageToken)
		if err != nil {
			return nil, "", err
		}
		args = append(args, at, receipt)
		query += fmt.Sprintf(` AND (created_at, receipt) < ($%d, $%d)`, len(args)-1, len(args))
	}
	args = append(args, limit+1)
	query += ` ORDER BY created_at DESC, receipt DESC LIMIT $` + strconv.Itoa(len(args))

	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var regs []*beredskap.StoredRegistration
	for rows.Next() {
		reg, err := scanRegistration(rows)
		if err != nil {
			return nil, "", err
		}
		regs = append(regs, reg)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
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
func scanRegistration(row pgx.Row) (*beredskap.StoredRegistration, error) {
	var (
		reg  beredskap.StoredRegistration
		r, d []byte
	)
	if err := row.Scan(&reg.Receipt, &reg.Municipality, &reg.CreatedAt, &r, &d); err != nil {
		return nil, err
	}
	reg.CreatedAt = reg.CreatedAt.UTC()
	if err := json.Unmarshal(r, &reg.Registration); err != nil {
		return nil, fmt.Errorf("registration %s: %w", reg.Receipt, err)
	}
	if err := json.Unmarshal(d, &reg.Decision); err != nil {
		return nil, fmt.Errorf("registration %s: %w", reg.Receipt, err)
	}
	return &reg, nil
}
