package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"beredskap"
)

func impactRunID(r *beredskap.ImpactRun) int64 { return r.ID }

// impactChange returns a change of the receipt in the municipality, the
// kind a move into exemption group 4 makes (seed 004).
func impactChange(receipt, municipality string) *beredskap.ImpactChange {
	return &beredskap.ImpactChange{
		Receipt: receipt, Municipality: municipality, Changes: []string{"hotel_lifted", "last_day_changed"},
		Group: 4, OldLastDay: "2021-01-02", NewLastDay: "2021-01-01", Language: "pl",
	}
}

// impactChanges reads a run's changes in a view.
func impactChanges(t *testing.T, h StaffHarness, runID int64, municipality, after string, limit int) []*beredskap.ImpactChange {
	t.Helper()
	var cs []*beredskap.ImpactChange
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) (err error) {
		cs, err = tx.ImpactChanges(ctx, runID, municipality, after, limit)
		return err
	})
	return cs
}

// withRun returns copies of the changes with RunID set, sorted by receipt.
func withRun(runID int64, cs ...*beredskap.ImpactChange) []*beredskap.ImpactChange {
	out := make([]*beredskap.ImpactChange, len(cs))
	for i, c := range cs {
		cc := *c
		cc.RunID = runID
		out[i] = &cc
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Receipt < out[j].Receipt })
	return out
}

func testImpactRuns(t *testing.T, h StaffHarness) {
	// The § 6j version took effect on 23 December 2020 at 12:00 in Oslo.
	at := time.Date(2020, 12, 23, 11, 0, 0, 0, time.UTC)
	first := &beredskap.ImpactRun{RuleID: "2020-12-23-1200", At: at,
		ComputedAt: time.Date(2020, 12, 22, 20, 0, 0, 111111111, time.UTC), Evaluated: 1000, Changed: 2}
	changes := []*beredskap.ImpactChange{impactChange("R-B", "0301"), impactChange("R-A", "4601")}
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error { return tx.CreateImpactRun(ctx, first, changes) })
	if first.ID == 0 || first.ComputedAt.Nanosecond() != 111111000 {
		t.Fatalf("CreateImpactRun left ID %d ComputedAt %v; want an id and ComputedAt to the microsecond", first.ID, first.ComputedAt)
	}
	// A run of the same version and instant is ECONFLICT, and stores
	// nothing.
	dup := &beredskap.ImpactRun{RuleID: first.RuleID, At: at.In(time.FixedZone("CET", 3600)), ComputedAt: first.ComputedAt}
	err := hStore(t, h).UpdateHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
		return tx.CreateImpactRun(ctx, dup, []*beredskap.ImpactChange{impactChange("R-C", "0301")})
	})
	wantCode(t, err, beredskap.ECONFLICT, "a second run of the same version and instant")

	// A run loaded for a future instant, computed now (ComputedAt from
	// the clock), with no changes.
	second := &beredskap.ImpactRun{RuleID: "2021-01-18-0000", At: time.Date(2021, 1, 17, 23, 0, 0, 0, time.UTC), Evaluated: 1000}
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error { return tx.CreateImpactRun(ctx, second, nil) })
	if second.ComputedAt.IsZero() || second.ComputedAt.Before(staffStart) {
		t.Errorf("ComputedAt %v; want the clock's instant", second.ComputedAt)
	}

	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		got, err := tx.FindImpactRun(ctx, first.RuleID, at.In(time.FixedZone("CET", 3600)))
		if err != nil {
			return err
		}
		if g, w := hJSON(t, got), hJSON(t, first); g != w {
			t.Errorf("FindImpactRun\n got %s\nwant %s", g, w)
		}
		_, err = tx.FindImpactRun(ctx, first.RuleID, at.Add(time.Minute))
		wantCode(t, err, beredskap.ENOTFOUND, "FindImpactRun at another instant")
		_, err = tx.FindImpactRun(ctx, "2099-01-01-0000", at)
		wantCode(t, err, beredskap.ENOTFOUND, "FindImpactRun of another version")
		runs, err := tx.ListImpactRuns(ctx)
		if err != nil {
			return err
		}
		if g, w := ids(runs, impactRunID), []int64{second.ID, first.ID}; !sameIDs(g, w) {
			t.Errorf("ListImpactRuns = %v; want %v", g, w)
		}
		return nil
	})
	if got := impactChanges(t, h, first.ID, "", "", 0); hJSON(t, got) != hJSON(t, withRun(first.ID, changes...)) {
		t.Errorf("changes of the first run\n got %s\nwant %s", hJSON(t, got), hJSON(t, withRun(first.ID, changes...)))
	}
	if got := impactChanges(t, h, second.ID, "", "", 0); len(got) != 0 {
		t.Errorf("changes of a run without any: %d", len(got))
	}

	// The changes go out at the moment the version takes effect.
	sent := time.Date(2020, 12, 23, 11, 0, 0, 4321, time.UTC)
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		if set, err := tx.MarkImpactNotified(ctx, first.ID, sent); err != nil || !set {
			return fmt.Errorf("MarkImpactNotified = %v, %v; want true", set, err)
		}
		// Only the first mark counts.
		if set, err := tx.MarkImpactNotified(ctx, first.ID, sent.Add(time.Hour)); err != nil || set {
			return fmt.Errorf("second MarkImpactNotified = %v, %v; want false", set, err)
		}
		return nil
	})
	err = hStore(t, h).UpdateHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
		_, err := tx.MarkImpactNotified(ctx, second.ID+1000, sent)
		return err
	})
	wantCode(t, err, beredskap.ENOTFOUND, "MarkImpactNotified of an unknown run")
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		got, err := tx.FindImpactRun(ctx, first.RuleID, at)
		if err != nil {
			return err
		}
		if got.NotifiedAt == nil || !got.NotifiedAt.Equal(sent.Truncate(time.Microsecond)) {
			t.Errorf("NotifiedAt %v; want %v", got.NotifiedAt, sent)
		}
		return nil
	})
}

