package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"beredskap"
)

// claimNext runs ClaimNext in a transaction of its own and returns the
// plan, or nil when the queue is empty; other errors fail the test.
func claimNext(t *testing.T, h StaffHarness, f beredskap.QueueFilter, operator string, now, until time.Time) *beredskap.FollowUpPlan {
	t.Helper()
	var p *beredskap.FollowUpPlan
	err := fuStore(t, h).UpdateFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) (err error) {
		p, err = tx.ClaimNext(ctx, f, operator, now, until)
		return err
	})
	if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
		return nil
	}
	if err != nil {
		t.Fatalf("ClaimNext(%+v, %s): %v", f, operator, err)
	}
	return p
}

// claim runs Claim in a transaction of its own and returns its result.
func claim(t *testing.T, h StaffHarness, id int64, operator string, now, until time.Time) (*beredskap.FollowUpPlan, error) {
	t.Helper()
	var p *beredskap.FollowUpPlan
	err := fuStore(t, h).UpdateFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) (err error) {
		p, err = tx.Claim(ctx, id, operator, now, until)
		return err
	})
	return p, err
}

// release runs Release in a transaction of its own.
func release(t *testing.T, h StaffHarness, id int64, operator string) {
	t.Helper()
	fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error { return tx.Release(ctx, id, operator) })
}

// listQueue returns ListQueue's plans, read in a view.
func listQueue(t *testing.T, h StaffHarness, f beredskap.QueueFilter, now time.Time) []*beredskap.FollowUpPlan {
	t.Helper()
	var ps []*beredskap.FollowUpPlan
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) (err error) {
		ps, err = tx.ListQueue(ctx, f, now)
		return err
	})
	return ps
}

// wantHeld fails the test unless p is held by operator until until.
func wantHeld(t *testing.T, p *beredskap.FollowUpPlan, operator string, until time.Time, what string) {
	t.Helper()
	if p == nil {
		t.Fatalf("%s: no plan; want one held by %s", what, operator)
	}
	if p.ClaimedBy != operator || !sameTime(p.LeaseUntil, &until) {
		t.Fatalf("%s: plan %d held by %q until %v; want %q until %v", what, p.ID, p.ClaimedBy, p.LeaseUntil, operator, until)
	}
}

func testQueueOrder(t *testing.T, h StaffHarness) {
	plan := func(reached, breach bool, lastDay string) func(p *beredskap.FollowUpPlan) {
		return func(p *beredskap.FollowUpPlan) { p.Reached, p.BreachSuspected, p.LastDay = reached, breach, lastDay }
	}
	a := newPlan(t, h, "0301", func(p *beredskap.FollowUpPlan) {
		plan(false, false, "2021-01-13")(p)
		p.NextCallAt = queueNow // due exactly now
	})
	b := newPlan(t, h, "0301", plan(false, true, "2021-01-13"))
	c := newPlan(t, h, "4601", plan(true, true, "2021-01-10"))
	d := newPlan(t, h, "0301", plan(false, false, "2021-01-11"))
	e := newPlan(t, h, "0301", plan(false, false, "2021-01-13"))
	f := newPlan(t, h, "0301", plan(true, false, "2021-01-09"))
	newPlan(t, h, "0301", func(p *beredskap.FollowUpPlan) { p.NextCallAt = queueNow.Add(time.Microsecond) })
	newPlan(t, h, "0301", func(p *beredskap.FollowUpPlan) {
		p.Status, p.EndReason, p.EndedAt = beredskap.PlanEnded, beredskap.EndedEarly, ptr(followStart)
	})
	held := newPlan(t, h, "0301", func(p *beredskap.FollowUpPlan) {
		plan(false, false, "2021-01-12")(p)
		p.ClaimedBy, p.LeaseUntil = "other@helsedir.no", ptr(queueNow.Add(time.Hour))
	})
	want := []int64{b.ID, d.ID, held.ID, a.ID, e.ID, c.ID, f.ID}
	if got := planIDs(listQueue(t, h, beredskap.QueueFilter{}, queueNow)); !sameIDs(got, want) {
		t.Errorf("ListQueue: %v; want %v (not reached first, breach first, fewest days left, oldest)", got, want)
	}
	if got := planIDs(listQueue(t, h, beredskap.QueueFilter{Limit: 3}, queueNow)); !sameIDs(got, want[:3]) {
		t.Errorf("ListQueue with limit 3: %v; want %v", got, want[:3])
	}
	if got := planIDs(listQueue(t, h, beredskap.QueueFilter{Limit: 3, Offset: 3}, queueNow)); !sameIDs(got, want[3:6]) {
		t.Errorf("ListQueue with limit 3 after 3: %v; want %v", got, want[3:6])
	}
	if got := planIDs(listQueue(t, h, beredskap.QueueFilter{Limit: 3, Offset: 6}, queueNow)); !sameIDs(got, want[6:]) {
		t.Errorf("ListQueue, the last page: %v; want %v", got, want[6:])
	}
	for _, f := range []beredskap.QueueFilter{{}, {Limit: 2, Offset: 5}, {Municipality: "0301"}, {Municipality: "4601"}} {
		var n int
		fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) (err error) {
			n, err = tx.CountQueue(ctx, f, queueNow)
			return err
		})
		asked := f
		f.Limit, f.Offset = 0, 0
		whole := len(listQueue(t, h, f, queueNow))
		if n != whole || (asked.Municipality == "" && n != len(want)) {
			t.Errorf("CountQueue(%+v) = %d; want %d, the length of the whole queue", asked, n, whole)
		}
	}
	if got := listQueue(t, h, beredskap.QueueFilter{}, queueNow); len(got) > 0 && fuJSON(t, got[2]) != fuJSON(t, held) {
		t.Errorf("ListQueue[2]\n got %s\nwant %s", fuJSON(t, got[2]), fuJSON(t, held))
	}
	const op = "op1@helsedir.no"
	until := queueNow.Add(30 * time.Minute)
	var got []int64
	for range 10 {
		p := claimNext(t, h, beredskap.QueueFilter{}, op, queueNow, until)
		if p == nil {
			break
		}
		wantHeld(t, p, op, until, "ClaimNext")
		if !p.HeldBy(op, queueNow) {
			t.Errorf("plan %d: HeldBy(%s) false after ClaimNext", p.ID, op)
		}
		got = append(got, p.ID)
	}
	if want := []int64{b.ID, d.ID, a.ID, e.ID, c.ID, f.ID}; !sameIDs(got, want) {
		t.Errorf("ClaimNext in turn: %v; want %v (the held plan skipped, then ENOTFOUND)", got, want)
	}
	if stored := findPlan(t, h, b.ID); stored.ClaimedBy != op || !sameTime(stored.LeaseUntil, &until) {
		t.Errorf("stored plan %d held by %q until %v; want %s until %v", b.ID, stored.ClaimedBy, stored.LeaseUntil, op, until)
	}
}

