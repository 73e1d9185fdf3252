package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"beredskap/internal/testwait"
)

// Test databases. Creating one (CREATE DATABASE, a copy of a template)
// takes the server about a second on a loaded machine, the largest share
// of what the PostgreSQL tests wait for; so the copy of a template that
// the next test will want is made while the test before it runs.
//
// A copy made ahead outlives the process that made it when no test takes
// it, and so does the database of a process killed mid-test. Each test
// database is therefore held, for its whole life, by a connection of its
// own that holds a session advisory lock named after the database: a test
// database whose lock nobody holds was left behind, and the first test of
// a later process drops it (reap).

// dbPrefix begins the name of every test database made here.
const dbPrefix = "beredskap_t_"

// testDB is a test database and the connection, to the server's own
// database, that holds its lock; err is why it could not be made.
type testDB struct {
	name string
	conn *pgx.Conn
	err  error
}

// drop drops the database and then releases its lock by closing the
// connection.
func (d testDB) drop(ctx context.Context) error {
	defer d.conn.Close(context.Background())
	_, err := d.conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{d.name}.Sanitize()+" WITH (FORCE)")
	return err
}

// makeDB creates a database with a unique name on server, a copy of
// template ("" for the server's default), locked before it exists.
func makeDB(ctx context.Context, server, template string) testDB {
	var b [8]byte
	rand.Read(b[:])
	d := testDB{name: dbPrefix + hex.EncodeToString(b[:])}
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		return testDB{err: fmt.Errorf("connect to the test PostgreSQL server: %w", err)}
	}
	d.conn = conn
	fail := func(what string, err error) testDB {
		conn.Close(context.Background())
		return testDB{err: fmt.Errorf("%s: %w", what, err)}
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(hashtextextended($1, 0))`, d.name); err != nil {
		return fail("lock the test database's name", err)
	}
	create := "CREATE DATABASE " + pgx.Identifier{d.name}.Sanitize()
	if template != "" {
		create += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	// From PostgreSQL 15 on, a new database is by default copied block by
	// block through the write-ahead log; copying the files costs the
	// server less than half the CPU time for databases this small.
	var fileCopy bool
	if err := conn.QueryRow(ctx, `SELECT current_setting('server_version_num')::int >= 150000`).Scan(&fileCopy); err != nil {
		return fail("test PostgreSQL server version", err)
	}
	if fileCopy {
		create += " STRATEGY FILE_COPY"
	}
	if _, err := conn.Exec(ctx, create); err != nil {
		return fail("create test database", err)
	}
	return d
}

// ahead holds, for a server and template, the copy made ahead for the
// next test, and whether one is being made.
type ahead struct {
	mu     sync.Mutex
	ready  []testDB
	making bool
}

var (
	aheadOf sync.Map // server + "\x00" + template → *ahead
	reaped  sync.Map // server → *sync.Once
)

// take returns a copy made ahead, or makes one now when none is ready,
// and has the next made in the background.
func (a *ahead) take(ctx context.Context, server, template string) testDB {
	a.mu.Lock()
	var d testDB
	ok := len(a.ready) > 0
	if ok {
		d, a.ready = a.ready[0], a.ready[1:]
	}
	next := !a.making
	a.making = true
	a.mu.Unlock()
	if next {
		go func() {
			n := makeDB(context.Background(), server, template)
			a.mu.Lock()
			defer a.mu.Unlock()
			a.making = false
			if n.err == nil {
				a.ready = append(a.ready, n)
			}
		}()
	}
	if !ok {
		d = makeDB(ctx, server, template)
	}
	return d
}

// createDatabase creates a database with a unique name on server, a copy
// of template ("" for the server's default), drops it when the test ends,
// and returns its URL. Copies of a template are made ahead.
func createDatabase(t testing.TB, server, template string) string {
	t.Helper()
	// Creating a database checkpoints the server, which many test
	// processes at once can make slow: no bound but the test's own.
	ctx := testwait.Context(t)
	once, _ := reaped.LoadOrStore(server, &sync.Once{})
	once.(*sync.Once).Do(func() { reap(ctx, server) })
	var d testDB
	if template == "" {
		d = makeDB(ctx, server, "")
	} else {
		a, _ := aheadOf.LoadOrStore(server+"\x00"+template, &ahead{})
		d = a.(*ahead).take(ctx, server, template)
	}
	if d.err != nil {
		t.Fatal(d.err)
	}
	t.Cleanup(func() {
		if err := d.drop(testwait.Context(t)); err != nil {
			t.Errorf("drop test database %s: %v", d.name, err)
		}
	})
	u, err := databaseURL(server, d.name)
	if err != nil {
		t.Fatalf("BEREDSKAP_TEST_POSTGRES: %v", err)
	}
	return u
}

// reap drops the test databases on server that no process holds, left by
// processes that ended without dropping them. It does what it can: a
// database it cannot drop now is left to a later process.
func reap(ctx context.Context, server string) {
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		return
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(ctx, `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, dbPrefix)
	if err != nil {
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return
	}
	for _, name := range names {
		var free bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`, name).Scan(&free); err != nil || !free {
			continue
		}
		_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
		_, _ = conn.Exec(ctx, `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, name)
	}
}
