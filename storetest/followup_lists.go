package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"beredskap"
)

// listTravellers returns every plan f selects, page by page, and fails the
// test on an error, an oversized page or a repeated plan. When f starts
// at the first page, EachTraveller must read the same plans in the same
// order, whatever the limit.
func listTravellers(t *testing.T, h StaffHarness, f beredskap.ReportFilter) []*beredskap.FollowUpPlan {
	t.Helper()
	var all []*beredskap.FollowUpPlan
	seen := map[int64]bool{}
	if f.PageToken == "" {
		defer func() {
			each := f
			each.Limit = 1
			var got []*beredskap.FollowUpPlan
			fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
				return tx.EachTraveller(ctx, each, func(p *beredskap.FollowUpPlan) error {
					got = append(got, p)
					return nil
				})
			})
			if !slices.Equal(planIDs(got), planIDs(all)) {
				t.Errorf("EachTraveller(%+v): %v; want the pages' %v", each, planIDs(got), planIDs(all))
			}
			for i := range min(len(got), len(all)) {
				if fuJSON(t, got[i]) != fuJSON(t, all[i]) {
					t.Errorf("EachTraveller row\n got %s\nwant %s", fuJSON(t, got[i]), fuJSON(t, all[i]))
				}
			}
		}()
	}
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		for range 1000 {
			page, next, err := tx.ListTravellers(ctx, f)
			if err != nil {
				return fmt.Errorf("ListTravellers(%+v): %w", f, err)
			}
			limit := f.Limit
			if limit == 0 {
				limit = 50
			}
			if len(page) > limit {
				t.Fatalf("ListTravellers: page of %d; limit %d", len(page), limit)
			}
			if next != "" && len(page) < limit {
				t.Errorf("ListTravellers: a short page of %d with a next token", len(page))
			}
			for _, p := range page {
				if seen[p.ID] {
					t.Errorf("ListTravellers(%+v): plan %d on two pages", f, p.ID)
				}
				seen[p.ID] = true
			}
			all = append(all, page...)
			if next == "" {
				return nil
			}
			f.PageToken = next
		}
		t.Fatal("ListTravellers: paging does not end")
		return nil
	})
	return all
}

// arriving returns an edit that sets a plan's arrival instant and the
// quarantine days.
func arriving(at time.Time, first, last string) func(p *beredskap.FollowUpPlan) {
	return func(p *beredskap.FollowUpPlan) { p.ArrivalAt, p.FirstDay, p.LastDay = at, first, last }
}

