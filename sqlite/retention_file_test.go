package sqlite_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"beredskap"
	"beredskap/sqlite"
	"beredskap/storetest"
)

// TestPurgedRowsLeaveNoBytes: what the retention purge deletes is gone
// from the database file itself, not only from its tables. A registration
// fills about a page of its own, so deleting it frees the page; with
// secure_delete "fast" SQLite leaves freed pages as they were, and the
// names stayed in the file (issue 19: nothing kept longer than its
// purpose). A registration that is not due stays, which shows the scan
// finds what is there.
func TestPurgedRowsLeaveNoBytes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "purge.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2021, 2, 22, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	regs := sqlite.NewRegistrationService(db, clock)
	const purged = 40
	for i := range purged {
		r := storetest.Registration("Gunnhild", fmt.Sprintf("Slettesen%03d", i))
		if _, _, err := regs.CreateRegistration(ctx, beredskap.NewRegistration{Registration: r, Decision: storetest.Decision(), Municipality: "0301"}); err != nil {
			t.Fatal(err)
		}
	}
	kept := storetest.Registration("Gunnhild", "Blirigjen")
	kept.ArrivalTime = "2021-02-20T14:30:00+01:00"
	if _, _, err := regs.CreateRegistration(ctx, beredskap.NewRegistration{Registration: kept, Decision: storetest.Decision(), Municipality: "0301"}); err != nil {
		t.Fatal(err)
	}
	store := sqlite.NewStaffStore(db, clock)
	err = store.UpdateRetention(ctx, func(ctx context.Context, tx beredskap.RetentionTx) error {
		due, err := tx.DueRegistrations(ctx, beredskap.DueFilter{ArrivedBefore: now.AddDate(0, 0, -20), Today: "2021-02-22", Limit: 1000})
		if err != nil {
			return err
		}
		if len(due) != purged {
			return fmt.Errorf("%d registrations due; want %d", len(due), purged)
		}
		_, err = tx.PurgeRegistrations(ctx, due)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil { // checkpoints the log into the file
		t.Fatal(err)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(file, []byte("Slettesen")); n > 0 {
		t.Errorf("the file holds the purged surname %d times", n)
	}
	if !bytes.Contains(file, []byte("Blirigjen")) {
		t.Error("the file lacks the registration that was kept; the scan proves nothing")
	}
}
