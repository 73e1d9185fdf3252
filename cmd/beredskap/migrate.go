package main

import (
	"context"
	"fmt"
	"io"
)

// runMigrate opens the database, which brings its schema up to date, and
// prints the schema version.
func runMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlagSet("migrate", stdout)
	db := fs.String("db", "beredskap.db", "SQLite file path or postgres:// URL")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := openStore(ctx, *db, nil, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer st.close()
	v, err := st.schemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	fmt.Fprintf(stdout, "%s schema at version %d (%s)\n", st.kind, v, redactDSN(*db))
	return nil
}
