package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"beredskap"
	"beredskap/internal/audithead"
)

// DB is an open PostgreSQL database behind a connection pool.
type DB struct {
	pool *pgxpool.Pool
	// head is the audit trail's last entry as this process last committed
	// it.
	head audithead.Hint
	// Logger logs background work (see Lead); nil discards.
	Logger *slog.Logger
	// waits notes commits whose wait for the synchronous standby was
	// cancelled.
	waits syncWaits
	// offset is how far the server's clock is ahead of the local one, in
	// nanoseconds (see Now), and offsetError the most it can be off: half
	// the round trip it was measured in; stopClock ends its measuring.
	offset      atomic.Int64
	offsetError atomic.Int64
	stopClock   context.CancelFunc
}

// Open connects to the PostgreSQL database at url (postgres://...) and
// brings its schema up to date. A database whose schema is newer than this
// binary knows is refused with ECONFLICT.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	// A server that stopped answering (a frozen primary) must not hold a
	// request for long: connecting and the liveness ping of an idle
	// connection give up after a few seconds.
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	cfg.PingTimeout = 2 * time.Second
	db := &DB{}
	cfg.ConnConfig.OnNotice = db.waits.notice
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.pool = pool
	if err := db.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := db.measureClock(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	clockCtx, stop := context.WithCancel(context.Background())
	db.stopClock = stop
	go db.keepClock(clockCtx)
	return db, nil
}

// Close closes every connection of the pool, waiting for those in use.
func (db *DB) Close() error {
	db.stopClock()
	db.pool.Close()
	return nil
}

// Ping reports whether the server answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping postgres: %w", err)
	}
	return nil
}

// SchemaVersion returns the version of the newest migration applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := db.pool.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// inTx runs fn in a read committed transaction and commits when fn returns
// nil. A database that cannot take the work now is EUNAVAILABLE, and so is
// a commit whose wait for the synchronous standby was cancelled: it stands
// on this server but might not survive a failover, so it is not
// acknowledged (a retry with the same idempotency key confirms it).
func (db *DB) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return db.unavailable(err)
	}
	defer tx.Rollback(context.Background())
	if err := fn(tx); err != nil {
		return db.unavailable(err)
	}
	conn := tx.Conn().PgConn()
	if err := tx.Commit(ctx); err != nil {
		db.waits.take(conn)
		return db.unavailable(err)
	}
	if db.waits.take(conn) {
		return fmt.Errorf("commit: %w", errUnavailable)
	}
	return nil
}

// uniqueViolation is the SQLSTATE of a unique or primary key violation.
const uniqueViolation = "23505"

// translate turns driver errors that mean something to the domain into
// *beredskap.Error, and leaves others (internal) as they are.
func translate(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == uniqueViolation {
		return &beredskap.Error{Code: beredskap.ECONFLICT, Message: "the record exists already"}
	}
	return err
}

// eachRow calls fn with every row of rows read with scan as it comes, and
// closes rows. An error of fn ends the reading and is returned as it is;
// an error of the reading is returned after op.
func eachRow[T any](op string, rows pgx.Rows, scan func(pgx.Row) (T, error), fn func(T) error) error {
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
