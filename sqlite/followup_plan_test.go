package sqlite

import (
	"context"
	"strings"
	"testing"
	"time"

	"beredskap"
)

// explain returns SQLite's query plan of query, its steps joined by "; ".
func explain(t *testing.T, db *DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.write.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(steps, "; ")
}

// TestFollowUpQueriesUseIndexes checks that the queue and the municipal
// list are index walks in the order they return, with no sort, and that
// clearing lapsed holds and name search read only their indexes' ranges.
func TestFollowUpQueriesUseIndexes(t *testing.T) {
	db, err := Open(context.Background(), migratedPath(t, "plans.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2021, 2, 1, 12, 0, 0, 0, time.UTC)
	check := func(what, plan string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(plan, w) {
				t.Errorf("%s: plan %q; want %q in it", what, plan, w)
			}
		}
	}
	for _, f := range []beredskap.QueueFilter{{}, {Language: "pl"}, {Municipality: "0301", Language: "pl"}} {
		where, args := queueWhere(f, now)
		plan := explain(t, db, claimNextQuery(where), append([]any{"op@helsedir.no", "x"}, args...)...)
		check("ClaimNext", plan, "COVERING INDEX followup_plans_queue_free")
		if strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("ClaimNext(%+v): plan %q sorts", f, plan)
		}
		plan = explain(t, db, listQueueQuery(where), append(args, 10, 0)...)
		if !strings.HasSuffix(plan, "USING INDEX followup_plans_queue") {
			t.Errorf("ListQueue(%+v): plan %q; want a walk of followup_plans_queue alone", f, plan)
		}
	}
	check("freeing lapsed holds", explain(t, db, freeLapsedQuery, fmtTime(now)),
		"USING INDEX followup_plans_holds (lease_until<?)")
	for _, f := range []beredskap.ReportFilter{
		{}, {NotReached: true, Breach: true},
		{PageToken: beredskap.EncodePageToken(now, beredskap.NewReceipt())},
	} {
		f.Municipality = "0301"
		q, args, err := travellersQuery(f, 50, false)
		if err != nil {
			t.Fatal(err)
		}
		plan := explain(t, db, q, args...)
		check("ListTravellers", plan, "USING INDEX followup_plans_municipality_arrival (municipality=?")
		if strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("ListTravellers(%+v): plan %q sorts", f, plan)
		}
	}
	q, args, err := travellersQuery(beredskap.ReportFilter{Municipality: "0301", ArrivalFrom: "2021-01-01", ArrivalTo: "2021-01-31"}, 50, false)
	if err != nil {
		t.Fatal(err)
	}
	check("ListTravellers of a month", explain(t, db, q, args...),
		"followup_plans_municipality_arrival (municipality=? AND arrival_at>? AND arrival_at<?)")
	q, args, err = travellersQuery(beredskap.ReportFilter{Municipality: "0301", Name: "kow", Breach: true}, 50, true)
	if err != nil {
		t.Fatal(err)
	}
	check("ListTravellers by name", explain(t, db, q, args...),
		"followup_plans_first_name (municipality=? AND first_lower>? AND first_lower<?)",
		"followup_plans_last_name (municipality=? AND last_lower>? AND last_lower<?)")
}

// TestListTravellersIndexPerFilter checks that the filters that may match
// few plans search an index of their own, in list order.
func TestListTravellersIndexPerFilter(t *testing.T) {
	db, err := Open(context.Background(), migratedPath(t, "plans.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, c := range []struct {
		f    beredskap.ReportFilter
		want string
	}{
		{beredskap.ReportFilter{Language: "lt"}, "followup_plans_municipality_language (municipality=? AND language=?)"},
		{beredskap.ReportFilter{Language: "lt", Breach: true}, "followup_plans_municipality_language (municipality=? AND language=?)"},
		{beredskap.ReportFilter{Status: beredskap.PlanActive}, "followup_plans_municipality_status (municipality=? AND status=?)"},
		{beredskap.ReportFilter{Name: "kow"}, "USING INDEX followup_plans_municipality_arrival (municipality=?)"},
	} {
		c.f.Municipality = "0301"
		q, args, err := travellersQuery(c.f, 50, false)
		if err != nil {
			t.Fatal(err)
		}
		plan := explain(t, db, q, args...)
		if !strings.Contains(plan, c.want) || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("ListTravellers(%+v): plan %q; want %q and no sort", c.f, plan, c.want)
		}
	}
}
