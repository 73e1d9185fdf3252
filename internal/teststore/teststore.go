// Package teststore opens the stores that service tests run on: SQLite in
// a temporary file always, and PostgreSQL in a fresh database when a
// server is configured (always in CI, where storetest.FreshPostgresDB
// insists on one), so that every flow is tested on both.
package teststore

import (
	"context"
	"path/filepath"
	"testing"

	"beredskap"
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
		path := filepath.Join(tb.TempDir(), "test.db")
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			tb.Fatalf("open database: %v", err)
		}
		tb.Cleanup(func() { db.Close() })
		return sqlite.NewStaffStore(db, clock), sqlite.NewRegistrationService(db, clock), path
	case "postgres":
		url := storetest.FreshPostgresDB(tb)
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
