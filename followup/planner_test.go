package followup_test

import (
	"context"
	"testing"
	"time"

	"beredskap/internal/teststore"
)

// waitPlan waits (in wall time) until the receipt has a plan.
func (e *env) waitPlan(receipt string) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !e.hasPlan(receipt) {
		if time.Now().After(deadline) {
			e.t.Fatalf("no plan for %s after 10 s", receipt)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The planner keeps a high-water mark, less a margin, so that a
// registration committed late with an earlier creation time is planned.
func TestRunPlannerFindsLateCommits(t *testing.T) { teststore.Each(t, testRunPlannerFindsLateCommits) }

func testRunPlannerFindsLateCommits(t *testing.T, kind string) {
	e := newEnv(t, kind)
	first := e.register(traveller{arrival: at(2021, 2, 16, 14, 30)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.svc.RunPlanner(ctx, 20*time.Millisecond)
	}()
	defer func() { cancel(); <-done }()
	e.waitPlan(first.Receipt)

	now := e.clock.Now()
	e.clock.Set(now.Add(-time.Minute)) // created before the mark...
	late := e.register(traveller{arrival: at(2021, 2, 16, 14, 30), document: "EF3333333"})
	e.clock.Set(now.Add(time.Second)) // ...and committed after the pass
	e.waitPlan(late.Receipt)
	e.audited("followup.plan", "system", "ok", late.Receipt)
}
