package sqlite

import (
	"context"
	"runtime"
	"testing"
	"time"

	"beredskap"
	"beredskap/storetest"
)

// A registration that waits for the writer while the purge holds it is
// seen by the purge's transaction (so that the batch ends early), and the
// purge's wait before its next batch ends once the registration is
// written.
func TestPurgeSeesWaitingRegistration(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, migratedPath(t, "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := NewStaffStore(db, time.Now)
	regs := NewRegistrationService(db, time.Now)
	n := beredskap.NewRegistration{Registration: storetest.Registration("Anna", "Kowalska"), Decision: storetest.Decision(), Municipality: "0301"}
	written := make(chan error, 1)
	err = store.UpdateRetention(ctx, func(ctx context.Context, tx beredskap.RetentionTx) error {
		if tx.WritersWaiting() {
			t.Error("WritersWaiting with no other write; want false")
		}
		go func() {
			_, _, err := regs.CreateRegistration(context.Background(), n)
			written <- err
		}()
		for !tx.WritersWaiting() {
			runtime.Gosched() // until the registration queues for the writer
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-written; err != nil {
		t.Fatalf("CreateRegistration: %v", err)
	}
	// Nothing waits now: AwaitWriter returns before its hour is up.
	if err := store.AwaitWriter(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	if db.prio.busy() {
		t.Error("a write is still counted after the registration was written")
	}
}

// AwaitWriter waits while a write is counted, and returns once it is not.
func TestAwaitWriterWaitsForCountedWrites(t *testing.T) {
	p := newPriority()
	p.enter()
	p.enter()
	done := make(chan error, 1)
	go func() { done <- p.await(context.Background(), time.Hour) }()
	p.leave()
	select {
	case err := <-done:
		t.Fatalf("await returned (%v) with a write still counted", err)
	default:
	}
	p.leave()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.enter()
	cancel()
	if err := p.await(ctx, time.Hour); err != context.Canceled {
		t.Errorf("await with an ended context: %v; want context.Canceled", err)
	}
}