func testQueueFilters(t *testing.T, h StaffHarness) {
	osloPl := newPlan(t, h, "0301", nil)
	osloLt := newPlan(t, h, "0301", func(p *beredskap.FollowUpPlan) { p.Language = "lt" })
	bergenPl := newPlan(t, h, "4601", nil)
	for _, c := range []struct {
		f    beredskap.QueueFilter
		want []int64
	}{
		{beredskap.QueueFilter{}, []int64{osloPl.ID, osloLt.ID, bergenPl.ID}},
		{beredskap.QueueFilter{Language: "pl"}, []int64{osloPl.ID, bergenPl.ID}},
		{beredskap.QueueFilter{Municipality: "4601"}, []int64{bergenPl.ID}},
		{beredskap.QueueFilter{Language: "pl", Municipality: "0301"}, []int64{osloPl.ID}},
		{beredskap.QueueFilter{Language: "ar"}, []int64{}},
	} {
		if got := planIDs(listQueue(t, h, c.f, queueNow)); !sameIDs(got, c.want) {
			t.Errorf("ListQueue(%+v): %v; want %v", c.f, got, c.want)
		}
	}
	until := queueNow.Add(time.Hour)
	p := claimNext(t, h, beredskap.QueueFilter{Language: "lt"}, "op@helsedir.no", queueNow, until)
	wantHeld(t, p, "op@helsedir.no", until, "ClaimNext of language lt")
	if p.ID != osloLt.ID {
		t.Errorf("ClaimNext of language lt: plan %d; want %d", p.ID, osloLt.ID)
	}
	if p := claimNext(t, h, beredskap.QueueFilter{Language: "lt"}, "op@helsedir.no", queueNow, until); p != nil {
		t.Errorf("second ClaimNext of language lt: plan %d; want ENOTFOUND", p.ID)
	}
	p = claimNext(t, h, beredskap.QueueFilter{Municipality: "4601"}, "op2@helsedir.no", queueNow, until)
	if p == nil || p.ID != bergenPl.ID {
		t.Errorf("ClaimNext of municipality 4601: %v; want plan %d", p, bergenPl.ID)
	}
}

