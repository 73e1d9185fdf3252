package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"beredskap/internal/teststore"
	"beredskap/storetest"
)

// TestRetentionBackup: 'retention backup' writes a backup of either store
// (SQLite's VACUUM INTO copy, PostgreSQL's pg_dump) and removes the
// backups older than the policy's 7 days, keeping younger ones and files
// that are not backups (issue 19 § 6: deletion reaches the backups).
func TestRetentionBackup(t *testing.T) { teststore.Each(t, testRetentionBackup) }

func testRetentionBackup(t *testing.T, kind string) {
	dir := t.TempDir()
	db, ext, magic := filepath.Join(dir, "b.db"), ".db", "SQLite format 3"
	if kind == "postgres" {
		db, ext, magic = storetest.FreshPostgresDB(t), ".dump", "PGDMP"
	}
	runOK(t, "migrate", "--db", db)
	backups := filepath.Join(dir, "backups")
	if err := os.MkdirAll(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	stamp := func(age time.Duration) string { return time.Now().UTC().Add(-age).Format(backupLayout) }
	old := filepath.Join(backups, backupPrefix+stamp(8*24*time.Hour)+ext)
	young := filepath.Join(backups, backupPrefix+stamp(6*24*time.Hour)+ext)
	other := filepath.Join(backups, "notes.txt")
	for _, f := range []string{old, young, other} {
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out := runOK(t, "retention", "backup", "--db", db, "--dir", backups)
	wrote, ok := strings.CutPrefix(strings.SplitN(out, "\n", 2)[0], "wrote ")
	if !ok || !strings.HasSuffix(wrote, ext) {
		t.Fatalf("retention backup printed %q; want 'wrote …%s' first", out, ext)
	}
	head := make([]byte, len(magic))
	f, err := os.Open(wrote)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Read(head); err != nil || string(head) != magic {
		t.Errorf("the backup begins %q; want %q", head, magic)
	}
	if !strings.Contains(out, "removed "+old) {
		t.Errorf("the 8-day-old backup was not reported removed:\n%s", out)
	}
	for f, want := range map[string]bool{old: false, young: true, other: true} {
		if _, err := os.Stat(f); (err == nil) != want {
			t.Errorf("%s exists %v; want %v", filepath.Base(f), err == nil, want)
		}
	}
}
