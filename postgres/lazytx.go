package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"beredskap"
)

// lazyTx is a transaction on a pooled connection whose BEGIN is sent in
// the same round trip as its first statement (pgx's Batch.BeginTx),
// instead of in one of its own, and a transaction that runs no statement
// sends nothing. Its owner may hold a statement back to travel with the
// next one or with COMMIT (staffTx.Audit holds its entry; see before): an audited read
// (the query, the audit entry, COMMIT) takes two round trips instead of
// four (issue 15, item 11). Statements
// that cannot travel in a batch (COPY, a savepoint, a batch of the
// caller's) begin it in a round trip of their own. It is a pgx.Tx, so that
// the store's helpers take it like any other.
type lazyTx struct {
	conn *pgxpool.Conn
	opts pgx.TxOptions
	// tx is the transaction once begun; released is set once the
	// connection went back to the pool.
	tx       pgx.Tx
	released bool
	// before, when set, sends what its owner held back (staffTx holds an
	// audit entry) ahead of each statement the transaction sends, unless
	// it went with COMMIT first.
	before func(context.Context) error
	// pending is the request's authentication whose auth epoch the
	// transaction reads right after BEGIN, in the same round trip; moved
	// is set when the epoch moved, and the transaction then runs no
	// statement more and cannot commit (see StaffStore.run).
	pending *beredskap.PendingAuth
	moved   bool
}

// errAuthMoved is the answer of a transaction that read an auth epoch
// other than its request's pending authentication was taken under.
var errAuthMoved = errors.New("the auth epoch moved since the request's authentication was taken")

// authEpochQuery reads the auth epoch (see StaffStore.AuthEpoch).
const authEpochQuery = `SELECT epoch FROM auth_epoch WHERE id = 1`

var _ pgx.Tx = (*lazyTx)(nil)

// beginLazy acquires a connection for a transaction with opts, begun when
// its first statement is sent.
func beginLazy(ctx context.Context, pool *pgxpool.Pool, opts pgx.TxOptions) (*lazyTx, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	return &lazyTx{conn: conn, opts: opts}, nil
}

// usable returns why the transaction takes no statement, or nil.
func (t *lazyTx) usable() error {
	if t.released {
		return pgx.ErrTxClosed
	}
	if t.moved {
		return errAuthMoved
	}
	return nil
}

// begun returns the transaction, begun in a round trip of its own (with
// the read of the auth epoch, when pending) if it was not yet.
func (t *lazyTx) begun(ctx context.Context) (pgx.Tx, error) {
	if err := t.usable(); err != nil {
		return nil, err
	}
	if t.tx == nil {
		if t.pending == nil {
			tx, err := t.conn.BeginTx(ctx, t.opts)
			if err != nil {
				return nil, err
			}
			t.tx = tx
			return tx, nil
		}
		b := &pgx.Batch{}
		b.BeginTx(t.opts)
		b.Queue(authEpochQuery)
		br := t.conn.SendBatch(ctx, b)
		t.tx = br.Tx()
		_, err := br.Exec()
		if err == nil {
			err = t.confirm(br)
		}
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
	}
	return t.tx, nil
}

// confirm reads the auth epoch from br, where it follows BEGIN, when an
// authentication is pending, and lets the authentication stand when it is
// the epoch it was taken under; otherwise the transaction is moved and
// errAuthMoved returned.
func (t *lazyTx) confirm(br pgx.BatchResults) error {
	p := t.pending
	if p == nil {
		return nil
	}
	t.pending = nil
	var epoch int64
	if err := br.QueryRow().Scan(&epoch); err != nil {
		return fmt.Errorf("auth epoch: %w", err)
	}
	if epoch != p.Epoch() {
		t.moved = true
		return errAuthMoved
	}
	p.Stand()
	return nil
}

// sendHeld sends what the owner held back, if anything (see before).
func (t *lazyTx) sendHeld(ctx context.Context) error {
	if t.before == nil {
		return nil
	}
	return t.before(ctx)
}

// commitWith sends b's statements, which must end with COMMIT, in one
// round trip, after BEGIN when the transaction has not begun. When they succeed, the transaction has ended and the
// connection is released. When one fails, the transaction is left as the
// failure left it, to be rolled back or, in a failed transaction block,
// repaired (rolled back to a savepoint) and committed.
func (t *lazyTx) commitWith(ctx context.Context, b *pgx.Batch) error {
	if err := t.usable(); err != nil {
		return err
	}
	if t.pending != nil {
		// COMMIT must not travel with the read of the epoch that may
		// forbid it.
		if _, err := t.begun(ctx); err != nil {
			return err
		}
	}
	var br pgx.BatchResults
	if t.tx == nil {
		begin := &pgx.Batch{}
		begin.BeginTx(t.opts)
		begin.QueuedQueries = append(begin.QueuedQueries, b.QueuedQueries...)
		br = t.conn.SendBatch(ctx, begin)
		t.tx = br.Tx()
	} else {
		br = t.tx.SendBatch(ctx, b)
	}
	if err := br.Close(); err != nil {
		return err
	}
	t.release()
	return nil
}

