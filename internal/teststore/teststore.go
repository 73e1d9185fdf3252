// Package teststore opens the stores that service tests run on: SQLite in
// a temporary file always, and PostgreSQL in a fresh database when a
// server is configured (always in CI, where storetest.PostgresURL
// insists on one), so that every flow is tested on both. Both start as
// copies of a database migrated once, not migrated for each test.
package teststore

import (
	"context"
	"testing"

	"beredskap"
	"beredskap/internal/testfile"
	"beredskap/postgres"
	"beredskap/sqlite"
	"beredskap/storetest"
)

// Store is every store SQLite's and PostgreSQL's StaffStore both are.
type Store interface {
	beredskap.StaffStore
	beredskap.CitizenStore
	beredskap.FollowUpStore
	beredskap.HotelStore
	beredskap.RetentionStore
}

// Kinds returns the kinds of store to run on: "sqlite" and "postgres".
// Without a PostgreSQL server, the "postgres" subtests skip with the
// reason, and fail in CI (storetest.PostgresURL).
func Kinds() []string {
	return []string{"sqlite", "postgres"}
}

// Each runs test as a subtest named after each of Kinds.
func Each(t *testing.T, test func(t *testing.T, kind string)) {
	t.Helper()
	for _, kind := range Kinds() {
		t.Run(kind, func(t *testing.T) { test(t, kind) })
	}
}

// SQLitePath returns the path of a file in a temporary directory of tb
// that holds an empty, migrated SQLite database: a copy of one migrated
// once per test process (internal/testfile).
func SQLitePath(tb testing.TB) string {
	tb.Helper()
	return testfile.Copy(tb, "sqlite", "test.db", func(path string) error {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			return err
		}
		return db.Close()
	})
}

// PostgresDB returns the URL of an empty, migrated PostgreSQL database,
// dropped when the test ends: a copy of a template database migrated once
// (storetest.MigratedPostgresDB).
func PostgresDB(tb testing.TB) string {
	tb.Helper()
	schema, err := postgres.SchemaDigest()
	if err != nil {
		tb.Fatalf("postgres migrations: %v", err)
	}
	return storetest.MigratedPostgresDB(tb, schema, func(ctx context.Context, url string) error {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			return err
		}
		return db.Close()
	})
}

// Open opens an empty database of the kind, closed when the test ends, and
// returns the store and the registration service over it, both reading
// clock.
func Open(tb testing.TB, kind string, clock beredskap.Clock) (Store, beredskap.RegistrationService) {
	tb.Helper()
	store, regs, _ := OpenDSN(tb, kind, clock)
	return store, regs
}

// OpenDSN is Open that also returns where the database is: the SQLite
// file's path or the PostgreSQL URL, for tests that look at the tables
// themselves.
func OpenDSN(tb testing.TB, kind string, clock beredskap.Clock) (Store, beredskap.RegistrationService, string) {
	tb.Helper()
	ctx := context.Background()
	switch kind {
	case "sqlite":
		path := SQLitePath(tb)
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			tb.Fatalf("open database: %v", err)
		}
		tb.Cleanup(func() { db.Close() })
		return sqlite.NewStaffStore(db, clock), sqlite.NewRegistrationService(db, clock), path
	case "postgres":
		url := PostgresDB(tb)
		db, err := postgres.Open(ctx, url)
		if err != nil {
			tb.Fatalf("open database: %v", err)
		}
		tb.Cleanup(func() { db.Close() })
		return postgres.NewStaffStore(db, clock), postgres.NewRegistrationService(db, clock), url
	}
	tb.Fatalf("unknown store %q", kind)
	return nil, nil, ""
}

// OpenShared opens an empty database of the kind like Open, and a second
// store over the same database through a connection pool of its own, as a
// second process would have; both are closed when the test ends.
func OpenShared(tb testing.TB, kind string, clock beredskap.Clock) (Store, beredskap.RegistrationService, Store) {
	tb.Helper()
	ctx := context.Background()
	switch kind {
	case "sqlite":
		path := SQLitePath(tb)
		var dbs [2]*sqlite.DB
		for i := range dbs {
			db, err := sqlite.Open(ctx, path)
			if err != nil {
				tb.Fatalf("open database: %v", err)
			}
			tb.Cleanup(func() { db.Close() })
			dbs[i] = db
		}
		return sqlite.NewStaffStore(dbs[0], clock), sqlite.NewRegistrationService(dbs[0], clock), sqlite.NewStaffStore(dbs[1], clock)
	case "postgres":
		dsn := PostgresDB(tb)
		var dbs [2]*postgres.DB
		for i := range dbs {
			db, err := postgres.Open(ctx, dsn)
			if err != nil {
				tb.Fatalf("open database: %v", err)
			}
			tb.Cleanup(func() { db.Close() })
			dbs[i] = db
		}
		return postgres.NewStaffStore(dbs[0], clock), postgres.NewRegistrationService(dbs[0], clock), postgres.NewStaffStore(dbs[1], clock)
	}
	tb.Fatalf("unknown store %q", kind)
	return nil, nil, nil
}
