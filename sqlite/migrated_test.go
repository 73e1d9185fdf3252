package sqlite

import (
	"context"
	"testing"

	"beredskap/internal/testfile"
)

// migratedPath returns the path of a file named name in a temporary
// directory of tb that holds an empty, migrated database: a copy of one
// migrated once per test process (testfile), since a migration costs
// about a second of CPU time under the race detector. Tests of the
// migrations themselves open a path with no file instead.
func migratedPath(tb testing.TB, name string) string {
	tb.Helper()
	return testfile.Copy(tb, "sqlite", name, makeMigrated)
}

// makeMigrated makes an empty database at path, migrates it and closes
// it, so that the file alone holds it.
func makeMigrated(path string) error {
	db, err := Open(context.Background(), path)
	if err != nil {
		return err
	}
	return db.Close()
}
