package sqlite

import (
	"context"
	"path/filepath"
	"testing"
)

// A migration that landed after a higher-numbered one is applied to a
// database that already has the higher one: here the database lacks 0015
// (its table and its row) and has 0016.
func TestOpenAppliesAMissingLowerMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "missing.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `DROP TABLE login_throttles; DELETE FROM schema_migrations WHERE version = 15`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("open with 0015 missing: %v", err)
	}
	defer db.Close()
	var n int
	if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM login_throttles`).Scan(&n); err != nil {
		t.Fatalf("login_throttles after reopening: %v", err)
	}
	if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = 15`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("0015 recorded %d times (%v); want once", n, err)
	}
}
