package postgres

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"beredskap/storetest"
)

// sentTracer records what a pool sends: each statement sent alone, and
// each batch as its statements joined by " + ".
type sentTracer struct {
	mu    sync.Mutex
	sent  []string
	batch []string
}

func (tr *sentTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.sent = append(tr.sent, d.SQL)
	return ctx
}
func (tr *sentTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (tr *sentTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}
func (tr *sentTracer) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.batch = append(tr.batch, d.SQL)
}
func (tr *sentTracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.sent = append(tr.sent, strings.Join(tr.batch, " + "))
	tr.batch = nil
}

// take returns what was sent since the last call.
func (tr *sentTracer) take() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	s := tr.sent
	tr.sent = nil
	return s
}

func tracedPool(t *testing.T) (*pgxpool.Pool, *sentTracer) {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(storetest.FreshPostgresDB(t))
	if err != nil {
		t.Fatal(err)
	}
	tr := &sentTracer{}
	cfg.ConnConfig.Tracer = tr
	cfg.MaxConns = 1 // every transaction on the same connection
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := pool.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	tr.take()
	return pool, tr
}

var readCommitted = pgx.TxOptions{IsoLevel: pgx.ReadCommitted}

// BEGIN travels in one round trip with the first statement, and a
// transaction that runs none sends nothing (issue 15, item 11).
func TestLazyTxSendsBeginWithFirstStatement(t *testing.T) {
	ctx := context.Background()
	pool, tr := tracedPool(t)

	tx, err := beginLazy(ctx, pool, readCommitted)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if sent := tr.take(); len(sent) != 0 {
		t.Errorf("a transaction without statements sent %q", sent)
	}

	tx, err = beginLazy(ctx, pool, readCommitted)
	if err != nil {
		t.Fatal(err)
	}
	var got bool
	if err := tx.QueryRow(ctx, `SELECT true`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT 2`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	sent := tr.take()
	want := []string{"begin isolation level read committed + SELECT true",
		"SELECT 2", "commit"}
	if strings.Join(sent, " | ") != strings.Join(want, " | ") {
		t.Errorf("sent %q; want %q", sent, want)
	}
}

// The statements after the first run in the same transaction: a rollback
// undoes them all, a savepoint undoes only what follows it, and rows read
// to their end leave the connection free for the next statement.
func TestLazyTxIsOneTransaction(t *testing.T) {
	ctx := context.Background()
	pool, _ := tracedPool(t)
	if _, err := pool.Exec(ctx, `CREATE TABLE lazy (x int PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM lazy`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	tx, err := beginLazy(ctx, pool, readCommitted)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO lazy VALUES (1), (2)`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Fatalf("after rollback %d rows; want 0", n)
	}

	tx, err = beginLazy(ctx, pool, readCommitted)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(ctx, `SELECT generate_series(1, 3)`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO lazy VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	sp, err := tx.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sp.Exec(ctx, `INSERT INTO lazy VALUES (1)`); err == nil {
		t.Fatal("a duplicate key was inserted")
	}
	if err := sp.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO lazy VALUES (2)`); err != nil {
		t.Fatalf("after rolling back to the savepoint: %v", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 2 {
		t.Fatalf("after commit %d rows; want 2", n)
	}

	// A first statement that fails leaves nothing behind, and the
	// connection serves the next transaction.
	tx, err = beginLazy(ctx, pool, readCommitted)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO lazy VALUES (2)`); err == nil {
		t.Fatal("a duplicate key was inserted")
	}
	if err := tx.Commit(ctx); err == nil {
		t.Error("a failed transaction committed")
	}
	tx.Rollback(ctx)
	if n := count(); n != 2 {
		t.Fatalf("after a failed transaction %d rows; want 2", n)
	}
}