func testListTravellersFilters(t *testing.T, h StaffHarness) {
	// p1 arrives at 00:30 on 11 January in Oslo, 10 January in UTC.
	p1 := newPlan(t, h, "0301", arriving(time.Date(2021, 1, 10, 23, 30, 0, 0, time.UTC), "2021-01-11", "2021-01-21"))
	p2 := newPlan(t, h, "0301", func(p *beredskap.FollowUpPlan) {
		arriving(time.Date(2021, 1, 10, 12, 0, 0, 0, time.UTC), "2021-01-10", "2021-01-20")(p)
		p.Status, p.EndReason, p.EndedAt = beredskap.PlanEnded, beredskap.EndDispensation, ptr(queueNow)
		p.Reached, p.Language, p.FirstName, p.LastName = true, "lt", "Øyvind", "Berg"
	})
	p3 := newPlan(t, h, "0301", func(p *beredskap.FollowUpPlan) {
		arriving(time.Date(2021, 1, 9, 10, 0, 0, 0, time.UTC), "2021-01-09", "2021-01-19")(p)
		p.Reached, p.BreachSuspected, p.FirstName, p.LastName = true, true, "Jonas", "Øygard"
	})
	p4 := newPlan(t, h, "0301", func(p *beredskap.FollowUpPlan) {
		arriving(time.Date(2021, 1, 12, 10, 0, 0, 0, time.UTC), "2021-01-12", "2021-01-22")(p)
		p.BreachSuspected, p.Language, p.FirstName, p.LastName = true, "ar", "Larsine", "Larsen"
	})
	newPlan(t, h, "4601", func(p *beredskap.FollowUpPlan) {
		arriving(time.Date(2021, 1, 11, 10, 0, 0, 0, time.UTC), "2021-01-11", "2021-01-21")(p)
		p.FirstName, p.BreachSuspected = "Øyvind", true
	})
	ids := func(ps ...*beredskap.FollowUpPlan) []int64 { return planIDs(ps) }
	for _, c := range []struct {
		f    beredskap.ReportFilter
		want []int64
	}{
		{beredskap.ReportFilter{}, ids(p4, p1, p2, p3)},
		{beredskap.ReportFilter{ArrivalFrom: "2021-01-11"}, ids(p4, p1)},
		{beredskap.ReportFilter{ArrivalTo: "2021-01-10"}, ids(p2, p3)},
		{beredskap.ReportFilter{ArrivalFrom: "2021-01-10", ArrivalTo: "2021-01-11"}, ids(p1, p2)},
		{beredskap.ReportFilter{ArrivalFrom: "2021-01-13"}, ids()},
		{beredskap.ReportFilter{Status: beredskap.PlanEnded}, ids(p2)},
		{beredskap.ReportFilter{Status: beredskap.PlanActive}, ids(p4, p1, p3)},
		{beredskap.ReportFilter{NotReached: true}, ids(p4, p1)},
		{beredskap.ReportFilter{Breach: true}, ids(p4, p3)},
		{beredskap.ReportFilter{Breach: true, NotReached: true}, ids(p4)},
		{beredskap.ReportFilter{Language: "pl"}, ids(p1, p3)},
		{beredskap.ReportFilter{Name: "øy"}, ids(p2, p3)},
		{beredskap.ReportFilter{Name: "ØY"}, ids(p2, p3)},
		{beredskap.ReportFilter{Name: "Øyvind"}, ids(p2)},
		{beredskap.ReportFilter{Name: "KOWALSKA"}, ids(p1)},
		{beredskap.ReportFilter{Name: "LARSINE"}, ids(p4)},
		{beredskap.ReportFilter{Name: "lars"}, ids(p4)}, // both names match; the plan comes once
		{beredskap.ReportFilter{Name: "yvind"}, ids()},
		{beredskap.ReportFilter{Name: "%"}, ids()},
		{beredskap.ReportFilter{Name: "_ars"}, ids()},
		{beredskap.ReportFilter{Name: "an", Status: beredskap.PlanActive, ArrivalFrom: "2021-01-10"}, ids(p1)},
	} {
		c.f.Municipality = "0301"
		if got := planIDs(listTravellers(t, h, c.f)); !sameIDs(got, c.want) {
			t.Errorf("ListTravellers(%+v): %v; want %v", c.f, got, c.want)
		}
	}
	if got := listTravellers(t, h, beredskap.ReportFilter{Municipality: "0301", Name: "jon"}); len(got) == 1 && fuJSON(t, got[0]) != fuJSON(t, p3) {
		t.Errorf("ListTravellers row\n got %s\nwant %s", fuJSON(t, got[0]), fuJSON(t, p3))
	}
	s := fuStore(t, h)
	for _, f := range []beredskap.ReportFilter{
		{},
		{Municipality: "0301", ArrivalFrom: "11.01.2021"},
		{Municipality: "0301", ArrivalTo: "2021-02-30"},
		{Municipality: "0301", PageToken: "not a token!"},
		{Municipality: "0301", PageToken: beredskap.EncodeSeqToken(12) + "x"},
	} {
		err := s.ViewFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
			_, _, err := tx.ListTravellers(ctx, f)
			return err
		})
		wantCode(t, err, beredskap.EINVALID, fmt.Sprintf("ListTravellers(%+v)", f))
		if f.PageToken != "" {
			continue // EachTraveller reads from the start
		}
		err = s.ViewFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
			return tx.EachTraveller(ctx, f, func(*beredskap.FollowUpPlan) error { return nil })
		})
		wantCode(t, err, beredskap.EINVALID, fmt.Sprintf("EachTraveller(%+v)", f))
	}
	// An error of fn ends the reading and comes back as it is.
	stop := errors.New("stop")
	calls := 0
	err := s.ViewFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
		return tx.EachTraveller(ctx, beredskap.ReportFilter{Municipality: "0301"}, func(*beredskap.FollowUpPlan) error {
			calls++
			return stop
		})
	})
	if err != stop || calls != 1 {
		t.Errorf("EachTraveller with fn failing: %v after %d calls; want the error after 1", err, calls)
	}
}

