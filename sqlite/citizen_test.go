package sqlite

import (
	"context"
	"strings"
	"testing"

	"beredskap/storetest"
)

// openCitizenHarness opens a fresh database file for one test, with a staff
// store (which is the citizen store) and a registration service over it.
func openCitizenHarness(t *testing.T) storetest.CitizenHarness {
	h, _ := openCitizenDB(t)
	return h
}

// openCitizenDB is openCitizenHarness that also returns the database.
func openCitizenDB(t *testing.T) (storetest.CitizenHarness, *DB) {
	db, err := Open(context.Background(), migratedPath(t, "citizen.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	clock := storetest.StaffClock()
	return storetest.CitizenHarness{
		Store:         NewStaffStore(db, clock.Now),
		Registrations: NewRegistrationService(db, clock.Now),
		Clock:         clock,
	}, db
}

func TestCitizenStore(t *testing.T) {
	storetest.TestCitizenStore(t, openCitizenHarness)
}

// TestRegistrationsOfUsesIndex checks that the query of RegistrationsOf is
// an index lookup, not a scan of the registrations.
func TestRegistrationsOfUsesIndex(t *testing.T) {
	_, db := openCitizenDB(t)
	rows, err := db.read.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+registrationsOfQuery, "01019012345", 100)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(plan, "; ")
	if !strings.Contains(got, "USING INDEX registrations_national_id") || strings.Contains(got, "TEMP B-TREE") {
		t.Errorf("plan %q; want a search of registrations_national_id in order", got)
	}
}
