package sqlite

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"beredskap"
	"beredskap/internal/testwait"
	"beredskap/storetest"
)

// A caller that leads writes exactly one batch, with its own registration
// in it: under steady load, nobody writes others' batches while its own
// answer waits (issue 15, item 9).
func TestGroupCommitLeaderWritesOnlyItsOwnBatch(t *testing.T) {
	var g groupCommit
	var mu sync.Mutex
	written := map[*createOp]int{} // batches each leader wrote
	batches := 0
	var wg sync.WaitGroup
	const callers = 200
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			op := newCreateOp(context.Background(), beredskap.NewRegistration{}, columns{})
			g.do(op, func(batch []*createOp) {
				mu.Lock()
				defer mu.Unlock()
				written[op]++
				batches++
				own := false
				for _, o := range batch {
					own = own || o == op
				}
				if !own {
					t.Errorf("a leader wrote a batch of %d without its own registration", len(batch))
				}
				time.Sleep(100 * time.Microsecond) // a commit, so that others queue up
			})
			if !op.finished || op.err != nil {
				t.Errorf("do returned with finished %t, err %v", op.finished, op.err)
			}
		}()
	}
	wg.Wait()
	for op, n := range written {
		if n != 1 {
			t.Errorf("a leader wrote %d batches (op %p)", n, op)
		}
	}
	if batches == 0 || batches > callers {
		t.Errorf("%d batches for %d callers", batches, callers)
	}
}

// A panic while writing fails that batch and passes the lead on: the
// callers after it are written, none waits forever.
func TestGroupCommitSurvivesPanickingWrite(t *testing.T) {
	var g groupCommit
	release := make(chan struct{})
	first := newCreateOp(context.Background(), beredskap.NewRegistration{}, columns{})
	firstDone := make(chan any)
	go func() {
		defer func() { firstDone <- recover() }()
		g.do(first, func([]*createOp) {
			<-release
			panic("boom")
		})
	}()
	waitFor(t, "the first caller to lead and take its batch", func() bool { g.mu.Lock(); defer g.mu.Unlock(); return g.leader == first && first.taken })
	// Queue others behind the panicking leader.
	var wg sync.WaitGroup
	ops := make([]*createOp, 5)
	for i := range ops {
		ops[i] = newCreateOp(context.Background(), beredskap.NewRegistration{}, columns{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			g.do(ops[i], func(batch []*createOp) {
				for _, o := range batch {
					o.created = true
				}
			})
		}()
	}
	waitFor(t, "every other caller to queue", func() bool { g.mu.Lock(); defer g.mu.Unlock(); return len(g.pending) == len(ops) })
	close(release)
	if p := <-firstDone; p != "boom" {
		t.Fatalf("the leader's panic was %v; want it passed on", p)
	}
	if first.err == nil {
		t.Error("the panicking batch's registration has no error")
	}
	wg.Wait()
	for i, o := range ops {
		if !o.created || o.err != nil {
			t.Errorf("op %d after the panic: created %t, err %v", i, o.created, o.err)
		}
	}
	if g.leader != nil || len(g.pending) != 0 {
		t.Errorf("after all: leader %p, %d pending", g.leader, len(g.pending))
	}
}

// A caller whose context ends while it waits for a batch returns with the
// context's error at once and is never written.
func TestGroupCommitWaitRespectsContext(t *testing.T) {
	var g groupCommit
	release := make(chan struct{})
	leader := newCreateOp(context.Background(), beredskap.NewRegistration{}, columns{})
	var writes [][]*createOp
	var mu sync.Mutex
	write := func(batch []*createOp) {
		mu.Lock()
		writes = append(writes, batch)
		mu.Unlock()
		if len(batch) > 0 && batch[0] == leader {
			<-release
		}
	}
	leaderDone := make(chan struct{})
	go func() { g.do(leader, write); close(leaderDone) }()
	waitFor(t, "the leader to take its batch", func() bool { g.mu.Lock(); defer g.mu.Unlock(); return leader.taken })

	ctx, cancel := context.WithCancel(context.Background())
	waiter := newCreateOp(ctx, beredskap.NewRegistration{}, columns{})
	waiterDone := make(chan struct{})
	go func() { g.do(waiter, write); close(waiterDone) }()
	waitFor(t, "a caller to queue", func() bool { g.mu.Lock(); defer g.mu.Unlock(); return len(g.pending) == 1 })
	cancel()
	<-waiterDone // returns while the leader's batch is still being written
	if !errors.Is(waiter.err, context.Canceled) {
		t.Errorf("waiter's err = %v; want context.Canceled", waiter.err)
	}
	close(release)
	<-leaderDone
	for _, b := range writes {
		for _, o := range b {
			if o == waiter {
				t.Error("the cancelled registration was written")
			}
		}
	}
}

// waitFor waits until cond holds, failing the test, saying what it waited
// for, when it does not by the test's deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testwait.For(t, cond, "%s", what)
}

// A registration that fails after it has written (here its idempotency key,
// refused by a trigger) rolls its batch back; the batch is then written one
// registration at a time, so that the others are stored and the failing
// one is not stored at all, rather than stored without its key.
func TestWriteBatchFailureLeavesOthersAndNothingHalfStored(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, migratedPath(t, "batch.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.write.ExecContext(ctx, `CREATE TEMP TRIGGER refuse_key BEFORE INSERT ON idempotency
		WHEN NEW.key = 'refused' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`)
	if err != nil {
		t.Fatal(err)
	}
	s := NewRegistrationService(db, time.Now)
	var batch []*createOp
	for _, key := range []string{"first", "refused", "last"} {
		n := beredskap.NewRegistration{Registration: storetest.Registration("Anna", key), Decision: storetest.Decision(),
			Municipality: "0301", IdempotencyKey: key, RequestHash: "hash-" + key}
		cols, err := columnsOf(n)
		if err != nil {
			t.Fatal(err)
		}
		batch = append(batch, newCreateOp(ctx, n, cols))
	}
	s.writeBatch(batch)
	for _, op := range batch {
		failed := op.n.IdempotencyKey == "refused"
		if (op.err != nil) != failed || (op.reg != nil) == failed || op.created == failed {
			t.Errorf("%s: reg %v, created %t, err %v; want failed %t", op.n.IdempotencyKey, op.reg, op.created, op.err, failed)
		}
	}
	var names []string
	rows, err := db.read.QueryContext(ctx, `SELECT last_name FROM registrations ORDER BY last_name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	if got, want := strings.Join(names, ","), "first,last"; got != want {
		t.Errorf("stored %q; want %q", got, want)
	}
}
