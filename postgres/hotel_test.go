package postgres_test

import (
	"context"
	"net/url"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"beredskap/internal/teststore"
	"beredskap/postgres"
	"beredskap/storetest"
)

// TestHotelStore runs the hotel conformance suite, the concurrent
// allocations to one hotel included, against a real PostgreSQL: a fresh
// database for each subtest, with the harness of openHotels.
func TestHotelStore(t *testing.T) {
	storetest.PostgresURL(t)
	storetest.TestHotelStore(t, openHotels)
}

// hotelPool is the size of the pool openHotels gives the store: as many
// connections as the suite's concurrent allocations have workers.
const hotelPool = 16

// openHotels returns the harness of openStaff (the staff store is the hotel
// store), except that the store's pool has hotelPool connections and opens
// them at once (pool_min_conns) rather than on demand. Opening a connection
// takes longer than an allocation does, so over the default pool the
// suite's concurrent allocations would mostly run one after another on the
// first connection, and would pass even without LockHotel.
func openHotels(t *testing.T) storetest.StaffHarness {
	t.Helper()
	raw := teststore.PostgresDB(t)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("pool_min_conns", strconv.Itoa(hotelPool))
	q.Set("pool_max_conns", strconv.Itoa(hotelPool))
	u.RawQuery = q.Encode()
	db := MustOpenDB(t, u.String())
	pool, err := pgxpool.New(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	clock := storetest.StaffClock()
	return storetest.StaffHarness{
		Store:         postgres.NewStaffStore(db, clock.Now),
		Registrations: postgres.NewRegistrationService(db, clock.Now),
		Clock:         clock,
		Exec: func(ctx context.Context, query string, args ...any) error {
			_, err := pool.Exec(ctx, query, args...)
			return err
		},
		DropAuditGuards: []string{
			`DROP TRIGGER audit_no_update ON audit`,
			`DROP TRIGGER audit_no_truncate ON audit`,
		},
		Placeholder: func(i int) string { return "$" + strconv.Itoa(i) },
	}
}
