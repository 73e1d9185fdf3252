// Package testfile gives tests their own copy of a file that is costly to
// make and the same for every test, such as a freshly migrated SQLite
// database: the file is made once per test process and kept in memory, and
// each test writes a copy of it into its own temporary directory. Under
// the race detector a SQLite migration costs about a second of CPU time,
// and most tests start from an empty, migrated database.
package testfile

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var (
	mu    sync.Mutex
	files = map[string]*template{}
)

// template is one file made once, or the error that made it fail.
type template struct {
	once sync.Once
	data []byte
	err  error
}

// Copy returns the path of a file named name in a temporary directory of
// tb, removed when the test ends, holding what make wrote at the path it
// was given. make runs once per process and key, in a directory of its
// own that is removed afterwards; it must leave the file complete (a
// SQLite database closed, so that its log is checkpointed into it). A
// failure of make fails every test that asks for the key.
func Copy(tb testing.TB, key, name string, make func(path string) error) string {
	tb.Helper()
	mu.Lock()
	t, ok := files[key]
	if !ok {
		t = &template{}
		files[key] = t
	}
	mu.Unlock()
	t.once.Do(func() { t.data, t.err = build(make) })
	if t.err != nil {
		tb.Fatalf("make the %s file: %v", key, t.err)
	}
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, t.data, 0o600); err != nil {
		tb.Fatalf("copy the %s file: %v", key, err)
	}
	return path
}

// build runs make in a temporary directory and returns the file it wrote.
func build(make func(path string) error) ([]byte, error) {
	dir, err := os.MkdirTemp("", "testfile-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "file")
	if err := make(path); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read what was made: %w", err)
	}
	return data, nil
}
