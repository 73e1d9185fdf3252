package sqlite

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"beredskap"
	"beredskap/storetest"
)

func benchDB(b *testing.B) *DB {
	b.Helper()
	db, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func benchRegistration() beredskap.NewRegistration {
	return beredskap.NewRegistration{
		Registration: storetest.Registration("Anna", "Kowalska"),
		Decision:     storetest.Decision(),
		Municipality: "0301",
		RequestHash:  "4f1e0a9c2b7d6e8f3a5c1b0d9e7f2a4c6b8d0e1f3a5c7e9b2d4f6a8c0e2b4d6f",
	}
}

// BenchmarkCreateRegistration stores one registration per transaction
// through the service, with and without an idempotency key.
func BenchmarkCreateRegistration(b *testing.B) {
	for _, withKey := range []bool{true, false} {
		name := "no_key"
		if withKey {
			name = "idempotency_key"
		}
		b.Run(name, func(b *testing.B) {
			s := NewRegistrationService(benchDB(b), time.Now)
			n := benchRegistration()
			ctx := context.Background()
			i := 0
			for b.Loop() {
				if withKey {
					n.IdempotencyKey = "bench-" + strconv.Itoa(i)
					i++
				}
				if _, _, err := s.CreateRegistration(ctx, n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

const rawInsert = `INSERT INTO registrations (
	receipt, municipality, arrival_at, created_at, first_name, last_name, birth_date,
	language, rule_id, rule_hash, quarantine_last_day, registration, decision
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// BenchmarkRawInsert is the baseline of BenchmarkCreateRegistration: the same
// row, with its JSON made once, by a plain INSERT in a transaction of its own
// on the same connection and settings.
func BenchmarkRawInsert(b *testing.B) {
	db := benchDB(b)
	n := benchRegistration()
	cols, err := columnsOf(n)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		now := time.Now().UTC().Format(timeFormat)
		err := db.inWriteTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, rawInsert, "raw-"+strconv.Itoa(i), n.Municipality, cols.arrivalAt.Format(timeFormat), now,
				"Anna", "Kowalska", "1990-05-17", "pl", n.Decision.RuleSet.ID, n.Decision.RuleSet.Hash,
				*n.Decision.Quarantine.LastDay, cols.registration, cols.decision)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// benchMunicipalities spread the seeded rows; the list reads the first.
var benchMunicipalities = []string{"0301", "4601", "5001", "1103", "3024", "3025", "1108", "5401", "3005", "4204"}

// seed inserts rows registrations one second apart, ending now, in one
// transaction, and returns the instant of the oldest.
func seed(b *testing.B, db *DB, rows int) time.Time {
	b.Helper()
	ctx := context.Background()
	n := benchRegistration()
	cols, err := columnsOf(n)
	if err != nil {
		b.Fatal(err)
	}
	oldest := time.Now().UTC().Truncate(time.Second).Add(-time.Duration(rows) * time.Second)
	err = db.inWriteTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, rawInsert)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range rows {
			at := oldest.Add(time.Duration(i) * time.Second).Format(timeFormat)
			_, err := stmt.ExecContext(ctx, beredskap.NewReceipt(), benchMunicipalities[i%len(benchMunicipalities)],
				cols.arrivalAt.Format(timeFormat), at, "Anna", "Kowalska", "1990-05-17", "pl",
				n.Decision.RuleSet.ID, n.Decision.RuleSet.Hash, *n.Decision.Quarantine.LastDay,
				cols.registration, cols.decision)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	return oldest
}

// BenchmarkListPage reads a page of 50 registrations of one municipality out
// of 100,000 rows (10,000 in that municipality), starting at a random point
// of its newest 90 %, and reports the median and 99th percentile latency.
func BenchmarkListPage(b *testing.B) {
	const rows = 100_000
	db := benchDB(b)
	oldest := seed(b, db, rows)
	s := NewRegistrationService(db, time.Now)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	// Rows are a second apart, so the receipt in the token does not matter.
	receipt := beredskap.NewReceipt()
	var lat []time.Duration
	for b.Loop() {
		at := oldest.Add(time.Duration(rows/10+rng.IntN(rows*9/10)) * time.Second)
		f := beredskap.RegistrationFilter{Municipality: "0301", Limit: 50, PageToken: beredskap.EncodePageToken(at, receipt)}
		t0 := time.Now()
		page, _, err := s.ListRegistrations(ctx, f)
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		if len(page) != 50 {
			b.Fatalf("page of %d; want 50", len(page))
		}
	}
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
