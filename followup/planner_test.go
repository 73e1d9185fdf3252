package followup_test

import (
	"context"
	"testing"
	"time"

	"beredskap/internal/teststore"
	"beredskap/internal/testwait"
)

// waitPlan waits until the receipt has a plan, and fails the test when it
// has none by the test's deadline.
func (e *env) waitPlan(receipt string) {
	e.t.Helper()
	testwait.For(e.t, func() bool { return e.hasPlan(receipt) }, "a follow-up plan for %s", receipt)
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
