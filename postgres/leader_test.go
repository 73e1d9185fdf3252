package postgres

import (
	"context"
	"sync"
	"testing"
	"time"

	"beredskap/internal/testwait"
	"beredskap/storetest"
)

// fastLead makes leaders check and retry often, for the test's length. A
// check waits a minute for its answer: the tests end a leader's session,
// which fails its check at once, and a shorter wait would make a leader on
// a loaded machine give the lead up without cause.
func fastLead(t *testing.T) {
	check, timeout, retry := leadCheck, leadTimeout, leadRetry
	leadCheck, leadTimeout, leadRetry = 50*time.Millisecond, time.Minute, 20*time.Millisecond
	t.Cleanup(func() { leadCheck, leadTimeout, leadRetry = check, timeout, retry })
}

// runners counts the processes running a job at once.
type runners struct {
	mu      sync.Mutex
	now     int
	most    int
	started map[string]int
	turns   chan string
}

// waitAlone waits until one instance runs the job, then starts counting
// anew how many run it at once.
func (r *runners) waitAlone(t *testing.T) {
	t.Helper()
	n := 0
	if !testwait.Until(t, func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		n = r.now
		if n == 1 {
			r.most = 1
		}
		return n == 1
	}) {
		t.Fatalf("%d instances still run the job at the test's deadline", n)
	}
}

func newRunners() *runners {
	return &runners{started: map[string]int{}, turns: make(chan string, 100)}
}

// job returns the job body of the instance named name: it counts itself in
// while it runs and out when its context ends.
func (r *runners) job(name string) func(ctx context.Context) {
	return func(ctx context.Context) {
		r.mu.Lock()
		r.now++
		r.most = max(r.most, r.now)
		r.started[name]++
		r.mu.Unlock()
		r.turns <- name
		<-ctx.Done()
		r.mu.Lock()
		r.now--
		r.mu.Unlock()
	}
}

// Two instances on one database: one leads, the other takes over when the
// first stops and when the first's lock session is ended by the server,
// and never do both run the job at once.
func TestLeadOneRunnerAcrossInstances(t *testing.T) {
	fastLead(t)
	url := storetest.FreshPostgresDB(t)
	ctx := context.Background()
	open := func() *DB {
		db, err := Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	r := newRunners()
	ctxA, stopA := context.WithCancel(ctx)
	ctxB, stopB := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); a.Lead(ctxA, "planner", r.job("a")) }()
	<-r.turns
	go func() { defer wg.Done(); b.Lead(ctxB, "planner", r.job("b")) }()

	// The leader's session is ended by the server (as when its primary
	// goes away): the lead passes, to either instance. Only this test's
	// database is looked at: the tests of other packages hold advisory
	// locks (migrations, leads) on the same server at the same time.
	var pid int
	err := a.pool.QueryRow(ctx, `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()`).Scan(&pid)
	if err != nil {
		t.Fatalf("find the lock's session: %v", err)
	}
	if _, err := a.pool.Exec(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	second := <-r.turns
	// The old leader notices within its check; until then both may run,
	// which is why work that must happen once commits a marker first.
	r.waitAlone(t)

	// Whoever leads now stops; the other takes over.
	if second == "a" {
		stopA()
	} else {
		stopB()
	}
	third := <-r.turns
	if third == second {
		t.Errorf("after %s stopped, %s led again", second, third)
	}
	stopA()
	stopB()
	wg.Wait()
	if r.most != 1 {
		t.Errorf("%d instances ran the job at once in a handover; want 1", r.most)
	}
}

// Different jobs lead independently: one instance may lead both.
func TestLeadJobsAreIndependent(t *testing.T) {
	fastLead(t)
	ctx, cancel := context.WithCancel(context.Background())
	db, err := Open(ctx, storetest.FreshPostgresDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := newRunners()
	var wg sync.WaitGroup
	for _, job := range []string{"digests", "sms"} {
		wg.Add(1)
		go func() { defer wg.Done(); db.Lead(ctx, job, r.job(job)) }()
	}
	got := map[string]bool{<-r.turns: true, <-r.turns: true}
	cancel()
	wg.Wait()
	if !got["digests"] || !got["sms"] {
		t.Errorf("jobs led: %v; want both", got)
	}
}
