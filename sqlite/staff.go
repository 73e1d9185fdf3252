package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"beredskap"
	"beredskap/internal/audithead"
)

// StaffStore keeps users, grants, sessions, tokens, access orders and the
// audit trail in SQLite. Update runs on the one writer connection, so write
// transactions, and with them audit entries, follow each other in a single
// order; View runs on the read pool. Audit entries' subjects are indexed
// for search in the background (see wakeIndexer).
type StaffStore struct {
	db    *DB
	clock beredskap.Clock

	// mu guards indexing, whether the indexer runs, and again, whether an
	// Update asked for indexing since the indexer last looked.
	mu       sync.Mutex
	indexing bool
	again    bool
}

var _ beredskap.StaffStore = (*StaffStore)(nil)

// NewStaffStore returns a store over db that takes the time of the instants
// it sets itself (audit entries, creation times) from clock.
func NewStaffStore(db *DB, clock beredskap.Clock) *StaffStore {
	return &StaffStore{db: db, clock: clock}
}

// Update runs fn in an immediate write transaction and commits when fn
// returns nil. An error from fn, returned as it is, rolls back everything fn
// did, audit entries included.
func (s *StaffStore) Update(ctx context.Context, fn func(ctx context.Context, tx beredskap.StaffTx) error) error {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("begin staff update: %w", err)
	}
	defer tx.Rollback()
	t := &staffTx{tx: tx, db: s.db, clock: s.clock, write: true}
	if err := fn(ctx, t); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit staff update: %w", err)
	}
	if t.head != nil {
		s.db.head.Set(*t.head)
		if t.head.Seq-s.db.indexed.Load() >= indexBatch {
			s.wakeIndexer()
		}
	}
	return nil
}

// View runs fn in a read transaction on the read pool, which sees one
// snapshot of the database throughout. Writes in it fail, Audit included.
func (s *StaffStore) View(ctx context.Context, fn func(ctx context.Context, tx beredskap.StaffTx) error) error {
	tx, err := s.db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin staff view: %w", err)
	}
	defer tx.Rollback()
	if err := fn(ctx, &staffTx{tx: tx, db: s.db, clock: s.clock}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("end staff view: %w", err)
	}
	return nil
}

// staffTx is one StaffStore transaction on db; write is false in View.
// head is the audit trail's head after the last entry Audit appended, nil
// before the first.
type staffTx struct {
	tx    *sql.Tx
	db    *DB
	clock beredskap.Clock
	write bool
	head  *audithead.Head
}

var _ beredskap.StaffTx = (*staffTx)(nil)

// queryRow runs query in the transaction, through its prepared statement
// when it has one (see statements).
func (t *staffTx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// query is queryRow for statements that return many rows.
func (t *staffTx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.prepared(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

// exec is queryRow for statements that return no rows.
func (t *staffTx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.prepared(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

// prepared returns the statement of query prepared at Open, bound to the
// transaction, or nil.
func (t *staffTx) prepared(ctx context.Context, query string) *sql.Stmt {
	m := t.db.stmts.read
	if t.write {
		m = t.db.stmts.write
	}
	if st, ok := m[query]; ok {
		return t.tx.StmtContext(ctx, st)
	}
	return nil
}

// now returns the clock's instant as stored: UTC, to the microsecond.
func (t *staffTx) now() time.Time { return t.clock().UTC().Truncate(time.Microsecond) }

// exec runs a statement that must change exactly one row, and returns
// ENOTFOUND naming what when it changes none.
func (t *staffTx) execOne(ctx context.Context, what, query string, args ...any) error {
	res, err := t.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return translate(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound(what)
	}
	return nil
}

// notFound returns the ENOTFOUND error about what.
func notFound(what string) error {
	return beredskap.Errorf(beredskap.ENOTFOUND, "no %s matches", what)
}

// noRows turns sql.ErrNoRows into ENOTFOUND about what and translates other
// errors.
func noRows(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(what)
	}
	return translate(err)
}

// stamp returns t as stored: UTC, to the microsecond.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// stampOpt returns the stored form of an optional instant.
func stampOpt(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	s := stamp(*t)
	return &s
}

// fmtTime writes an instant as stored.
func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// fmtOpt writes an optional instant as stored, or NULL.
func fmtOpt(t *time.Time) any {
	if t == nil {
		return nil
	}
	return fmtTime(*t)
}

// parseTime reads an instant as stored.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored instant %q: %w", s, err)
	}
	return t.UTC(), nil
}

// parseOpt reads an optional instant as stored.
func parseOpt(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	t, err := parseTime(s.String)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// pageLimit returns the page size a filter asks for: 50 when unset, never
// more than beredskap.MaxPageSize.
func pageLimit(limit int) int {
	if limit <= 0 {
		return defaultPageSize
	}
	return min(limit, beredskap.MaxPageSize)
}
