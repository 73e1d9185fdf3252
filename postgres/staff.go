package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"beredskap"
	"beredskap/internal/audithead"
)

// StaffStore keeps users, grants, sessions, tokens, enrolments, access
// orders and the audit trail in PostgreSQL, and reads registrations for
// staff in the same transactions.
type StaffStore struct {
	db    *DB
	clock beredskap.Clock
}

var _ beredskap.StaffStore = (*StaffStore)(nil)

// NewStaffStore returns a store over db that takes the time of audit
// entries and new records from clock.
func NewStaffStore(db *DB, clock beredskap.Clock) *StaffStore {
	return &StaffStore{db: db, clock: clock}
}

// Update runs fn in a read committed transaction and commits when fn
// returns nil. Any error rolls back the whole transaction, audit entries
// included, and is returned as fn gave it (or wrapped, when the commit
// itself fails).
func (s *StaffStore) Update(ctx context.Context, fn func(ctx context.Context, tx beredskap.StaffTx) error) error {
	return s.run(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, false, fn)
}

// View runs fn in a read-only transaction and returns fn's error. Audit
// fails inside it.
func (s *StaffStore) View(ctx context.Context, fn func(ctx context.Context, tx beredskap.StaffTx) error) error {
	return s.run(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted, AccessMode: pgx.ReadOnly}, true, fn)
}

// ConfirmsAuthEpoch marks the store as a beredskap.AuthEpochConfirmer:
// when the context carries an open beredskap.PendingAuth, a transaction
// reads the auth epoch right after BEGIN, with its first statement. When
// the epoch moved, the transaction keeps nothing and runs no statement
// more, the authentication is confirmed again outside it, and fn runs
// again in a new transaction if it holds.
func (s *StaffStore) ConfirmsAuthEpoch() {}

func (s *StaffStore) run(ctx context.Context, opts pgx.TxOptions, readOnly bool,
	fn func(ctx context.Context, tx beredskap.StaffTx) error) error {
	p := beredskap.PendingAuthFrom(ctx)
	if p == nil || !p.Open() {
		return s.runOnce(ctx, opts, readOnly, nil, fn)
	}
	if err := s.runOnce(ctx, opts, readOnly, p, fn); !errors.Is(err, errAuthMoved) {
		return err
	}
	if err := p.Confirm(ctx); err != nil {
		return err
	}
	return s.runOnce(ctx, opts, readOnly, nil, fn)
}

// runOnce runs fn in one transaction, which confirms p when it is not nil,
// and returns errAuthMoved, whatever fn returned, when the epoch moved.
func (s *StaffStore) runOnce(ctx context.Context, opts pgx.TxOptions, readOnly bool, p *beredskap.PendingAuth,
	fn func(ctx context.Context, tx beredskap.StaffTx) error) error {
	tx, err := beginLazy(ctx, s.db.pool, opts)
	if err != nil {
		return fmt.Errorf("begin staff transaction: %w", s.db.unavailable(err))
	}
	defer tx.Rollback(context.Background())
	tx.pending = p
	t := &staffTx{tx: tx, lazy: tx, db: s.db, clock: s.clock, readOnly: readOnly}
	tx.before = t.sendAudit
	err = fn(ctx, t)
	if tx.moved {
		return errAuthMoved
	}
	if err != nil {
		return s.db.unavailable(err)
	}
	conn := tx.Conn().PgConn()
	err = t.commit(ctx)
	if tx.moved {
		s.db.waits.take(conn)
		return errAuthMoved
	}
	if err != nil {
		s.db.waits.take(conn)
		return fmt.Errorf("commit staff transaction: %w", s.db.unavailable(translate(err)))
	}
	if s.db.waits.take(conn) {
		return fmt.Errorf("commit staff transaction: %w", errUnavailable)
	}
	if t.head != nil {
		s.db.head.Set(*t.head)
	}
	return nil
}

// staffTx is one transaction of a StaffStore on db. head is the audit
// trail's head after the last entry Audit appended, nil before the first;
// held is that entry while it waits to travel with the next statement (the
// lazy transaction sends it first: sendAudit) or COMMIT (see Audit); it is
// kept here only.
type staffTx struct {
	tx       pgx.Tx
	lazy     *lazyTx
	held     *beredskap.AuditEntry
	db       *DB
	clock    beredskap.Clock
	readOnly bool
	head     *audithead.Head
}

