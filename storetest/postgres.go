package storetest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"beredskap/internal/testenv"
	"beredskap/internal/testwait"
)

// PostgresURL returns the URL of the PostgreSQL server tests use, from
// BEREDSKAP_TEST_POSTGRES. Without it the test is skipped, or fails when CI
// is "true", since CI must run the PostgreSQL tests (testenv.Missing).
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("BEREDSKAP_TEST_POSTGRES")
	if u == "" {
		testenv.Missing(t, "BEREDSKAP_TEST_POSTGRES is not set: ./scripts/test.sh starts a throwaway PostgreSQL when its server binaries are installed (see the README)")
	}
	return u
}

// FreshPostgresDB creates an empty database with a unique name on the
// server of PostgresURL, drops it when the test ends, and returns its URL.
func FreshPostgresDB(t testing.TB) string {
	t.Helper()
	return createDatabase(t, PostgresURL(t), "")
}

// templateLock is the advisory lock key under which test processes make a
// migrated template database, so that two of them do not make the same
// one at once.
const templateLock = 0x62657265_74706c74

// templates remembers the template databases this process made or found.
var templates sync.Map // name → *templateOnce

type templateOnce struct {
	once sync.Once
	err  error
}

// MigratedPostgresDB is FreshPostgresDB for a database migrated by migrate,
// without running the migrations: the new database is a copy (CREATE
// DATABASE ... TEMPLATE) of a template database that migrate brought up
// to date once for the server. The template is named after schema, a
// digest of the migrations (postgres.SchemaDigest), so a build with other
// migrations makes a template of its own; templates stay on the server,
// one per schema. Tests of the migrations themselves use FreshPostgresDB.
func MigratedPostgresDB(t testing.TB, schema string, migrate func(ctx context.Context, url string) error) string {
	t.Helper()
	server := PostgresURL(t)
	if len(schema) > 16 {
		schema = schema[:16]
	}
	name := "beredskap_template_" + schema
	v, _ := templates.LoadOrStore(name, &templateOnce{})
	tmpl := v.(*templateOnce)
	tmpl.once.Do(func() { tmpl.err = makeTemplate(testwait.Context(t), server, name, migrate) })
	if tmpl.err != nil {
		t.Fatalf("make the migrated template database: %v", tmpl.err)
	}
	return createDatabase(t, server, name)
}

// makeTemplate makes the template database name on server, migrated by
// migrate, unless a complete one is there. The template is marked as one
// (datistemplate) only once migrated, so a database of that name without
// the mark was left by a process that stopped half-way; it is made again.
// It waits for another process making it as long as ctx lets it.
func makeTemplate(ctx context.Context, server, name string, migrate func(ctx context.Context, url string) error) error {
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(templateLock)); err != nil {
		return err
	}
	var done *bool
	err = conn.QueryRow(ctx, `SELECT (SELECT datistemplate FROM pg_database WHERE datname = $1)`, name).Scan(&done)
	if err != nil || (done != nil && *done) {
		return err
	}
	id := pgx.Identifier{name}.Sanitize()
	if done != nil {
		if _, err := conn.Exec(ctx, "DROP DATABASE "+id+" WITH (FORCE)"); err != nil {
			return err
		}
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+id); err != nil {
		return err
	}
	u, err := databaseURL(server, name)
	if err != nil {
		return err
	}
	if err := migrate(ctx, u); err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	// The advisory lock ends with the connection.
	_, err = conn.Exec(ctx, "ALTER DATABASE "+id+" WITH IS_TEMPLATE true")
	return err
}

// databaseURL returns server's URL naming the database name instead.
func databaseURL(server, name string) (string, error) {
	u, err := url.Parse(server)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}