func testListTravellersPaging(t *testing.T, h StaffHarness) {
	// Arrivals on four instants, three plans sharing each of two, and a
	// few not reached.
	instants := []time.Time{
		time.Date(2021, 1, 8, 10, 0, 0, 0, time.UTC), time.Date(2021, 1, 9, 10, 0, 0, 0, time.UTC),
		time.Date(2021, 1, 9, 10, 0, 0, 0, time.UTC), time.Date(2021, 1, 9, 10, 0, 0, 0, time.UTC),
		time.Date(2021, 1, 10, 8, 0, 0, 1000, time.UTC), time.Date(2021, 1, 7, 10, 0, 0, 0, time.UTC),
		time.Date(2021, 1, 7, 10, 0, 0, 0, time.UTC), time.Date(2021, 1, 7, 10, 0, 0, 0, time.UTC),
		time.Date(2021, 1, 10, 8, 0, 0, 0, time.UTC),
	}
	var plans []*beredskap.FollowUpPlan
	for i, at := range instants {
		plans = append(plans, newPlan(t, h, "0301", func(p *beredskap.FollowUpPlan) {
			arriving(at, at.Format(time.DateOnly), "2021-01-20")(p)
			p.Reached = i%3 == 0
		}))
	}
	whole := listTravellers(t, h, beredskap.ReportFilter{Municipality: "0301", Limit: 200})
	if len(whole) != len(plans) {
		t.Fatalf("ListTravellers: %d plans; want %d", len(whole), len(plans))
	}
	for i := 1; i < len(whole); i++ {
		if whole[i].ArrivalAt.After(whole[i-1].ArrivalAt) {
			t.Errorf("ListTravellers: plan %d arrives at %v after plan %d before it at %v; want newest arrival first",
				whole[i].ID, whole[i].ArrivalAt, whole[i-1].ID, whole[i-1].ArrivalAt)
		}
	}
	for _, limit := range []int{1, 2, 3, 4} {
		got := listTravellers(t, h, beredskap.ReportFilter{Municipality: "0301", Limit: limit})
		if !sameIDs(planIDs(got), planIDs(whole)) {
			t.Errorf("ListTravellers by pages of %d: %v; want %v", limit, planIDs(got), planIDs(whole))
		}
	}
	var notReached []int64
	for _, p := range whole {
		if !p.Reached {
			notReached = append(notReached, p.ID)
		}
	}
	if got := listTravellers(t, h, beredskap.ReportFilter{Municipality: "0301", NotReached: true, Limit: 2}); !sameIDs(planIDs(got), notReached) {
		t.Errorf("ListTravellers of the not reached by pages of 2: %v; want %v", planIDs(got), notReached)
	}
	// A plan added after the first page was read shows up on no later
	// page when it arrived later than that page's end: the list keeps its
	// place.
	var first []*beredskap.FollowUpPlan
	var next string
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) (err error) {
		first, next, err = tx.ListTravellers(ctx, beredskap.ReportFilter{Municipality: "0301", Limit: 4})
		return err
	})
	newPlan(t, h, "0301", arriving(time.Date(2021, 1, 11, 8, 0, 0, 0, time.UTC), "2021-01-11", "2021-01-21"))
	rest := listTravellers(t, h, beredskap.ReportFilter{Municipality: "0301", Limit: 4, PageToken: next})
	if got := append(planIDs(first), planIDs(rest)...); !sameIDs(got, planIDs(whole)) {
		t.Errorf("pages around an insert: %v; want %v", got, planIDs(whole))
	}
}

func testListTravellersScoped(t *testing.T, h StaffHarness) {
	mine := map[int64]bool{}
	for i := range 4 {
		edit := func(p *beredskap.FollowUpPlan) {
			p.ArrivalAt = followStart.Add(time.Duration(i) * time.Hour)
			p.BreachSuspected = true
		}
		mine[newPlan(t, h, "0301", edit).ID] = true
		newPlan(t, h, "4601", edit)
	}
	newPlan(t, h, "3001", nil)
	for _, f := range []beredskap.ReportFilter{
		{}, {Limit: 1}, {Breach: true, Limit: 3}, {Name: "anna"}, {NotReached: true, Language: "pl"},
		{ArrivalFrom: "2021-01-01", ArrivalTo: "2021-12-31", Status: beredskap.PlanActive},
	} {
		f.Municipality = "4601"
		got := listTravellers(t, h, f)
		if len(got) != 4 {
			t.Errorf("ListTravellers(%+v): %d plans; want the 4 of 4601", f, len(got))
		}
		for _, p := range got {
			if p.Municipality != "4601" || mine[p.ID] {
				t.Errorf("ListTravellers(%+v) returned plan %d of %s", f, p.ID, p.Municipality)
			}
		}
	}
	if got := listTravellers(t, h, beredskap.ReportFilter{Municipality: "5001"}); len(got) != 0 {
		t.Errorf("ListTravellers of a municipality without plans: %d; want none", len(got))
	}
}