func testClaim(t *testing.T, h StaffHarness) {
	const op1, op2 = "op1@helsedir.no", "op2@helsedir.no"
	p := newPlan(t, h, "0301", nil)
	now := queueNow
	got, err := claim(t, h, p.ID, op1, now, now.Add(10*time.Minute))
	if err != nil {
		t.Fatalf("Claim of a free plan: %v", err)
	}
	wantHeld(t, got, op1, now.Add(10*time.Minute), "Claim")
	_, err = claim(t, h, p.ID, op2, now.Add(time.Minute), now.Add(time.Hour))
	wantCode(t, err, beredskap.ECONFLICT, "Claim of a plan someone else holds")
	got, err = claim(t, h, p.ID, op1, now.Add(5*time.Minute), now.Add(20*time.Minute))
	if err != nil {
		t.Fatalf("Claim by the holder: %v", err)
	}
	wantHeld(t, got, op1, now.Add(20*time.Minute), "Claim by the holder (extended)")
	// The hold lapses at LeaseUntil.
	got, err = claim(t, h, p.ID, op2, now.Add(20*time.Minute), now.Add(30*time.Minute))
	if err != nil {
		t.Fatalf("Claim of a plan whose hold lapsed: %v", err)
	}
	wantHeld(t, got, op2, now.Add(30*time.Minute), "Claim after the lapse")
	release(t, h, p.ID, op1)
	wantHeld(t, findPlan(t, h, p.ID), op2, now.Add(30*time.Minute), "after Release by another operator")
	release(t, h, p.ID, op2)
	if got := findPlan(t, h, p.ID); got.ClaimedBy != "" || got.LeaseUntil != nil {
		t.Errorf("after Release by the holder: held by %q until %v; want free", got.ClaimedBy, got.LeaseUntil)
	}
	if _, err := claim(t, h, p.ID, op2, now.Add(31*time.Minute), now.Add(time.Hour)); err != nil {
		t.Errorf("Claim of a released plan: %v", err)
	}

	ended := newPlan(t, h, "0301", func(p *beredskap.FollowUpPlan) {
		p.Status, p.EndReason, p.EndedAt = beredskap.PlanEnded, beredskap.EndQuarantineOver, ptr(followStart)
	})
	_, err = claim(t, h, ended.ID, op1, now, now.Add(time.Hour))
	wantCode(t, err, beredskap.ECONFLICT, "Claim of an ended plan")
	if got := findPlan(t, h, ended.ID); got.ClaimedBy != "" {
		t.Errorf("ended plan held by %q after a refused Claim", got.ClaimedBy)
	}
	_, err = claim(t, h, ended.ID+100, op1, now, now.Add(time.Hour))
	wantCode(t, err, beredskap.ENOTFOUND, "Claim of an unknown plan")
	fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		return tx.Release(ctx, ended.ID+100, op1)
	})
}

func testClaimNextLeases(t *testing.T, h StaffHarness) {
	const op1, op2, op3 = "op1@helsedir.no", "op2@helsedir.no", "op3@helsedir.no"
	x := newPlan(t, h, "0301", nil)
	y := newPlan(t, h, "0301", nil)
	now := queueNow
	wantHeld(t, claimNext(t, h, beredskap.QueueFilter{}, op1, now, now.Add(10*time.Minute)), op1, now.Add(10*time.Minute), "first ClaimNext")
	p := claimNext(t, h, beredskap.QueueFilter{}, op2, now, now.Add(15*time.Minute))
	wantHeld(t, p, op2, now.Add(15*time.Minute), "second ClaimNext")
	if p.ID != y.ID {
		t.Errorf("second ClaimNext: plan %d; want %d", p.ID, y.ID)
	}
	if p := claimNext(t, h, beredskap.QueueFilter{}, op3, now.Add(time.Minute), now.Add(time.Hour)); p != nil {
		t.Fatalf("ClaimNext while both plans are held: plan %d held by %q; want ENOTFOUND", p.ID, p.ClaimedBy)
	}
	if n := len(listQueue(t, h, beredskap.QueueFilter{}, now)); n != 2 {
		t.Errorf("ListQueue: %d plans; want the 2 held ones", n)
	}
	// op1's hold on x lapses at now+10m; op3 gets x then.
	p = claimNext(t, h, beredskap.QueueFilter{}, op3, now.Add(10*time.Minute), now.Add(40*time.Minute))
	wantHeld(t, p, op3, now.Add(40*time.Minute), "ClaimNext after a hold lapsed")
	if p.ID != x.ID {
		t.Errorf("ClaimNext after a hold lapsed: plan %d; want %d", p.ID, x.ID)
	}
	if _, err := claim(t, h, x.ID, op1, now.Add(11*time.Minute), now.Add(time.Hour)); beredskap.ErrorCode(err) != beredskap.ECONFLICT {
		t.Errorf("Claim by the operator whose hold lapsed and was taken: %v; want ECONFLICT", err)
	}
	// An ended plan leaves the queue, whatever its hold.
	fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		p, err := tx.FindPlan(ctx, y.ID)
		if err != nil {
			return err
		}
		p.Status, p.EndReason, p.EndedAt = beredskap.PlanEnded, beredskap.EndedEarly, ptr(now)
		return tx.UpdatePlan(ctx, p)
	})
	if p := claimNext(t, h, beredskap.QueueFilter{}, op1, now.Add(time.Hour), now.Add(2*time.Hour)); p == nil || p.ID != x.ID {
		t.Errorf("ClaimNext after every hold lapsed: %v; want plan %d only", p, x.ID)
	}
	if got := planIDs(listQueue(t, h, beredskap.QueueFilter{}, now.Add(time.Hour))); !sameIDs(got, []int64{x.ID}) {
		t.Errorf("ListQueue: %v; want the active plan %d only", got, x.ID)
	}
	if p := claimNext(t, h, beredskap.QueueFilter{}, op2, now.Add(3*time.Hour), now.Add(4*time.Hour)); p == nil || p.ID != x.ID {
		t.Errorf("ClaimNext later: %v; want plan %d, never the ended %d", p, x.ID, y.ID)
	}
}

