package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"beredskap/internal/migrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the advisory lock key that serialises migrations of
// processes starting at once ("beredskap" as a number).
const migrationLock = 0x62657265_64736b61

// SchemaDigest returns a digest of the migrations this binary applies: two
// binaries that migrate a database to the same schema give the same
// digest. Tests name the migrated database they copy for each test after
// it (storetest.MigratedPostgresDB).
func SchemaDigest() (string, error) {
	ms, err := migrate.Load(migrationFiles, "migrations")
	if err != nil {
		return "", err
	}
	return migrate.Digest(ms), nil
}

// migrate applies the migrations the database lacks (internal/migrate),
// each in its own transaction together with its row in schema_migrations,
// holding an advisory lock so that two processes do not migrate at once.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrate.Load(migrationFiles, "migrations")
	if err != nil {
		return err
	}
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrationLock)); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, int64(migrationLock))
	// The table is looked for before it is made or changed, so that a
	// process can start against an up-to-date database whose server takes
	// no writes (a standby, or a primary during a failover).
	var exists, hasExpand bool
	err = conn.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL,
	EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'schema_migrations' AND column_name = 'expand')`).Scan(&exists, &hasExpand)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if !exists {
		_, err = conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    integer PRIMARY KEY,
	name       text NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now()
)`)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	if !hasExpand {
		// Whether a migration only expanded the schema, so that an older
		// release may run on it (internal/migrate).
		if _, err := conn.Exec(ctx, `ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS expand boolean NOT NULL DEFAULT false`); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	return migrate.Run(ctx, migrationTarget{conn}, ms)
}

// migrationTarget is the migrate.Target of a connection holding the
// migration lock.
type migrationTarget struct{ conn *pgxpool.Conn }

// Applied returns the applied versions.
func (t migrationTarget) Applied(ctx context.Context) (map[int]bool, error) {
	rows, err := t.conn.Query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, err
	}
	out := make(map[int]bool, len(vs))
	for _, v := range vs {
		out[v] = true
	}
	return out, nil
}

// Apply runs m and records it in one transaction. The lock keeps other
// processes out, so nothing can have applied m meanwhile.
func (t migrationTarget) Apply(ctx context.Context, m migrate.Migration) error {
	return pgx.BeginFunc(ctx, t.conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, expand) VALUES ($1, $2, $3)`, m.Version, m.Name, m.Expand)
		return err
	})
}

// OnlyExpandAfter reports whether every migration recorded above known is
// an expand migration.
func (t migrationTarget) OnlyExpandAfter(ctx context.Context, known int) (bool, error) {
	var contracts int
	err := t.conn.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version > $1 AND NOT expand`, known).Scan(&contracts)
	return contracts == 0, err
}
