package sqlite

import (
	"context"
	"testing"

	"beredskap/storetest"
)

// openStaffHarness opens a fresh database file for one test, with a staff
// store and a registration service over it, and closes it when the test
// ends. Raw SQL goes through the writer connection.
func openStaffHarness(t *testing.T) storetest.StaffHarness {
	db, err := Open(context.Background(), migratedPath(t, "staff.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	clock := storetest.StaffClock()
	return storetest.StaffHarness{
		Store:         NewStaffStore(db, clock.Now),
		Registrations: NewRegistrationService(db, clock.Now),
		Clock:         clock,
		Exec: func(ctx context.Context, query string, args ...any) error {
			_, err := db.write.ExecContext(ctx, query, args...)
			return err
		},
		DropAuditGuards: []string{
			`DROP TRIGGER audit_no_update`, `DROP TRIGGER audit_no_delete`,
			`DROP TRIGGER audit_keys_no_update`, `DROP TRIGGER audit_keys_no_delete`,
			`DROP TRIGGER audit_subject_blocks_no_update`, `DROP TRIGGER audit_subject_blocks_no_delete`,
		},
		Placeholder: func(int) string { return "?" },
	}
}

func TestStaffStore(t *testing.T) {
	storetest.TestStaffStore(t, openStaffHarness)
}
