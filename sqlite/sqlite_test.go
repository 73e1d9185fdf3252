package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"beredskap"
	"beredskap/internal/teststore"
	"beredskap/sqlite"
	"beredskap/storetest"
)

// MustOpenDB opens a SQLite database at path and closes it when the test ends.
func MustOpenDB(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("Open(%q): %v", path, err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

func TestRegistrationService(t *testing.T) {
	t.Run("File", func(t *testing.T) {
		storetest.TestRegistrationService(t, func(t *testing.T, clock beredskap.Clock) beredskap.RegistrationService {
			return sqlite.NewRegistrationService(MustOpenDB(t, teststore.SQLitePath(t)), clock)
		})
	})
	t.Run("Memory", func(t *testing.T) {
		storetest.TestRegistrationService(t, func(t *testing.T, clock beredskap.Clock) beredskap.RegistrationService {
			return sqlite.NewRegistrationService(MustOpenDB(t, ":memory:"), clock)
		})
	})
}

func TestOpenMigrates(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t, filepath.Join(t.TempDir(), "test.db"))
	v, err := db.SchemaVersion(ctx)
	if err != nil || v < 1 {
		t.Fatalf("SchemaVersion() = %d, %v; want at least 1", v, err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// rawDB opens the file with the driver alone, bypassing the store.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func TestRegistrationsAreImmutable(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "test.db")
	s := sqlite.NewRegistrationService(MustOpenDB(t, path), time.Now)
	reg, _, err := s.CreateRegistration(ctx, beredskap.NewRegistration{
		Registration: storetest.Registration("Anna", "Kowalska"), Decision: storetest.Decision(), Municipality: "0301",
	})
	if err != nil {
		t.Fatal(err)
	}
	raw := rawDB(t, path)
	for _, q := range []string{
		`UPDATE registrations SET last_name = 'Nowak' WHERE receipt = ?`,
		`DELETE FROM registrations WHERE receipt = ?`,
	} {
		if _, err := raw.ExecContext(ctx, q, reg.Receipt); err == nil || !strings.Contains(err.Error(), "immutable") {
			t.Errorf("%s: error %v; want the trigger's 'registrations are immutable'", q, err)
		}
	}
	got, err := s.FindRegistration(ctx, reg.Receipt)
	if err != nil || got.Registration.Traveller.LastName != "Kowalska" {
		t.Errorf("after refused changes: %v, %v", got, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	known, err := db.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw := rawDB(t, path)
	if _, err := raw.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from_the_future.sql', '2030-01-01T00:00:00.000000Z')`, known+1); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	db, err = sqlite.Open(ctx, path)
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded on a newer schema; want an error")
	}
	var e *beredskap.Error
	if !errors.As(err, &e) || e.Code != beredskap.ECONFLICT || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open: %v; want ECONFLICT naming the newer schema", err)
	}
}

func TestDataSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	reg, _, err := sqlite.NewRegistrationService(db, time.Now).CreateRegistration(ctx, beredskap.NewRegistration{
		Registration: storetest.Registration("Anna", "Kowalska"), Decision: storetest.Decision(), Municipality: "0301",
		IdempotencyKey: "k", RequestHash: "h",
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s := sqlite.NewRegistrationService(MustOpenDB(t, path), time.Now)
	got, err := s.FindRegistration(ctx, reg.Receipt)
	if err != nil {
		t.Fatalf("after reopen: %v", err)
	}
	if got.Registration.Traveller.LastName != "Kowalska" || !got.CreatedAt.Equal(reg.CreatedAt) {
		t.Errorf("after reopen: %+v", got)
	}
	again, created, err := s.CreateRegistration(ctx, beredskap.NewRegistration{
		Registration: storetest.Registration("Anna", "Kowalska"), Decision: storetest.Decision(), Municipality: "0301",
		IdempotencyKey: "k", RequestHash: "h",
	})
	if err != nil || created || again.Receipt != reg.Receipt {
		t.Errorf("retry after reopen: %v, created %v, %v; want the stored receipt", again, created, err)
	}
}

// TestCommitSurvivesKill stores registrations in a child process, kills it
// with SIGKILL without closing the database, and checks that every
// registration the child reported as committed is there.
func TestCommitSurvivesKill(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.db")
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "BEREDSKAP_SQLITE_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var receipts []string
	buf := make([]byte, 0, 4096)
	chunk := make([]byte, 512)
	for len(receipts) < 20 {
		n, err := out.Read(chunk)
		buf = append(buf, chunk[:n]...)
		for {
			line, rest, ok := strings.Cut(string(buf), "\n")
			if !ok {
				break
			}
			buf = []byte(rest)
			if r, ok := strings.CutPrefix(line, "committed "); ok {
				receipts = append(receipts, r)
			}
		}
		if err != nil {
			t.Fatalf("child ended early after %d receipts: %v", len(receipts), err)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	s := sqlite.NewRegistrationService(MustOpenDB(t, path), time.Now)
	for _, r := range receipts {
		if _, err := s.FindRegistration(context.Background(), r); err != nil {
			t.Errorf("receipt %s committed before the kill: %v", r, err)
		}
	}
}

// TestMain runs the child process of TestCommitSurvivesKill when asked to,
// and the tests otherwise.
func TestMain(m *testing.M) {
	if path := os.Getenv("BEREDSKAP_SQLITE_CHILD"); path != "" {
		if err := killChild(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// killChild stores registrations in the file at path until the process is
// killed, printing each receipt once committed. It returns only on error.
func killChild(path string) error {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	s := sqlite.NewRegistrationService(db, time.Now)
	for i := 0; ; i++ {
		reg, _, err := s.CreateRegistration(ctx, beredskap.NewRegistration{
			Registration: storetest.Registration("Anna", fmt.Sprint(i)), Decision: storetest.Decision(), Municipality: "0301",
		})
		if err != nil {
			return err
		}
		fmt.Printf("committed %s\n", reg.Receipt)
	}
}
