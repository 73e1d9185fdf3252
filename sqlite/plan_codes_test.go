package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"beredskap/storetest"
)

// Migration 0018 gives the plans made before it the follow-up codes
// beredskap.CodesOf computes from their registrations. The database here
// is put back to before 0018 (the columns dropped, the version forgotten)
// with plans that hold no codes, and opened again.
func TestMigrationFillsPlanCodes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "codes.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	clock := storetest.StaffClock()
	h := storetest.StaffHarness{Store: NewStaffStore(db, clock.Now), Registrations: NewRegistrationService(db, clock.Now), Clock: clock}
	regs := storetest.PlansWithoutCodes(t, h)
	if _, err := db.write.ExecContext(ctx, `ALTER TABLE followup_plans DROP COLUMN quarantine_code;
ALTER TABLE followup_plans DROP COLUMN exemption_code;
ALTER TABLE followup_plans DROP COLUMN accommodation_code;
DELETE FROM schema_migrations WHERE version = 18`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("open before 0018: %v", err)
	}
	defer db.Close()
	storetest.CheckPlanCodes(t, NewStaffStore(db, clock.Now), regs)
}