var _ beredskap.StaffTx = (*staffTx)(nil)

// execSavepoint runs one statement inside a savepoint, so that a failure
// (such as a unique violation) leaves the transaction usable, as it does in
// SQLite, and the service may still record what happened.
func (t *staffTx) execSavepoint(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	sp, err := t.tx.Begin(ctx)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := sp.Exec(ctx, sql, args...)
	if err != nil {
		sp.Rollback(ctx)
		return tag, err
	}
	return tag, sp.Commit(ctx)
}

// forUpdate returns the clause that locks the rows a query reads until the
// transaction ends, in a write transaction, and "" in a read-only one.
func (t *staffTx) forUpdate() string {
	if t.readOnly {
		return ""
	}
	return " FOR UPDATE"
}

// now returns the clock's time as stored: UTC, to the microsecond.
func (t *staffTx) now() time.Time {
	return stamp(t.clock())
}

// stamp returns tm as stored: UTC, to the microsecond.
func stamp(tm time.Time) time.Time {
	return tm.UTC().Truncate(time.Microsecond)
}

// stampPtr is stamp for optional times.
func stampPtr(tm *time.Time) *time.Time {
	if tm == nil {
		return nil
	}
	v := stamp(*tm)
	return &v
}

// utcPtr returns a scanned optional time in UTC.
func utcPtr(tm *time.Time) *time.Time {
	if tm == nil {
		return nil
	}
	v := tm.UTC()
	return &v
}

// nullID returns nil for the zero id, so that it is stored as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// pageLimit returns the page size of a list asking for limit.
func pageLimit(limit int) int {
	if limit <= 0 {
		return defaultPageSize
	}
	return min(limit, beredskap.MaxPageSize)
}

// notFound returns ENOTFOUND about what.
func notFound(what string) error {
	return beredskap.Errorf(beredskap.ENOTFOUND, "no %s matches", what)
}

// noRows turns pgx.ErrNoRows into ENOTFOUND about what, and translates
// other errors.
func noRows(err error, what string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return notFound(what)
	}
	return translate(err)
}

// FindRegistration returns the registration with the receipt when its
// quarantine municipality is municipality ("" matches any), else
// ENOTFOUND.
func (t *staffTx) FindRegistration(ctx context.Context, receipt, municipality string) (*beredskap.StoredRegistration, error) {
	if r, ok := beredskap.NormalizeReceipt(receipt); ok {
		receipt = r
	}
	reg, err := findRegistration(ctx, t.tx, receipt, municipality)
	if err != nil {
		return nil, fmt.Errorf("find registration: %w", err)
	}
	return reg, nil
}

// FindRegistrations returns the registrations of receipts by receipt (see
// beredskap.StaffTx), in one query.
func (t *staffTx) FindRegistrations(ctx context.Context, receipts []string, municipality string) (map[string]*beredskap.StoredRegistration, error) {
	out := make(map[string]*beredskap.StoredRegistration, len(receipts))
	if len(receipts) == 0 {
		return out, nil
	}
	rows, err := t.tx.Query(ctx, selectRegistration+` WHERE receipt = ANY($1) AND ($2 = '' OR municipality = $2)`, receipts, municipality)
	if err != nil {
		return nil, fmt.Errorf("find registrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		reg, err := scanRegistration(rows)
		if err != nil {
			return nil, fmt.Errorf("find registrations: %w", err)
		}
		out[reg.Receipt] = reg
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find registrations: %w", err)
	}
	return out, nil
}

// ListRegistrations returns registrations newest first and the next page's
// token, as RegistrationService.ListRegistrations does, within this
// transaction. A malformed page token is EINVALID on page_token.
func (t *staffTx) ListRegistrations(ctx context.Context, f beredskap.RegistrationFilter) ([]*beredskap.StoredRegistration, string, error) {
	regs, next, err := listRegistrations(ctx, t.tx, f)
	if err != nil {
		return nil, "", fmt.Errorf("list registrations: %w", err)
	}
	return regs, next, nil
}