func testFollowUpStats(t *testing.T, h StaffHarness) {
	a := newPlan(t, h, "0301", arriving(time.Date(2021, 1, 3, 12, 0, 0, 0, time.UTC), "2021-01-03", "2021-01-13"))
	newPlan(t, h, "0301", func(p *beredskap.FollowUpPlan) {
		// 00:30 on 5 January in Oslo.
		arriving(time.Date(2021, 1, 4, 23, 30, 0, 0, time.UTC), "2021-01-05", "2021-01-06")(p)
		p.Status, p.EndReason, p.EndedAt = beredskap.PlanEnded, beredskap.EndQuarantineOver, ptr(queueNow)
	})
	c := newPlan(t, h, "0301", arriving(time.Date(2021, 1, 5, 10, 0, 0, 0, time.UTC), "2021-01-05", "2021-01-15"))
	newPlan(t, h, "0301", arriving(time.Date(2020, 12, 30, 10, 0, 0, 0, time.UTC), "2020-12-30", "2021-01-04"))
	e := newPlan(t, h, "4601", arriving(time.Date(2021, 1, 4, 10, 0, 0, 0, time.UTC), "2021-01-04", "2021-01-14"))

	// Week 2021-W01 (the clock is on 4 January): one breach stands, one is
	// corrected away, one is in another municipality.
	r2 := breachOn(c)
	createReports(t, h, breachOn(a), r2, reportOn(a), breachOn(e))
	fix := reportOn(c)
	fix.Corrects = r2.ID
	createReports(t, h, fix)
	// Week 2021-W02: a breach corrected by another breach counts once.
	h.Clock.advance(7 * 24 * time.Hour)
	r6 := breachOn(c)
	createReports(t, h, r6)
	r7 := breachOn(c)
	r7.Corrects = r6.ID
	createReports(t, h, r7)
	// Week 2021-W03 is outside the range.
	h.Clock.advance(7 * 24 * time.Hour)
	createReports(t, h, breachOn(a))

	var got *beredskap.FollowUpStats
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) (err error) {
		got, err = tx.FollowUpStats(ctx, "0301", "2021-01-03", "2021-01-12")
		return err
	})
	days := func(counts ...int) []beredskap.DayCount {
		var out []beredskap.DayCount
		for i, n := range counts {
			out = append(out, beredskap.DayCount{Day: time.Date(2021, 1, 3+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), Count: n})
		}
		return out
	}
	want := &beredskap.FollowUpStats{
		ArrivalsPerDay: days(1, 0, 2, 0, 0, 0, 0, 0, 0, 0),
		ActivePerDay:   days(2, 2, 3, 3, 2, 2, 2, 2, 2, 2),
		BreachesPerWeek: []beredskap.DayCount{
			{Day: "2020-W53", Count: 0}, {Day: "2021-W01", Count: 1}, {Day: "2021-W02", Count: 1},
		},
	}
	if asJSON(t, got) != asJSON(t, want) {
		t.Errorf("FollowUpStats(0301, 2021-01-03, 2021-01-12)\n got %s\nwant %s", asJSON(t, got), asJSON(t, want))
	}
	s := fuStore(t, h)
	for _, r := range [][2]string{{"2021-01-3", "2021-01-12"}, {"2021-01-03", ""}, {"2021-01-12", "2021-01-03"}} {
		err := s.ViewFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
			_, err := tx.FollowUpStats(ctx, "0301", r[0], r[1])
			return err
		})
		wantCode(t, err, beredskap.EINVALID, fmt.Sprintf("FollowUpStats(%q, %q)", r[0], r[1]))
	}
}
