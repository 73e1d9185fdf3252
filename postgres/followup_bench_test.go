package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"beredskap"
)

// benchPlanStart is the arrival of the first seeded plan; plans arrive 30
// seconds apart after it.
var benchPlanStart = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)

// seedPlans writes n registrations (with empty JSON, which the lists do not
// read) and a plan for each, half of them in 0301 and the rest spread over
// nine other municipalities, by INSERT ... SELECT on the server. About 70 %
// are reached, 3 % suspect a breach, 2 % speak Arabic; names come from small
// lists with a number appended to the last name. Every plan's call is due
// at benchPlanStart.
func seedPlans(b *testing.B, db *DB, n int) {
	b.Helper()
	ctx := context.Background()
	_, err := db.pool.Exec(ctx, `
INSERT INTO registrations (receipt, municipality, arrival_at, created_at, first_name, last_name, birth_date,
	language, rule_id, rule_hash, quarantine_last_day, registration, decision)
SELECT 'R' || i, m, $2::timestamptz + i * interval '30 seconds', $2::timestamptz + i * interval '30 seconds',
	'x', 'x', date '1990-01-01', 'pl', 'r', 'h', NULL, '{}', '{}'
FROM (SELECT i, CASE WHEN i % 2 = 0 THEN '0301'
	ELSE (ARRAY['4601','5001','1103','3024','3025','1108','5401','3005','4204'])[i % 9 + 1] END AS m
	FROM generate_series(1, $1::int) i) s`, n, benchPlanStart)
	if err != nil {
		b.Fatal(err)
	}
	_, err = db.pool.Exec(ctx, `
INSERT INTO followup_plans (receipt, municipality, person_key, first_name, last_name, first_lower, last_lower,
	birth_date, phone, email, language, arrival_at, arrival_day, first_day, last_day, rule_id, sms_days,
	call_days, status, end_reason, ended_at, employer_org, reached, breach_suspected, attempts, last_report_at,
	next_call_at, claimed_by, lease_until, created_at, updated_at)
SELECT receipt, municipality, 'doc:' || receipt, f, l, lower(f), lower(l), date '1990-01-01', '+4791234567', '',
	CASE WHEN h % 50 = 0 THEN 'ar' WHEN h % 5 < 2 THEN 'pl' ELSE 'en' END,
	arrival_at, (arrival_at AT TIME ZONE 'Europe/Oslo')::date, (arrival_at AT TIME ZONE 'Europe/Oslo')::date,
	(arrival_at AT TIME ZONE 'Europe/Oslo')::date + 10, 'r', '{2,5}', '{1,3}',
	CASE WHEN h % 4 = 0 THEN 'active' ELSE 'ended' END, '', NULL, '', h % 10 < 7, h % 100 < 3, 1, NULL,
	$1::timestamptz, '', NULL, arrival_at, arrival_at
FROM (SELECT r.*, abs(hashtext(r.receipt)) AS h,
	(ARRAY['Anna','Jonas','Maria','Piotr','Olena','Ahmed','Ewa','Tomas','Ion','Elena','Kari','Ola','Lina',
		'Marek','Agnieszka','Darius','Vasile','Fatima','Oleksandr','Øyvind'])[abs(hashtext(r.receipt || 'f')) % 20 + 1] AS f,
	(ARRAY['Kowalska','Nowak','Popescu','Jankauskas','Kovalenko','Hansen','Berg','Larsen','Haddad',
		'Wiśniewski'])[abs(hashtext(r.receipt || 'l')) % 10 + 1] || (abs(hashtext(r.receipt || 'n')) % 100000) AS l
	FROM registrations r) s`, benchPlanStart)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `VACUUM ANALYZE registrations, followup_plans`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkListTravellers reads pages of 50 of 0301's travellers out of
// 1,000,000 plans (500,000 in 0301), each page from a random point of the
// list (a page token of a random arrival), with the filters of each
// sub-benchmark, and reports the median and 99th percentile latency (issue
// 4 asks for a p99 under 20 ms).
func BenchmarkListTravellers(b *testing.B) {
	const plans = 1_000_000
	db := benchDB(b)
	seedPlans(b, db, plans)
	s := NewStaffStore(db, time.Now)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		f    beredskap.ReportFilter
	}{
		{"all", beredskap.ReportFilter{}},
		{"not_reached", beredskap.ReportFilter{NotReached: true}},
		{"breach", beredskap.ReportFilter{Breach: true}},
		{"active_arabic", beredskap.ReportFilter{Status: beredskap.PlanActive, Language: "ar"}},
		{"arrival_week", beredskap.ReportFilter{ArrivalFrom: "2021-03-01", ArrivalTo: "2021-03-07"}},
		{"name_common", beredskap.ReportFilter{Name: "an"}},
		{"name_rare", beredskap.ReportFilter{Name: "kowalska12"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			receipt := beredskap.NewReceipt()
			var lat []time.Duration
			for b.Loop() {
				f := c.f
				f.Municipality, f.Limit = "0301", 50
				if f.ArrivalFrom == "" && f.Name != "kowalska12" {
					at := benchPlanStart.Add(time.Duration(rng.IntN(plans*9/10)+plans/10) * 30 * time.Second)
					f.PageToken = beredskap.EncodePageToken(at, receipt)
				}
				t0 := time.Now()
				err := s.ViewFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
					_, _, err := tx.ListTravellers(ctx, f)
					return err
				})
				lat = append(lat, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
			}
			reportPercentiles(b, lat)
		})
	}
}

// BenchmarkClaimNext has 4 operators claim from one queue of 25,000 due
// plans at once, each claim a transaction of its own, and reports claims
// per second; it fails on a plan claimed twice while held (issue 4 asks for
// at least 1,000 claims per second and none twice). In "claim" the
// operators only claim, so held plans pile up at the head of the queue; in
// "claim_and_report" each claim is followed, as after a call, by a second
// transaction that frees the plan with its next call a day later.
func BenchmarkClaimNext(b *testing.B) {
	for _, report := range []bool{false, true} {
		name := "claim"
		if report {
			name = "claim_and_report"
		}
		b.Run(name, func(b *testing.B) { benchClaimNext(b, report) })
	}
}

func benchClaimNext(b *testing.B, report bool) {
	const plans, operators = 100_000, 4
	db := benchDB(b)
	seedPlans(b, db, plans)
	s := NewStaffStore(db, time.Now)
	ctx := context.Background()
	now := benchPlanStart.Add(time.Minute)
	var (
		claims  atomic.Int64
		mu      sync.Mutex
		holders = map[int64]string{}
	)
	b.ResetTimer()
	t0 := time.Now()
	var wg sync.WaitGroup
	per := b.N/operators + 1
	for w := range operators {
		op := fmt.Sprintf("op%d@helsedir.no", w)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range per {
				var p *beredskap.FollowUpPlan
				err := s.UpdateFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) (err error) {
					p, err = tx.ClaimNext(ctx, beredskap.QueueFilter{}, op, now, now.Add(15*time.Minute))
					return err
				})
				if err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				if h, ok := holders[p.ID]; ok && !report {
					b.Errorf("plan %d claimed by %s while %s held it", p.ID, op, h)
				}
				holders[p.ID] = op
				mu.Unlock()
				claims.Add(1)
				if !report {
					continue
				}
				err = s.UpdateFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
					p.NextCallAt, p.ClaimedBy, p.LeaseUntil = now.Add(24*time.Hour), "", nil
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
	b.ReportMetric(float64(claims.Load())/time.Since(t0).Seconds(), "claims/s")
}
