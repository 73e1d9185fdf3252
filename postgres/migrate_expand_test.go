package postgres

import (
	"context"
	"testing"

	"beredskap"
	"beredskap/storetest"
)

// A release starts on a database a newer release migrated when the newer
// migrations only expanded the schema (a rolling upgrade), and refuses it
// once one of them contracted it.
func TestOpenOnExpandedSchema(t *testing.T) {
	ctx := context.Background()
	url := storetest.FreshPostgresDB(t)
	db, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO schema_migrations (version, name, expand) VALUES (9001, '9001_newer.sql', true)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(ctx, url)
	if err != nil {
		t.Fatalf("open on a schema a newer release expanded: %v", err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO schema_migrations (version, name, expand) VALUES (9002, '9002_drop.sql', false)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(ctx, url); beredskap.ErrorCode(err) != beredskap.ECONFLICT {
		if db != nil {
			db.Close()
		}
		t.Fatalf("open on a schema a newer release contracted: %v; want ECONFLICT", err)
	}
}
