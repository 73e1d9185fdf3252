package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"time"

	"beredskap/internal/migrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrate applies the migrations the database lacks (internal/migrate),
// each in its own write transaction together with its row in
// schema_migrations.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrate.Load(migrationFiles, "migrations")
	if err != nil {
		return err
	}
	err = db.inWriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	applied_at TEXT NOT NULL
) STRICT`)
		if err != nil {
			return err
		}
		// Whether a migration only expanded the schema, so that an older
		// release may run on it (internal/migrate).
		var hasExpand bool
		err = tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM pragma_table_info('schema_migrations') WHERE name = 'expand'`).Scan(&hasExpand)
		if err != nil || hasExpand {
			return err
		}
		_, err = tx.ExecContext(ctx, `ALTER TABLE schema_migrations ADD COLUMN expand INTEGER NOT NULL DEFAULT 0`)
		return err
	})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return migrate.Run(ctx, migrationTarget{db}, ms)
}

// migrationTarget is the migrate.Target of a DB.
type migrationTarget struct{ db *DB }

// Applied returns the applied versions.
func (t migrationTarget) Applied(ctx context.Context) (map[int]bool, error) {
	rows, err := t.db.write.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out[v] = true
	}
	return out, rows.Err()
}

// Apply runs m in a write transaction unless it is applied by then.
func (t migrationTarget) Apply(ctx context.Context, m migrate.Migration) error {
	return t.db.inWriteTx(ctx, func(tx *sql.Tx) error {
		// Read inside the write transaction: another process may have
		// migrated since.
		var done bool
		err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM schema_migrations WHERE version = ?`, m.Version).Scan(&done)
		if err != nil || done {
			return err
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at, expand) VALUES (?, ?, ?, ?)`,
			m.Version, m.Name, time.Now().UTC().Format(timeFormat), m.Expand)
		return err
	})
}

// OnlyExpandAfter reports whether every migration recorded above known is
// an expand migration.
func (t migrationTarget) OnlyExpandAfter(ctx context.Context, known int) (bool, error) {
	var contracts int
	err := t.db.write.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version > ? AND NOT expand`, known).Scan(&contracts)
	return contracts == 0, err
}
