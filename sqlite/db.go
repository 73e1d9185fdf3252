package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"beredskap"
	"beredskap/internal/audithead"
)

// busyTimeout is how long a statement waits for a lock held by another
// connection or process (a command such as `user add`, or a second
// instance on the same file) before it fails with SQLITE_BUSY. Within one
// process writes queue for the one writer connection and never wait here.
// SQLite's busy handler is not fair: a writer of another process can be
// passed over by several transactions in turn, so the wait is generous.
const busyTimeout = 30 * time.Second

// timeFormat writes instants as fixed-width UTC text, so that text order is
// time order. Microseconds match PostgreSQL's timestamptz.
const timeFormat = "2006-01-02T15:04:05.000000Z"

// DB is an open SQLite database: one writer connection, so that writes are
// serialised and every write transaction begins IMMEDIATE, and a pool of
// read connections that WAL mode lets run beside it.
type DB struct {
	write *sql.DB
	read  *sql.DB
	// checkpoint is a connection of its own that copies the WAL back into
	// the database in the background (see checkpointLoop), so that no
	// commit pays for it; nil for :memory:.
	checkpoint *sql.DB
	path       string

	// stmts are statements run often in write transactions, prepared once
	// on the writer connection at Open (see prepareStatements).
	stmts statements

	// head is the audit trail's last entry as last committed or read,
	// and indexed the last entry the search indexes reach, as last read or
	// indexed.
	head    audithead.Hint
	indexed atomic.Int64

	// prio counts the writes that bulk work such as the retention purge
	// lets go first; log is what the checkpoint rounds found of the
	// write-ahead log, on which bulk work paces itself.
	prio *priority
	log  *logState
	// writes counts the write transactions begun (beginWrite).
	writes atomic.Int64

	// bg tracks background work (see goBackground), which stops when done
	// is cancelled; mu guards closed.
	bg     sync.WaitGroup
	mu     sync.Mutex
	closed bool
	done   context.Context
	cancel context.CancelFunc
}

// Open opens the SQLite database at path, creating the file when it is
// missing, and brings its schema up to date. The database runs in WAL mode
// with synchronous=NORMAL: a committed transaction survives a killed process,
// though the last ones may be lost if the machine itself loses power. The
// path ":memory:" opens a private in-memory database on a single connection,
// for tests. A database whose schema is newer than this binary knows is
// refused with ECONFLICT.
func Open(ctx context.Context, path string) (*DB, error) {
	db := &DB{path: path, prio: newPriority(), log: newLogState()}
	db.done, db.cancel = context.WithCancel(context.Background())
	if path == ":memory:" {
		w, err := sql.Open("sqlite", "file::memory:?"+params(true).Encode())
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		// Every connection to :memory: is a database of its own, so the
		// one connection serves readers and the writer alike.
		w.SetMaxOpenConns(1)
		w.SetConnMaxIdleTime(0)
		w.SetConnMaxLifetime(0)
		db.write, db.read = w, w
	} else {
		u := "file:" + (&url.URL{Path: path}).EscapedPath()
		w, err := sql.Open("sqlite", u+"?"+params(true).Encode())
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		w.SetMaxOpenConns(1)
		w.SetConnMaxIdleTime(0)
		w.SetConnMaxLifetime(0)
		r, err := sql.Open("sqlite", u+"?"+params(false).Encode())
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		r.SetMaxOpenConns(max(4, runtime.NumCPU()))
		r.SetMaxIdleConns(max(4, runtime.NumCPU()))
		c, err := sql.Open("sqlite", u+"?"+checkpointParams().Encode())
		if err != nil {
			w.Close()
			r.Close()
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		c.SetMaxOpenConns(1)
		db.write, db.read, db.checkpoint = w, r, c
	}
	// The writer connects first: it switches the file to WAL mode before any
	// reader opens it.
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if err := db.prepareStatements(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if db.checkpoint != nil {
		db.goBackground(db.checkpointLoop)
	}
	return db, nil
}

// params returns the connection settings of the writer or of a reader.
func params(writer bool) url.Values {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	if writer {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		// Commits never checkpoint: checkpointLoop does, on a connection
		// of its own, so that no request waits for it.
		q.Add("_pragma", "wal_autocheckpoint(0)")
		// Deleted rows are overwritten with zeros, and so are pages that
		// a delete frees, so that what the retention purge deletes does
		// not linger in the file. "fast" zeroes only within pages that
		// stay in use: a registration fills a page of its own, and its
		// page was freed with the row still in it
		// (TestPurgedRowsLeaveNoBytes).
		q.Add("_pragma", "secure_delete(on)")
		// Statement journals (a statement that fails undoes only itself)
		// stay in memory instead of spilling to a temporary file; the
		// purge's deletes wrote most of theirs there. The page cache is
		// 64 MiB instead of 2.
		q.Add("_pragma", "temp_store(memory)")
		q.Add("_pragma", "cache_size(-65536)")
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return q
}

// Close stops background work and waits for it, then closes the database;
// the readers first, then the writer, which checkpoints the WAL.
func (db *DB) Close() error {
	db.mu.Lock()
	db.closed = true
	db.mu.Unlock()
	db.cancel()
	db.bg.Wait()
	var errs []error
	errs = append(errs, db.stmts.close())
	if db.checkpoint != nil {
		errs = append(errs, db.checkpoint.Close())
	}
	if db.read != nil && db.read != db.write {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	return errors.Join(errs...)
}

// goBackground runs fn in a goroutine of its own with a context that is
// cancelled when the database closes, which waits for fn to return. It
// returns false, and does not run fn, once the database is closing.
func (db *DB) goBackground(fn func(ctx context.Context)) bool {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return false
	}
	db.bg.Add(1)
	go func() {
		defer db.bg.Done()
		fn(db.done)
	}()
	return true
}

// Ping reports whether both the writer and the readers can reach the file.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite: %w", err)
	}
	if err := db.read.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite: %w", err)
	}
	return nil
}

