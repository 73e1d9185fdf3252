package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"beredskap"
)

// auditRecord returns a realistic record of the i-th action.
func auditRecord(i int) beredskap.AuditRecord {
	return beredskap.AuditRecord{
		Actor: fmt.Sprintf("user%d@oslo.kommune.no", i%3), UserID: int64(i%3 + 1), Role: beredskap.RoleMunicipalStaff,
		Scope: "municipality:0301", Action: "registration.read", Object: fmt.Sprintf("registration:R%d", i),
		Subjects: []string{fmt.Sprintf("R%d", i)}, Outcome: beredskap.OutcomeOK, Detail: fmt.Sprintf("step %d", i),
		Address: "192.0.2.7", RequestID: fmt.Sprintf("req-%d", i),
	}
}

// appendAudit appends the records, each in an Update of its own, and returns
// the stored entries.
func appendAudit(t *testing.T, h StaffHarness, recs ...beredskap.AuditRecord) []*beredskap.AuditEntry {
	t.Helper()
	var out []*beredskap.AuditEntry
	for _, rec := range recs {
		update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
			e, err := tx.Audit(ctx, rec)
			out = append(out, e)
			return err
		})
	}
	return out
}

// appendN appends n records of auditRecord.
func appendN(t *testing.T, h StaffHarness, n int) []*beredskap.AuditEntry {
	t.Helper()
	recs := make([]beredskap.AuditRecord, n)
	for i := range recs {
		recs[i] = auditRecord(i + 1)
	}
	return appendAudit(t, h, recs...)
}

// scanAll returns every entry ScanAudit gives.
func scanAll(t *testing.T, h StaffHarness) []*beredskap.AuditEntry {
	t.Helper()
	var all []*beredskap.AuditEntry
	if err := h.Store.ScanAudit(context.Background(), func(e *beredskap.AuditEntry) error {
		all = append(all, e)
		return nil
	}); err != nil {
		t.Fatalf("ScanAudit: %v", err)
	}
	return all
}

// verifyChain runs ScanAudit through a ChainVerifier and returns its result
// and how many entries it checked.
func verifyChain(t *testing.T, h StaffHarness) (*beredskap.ChainBreak, int64) {
	t.Helper()
	v := beredskap.NewChainVerifier()
	if err := h.Store.ScanAudit(context.Background(), func(e *beredskap.AuditEntry) error {
		v.Add(e)
		return nil
	}); err != nil {
		t.Fatalf("ScanAudit: %v", err)
	}
	return v.Result(), v.Count()
}

func testAuditInView(t *testing.T, h StaffHarness) {
	err := h.Store.View(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		_, err := tx.Audit(ctx, auditRecord(1))
		return err
	})
	if err == nil {
		t.Fatal("Audit in View succeeded; want an error")
	}
	if got := scanAll(t, h); len(got) != 0 {
		t.Errorf("%d entries after Audit in View; want none", len(got))
	}
}

