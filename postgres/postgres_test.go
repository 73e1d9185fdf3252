package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
	"beredskap/internal/teststore"
	"beredskap/postgres"
	"beredskap/storetest"
)

// MustOpenDB opens the PostgreSQL database at url and closes it when the test
// ends.
func MustOpenDB(tb testing.TB, url string) *postgres.DB {
	tb.Helper()
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestRegistrationService(t *testing.T) {
	storetest.PostgresURL(t)
	storetest.TestRegistrationService(t, func(t *testing.T, clock beredskap.Clock) beredskap.RegistrationService {
		return postgres.NewRegistrationService(MustOpenDB(t, teststore.PostgresDB(t)), clock)
	})
}

func TestOpenMigrates(t *testing.T) {
	ctx := context.Background()
	url := storetest.FreshPostgresDB(t)
	db := MustOpenDB(t, url)
	v, err := db.SchemaVersion(ctx)
	if err != nil || v < 1 {
		t.Fatalf("SchemaVersion() = %d, %v; want at least 1", v, err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
	// A second open of a migrated database changes nothing.
	again := MustOpenDB(t, url)
	if v2, err := again.SchemaVersion(ctx); err != nil || v2 != v {
		t.Errorf("after reopening: version %d, %v; want %d", v2, err, v)
	}
}

// rawConn connects to url with the driver alone, bypassing the store.
func rawConn(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestRegistrationsAreImmutable(t *testing.T) {
	ctx := context.Background()
	url := storetest.FreshPostgresDB(t)
	s := postgres.NewRegistrationService(MustOpenDB(t, url), time.Now)
	reg, _, err := s.CreateRegistration(ctx, beredskap.NewRegistration{
		Registration: storetest.Registration("Anna", "Kowalska"), Decision: storetest.Decision(), Municipality: "0301",
	})
	if err != nil {
		t.Fatal(err)
	}
	conn := rawConn(t, url)
	for _, q := range []string{
		`UPDATE registrations SET last_name = 'Nowak' WHERE receipt = $1`,
		`DELETE FROM registrations WHERE receipt = $1`,
		`TRUNCATE registrations CASCADE`,
	} {
		var args []any
		if strings.Contains(q, "$1") {
			args = append(args, reg.Receipt)
		}
		if _, err := conn.Exec(ctx, q, args...); err == nil || !strings.Contains(err.Error(), "immutable") {
			t.Errorf("%s: error %v; want the trigger's 'registrations are immutable'", q, err)
		}
	}
	got, err := s.FindRegistration(ctx, reg.Receipt)
	if err != nil || got.Registration.Traveller.LastName != "Kowalska" {
		t.Errorf("after refused changes: %v, %v", got, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	url := storetest.FreshPostgresDB(t)
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	known, err := db.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := rawConn(t, url).Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, 'from_the_future.sql')`, known+1); err != nil {
		t.Fatal(err)
	}
	db, err = postgres.Open(ctx, url)
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded on a newer schema; want an error")
	}
	var e *beredskap.Error
	if !errors.As(err, &e) || e.Code != beredskap.ECONFLICT || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open: %v; want ECONFLICT naming the newer schema", err)
	}
}
