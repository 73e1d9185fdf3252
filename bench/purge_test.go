package bench

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"beredskap"
	"beredskap/retention"
	"beredskap/rules"
	"beredskap/sqlite"
)

// BenchmarkPurge measures the retention purge of a million registrations
// (BEREDSKAP_BENCH_REGS to change it) with their follow-up plans and two
// SMS each on SQLite, and the latency of registrations arriving meanwhile
// from four clients, beside the same load with no purge measured in the
// same run just before (issue 19: the purge within 10 minutes, the p99 of
// registrations at most doubled). Run with -benchtime 1x.
func BenchmarkPurge(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("BEREDSKAP_BENCH_REGS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	oslo, _ := time.LoadLocation("Europe/Oslo")
	path := filepath.Join(b.TempDir(), "purge.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	db.Close()
	book, err := rules.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	seedStart := time.Now()
	seedActive(b, path, book, n, time.Date(2020, 12, 13, 17, 0, 0, 0, oslo))
	seedFollowUp(b, path)
	b.Logf("seeded %d registrations with plans and SMS in %v", n, time.Since(seedStart).Round(time.Second))

	db, err = sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2021, 2, 22, 12, 0, 0, 0, oslo)
	clock := func() time.Time { return now }
	regs := sqlite.NewRegistrationService(db, clock)
	store := sqlite.NewStaffStore(db, clock)
	arrival := now.Add(-time.Hour)
	r := beredskap.Registration{
		ArrivalTime: arrival.Format(time.RFC3339),
		Traveller: beredskap.Traveller{FirstName: "Anna", LastName: "Kowalska", BirthDate: "1985-04-12",
			Nationality: "PL", Phone: "+48601234567", Language: "pl",
			IDDocument: beredskap.IDDocument{Type: "passport", Number: "EA1", Country: "PL", Expires: "2027-01-31"}},
		CountriesVisited: []string{"PL"}, Arrival: beredskap.Arrival{Mode: beredskap.ModeAir, Point: "OSL"},
		Residence: beredskap.ResidenceNone, Purpose: beredskap.PurposeOther, ExemptionsClaimed: []string{},
		Accommodation: beredskap.Accommodation{Type: beredskap.AccommodationOtherSuitable,
			Address:    beredskap.Address{Street: "Storgata 1", PostalCode: "0155", Municipality: "0301"},
			SingleRoom: true, OwnBathroom: true, OwnKitchenOrMeals: true, CloseContactAvoidable: true},
		Documents: []string{"accommodation_confirmation"}, Destination: beredskap.DestinationMainland,
	}
	dec, err := book.Evaluate(&r, "en")
	if err != nil {
		b.Fatal(err)
	}
	// load registers from four clients until stop is closed and returns
	// every latency.
	load := func(stop <-chan struct{}) []time.Duration {
		var mu sync.Mutex
		var all []time.Duration
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				var mine []time.Duration
				for {
					select {
					case <-stop:
						mu.Lock()
						all = append(all, mine...)
						mu.Unlock()
						return
					default:
					}
					t0 := time.Now()
					if _, _, err := regs.CreateRegistration(ctx, beredskap.NewRegistration{Registration: r, Decision: dec, Municipality: "0301"}); err != nil {
						b.Error(err)
					}
					mine = append(mine, time.Since(t0))
					time.Sleep(2 * time.Millisecond) // about 1 000 registrations a second in all at most
				}
			})
		}
		wg.Wait()
		return all
	}
	b.ResetTimer()
	for range b.N {
		// Baseline: the same load for 20 s with no purge.
		stop := make(chan struct{})
		go func() { time.Sleep(20 * time.Second); close(stop) }()
		base := load(stop)

		svc := retention.New(store, retention.MustEmbedded(), clock, nil, retention.Config{Batch: 100, Pause: 20 * time.Millisecond})
		stop = make(chan struct{})
		var during []time.Duration
		done := make(chan struct{})
		go func() { during = load(stop); close(done) }()
		t0 := time.Now()
		rep, err := svc.Purge(ctx, nil)
		purge := time.Since(t0)
		close(stop)
		<-done
		if err != nil {
			b.Fatal(err)
		}
		if rep.Registrations.Registrations != n {
			b.Fatalf("purged %d registrations; want %d", rep.Registrations.Registrations, n)
		}
		_, p99base := latencyQuantiles(base)
		p50, p99 := latencyQuantiles(during)
		b.ReportMetric(purge.Seconds(), "purge_s")
		b.ReportMetric(float64(n)/purge.Seconds(), "regs_purged/s")
		b.ReportMetric(float64(p99base.Microseconds())/1000, "p99_base_ms")
		b.ReportMetric(float64(p50.Microseconds())/1000, "p50_during_ms")
		b.ReportMetric(float64(p99.Microseconds())/1000, "p99_during_ms")
		b.ReportMetric(float64(p99)/float64(p99base), "p99_ratio")
		b.Logf("purged %d registrations (%d plans, %d SMS) in %d batches in %v; %d registrations meanwhile, %d in the baseline",
			rep.Registrations.Registrations, rep.Registrations.Plans, rep.Registrations.SMS, rep.Batches, purge.Round(time.Millisecond),
			len(during), len(base))
	}
}

// seedFollowUp gives every registration of the file an ended follow-up
// plan and two delivered SMS, straight in SQL.
func seedFollowUp(b *testing.B, path string) {
	b.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		`INSERT INTO followup_plans (receipt, municipality, person_key, first_name, last_name, first_lower, last_lower,
			birth_date, phone, email, language, arrival_at, arrival_day, first_day, last_day, rule_id, sms_days, call_days,
			status, end_reason, ended_at, employer_org, reached, breach_suspected, attempts, last_report_at, next_call_at,
			claimed_by, lease_until, created_at, updated_at)
		SELECT receipt, municipality, 'nid:' || receipt, first_name, last_name, lower(first_name), lower(last_name),
			birth_date, '+4790000000', '', language, arrival_at, substr(arrival_at, 1, 10), substr(arrival_at, 1, 10),
			quarantine_last_day, rule_id, '[2,5]', '[1,3,7]', 'ended', 'quarantine_over', created_at, '', 1, 0, 1, NULL,
			arrival_at, '', NULL, created_at, created_at FROM registrations`,
		`INSERT INTO sms_outbox (plan_id, receipt, to_number, language, template, body, encoding, segments, status,
			attempts, next_attempt_at, provider_id, last_error, sent_by, created_at, updated_at, delivered_at)
		SELECT id, receipt, phone, language, t.key, 'Husk karantene', 'gsm7', 1, 'delivered', 1, created_at, '', '',
			'system', created_at, created_at, created_at FROM followup_plans, (SELECT 'day2' AS key UNION ALL SELECT 'day5') t`,
	} {
		if _, err := raw.Exec(q); err != nil {
			b.Fatalf("seed follow-up: %v", err)
		}
	}
}

// latencyQuantiles returns the median and the 99th percentile of ds.
func latencyQuantiles(ds []time.Duration) (p50, p99 time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2], s[len(s)*99/100]
}
