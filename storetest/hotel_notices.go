package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"beredskap"
)

// testLateImpactChanges adds changes found after a run was computed: the
// receipts the run holds are skipped, Added counts the rest, the sweep
// mark only moves forward and the final run is recorded once.
func testLateImpactChanges(t *testing.T, h StaffHarness) {
	at := time.Date(2020, 12, 23, 11, 0, 0, 0, time.UTC)
	computed := time.Date(2020, 12, 22, 12, 0, 0, 0, time.UTC)
	run := &beredskap.ImpactRun{RuleID: "2020-12-23-1200", At: at, ComputedAt: computed, Evaluated: 10, Changed: 2}
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		return tx.CreateImpactRun(ctx, run, []*beredskap.ImpactChange{impactChange("R-A", "0301"), impactChange("R-B", "0301")})
	})
	if !run.SweptTo.Equal(computed) {
		t.Errorf("SweptTo of a new run = %v; want its ComputedAt %v", run.SweptTo, computed)
	}
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		n, err := tx.AddImpactChanges(ctx, run.ID, []*beredskap.ImpactChange{impactChange("R-B", "0301"),
			impactChange("R-C", "4601"), impactChange("R-D", "0301")})
		if err != nil || n != 2 {
			return fmt.Errorf("AddImpactChanges = %d, %v; want 2 (R-B is there)", n, err)
		}
		if n, err := tx.AddImpactChanges(ctx, run.ID, nil); err != nil || n != 0 {
			return fmt.Errorf("AddImpactChanges of none = %d, %v", n, err)
		}
		later := computed.Add(time.Hour)
		if err := tx.SweepImpact(ctx, run.ID, later, nil, 0); err != nil {
			return err
		}
		if err := tx.SweepImpact(ctx, run.ID, computed, nil, 0); err != nil { // an older mark
			return err
		}
		final := at.Add(time.Minute)
		if err := tx.SweepImpact(ctx, run.ID, final, &final, 14); err != nil {
			return err
		}
		again := at.Add(time.Hour)
		if err := tx.SweepImpact(ctx, run.ID, again, &again, 99); err != nil {
			return err
		}
		got, err := tx.FindImpactRunByID(ctx, run.ID)
		if err != nil {
			return err
		}
		if got.Added != 2 || got.ChangedInForce() != 4 || !got.SweptTo.Equal(again) || got.FinalAt == nil ||
			!got.FinalAt.Equal(final) || got.FinalEvaluated != 14 {
			return fmt.Errorf("run after sweeps = %+v; want 2 added, swept to %v, final at %v with 14", got, again, final)
		}
		return nil
	})
	err := hStore(t, h).UpdateHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
		_, err := tx.FindImpactRunByID(ctx, run.ID+1000)
		return err
	})
	wantCode(t, err, beredskap.ENOTFOUND, "FindImpactRunByID of an unknown run")
	if got := impactChanges(t, h, run.ID, "", "", 10); len(got) != 4 {
		t.Errorf("changes after adding: %d; want 4", len(got))
	}
}

// testRuleChangeNotices shows the at-most-once marker: a traveller is told
// of a rule version once, whichever run or transaction claims first, and
// ImpactRecipients leaves out those told already and reads the phone
// number, first name and plan with each change.
func testRuleChangeNotices(t *testing.T, h StaffHarness) {
	const n = 30
	var regs []*beredskap.StoredRegistration
	var changes []*beredskap.ImpactChange
	for range n {
		r := register(t, h, "0301")
		regs = append(regs, r)
		changes = append(changes, impactChange(r.Receipt, "0301"))
	}
	plan := planOf(regs[0])
	fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error { return tx.CreatePlan(ctx, plan) })
	at := time.Date(2020, 12, 23, 11, 0, 0, 0, time.UTC)
	run := &beredskap.ImpactRun{RuleID: "2020-12-23-1200", At: at, Evaluated: n, Changed: n}
	other := &beredskap.ImpactRun{RuleID: run.RuleID, At: at.Add(time.Hour), Evaluated: n, Changed: n}
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		if err := tx.CreateImpactRun(ctx, run, changes); err != nil {
			return err
		}
		return tx.CreateImpactRun(ctx, other, changes)
	})

	var recips []*beredskap.ImpactRecipient
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) (err error) {
		recips, err = tx.ImpactRecipients(ctx, run.ID, "", n+1)
		return err
	})
	if len(recips) != n {
		t.Fatalf("ImpactRecipients = %d; want %d", len(recips), n)
	}
	byReceipt := map[string]*beredskap.ImpactRecipient{}
	for _, r := range recips {
		byReceipt[r.Change.Receipt] = r
	}
	first := byReceipt[regs[0].Receipt]
	want := regs[0].Registration.Traveller
	if first == nil || first.Phone != want.Phone || first.FirstName != want.FirstName || first.PlanID != plan.ID ||
		first.Change.RunID != run.ID || !slices.Equal(first.Change.Changes, changes[0].Changes) {
		t.Errorf("recipient %s = %+v; want phone %q, name %q, plan %d", regs[0].Receipt, first, want.Phone, want.FirstName, plan.ID)
	}
	if r := byReceipt[regs[1].Receipt]; r == nil || r.PlanID != 0 {
		t.Errorf("recipient without a plan = %+v; want plan 0", r)
	}

	// Three transactions claim all receipts at once, in both runs of the
	// version: each receipt is claimed exactly once.
	receipts := make([]string, n)
	for i, r := range regs {
		receipts[i] = r.Receipt
	}
	slices.Sort(receipts)
	var (
		mu      sync.Mutex
		claimed []string
		wg      sync.WaitGroup
	)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runID := []int64{run.ID, other.ID}[i%2]
			err := hStore(t, h).UpdateHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
				got, err := tx.ClaimRuleChangeNotices(ctx, run.RuleID, runID, receipts, at)
				if err != nil {
					return err
				}
				mu.Lock()
				claimed = append(claimed, got...)
				mu.Unlock()
				return nil
			})
			if err != nil {
				t.Errorf("ClaimRuleChangeNotices: %v", err)
			}
		}()
	}
	wg.Wait()
	slices.Sort(claimed)
	if !slices.Equal(claimed, receipts) {
		t.Errorf("claimed %d receipts (%v); want each of the %d once", len(claimed), claimed, n)
	}
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		for _, id := range []int64{run.ID, other.ID} {
			left, err := tx.ImpactRecipients(ctx, id, "", n)
			if err != nil {
				return err
			}
			if len(left) != 0 {
				t.Errorf("ImpactRecipients of run %d after claiming: %d; want none", id, len(left))
			}
		}
		return nil
	})
	// Another version may tell the same travellers again.
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		got, err := tx.ClaimRuleChangeNotices(ctx, "2021-01-18-1700", run.ID, receipts[:2], at)
		if err != nil || len(got) != 2 {
			return fmt.Errorf("claims of another version = %v, %v; want 2", got, err)
		}
		return nil
	})
}