// testClaimNextConcurrent is the proof the issue asks for: operators claim
// from one queue at once, each claim in a transaction of its own, and no
// traveller is ever held by two of them.
func testClaimNextConcurrent(t *testing.T, h StaffHarness) {
	const plans, workers = 200, 6
	want := map[int64]bool{}
	for i := range plans {
		m := "0301"
		if i%3 == 0 {
			m = "4601"
		}
		want[newPlan(t, h, m, nil).ID] = true
	}
	s := fuStore(t, h)
	until := queueNow.Add(8 * time.Hour)
	var (
		mu      sync.Mutex
		claimed = map[int64][]string{}
		wg      sync.WaitGroup
	)
	for w := range workers {
		op := fmt.Sprintf("op%d@helsedir.no", w)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range plans + 1 {
				var p *beredskap.FollowUpPlan
				err := s.UpdateFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) (err error) {
					p, err = tx.ClaimNext(ctx, beredskap.QueueFilter{}, op, queueNow, until)
					return err
				})
				if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
					return
				}
				if err != nil {
					t.Errorf("%s: ClaimNext: %v", op, err)
					return
				}
				if p.ClaimedBy != op {
					t.Errorf("%s: ClaimNext returned plan %d held by %q", op, p.ID, p.ClaimedBy)
				}
				mu.Lock()
				claimed[p.ID] = append(claimed[p.ID], op)
				mu.Unlock()
			}
			t.Errorf("%s: the queue never emptied", op)
		}()
	}
	wg.Wait()
	for id, ops := range claimed {
		if !want[id] {
			t.Errorf("ClaimNext returned plan %d, which the test did not make", id)
		}
		if len(ops) != 1 {
			t.Errorf("plan %d claimed %d times, by %v; want once", id, len(ops), ops)
		}
	}
	if len(claimed) != plans {
		t.Errorf("%d plans claimed; want every one of the %d", len(claimed), plans)
	}
	for id, ops := range claimed {
		if p := findPlan(t, h, id); len(ops) > 0 && p.ClaimedBy != ops[0] {
			t.Errorf("plan %d stored as held by %q; ClaimNext gave it to %q", id, p.ClaimedBy, ops[0])
		}
	}
	if p := claimNext(t, h, beredskap.QueueFilter{}, "late@helsedir.no", queueNow.Add(time.Hour), until); p != nil {
		t.Errorf("ClaimNext after the queue emptied: plan %d; want ENOTFOUND", p.ID)
	}
}

// testClaimSameConcurrent has several operators claim one plan at once;
// exactly one gets it.
func testClaimSameConcurrent(t *testing.T, h StaffHarness) {
	const workers = 8
	p := newPlan(t, h, "0301", nil)
	s := fuStore(t, h)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = s.UpdateFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
				_, err := tx.Claim(ctx, p.ID, fmt.Sprintf("op%d@helsedir.no", w), queueNow, queueNow.Add(time.Hour))
				return err
			})
		}()
	}
	wg.Wait()
	won := -1
	for w, err := range errs {
		switch beredskap.ErrorCode(err) {
		case "":
			if won >= 0 {
				t.Errorf("operators %d and %d both claimed plan %d", won, w, p.ID)
			}
			won = w
		case beredskap.ECONFLICT:
		default:
			t.Errorf("operator %d: Claim: %v; want success or ECONFLICT", w, err)
		}
	}
	if won < 0 {
		t.Fatal("no operator claimed the plan")
	}
	if got := findPlan(t, h, p.ID); got.ClaimedBy != fmt.Sprintf("op%d@helsedir.no", won) {
		t.Errorf("plan held by %q; want op%d, who won", got.ClaimedBy, won)
	}
}
