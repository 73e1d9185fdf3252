package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"beredskap"
)

// Two processes appending to one trail in turn each hold a stale auditHead
// at every append after the other's: each append must notice, read the
// head and chain to the other's entry. A rolled-back append leaves the
// head as it was.
func TestAuditHeadHintAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	var stores [2]*StaffStore
	for i := range stores {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		stores[i] = NewStaffStore(db, time.Now)
	}
	appendOne := func(s *StaffStore, i int, fail bool) (*beredskap.AuditEntry, error) {
		var e *beredskap.AuditEntry
		err := s.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
			var err error
			for range 2 { // two in one transaction: the second follows the first
				e, err = tx.Audit(ctx, beredskap.AuditRecord{Actor: fmt.Sprintf("process%d", i), Action: "test", Object: "x", Outcome: beredskap.OutcomeOK})
				if err != nil {
					return err
				}
			}
			if fail {
				return fmt.Errorf("rolled back")
			}
			return nil
		})
		return e, err
	}
	var want int64
	for i := range 40 {
		s := stores[i%2]
		if i%7 == 3 {
			if _, err := appendOne(s, i, true); err == nil {
				t.Fatal("a failing transaction committed")
			}
		}
		e, err := appendOne(s, i, false)
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		want += 2
		if e.Seq != want {
			t.Fatalf("append %d has seq %d; want %d", i, e.Seq, want)
		}
	}
	v := beredskap.NewChainVerifier()
	if err := stores[0].ScanAudit(ctx, func(e *beredskap.AuditEntry) error {
		v.Add(e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if b := v.Result(); b != nil || v.Count() != want {
		t.Errorf("chain of %d entries: %v; want %d entries, intact", v.Count(), b, want)
	}
}