func testAuditChain(t *testing.T, h StaffHarness) {
	const n = 30
	stored := appendN(t, h, n)
	prev := beredskap.GenesisHash
	for i, e := range stored {
		if e.Seq != int64(i+1) || e.PrevHash != prev || e.Hash != e.ChainHash() {
			t.Fatalf("entry %d: seq %d prev %s hash %s; want seq %d chained to %s", i, e.Seq, e.PrevHash, e.Hash, i+1, prev)
		}
		if e.At.IsZero() || e.At.Location() != time.UTC {
			t.Errorf("entry %d: At %v; want the clock's time in UTC", e.Seq, e.At)
		}
		prev = e.Hash
	}
	for i := 1; i < n; i++ {
		if !stored[i].At.After(stored[i-1].At) {
			t.Errorf("entry %d at %v, not after entry %d at %v", i+1, stored[i].At, i, stored[i-1].At)
		}
	}
	scanned := scanAll(t, h)
	if len(scanned) != n {
		t.Fatalf("ScanAudit gave %d entries; want %d", len(scanned), n)
	}
	for i := range scanned {
		if g, w := asJSON(t, scanned[i]), asJSON(t, stored[i]); g != w {
			t.Errorf("scanned entry\n got %s\nwant %s", g, w)
		}
	}
	if b, count := verifyChain(t, h); b != nil || count != n {
		t.Errorf("verifier: %v after %d entries; want intact after %d", b, count, n)
	}
	stop := errors.New("stop")
	calls := 0
	err := h.Store.ScanAudit(context.Background(), func(*beredskap.AuditEntry) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 3 {
		t.Errorf("ScanAudit after fn's error: %v after %d calls; want fn's error after 3", err, calls)
	}
}

// tamper appends n entries, drops the audit guards and runs the statements.
func tamper(t *testing.T, h StaffHarness, n int, stmts ...func()) {
	t.Helper()
	appendN(t, h, n)
	if b, _ := verifyChain(t, h); b != nil {
		t.Fatalf("chain broken before tampering: %v", b)
	}
	for _, q := range h.DropAuditGuards {
		exec(t, h, q)
	}
	for _, s := range stmts {
		s()
	}
}

// wantBreak fails the test unless the verifier names the entry and reason.
func wantBreak(t *testing.T, h StaffHarness, seq int64, reason string) {
	t.Helper()
	b, _ := verifyChain(t, h)
	if b == nil || b.Seq != seq || b.Reason != reason {
		t.Errorf("verifier: %v; want a break at %d (%s)", b, seq, reason)
	}
}

func testTamperAltered(t *testing.T, h StaffHarness) {
	tamper(t, h, 12, func() { exec(t, h, `UPDATE audit SET detail = $1 WHERE seq = $2`, "nothing to see", 7) })
	wantBreak(t, h, 7, "hash")
}

func testTamperRehashed(t *testing.T, h StaffHarness) {
	// An intruder who alters an entry and recomputes its hash still breaks
	// the link to the next one.
	tamper(t, h, 12)
	all := scanAll(t, h)
	e := all[6]
	e.Actor = "someone.else@oslo.kommune.no"
	exec(t, h, `UPDATE audit SET actor = $1, hash = $2 WHERE seq = $3`, e.Actor, e.ChainHash(), e.Seq)
	wantBreak(t, h, 8, "prev_hash")
}

func testTamperDeleted(t *testing.T, h StaffHarness) {
	tamper(t, h, 12, func() { exec(t, h, `DELETE FROM audit WHERE seq = $1`, 7) })
	wantBreak(t, h, 7, "sequence")
}

func testTamperFirstDeleted(t *testing.T, h StaffHarness) {
	tamper(t, h, 5, func() { exec(t, h, `DELETE FROM audit WHERE seq = $1`, 1) })
	wantBreak(t, h, 1, "sequence")
}

func testTamperSwapped(t *testing.T, h StaffHarness) {
	tamper(t, h, 12, func() {
		exec(t, h, `UPDATE audit SET seq = $1 WHERE seq = $2`, -1, 5)
		exec(t, h, `UPDATE audit SET seq = $1 WHERE seq = $2`, 5, 9)
		exec(t, h, `UPDATE audit SET seq = $1 WHERE seq = $2`, 9, -1)
	})
	wantBreak(t, h, 5, "prev_hash")
}

func testTamperContentsSwapped(t *testing.T, h StaffHarness) {
	tamper(t, h, 12, func() {
		exec(t, h, `UPDATE audit SET actor = $1 WHERE seq = $2`, "user0@oslo.kommune.no", 4)
		exec(t, h, `UPDATE audit SET actor = $1 WHERE seq = $2`, "user1@oslo.kommune.no", 6)
	})
	wantBreak(t, h, 4, "hash")
}

func testAuditAppendOnly(t *testing.T, h StaffHarness) {
	appendN(t, h, 3)
	ctx := context.Background()
	q := fmt.Sprintf(`UPDATE audit SET detail = %s WHERE seq = %s`, h.Placeholder(1), h.Placeholder(2))
	if err := h.Exec(ctx, q, "changed", 2); err == nil {
		t.Error("UPDATE of an audit entry succeeded; want it refused")
	}
	if err := h.Exec(ctx, fmt.Sprintf(`DELETE FROM audit WHERE seq = %s`, h.Placeholder(1)), 2); err == nil {
		t.Error("DELETE of an audit entry succeeded; want it refused")
	}
	if b, count := verifyChain(t, h); b != nil || count != 3 {
		t.Errorf("verifier: %v after %d entries; want intact after 3", b, count)
	}
}

func testAuditConcurrent(t *testing.T, h StaffHarness) {
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	seqs := make(chan int64, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				var e *beredskap.AuditEntry
				err := h.Store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
					var err error
					e, err = tx.Audit(ctx, auditRecord(w*each+i))
					return err
				})
				if err != nil {
					errs <- err
					continue
				}
				seqs <- e.Seq
			}
		}()
	}
	wg.Wait()
	close(errs)
	close(seqs)
	for err := range errs {
		t.Errorf("concurrent Update: %v", err)
	}
	seen := map[int64]bool{}
	for s := range seqs {
		if seen[s] {
			t.Errorf("seq %d returned twice", s)
		}
		seen[s] = true
	}
	all := scanAll(t, h)
	if len(all) != workers*each {
		t.Fatalf("%d entries; want %d", len(all), workers*each)
	}
	for i, e := range all {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %d has seq %d; want 1..%d without gaps", i, e.Seq, workers*each)
		}
	}
	if b, count := verifyChain(t, h); b != nil || count != workers*each {
		t.Errorf("verifier: %v after %d entries; want intact after %d", b, count, workers*each)
	}
}