func testImpactChanges(t *testing.T, h StaffHarness) {
	run := &beredskap.ImpactRun{RuleID: "2020-12-23-1200", At: time.Date(2020, 12, 23, 11, 0, 0, 0, time.UTC),
		ComputedAt: time.Date(2020, 12, 23, 9, 0, 0, 0, time.UTC), Evaluated: 5000}
	// Enough changes that a store writing many rows per statement must
	// split them.
	const n = 1500
	munis := []string{"0301", "4601", "5001"}
	var all []*beredskap.ImpactChange
	for i := range n {
		c := impactChange(fmt.Sprintf("R%05d", (i*7919)%n), munis[i%len(munis)])
		if i%2 == 0 {
			c.Changes, c.Group, c.NewLastDay, c.Language = []string{"hotel_required"}, 0, c.OldLastDay, "en"
		}
		all = append(all, c)
	}
	run.Changed = n
	other := &beredskap.ImpactRun{RuleID: "2021-01-18-0000", At: time.Date(2021, 1, 17, 23, 0, 0, 0, time.UTC), Evaluated: 5000, Changed: 1}
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		if err := tx.CreateImpactRun(ctx, run, all); err != nil {
			return err
		}
		return tx.CreateImpactRun(ctx, other, []*beredskap.ImpactChange{impactChange("R00001", "0301")})
	})

	// Page through each municipality's changes, and all of them.
	for _, muni := range append([]string{""}, munis...) {
		var want []*beredskap.ImpactChange
		for _, c := range all {
			if muni == "" || c.Municipality == muni {
				want = append(want, c)
			}
		}
		want = withRun(run.ID, want...)
		for _, limit := range []int{7, 200, 1000} {
			var got []*beredskap.ImpactChange
			after := ""
			for range n + 1 {
				page := impactChanges(t, h, run.ID, muni, after, limit)
				if len(page) > limit {
					t.Fatalf("page of %d; limit %d", len(page), limit)
				}
				got = append(got, page...)
				if len(page) < limit {
					break
				}
				after = page[len(page)-1].Receipt
			}
			if g, w := hJSON(t, got), hJSON(t, want); g != w {
				t.Errorf("changes of %q by %d: got %d, want %d, or they differ", muni, limit, len(got), len(want))
			}
		}
	}
	if got := impactChanges(t, h, run.ID, "0301", "", 0); len(got) != 50 {
		t.Errorf("ImpactChanges with limit 0: %d; want 50", len(got))
	}
	if got := impactChanges(t, h, run.ID, "1103", "", 10); len(got) != 0 {
		t.Errorf("ImpactChanges of a municipality without any: %d", len(got))
	}
	if got := impactChanges(t, h, other.ID, "", "", 10); len(got) != 1 || got[0].RunID != other.ID {
		t.Errorf("changes of the other run: %s; want its one change", hJSON(t, got))
	}
}

