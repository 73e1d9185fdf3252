package postgres

import (
	"context"
	"strings"
	"testing"

	"beredskap/storetest"
)

// TestRegistrationsOfUsesIndex checks that the query of RegistrationsOf can
// be an index lookup. The test table is small, so sequential scans are
// switched off to ask whether the planner has an index to use at all.
func TestRegistrationsOfUsesIndex(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, storetest.FreshPostgresDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(ctx, `RESET enable_seqscan`)
	rows, err := conn.Query(ctx, `EXPLAIN `+registrationsOfQuery, "01019012345", 100)
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(plan, "\n")
	if !strings.Contains(got, "registrations_national_id") || strings.Contains(got, "Sort") {
		t.Errorf("plan:\n%s\nwant a scan of registrations_national_id in order", got)
	}
}
