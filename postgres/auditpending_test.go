package postgres

import (
	"context"
	"fmt"
	"testing"
	"time"

	"beredskap"
	"beredskap/storetest"
)

// Appending audit entries leaves their receipts in the GIN index's pending
// list past PostgreSQL's default limit of 4 MB (migration 0020), so that no
// request merges the list itself; a search by receipt finds every entry
// naming it while they wait there and after the list was merged.
func TestAuditSubjectsWaitInPendingList(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, storetest.FreshPostgresDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Autovacuum would merge the list at a moment of its own; the test
	// merges it when it has looked.
	if _, err := db.pool.Exec(ctx, `ALTER TABLE audit SET (autovacuum_enabled = false)`); err != nil {
		t.Fatal(err)
	}
	// 3,200 entries of a 50-row list, about 5 MB of pending list. Entry i
	// names receipts (50i+k) mod 4,000, so each receipt is in 40 entries.
	const entries, perEntry, receipts = 3200, 50, 4000
	store := NewStaffStore(db, time.Now)
	for from := 0; from < entries; from += 400 {
		err := store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
			for i := from; i < from+400; i++ {
				rec := beredskap.AuditRecord{Actor: "overlege@oslo.example", Action: "registration.list",
					Object: "municipality:0301", Outcome: beredskap.OutcomeOK}
				for k := range perEntry {
					rec.Subjects = append(rec.Subjects, fmt.Sprintf("T%09d", (i*perEntry+k)%receipts))
				}
				if _, err := tx.Audit(ctx, rec); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	search := func(receipt string) int {
		t.Helper()
		var n int
		err := store.View(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
			found, _, err := tx.SearchAudit(ctx, beredskap.AuditFilter{Receipt: receipt, Limit: beredskap.MaxPageSize})
			n = len(found)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	want := entries * perEntry / receipts
	for _, r := range []string{"T000000000", "T000001234", "T000003999"} {
		if n := search(r); n != want {
			t.Errorf("receipt %s in the pending list: %d entries; want %d", r, n, want)
		}
	}
	var pages int64
	if err := db.pool.QueryRow(ctx, `SELECT gin_clean_pending_list('audit_subjects_gin')`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	// 4 MB is 512 pages of 8 kB.
	if pages <= 512 {
		t.Errorf("the pending list held %d pages when merged; want more than the default limit's 512", pages)
	}
	for _, r := range []string{"T000000000", "T000001234", "T000003999"} {
		if n := search(r); n != want {
			t.Errorf("receipt %s after the merge: %d entries; want %d", r, n, want)
		}
	}
}