func testActiveRegistrations(t *testing.T, h StaffHarness) {
	s := hStore(t, h)
	day := "2021-01-05"
	until := time.Date(2021, 1, 6, 0, 0, 0, 0, time.UTC)
	arrived := time.Date(2020, 12, 31, 10, 0, 0, 0, time.UTC)
	in := []*beredskap.StoredRegistration{
		registerArriving(t, h, "0301", arrived, "2021-01-10"),
		registerArriving(t, h, "4601", arrived, "2021-01-05"), // the last day is day
		registerArriving(t, h, "0301", until.Add(-time.Second), "2021-01-15"),
	}
	registerArriving(t, h, "0301", arrived, "2021-01-04")                 // over before day
	registerArriving(t, h, "0301", arrived, "")                           // no quarantine
	registerArriving(t, h, "0301", until, "2021-01-15")                   // arrives at until
	registerArriving(t, h, "0301", until.Add(time.Hour*30), "2021-01-17") // after until

	got := map[string]*beredskap.StoredRegistration{}
	err := s.ActiveRegistrations(context.Background(), day, until, time.Time{}, func(r *beredskap.StoredRegistration) error {
		if got[r.Receipt] != nil {
			t.Errorf("%s given twice", r.Receipt)
		}
		got[r.Receipt] = r
		return nil
	})
	if err != nil {
		t.Fatalf("ActiveRegistrations: %v", err)
	}
	var gotIDs, wantIDs []string
	for r := range got {
		gotIDs = append(gotIDs, r)
	}
	for _, r := range in {
		wantIDs = append(wantIDs, r.Receipt)
		if g := got[r.Receipt]; g != nil {
			if gj, wj := mustJSON(t, g), mustJSON(t, r); gj != wj {
				t.Errorf("registration %s\n got %s\nwant %s", r.Receipt, gj, wj)
			}
		}
	}
	slices.Sort(gotIDs)
	slices.Sort(wantIDs)
	if !slices.Equal(gotIDs, wantIDs) {
		t.Errorf("ActiveRegistrations(%s, %v) = %v; want %v", day, until, gotIDs, wantIDs)
	}

	// The first error from fn stops the walk and comes back.
	stop := errors.New("stop")
	calls := 0
	err = s.ActiveRegistrations(context.Background(), day, until, time.Time{}, func(*beredskap.StoredRegistration) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("ActiveRegistrations with fn failing: %v after %d calls; want fn's error after 1", err, calls)
	}
	// None when all are over.
	err = s.ActiveRegistrations(context.Background(), "2021-02-01", until, time.Time{}, func(r *beredskap.StoredRegistration) error {
		return fmt.Errorf("%s is over by then", r.Receipt)
	})
	if err != nil {
		t.Error(err)
	}
	// Since leaves out those created before it (the clock moves on at
	// each registration).
	var since []string
	err = s.ActiveRegistrations(context.Background(), day, until, in[1].CreatedAt, func(r *beredskap.StoredRegistration) error {
		since = append(since, r.Receipt)
		return nil
	})
	slices.Sort(since)
	want := []string{in[1].Receipt, in[2].Receipt}
	slices.Sort(want)
	if err != nil || !slices.Equal(since, want) {
		t.Errorf("ActiveRegistrations since %v = %v, %v; want %v", in[1].CreatedAt, since, err, want)
	}
}