// SchemaVersion returns the version of the newest migration applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// statements are the statements run on most requests, prepared once at
// Open on the writer and on the read pool and found by their text. A
// transaction runs one with tx.StmtContext, which reuses it on the
// transaction's connection: preparing on db.write inside a transaction would
// wait for the one connection the transaction holds.
type statements struct {
	write, read map[string]*sql.Stmt
}

// writeQueries run only in write transactions; sharedQueries in both kinds.
var (
	writeQueries = []string{auditHeadQuery, auditAppendQuery, indexHeadQuery, indexKeysQuery, indexSubjectsQuery, indexCountQuery, indexBlockQuery, indexMarkQuery,
		insertRegistrationQuery, insertIdempotencyQuery, findIdempotencyQuery}
	sharedQueries = []string{findTokenQuery, findUserByIDQuery, userGrantsQuery, authEpochQuery}
)

// prepareStatements prepares db.stmts. With ":memory:" the writer is the
// read pool too, and each statement is prepared once.
func (db *DB) prepareStatements(ctx context.Context) error {
	prepare := func(pool *sql.DB, queries ...[]string) (map[string]*sql.Stmt, error) {
		m := map[string]*sql.Stmt{}
		for _, qs := range queries {
			for _, q := range qs {
				st, err := pool.PrepareContext(ctx, q)
				if err != nil {
					return m, fmt.Errorf("prepare: %w", err)
				}
				m[q] = st
			}
		}
		return m, nil
	}
	var err error
	if db.stmts.write, err = prepare(db.write, writeQueries, purgeQueries(), sharedQueries); err != nil {
		return err
	}
	if db.read == db.write {
		db.stmts.read = db.stmts.write
		return nil
	}
	db.stmts.read, err = prepare(db.read, sharedQueries)
	return err
}

// writeStmt returns the prepared write statement of query for use in tx.
func (db *DB) writeStmt(ctx context.Context, tx *sql.Tx, query string) *sql.Stmt {
	return tx.StmtContext(ctx, db.stmts.write[query])
}

// txStatements are prepared write statements bound to one transaction,
// each bound once however often the transaction runs it: a batch of
// registrations runs the same few statements for each.
type txStatements struct {
	ctx   context.Context
	db    *DB
	tx    *sql.Tx
	bound map[string]*sql.Stmt
}

// txStatements returns the prepared write statements for use in tx.
func (db *DB) txStatements(ctx context.Context, tx *sql.Tx) *txStatements {
	return &txStatements{ctx: ctx, db: db, tx: tx, bound: make(map[string]*sql.Stmt, 4)}
}

// get returns the prepared write statement of query bound to the
// transaction.
func (t *txStatements) get(query string) *sql.Stmt {
	st, ok := t.bound[query]
	if !ok {
		st = t.db.writeStmt(t.ctx, t.tx, query)
		t.bound[query] = st
	}
	return st
}

// close closes the statements that were prepared.
func (s *statements) close() error {
	var errs []error
	for _, m := range []map[string]*sql.Stmt{s.write, s.read} {
		for q, st := range m {
			errs = append(errs, st.Close())
			delete(m, q)
		}
	}
	return errors.Join(errs...)
}

// indexedUpTo records that the search indexes reach seq.
func (db *DB) indexedUpTo(seq int64) {
	for {
		old := db.indexed.Load()
		if seq <= old || db.indexed.CompareAndSwap(old, seq) {
			return
		}
	}
}

// beginWrite begins an immediate transaction on the writer connection,
// counted in db.prio while it waits for the connection.
func (db *DB) beginWrite(ctx context.Context) (*sql.Tx, error) {
	db.prio.enter()
	defer db.prio.leave()
	tx, err := db.write.BeginTx(ctx, nil)
	if err == nil {
		db.writes.Add(1)
	}
	return tx, err
}

// inWriteTx runs fn in an immediate transaction on the writer connection and
// commits when fn returns nil.
func (db *DB) inWriteTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// errorCode returns SQLite's extended result code of err, or 0.
func errorCode(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

// isUniqueViolation reports whether err is a primary key or unique
// constraint violation.
func isUniqueViolation(err error) bool {
	c := errorCode(err)
	return c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || c == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}

// translate turns driver errors that mean something to the domain into
// *beredskap.Error, and leaves others (internal) as they are.
func translate(err error) error {
	if isUniqueViolation(err) {
		return &beredskap.Error{Code: beredskap.ECONFLICT, Message: "the record exists already"}
	}
	return err
}

// Backup writes a consistent copy of the database to path with VACUUM
// INTO: a compact file holding only live rows, so that rows the purge
// deleted are not carried into it. path must not exist.
func (db *DB) Backup(ctx context.Context, path string) error {
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
