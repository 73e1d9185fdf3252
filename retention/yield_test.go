package retention_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"beredskap"
	"beredskap/internal/teststore"
	"beredskap/retention"
)

// busyStore is a store whose transactions always find other writes
// waiting for the writer, as SQLite's do while registrations arrive.
type busyStore struct {
	teststore.Store
}

func (s busyStore) UpdateRetention(ctx context.Context, fn func(ctx context.Context, tx beredskap.RetentionTx) error) error {
	return s.Store.UpdateRetention(ctx, func(ctx context.Context, tx beredskap.RetentionTx) error {
		return fn(ctx, busyTx{tx})
	})
}

type busyTx struct {
	beredskap.RetentionTx
}

func (busyTx) WritersWaiting() bool { return true }

// TestPurgeYieldsToWaitingWrites checks that a batch of the purge ends,
// committed and audited, after the step it is in when other writes wait
// for the writer, and that the purge goes on with the rest in later
// batches.
func TestPurgeYieldsToWaitingWrites(t *testing.T) { teststore.Each(t, testPurgeYieldsToWaitingWrites) }

func testPurgeYieldsToWaitingWrites(t *testing.T, kind string) {
	e := newEnv(t, kind)
	arrival := start.Add(-2 * time.Hour)
	var receipts []string
	for i := range 20 {
		p := person{first: "Yngvild", last: fmt.Sprintf("Steg%02d", i), nationalID: nid(t, 10+20*i),
			phone: fmt.Sprintf("+479123%04d", i), email: fmt.Sprintf("steg%d@example.org", i)}
		receipts = append(receipts, e.register(p, arrival, fmt.Sprintf("yield-%d", i)).Receipt)
	}
	e.clock.Set(start.AddDate(1, 6, 0))
	svc := retention.New(busyStore{e.store}, retention.MustEmbedded(), e.clock.Now, nil, retention.Config{Batch: 1000})
	rep, err := svc.Purge(context.Background(), nil)
	if err != nil {
		t.Fatalf("Purge: %v", err)
	}
	// The first batch asks for 20; each of the first two ends after a
	// step of 8, and the third purges the 4 left.
	if rep.Registrations.Registrations != 20 || rep.Batches != 3 || rep.Yielded != 2 {
		t.Fatalf("Purge: %d registrations in %d batches, %d ended early; want 20 in 3, 2 ended early",
			rep.Registrations.Registrations, rep.Batches, rep.Yielded)
	}
	var sizes []int
	var audited []string
	if err := e.store.ScanAudit(context.Background(), func(a *beredskap.AuditEntry) error {
		if a.Action == "retention.purge" && a.Object == "retention:"+retention.Registrations {
			sizes = append(sizes, len(a.Subjects))
			audited = append(audited, a.Subjects...)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sizes, []int{8, 8, 4}) {
		t.Errorf("audit entries of the purge name %v receipts; want [8 8 4]", sizes)
	}
	slices.Sort(audited)
	slices.Sort(receipts)
	if !slices.Equal(audited, receipts) {
		t.Errorf("the purge's audit entries name %v; want every purged receipt once: %v", audited, receipts)
	}
	for _, r := range receipts {
		if _, err := e.regs.FindRegistration(context.Background(), r); beredskap.ErrorCode(err) != beredskap.ENOTFOUND {
			t.Errorf("FindRegistration(%s) after the purge: %v; want not found", r, err)
		}
	}
	e.verifyAudit()
}
