package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap/internal/testenv"
)

// PostgresURL returns the URL of the PostgreSQL server tests use, from
// BEREDSKAP_TEST_POSTGRES. Without it the test is skipped, or fails when CI
// is "true", since CI must run the PostgreSQL tests (testenv.Missing).
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("BEREDSKAP_TEST_POSTGRES")
	if u == "" {
		testenv.Missing(t, "BEREDSKAP_TEST_POSTGRES is not set: ./scripts/test.sh starts a throwaway PostgreSQL when its server binaries are installed (see the README)")
	}
	return u
}

// FreshPostgresDB creates an empty database with a unique name on the
// server of PostgresURL, drops it when the test ends, and returns its URL.
func FreshPostgresDB(t testing.TB) string {
	t.Helper()
	server := PostgresURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatalf("connect to the test PostgreSQL server: %v", err)
	}
	defer conn.Close(context.Background())
	var b [8]byte
	rand.Read(b[:])
	name := "beredskap_test_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, server)
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("BEREDSKAP_TEST_POSTGRES: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}
