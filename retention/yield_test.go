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
	// Every batch ends after its first step of 2 registrations, but the
	// last, which finds only those 2 due.
	if rep.Registrations.Registrations != 20 || rep.Batches != 10 || rep.Yielded != 9 {
		t.Fatalf("Purge: %d registrations in %d batches, %d ended early; want 20 in 10, 9 ended early",
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
	if want := slices.Repeat([]int{2}, 10); !slices.Equal(sizes, want) {
		t.Errorf("audit entries of the purge name %v receipts; want %v", sizes, want)
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

// TestPurgeEndsBatchesWhenTheirTimeIsSpent checks that a batch of the
// purge ends, committed and audited, after the step in which its budget
// ran out, so that no transaction holds the writer much longer than the
// budget however many registrations are due; with a budget of a
// nanosecond, each batch ends after its first step.
func TestPurgeEndsBatchesWhenTheirTimeIsSpent(t *testing.T) {
	teststore.Each(t, testPurgeEndsBatchesWhenTheirTimeIsSpent)
}

func testPurgeEndsBatchesWhenTheirTimeIsSpent(t *testing.T, kind string) {
	e := newEnv(t, kind)
	arrival := start.Add(-2 * time.Hour)
	for i := range 7 {
		p := person{first: "Torunn", last: fmt.Sprintf("Tid%02d", i), nationalID: nid(t, 30+20*i),
			phone: fmt.Sprintf("+479124%04d", i), email: fmt.Sprintf("tid%d@example.org", i)}
		e.register(p, arrival, fmt.Sprintf("budget-%d", i))
	}
	e.clock.Set(start.AddDate(1, 6, 0))
	svc := retention.New(e.store, retention.MustEmbedded(), e.clock.Now, nil, retention.Config{Batch: 1000, Budget: time.Nanosecond})
	rep, err := svc.Purge(context.Background(), nil)
	if err != nil {
		t.Fatalf("Purge: %v", err)
	}
	// Steps of 2: three batches end with their time spent, and the last
	// purges the one left.
	if rep.Registrations.Registrations != 7 || rep.Batches != 4 || rep.Yielded != 0 {
		t.Fatalf("Purge: %d registrations in %d batches, %d ended for waiting writes; want 7 in 4, none",
			rep.Registrations.Registrations, rep.Batches, rep.Yielded)
	}
	var sizes []int
	if err := e.store.ScanAudit(context.Background(), func(a *beredskap.AuditEntry) error {
		if a.Action == "retention.purge" && a.Object == "retention:"+retention.Registrations {
			sizes = append(sizes, len(a.Subjects))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want := []int{2, 2, 2, 1}; !slices.Equal(sizes, want) {
		t.Errorf("audit entries of the purge name %v receipts; want %v", sizes, want)
	}
	e.verifyAudit()
}
