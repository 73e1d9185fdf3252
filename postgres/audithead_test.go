package postgres

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"beredskap"
	"beredskap/storetest"
)

// Two servers appending to one trail, in turn and at once, each hold a
// stale hint of the head whenever the other appended last: each append
// must notice, lock the head and chain to the other's entry. A rolled-back
// append leaves the hint as it was.
func TestAuditHeadHintAcrossServers(t *testing.T) {
	ctx := context.Background()
	url := storetest.FreshPostgresDB(t)
	var stores [2]*StaffStore
	for i := range stores {
		db, err := Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		stores[i] = NewStaffStore(db, time.Now)
	}
	appendTwo := func(s *StaffStore, name string, fail bool) error {
		return s.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
			for range 2 {
				if _, err := tx.Audit(ctx, beredskap.AuditRecord{Actor: name, Action: "test", Object: "x",
					Subjects: []string{"R1", "R2"}, Outcome: beredskap.OutcomeOK}); err != nil {
					return err
				}
			}
			if fail {
				return fmt.Errorf("rolled back")
			}
			return nil
		})
	}
	for i := range 20 {
		if i%7 == 3 && appendTwo(stores[i%2], "failing", true) == nil {
			t.Fatal("a failing transaction committed")
		}
		if err := appendTwo(stores[i%2], fmt.Sprint("server", i%2), false); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Go(func() { errs <- appendTwo(stores[i%2], "concurrent", false) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent append: %v", err)
		}
	}
	v := beredskap.NewChainVerifier()
	if err := stores[0].ScanAudit(ctx, func(e *beredskap.AuditEntry) error {
		v.Add(e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if b, want := v.Result(), int64(2*20+2*40); b != nil || v.Count() != want {
		t.Errorf("chain of %d entries: %v; want %d entries, intact", v.Count(), b, want)
	}
}
