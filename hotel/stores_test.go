package hotel_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"beredskap"
	"beredskap/postgres"
	"beredskap/sqlite"
	"beredskap/storetest"
)

// store is what the tests need of a staff store: SQLite's and
// PostgreSQL's StaffStore are both.
type store interface {
	beredskap.StaffStore
	beredskap.FollowUpStore
	beredskap.HotelStore
}

// stores returns the kinds of store the tests run on: "sqlite", and
// "postgres" when a server is configured (always in CI, where
// storetest.FreshPostgresDB insists on one).
func stores() []string {
	if os.Getenv("BEREDSKAP_TEST_POSTGRES") == "" && os.Getenv("CI") != "true" {
		return []string{"sqlite"}
	}
	return []string{"sqlite", "postgres"}
}

// eachStore runs test as a subtest named after each kind of stores.
func eachStore(t *testing.T, test func(t *testing.T, kind string)) {
	t.Helper()
	for _, kind := range stores() {
		t.Run(kind, func(t *testing.T) { test(t, kind) })
	}
}

// openStore opens an empty database of the kind ("sqlite" in a temporary
// file, "postgres" from storetest.FreshPostgresDB), closed when the test
// ends, and returns the staff store and the registration service over it,
// both reading clock.
func openStore(t *testing.T, kind string, clock beredskap.Clock) (store, beredskap.RegistrationService) {
	t.Helper()
	ctx := context.Background()
	switch kind {
	case "sqlite":
		db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "hotel.db"))
		if err != nil {
			t.Fatalf("open database: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return sqlite.NewStaffStore(db, clock), sqlite.NewRegistrationService(db, clock)
	case "postgres":
		db, err := postgres.Open(ctx, storetest.FreshPostgresDB(t))
		if err != nil {
			t.Fatalf("open database: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return postgres.NewStaffStore(db, clock), postgres.NewRegistrationService(db, clock)
	}
	t.Fatalf("unknown store %q", kind)
	return nil, nil
}
