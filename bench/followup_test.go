package bench_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
	"beredskap/postgres"
	"beredskap/sqlite"
	"beredskap/storetest"
)

// followUpDB is an open database for the follow-up benchmarks.
// addRegistrations, when not nil, stores bare registrations under the
// receipts, for a store whose plans must name a stored registration.
type followUpDB struct {
	name             string
	store            beredskap.FollowUpStore
	staff            beredskap.StaffStore
	regs             beredskap.RegistrationService
	addRegistrations func(ctx context.Context, receipts []string, municipalities []string, arrivals []time.Time) error
}

// openFollowUpDBs opens an empty SQLite file, and an empty PostgreSQL
// database when BEREDSKAP_TEST_POSTGRES names a server.
func openFollowUpDBs(b *testing.B) []*followUpDB {
	b.Helper()
	ctx := context.Background()
	lite, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "followup.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { lite.Close() })
	liteStore := sqlite.NewStaffStore(lite, time.Now)
	dbs := []*followUpDB{{
		name: "sqlite", store: liteStore, staff: liteStore, regs: sqlite.NewRegistrationService(lite, time.Now),
	}}
	if os.Getenv("BEREDSKAP_TEST_POSTGRES") == "" {
		return dbs
	}
	pgURL := storetest.FreshPostgresDB(b)
	pg, err := postgres.Open(ctx, pgURL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { pg.Close() })
	pgStore := postgres.NewStaffStore(pg, time.Now)
	return append(dbs, &followUpDB{
		name: "postgres", store: pgStore, staff: pgStore, regs: postgres.NewRegistrationService(pg, time.Now),
		addRegistrations: func(ctx context.Context, receipts, municipalities []string, arrivals []time.Time) error {
			return copyRegistrations(ctx, pgURL, receipts, municipalities, arrivals)
		},
	})
}

// benchLanguages and benchNames give the synthetic plans some variety.
var (
	benchLanguages = []string{"pl", "lt", "en", "ro", "de", "nb", "ru", "ar"}
	benchFirst     = []string{"Anna", "Jonas", "Maria", "Andrei", "Olga", "Ahmed", "Lena", "Piotr", "Ruta", "Hans"}
	benchLast      = []string{"Kowalska", "Kazlauskas", "Popescu", "Nowak", "Ivanova", "Hassan", "Schmidt", "Berg", "Petrauskas", "Lund"}
)

// seedPlans stores n plans directly, spread over municipalities (the first
// one gets a tenth of them, the rest share the remainder), arrivals a minute
// apart over the days before end, in transactions of batch plans. Plans
// whose quarantine is over by end are stored ended.
func seedPlans(b *testing.B, db *followUpDB, n int, municipalities []string, end time.Time, days int) {
	b.Helper()
	const batch = 10_000
	ctx := context.Background()
	oslo, _ := time.LoadLocation("Europe/Oslo")
	municipalityOf := func(i int) string {
		if i%10 == 0 {
			return municipalities[0]
		}
		return municipalities[1+i%(len(municipalities)-1)]
	}
	arrivalOf := func(i int) time.Time {
		return end.Add(-time.Duration(i%(days*24*60)) * time.Minute).Truncate(time.Minute)
	}
	for start := 0; start < n; start += batch {
		receipts := make([]string, min(start+batch, n)-start)
		for j := range receipts {
			receipts[j] = beredskap.NewReceipt()
		}
		if db.addRegistrations != nil {
			ms, as := make([]string, len(receipts)), make([]time.Time, len(receipts))
			for j := range receipts {
				ms[j], as[j] = municipalityOf(start+j), arrivalOf(start+j)
			}
			if err := db.addRegistrations(ctx, receipts, ms, as); err != nil {
				b.Fatalf("seed registrations: %v", err)
			}
		}
		err := db.store.UpdateFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
			for i := start; i < min(start+batch, n); i++ {
				m := municipalityOf(i)
				arrival := arrivalOf(i)
				first := arrival.In(oslo).Format(time.DateOnly)
				last := arrival.In(oslo).AddDate(0, 0, 10).Format(time.DateOnly)
				p := &beredskap.FollowUpPlan{
					Receipt: receipts[i-start], Municipality: m, PersonKey: fmt.Sprintf("nid:%011d", i),
					FirstName: benchFirst[i%len(benchFirst)], LastName: benchLast[(i/7)%len(benchLast)],
					BirthDate: "1985-04-12", Phone: fmt.Sprintf("+4790%06d", i%1_000_000),
					Language: benchLanguages[i%len(benchLanguages)], ArrivalAt: arrival, FirstDay: first, LastDay: last,
					RuleID: "2021-02-15", SMSDays: []int{2, 5}, CallDays: []int{1, 3, 7}, Status: beredskap.PlanActive,
					Reached: i%3 == 0, BreachSuspected: i%29 == 0, Attempts: i % 4, NextCallAt: arrival.Add(24 * time.Hour),
				}
				if last < end.In(oslo).Format(time.DateOnly) {
					p.Status, p.EndReason = beredskap.PlanEnded, beredskap.EndQuarantineOver
				}
				if err := tx.CreatePlan(ctx, p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatalf("seed plans: %v", err)
		}
	}
}

// quantiles returns the median and the 99th percentile of ds.
func quantiles(ds []time.Duration) (p50, p99 time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2], s[min(len(s)-1, len(s)*99/100)]
}

