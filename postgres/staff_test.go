package postgres_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"beredskap/internal/teststore"
	"beredskap/postgres"
	"beredskap/storetest"
)

// openStaff returns a harness over a fresh database: the staff store, a
// registration service and a raw pool sharing it, and one test clock.
func openStaff(t *testing.T) storetest.StaffHarness {
	t.Helper()
	url := teststore.PostgresDB(t)
	db := MustOpenDB(t, url)
	raw, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(raw.Close)
	clock := storetest.StaffClock()
	return storetest.StaffHarness{
		Store:         postgres.NewStaffStore(db, clock.Now),
		Registrations: postgres.NewRegistrationService(db, clock.Now),
		Clock:         clock,
		Exec: func(ctx context.Context, query string, args ...any) error {
			_, err := raw.Exec(ctx, query, args...)
			return err
		},
		DropAuditGuards: []string{
			`DROP TRIGGER audit_no_update ON audit`,
			`DROP TRIGGER audit_no_truncate ON audit`,
		},
		Placeholder: func(i int) string { return "$" + strconv.Itoa(i) },
	}
}

func TestStaffStore(t *testing.T) {
	storetest.PostgresURL(t)
	storetest.TestStaffStore(t, openStaff)
}