// withBegin sends BEGIN and sql in one batch and returns the results, read
// past BEGIN's, when the transaction has not begun; nil when it has.
func (t *lazyTx) withBegin(ctx context.Context, sql string, args []any) (pgx.BatchResults, error) {
	if err := t.usable(); err != nil {
		return nil, err
	}
	if t.tx != nil {
		return nil, nil
	}
	b := &pgx.Batch{}
	b.BeginTx(t.opts)
	if t.pending != nil {
		b.Queue(authEpochQuery)
	}
	b.Queue(sql, args...)
	br := t.conn.SendBatch(ctx, b)
	t.tx = br.Tx()
	_, err := br.Exec()
	if err == nil {
		err = t.confirm(br)
	}
	if err != nil {
		br.Close()
		return nil, err
	}
	return br, nil
}

// Exec runs sql in the transaction.
func (t *lazyTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if err := t.sendHeld(ctx); err != nil {
		return pgconn.CommandTag{}, err
	}
	br, err := t.withBegin(ctx, sql, args)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	if br == nil {
		return t.tx.Exec(ctx, sql, args...)
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag, err
}

// Query runs sql in the transaction and returns its rows.
func (t *lazyTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if err := t.sendHeld(ctx); err != nil {
		return nil, err
	}
	br, err := t.withBegin(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	if br == nil {
		return t.tx.Query(ctx, sql, args...)
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// QueryRow runs sql in the transaction and returns its first row.
func (t *lazyTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if err := t.sendHeld(ctx); err != nil {
		return errRow{err}
	}
	br, err := t.withBegin(ctx, sql, args)
	if err != nil {
		return errRow{err}
	}
	if br == nil {
		return t.tx.QueryRow(ctx, sql, args...)
	}
	return batchRow{row: br.QueryRow(), br: br}
}

// SendBatch runs b in the transaction.
func (t *lazyTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	if err := t.sendHeld(ctx); err != nil {
		return pgx.FailedBatchResults(b, err)
	}
	tx, err := t.begun(ctx)
	if err != nil {
		return pgx.FailedBatchResults(b, err)
	}
	return tx.SendBatch(ctx, b)
}

// CopyFrom copies rows into the table in the transaction.
func (t *lazyTx) CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error) {
	if err := t.sendHeld(ctx); err != nil {
		return 0, err
	}
	tx, err := t.begun(ctx)
	if err != nil {
		return 0, err
	}
	return tx.CopyFrom(ctx, table, columns, src)
}

// Prepare prepares sql on the transaction's connection.
func (t *lazyTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	if err := t.sendHeld(ctx); err != nil {
		return nil, err
	}
	tx, err := t.begun(ctx)
	if err != nil {
		return nil, err
	}
	return tx.Prepare(ctx, name, sql)
}

// LargeObjects returns the transaction's large objects; it begins the
// transaction.
func (t *lazyTx) LargeObjects() pgx.LargeObjects {
	tx, err := t.begun(context.Background())
	if err != nil {
		return pgx.LargeObjects{}
	}
	return tx.LargeObjects()
}

// Conn returns the transaction's connection.
func (t *lazyTx) Conn() *pgx.Conn { return t.conn.Conn() }

// Begin makes a savepoint, as pgx's nested transactions do.
func (t *lazyTx) Begin(ctx context.Context) (pgx.Tx, error) {
	if err := t.sendHeld(ctx); err != nil {
		return nil, err
	}
	tx, err := t.begun(ctx)
	if err != nil {
		return nil, err
	}
	return tx.Begin(ctx)
}

// Commit sends a statement held back, commits the transaction, if it
// began, and releases the connection.
func (t *lazyTx) Commit(ctx context.Context) error {
	if err := t.usable(); err != nil {
		return err
	}
	if err := t.sendHeld(ctx); err != nil {
		return err
	}
	var err error
	if t.tx != nil {
		err = t.tx.Commit(ctx)
	}
	t.release()
	return err
}

// Rollback rolls the transaction back, if it began and has not ended, and
// releases the connection.
func (t *lazyTx) Rollback(ctx context.Context) error {
	if t.released {
		return pgx.ErrTxClosed
	}
	var err error
	if t.tx != nil {
		if err = t.tx.Rollback(ctx); errors.Is(err, pgx.ErrTxClosed) {
			err = nil
		}
	}
	t.release()
	return err
}

// release returns the connection to the pool (pgx closes a connection
// left in a transaction it could not end, and the pool drops it).
func (t *lazyTx) release() {
	t.released = true
	t.conn.Release()
}

// batchRows are the rows of a statement sent with BEGIN; closing them, or
// reading past the last, closes the batch, so that the connection takes
// the next statement.
type batchRows struct {
	pgx.Rows
	br     pgx.BatchResults
	closed bool
}

func (r *batchRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

func (r *batchRows) Close() {
	r.Rows.Close()
	if !r.closed {
		r.closed = true
		r.br.Close()
	}
}

// batchRow is the row of a statement sent with BEGIN; scanning it closes
// the batch.
type batchRow struct {
	row pgx.Row
	br  pgx.BatchResults
}

func (r batchRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if cerr := r.br.Close(); err == nil {
		err = cerr
	}
	return err
}

// errRow is a row whose statement could not be sent.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