// reportLatency reports the median and p99 of ds in milliseconds.
func reportLatency(b *testing.B, ds []time.Duration) {
	p50, p99 := quantiles(ds)
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
}

// BenchmarkQueueClaims measures the work queue with 4 concurrent operators
// claiming travellers, each claim its own transaction, against a baseline
// of 4 concurrent transactions that each read one plan by ID and store it
// back through the same store, in the same run (issue 4: at least 1 000 claims per second, zero double
// claims). Every claimed plan is checked to have been handed out once.
//
//	go test ./bench -run '^$' -bench QueueClaims -count 5
func BenchmarkQueueClaims(b *testing.B) {
	const operators = 4
	const plans = 50_000
	now := time.Date(2021, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, db := range openFollowUpDBs(b) {
		seedPlans(b, db, plans, []string{"0301", "4601", "5001", "1103"}, now, 9)
		var claimed sync.Map
		round := 0
		b.Run(db.name+"/claim", func(b *testing.B) {
			round++
			lease := now.Add(time.Duration(round) * 24 * time.Hour) // each round sees every plan free again
			claimNow := lease.Add(-time.Hour)
			b.SetParallelism(1)
			var mu sync.Mutex
			doubles := 0
			start := time.Now()
			var wg sync.WaitGroup
			per := (b.N + operators - 1) / operators
			for o := range operators {
				wg.Add(1)
				go func() {
					defer wg.Done()
					op := fmt.Sprintf("op%d-%d@kontrollsenter.example", o, round)
					for range per {
						var p *beredskap.FollowUpPlan
						err := db.store.UpdateFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
							var err error
							p, err = tx.ClaimNext(ctx, beredskap.QueueFilter{}, op, claimNow, lease)
							return err
						})
						if err != nil {
							b.Error(err)
							return
						}
						if _, dup := claimed.LoadOrStore(fmt.Sprint(round, p.ID), op); dup {
							mu.Lock()
							doubles++
							mu.Unlock()
						}
					}
				}()
			}
			wg.Wait()
			if doubles > 0 {
				b.Fatalf("%d plans were claimed twice", doubles)
			}
			b.ReportMetric(float64(per*operators)/time.Since(start).Seconds(), "claims/s")
		})
		b.Run(db.name+"/baseline_update", func(b *testing.B) {
			start := time.Now()
			var wg sync.WaitGroup
			per := (b.N + operators - 1) / operators
			for o := range operators {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range per {
						id := int64(1 + (o*per+i)%plans)
						err := db.store.UpdateFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
							p, err := tx.FindPlan(ctx, id)
							if err != nil {
								return err
							}
							p.Attempts++
							return tx.UpdatePlan(ctx, p)
						})
						if err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(per*operators)/time.Since(start).Seconds(), "updates/s")
		})
	}
}

// copyRegistrations stores bare registrations (empty JSON documents) under
// the receipts with PostgreSQL's COPY, so that a million plans can name
// stored registrations without a million trips through the intake. The
// list benchmarks read only the plans.
func copyRegistrations(ctx context.Context, url string, receipts, municipalities []string, arrivals []time.Time) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	rows := make([][]any, len(receipts))
	for i, r := range receipts {
		rows[i] = []any{r, municipalities[i], arrivals[i], arrivals[i], "Bench", "Traveller",
			time.Date(1985, 4, 12, 0, 0, 0, 0, time.UTC), "en", "2021-02-15", "bench", "{}", "{}"}
	}
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"registrations"},
		[]string{"receipt", "municipality", "arrival_at", "created_at", "first_name", "last_name", "birth_date",
			"language", "rule_id", "rule_hash", "registration", "decision"},
		pgx.CopyFromRows(rows))
	return err
}
