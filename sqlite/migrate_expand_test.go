package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"beredskap"
)

// A release starts on a database a newer release migrated when the newer
// migrations only expanded the schema, and refuses it once one of them
// contracted it.
func TestOpenOnExpandedSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "expand.db")
	add := func(version int, expand bool) {
		t.Helper()
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open before version %d: %v", version, err)
		}
		defer db.Close()
		if _, err := db.write.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at, expand) VALUES (?, 'newer.sql', '', ?)`, version, expand); err != nil {
			t.Fatal(err)
		}
	}
	add(9001, true)
	add(9002, false)
	if db, err := Open(ctx, path); beredskap.ErrorCode(err) != beredskap.ECONFLICT {
		if db != nil {
			db.Close()
		}
		t.Fatalf("open on a schema a newer release contracted: %v; want ECONFLICT", err)
	}
}
