package postgres

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"beredskap"
	"beredskap/storetest"
)

// seedActive writes active+ended registrations with the realistic
// registration and decision JSON of storetest, by INSERT ... SELECT on the
// server: the quarantines of the first active end on or after 2021-01-05,
// those of the rest before it, and every traveller arrived in the last
// days of 2020.
func seedActive(b *testing.B, db *DB, active, ended int) {
	b.Helper()
	reg, err := json.Marshal(storetest.Registration("Anna", "Kowalska"))
	if err != nil {
		b.Fatal(err)
	}
	dec, err := json.Marshal(storetest.Decision())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	_, err = db.pool.Exec(ctx, `
INSERT INTO registrations (receipt, municipality, arrival_at, created_at, first_name, last_name, birth_date,
	language, rule_id, rule_hash, quarantine_last_day, registration, decision)
SELECT 'R' || i, CASE WHEN i % 2 = 0 THEN '0301' ELSE '4601' END,
	$2::timestamptz + (i % 1000) * interval '5 minutes', $2::timestamptz + (i % 1000) * interval '5 minutes',
	'Anna', 'Kowalska', date '1990-01-01', 'pl', '2020-12-13-1700', 'h',
	CASE WHEN i <= $5::int THEN date '2021-01-05' + i % 10 ELSE date '2021-01-04' - i % 10 END,
	$3::jsonb, $4::jsonb
FROM generate_series(1, $1::int) i`, active+ended, time.Date(2020, 12, 28, 0, 0, 0, 0, time.UTC), string(reg),
		string(dec), active)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `VACUUM ANALYZE registrations`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkActiveRegistrations walks the active quarantines among
// 1,200,000 registrations, 1,000,000 of them active, as a rule-change
// impact run does (issue 5 asks that re-evaluating 1 million active
// registrations take under a minute), and reports the rows per second of
// the walk, decoding included.
func BenchmarkActiveRegistrations(b *testing.B) {
	const active = 1_000_000
	db := benchDB(b)
	seedActive(b, db, active, active/5)
	s := NewStaffStore(db, time.Now)
	until := time.Date(2021, 1, 6, 0, 0, 0, 0, time.UTC)
	start := time.Now()
	for b.Loop() {
		n := 0
		err := s.ActiveRegistrations(context.Background(), "2021-01-05", until, time.Time{}, func(r *beredskap.StoredRegistration) error {
			n++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if n != active {
			b.Fatalf("%d active registrations; want %d", n, active)
		}
	}
	b.ReportMetric(float64(active*b.N)/time.Since(start).Seconds(), "rows/s")
}
