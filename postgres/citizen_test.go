package postgres_test

import (
	"testing"

	"beredskap/internal/teststore"
	"beredskap/postgres"
	"beredskap/storetest"
)

// openCitizen returns a harness over a fresh database: the staff store
// (which is the citizen store), a registration service and one test clock.
func openCitizen(t *testing.T) storetest.CitizenHarness {
	t.Helper()
	db := MustOpenDB(t, teststore.PostgresDB(t))
	clock := storetest.StaffClock()
	return storetest.CitizenHarness{
		Store:         postgres.NewStaffStore(db, clock.Now),
		Registrations: postgres.NewRegistrationService(db, clock.Now),
		Clock:         clock,
	}
}

func TestCitizenStore(t *testing.T) {
	storetest.PostgresURL(t)
	storetest.TestCitizenStore(t, openCitizen)
}
