// Package migrate loads the numbered schema migrations both stores embed
// and applies the ones a database lacks, in order, refusing a database
// whose schema is newer than the program knows. The stores supply how a
// migration runs (Target); the order, the naming rule and the version
// check live here, once.
package migrate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"beredskap"
)

// Migration is one embedded schema change, from a file named
// NNNN_what.sql. Expand is set by a first line that starts with
// ExpandMarker: the migration only adds (tables, columns with defaults,
// indexes), so that the release before it still runs on the schema after
// it. Stores record the mark with the version, where an older binary,
// which lacks the file, reads it.
type Migration struct {
	Version int
	Name    string
	SQL     string
	Expand  bool
}

// ExpandMarker starts the first line of a migration after which the
// previous release still runs (expand, then contract: what the previous
// release uses is removed only in a later release).
const ExpandMarker = "-- expand"

// Load returns the migrations in dir of fsys (every *.sql file) in version
// order. A file whose name does not start with a positive version and "_",
// or two files with the same version, is an error.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive version and '_'", base)
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		first, _, _ := strings.Cut(string(b), "\n")
		ms = append(ms, Migration{Version: v, Name: base, SQL: string(b), Expand: strings.HasPrefix(first, ExpandMarker)})
	}
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share a version", ms[i-1].Name, ms[i].Name)
		}
	}
	return ms, nil
}

// Digest returns a hex SHA-256 digest of ms: of each migration's version,
// expand mark and SQL, in order.
func Digest(ms []Migration) string {
	h := sha256.New()
	for _, m := range ms {
		fmt.Fprintf(h, "%d %t %d\n%s", m.Version, m.Expand, len(m.SQL), m.SQL)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Latest returns the highest version in ms (sorted by Load), 0 for none.
func Latest(ms []Migration) int {
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// Target is a database being migrated.
type Target interface {
	// Applied returns every version recorded as applied.
	Applied(ctx context.Context) (map[int]bool, error)
	// Apply runs m's SQL and records m as applied, with m.Expand, in one
	// transaction. It does nothing when m's version is recorded by the
	// time its transaction starts (another process migrated meanwhile).
	Apply(ctx context.Context, m Migration) error
	// OnlyExpandAfter reports whether every migration recorded above
	// version known was recorded as an expand migration.
	OnlyExpandAfter(ctx context.Context, known int) (bool, error)
}

// Run applies the migrations of ms that t lacks, in order, including one
// numbered below a version already applied (two lines of work can land
// their migrations in either order). When t's schema is newer than the
// newest migration in ms it applies nothing: it
// returns nil when every newer migration was recorded as an expand
// migration (this release runs on that schema, as in a rolling upgrade),
// and ECONFLICT otherwise.
func Run(ctx context.Context, t Target, ms []Migration) error {
	applied, err := t.Applied(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	current := 0
	for v := range applied {
		current = max(current, v)
	}
	if known := Latest(ms); current > known {
		expand, err := t.OnlyExpandAfter(ctx, known)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if expand {
			return nil
		}
		return CheckNotNewer(current, known)
	}
	for _, m := range ms {
		if applied[m.Version] {
			continue
		}
		if err := t.Apply(ctx, m); err != nil {
			return fmt.Errorf("migrate: %s: %w", m.Name, err)
		}
	}
	return nil
}

// CheckNotNewer returns ECONFLICT when the database's schema version
// current is newer than known, the newest migration this program embeds,
// for a schema that is not only expanded (see Run).
func CheckNotNewer(current, known int) error {
	if current > known {
		return beredskap.Errorf(beredskap.ECONFLICT,
			"database schema is at version %d, newer than this program knows (%d), and a newer migration is not marked compatible with older releases: run a newer beredskap", current, known)
	}
	return nil
}
