package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"beredskap"
	"beredskap/hotel"
	"beredskap/rules"
	"beredskap/sqlite"
)

// reevalInsert writes a registration row directly, as sqlite's own raw
// insert baseline does; the bench owns it so that a million rows go in
// within seconds (transactions of 50 000 rows, JSON marshalled once per
// template).
const reevalInsert = `INSERT INTO registrations (
	receipt, municipality, arrival_at, created_at, first_name, last_name, birth_date,
	language, rule_id, rule_hash, quarantine_last_day, registration, decision
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// BenchmarkReevaluate measures ComputeImpact at 2020-12-13T17:00
// Europe/Oslo (the six hotel-exemption groups, seed 001) over
// BEREDSKAP_BENCH_REGS active registrations (1 000 000 when unset) in a
// SQLite file, beside a baseline measured in the same run: only streaming
// and decoding the same rows (ActiveRegistrations with a no-op fn). Half
// the travellers are at a confirmed suitable place (group 4 from 17:00:
// "hotel_lifted"), half at the hotel. Run it once:
//
//	go test -run '^$' -bench Reevaluate -benchtime 1x -timeout 30m ./bench/
func BenchmarkReevaluate(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("BEREDSKAP_BENCH_REGS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	oslo, _ := time.LoadLocation("Europe/Oslo")
	at := time.Date(2020, 12, 13, 17, 0, 0, 0, oslo)
	path := filepath.Join(b.TempDir(), "reevaluate.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	book, err := rules.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	seedStart := time.Now()
	seedActive(b, path, book, n, at)
	b.Logf("seeded %d registrations in %v", n, time.Since(seedStart).Round(time.Millisecond))

	store := sqlite.NewStaffStore(db, time.Now)
	svc := hotel.New(store, book, nil, time.Now, hotel.Config{}, nil)
	sys := beredskap.WithActor(ctx, beredskap.SystemActor())
	day := at.Format(time.DateOnly)
	b.ResetTimer()
	for i := range b.N {
		t0, c0 := time.Now(), cpuTime()
		rows := 0
		if err := store.ActiveRegistrations(ctx, day, at, time.Time{}, func(*beredskap.StoredRegistration) error { rows++; return nil }); err != nil {
			b.Fatal(err)
		}
		scan, scanCPU := time.Since(t0), cpuTime()-c0
		t1, c1 := time.Now(), cpuTime()
		run, err := svc.ComputeImpact(sys, at.Add(time.Duration(i)*time.Second))
		if err != nil {
			b.Fatal(err)
		}
		full, fullCPU := time.Since(t1), cpuTime()-c1
		if rows != n || run.Evaluated != n || run.Changed != n/2 {
			b.Fatalf("streamed %d, evaluated %d, changed %d; want %d, %d, %d", rows, run.Evaluated, run.Changed, n, n, n/2)
		}
		b.ReportMetric(scan.Seconds(), "stream-s")
		b.ReportMetric(scanCPU.Seconds(), "stream-cpu-s")
		b.ReportMetric(float64(rows)/scan.Seconds(), "stream-regs/s")
		b.ReportMetric(full.Seconds(), "impact-s")
		b.ReportMetric(fullCPU.Seconds(), "impact-cpu-s")
		b.ReportMetric(float64(n)/full.Seconds(), "impact-regs/s")
		b.Logf("stream+decode %d rows: %v (%v processor time); ComputeImpact: %v (%v processor time, %d changed)",
			rows, scan.Round(time.Millisecond), scanCPU.Round(time.Millisecond),
			full.Round(time.Millisecond), fullCPU.Round(time.Millisecond), run.Changed)
		if load, err := os.ReadFile("/proc/loadavg"); err == nil {
			b.Logf("load average: %s", strings.TrimSpace(string(load)))
		}
	}
}

// seedActive inserts n registrations arriving in the nine days before at,
// every one still in quarantine at at, decided by the rules of 2020-11-09,
// and returns their receipts.
func seedActive(b *testing.B, path string, book *rules.Book, n int, at time.Time) []string {
	b.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?"+seedPragmas)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	type template struct {
		reg, dec         []byte
		rule, hash, last string
	}
	oslo := book.Oslo()
	// One template per arrival day and kind, so the stored decision
	// matches the stored registration.
	var templates [9][2]template
	for d := range 9 {
		arrival := time.Date(2020, 12, 4+d, 12, 0, 0, 0, oslo)
		for k := range 2 {
			r := beredskap.Registration{
				ArrivalTime: arrival.Format(time.RFC3339),
				Traveller: beredskap.Traveller{FirstName: "Anna", LastName: "Kowalska", BirthDate: "1985-04-12",
					Nationality: "PL", Phone: "+48601234567", Language: "pl",
					IDDocument: beredskap.IDDocument{Type: "passport", Number: "EA1", Country: "PL", Expires: "2027-01-31"}},
				CountriesVisited: []string{"PL"}, Arrival: beredskap.Arrival{Mode: beredskap.ModeAir, Point: "OSL"},
				Residence: beredskap.ResidenceNone, Purpose: beredskap.PurposeOther, ExemptionsClaimed: []string{},
				Accommodation: beredskap.Accommodation{Type: beredskap.AccommodationQuarantineHotel,
					Address:    beredskap.Address{Street: "Storgata 1", PostalCode: "0155", Municipality: "0301"},
					SingleRoom: true, OwnBathroom: true, OwnKitchenOrMeals: true, CloseContactAvoidable: true},
				Documents: []string{}, Destination: beredskap.DestinationMainland,
			}
			if k == 1 {
				r.Accommodation.Type, r.Documents = beredskap.AccommodationOtherSuitable, []string{"accommodation_confirmation"}
			}
			dec, err := book.Evaluate(&r, "en")
			if err != nil {
				b.Fatal(err)
			}
			rj, _ := json.Marshal(r)
			dj, _ := json.Marshal(dec)
			templates[d][k] = template{rj, dj, dec.RuleSet.ID, dec.RuleSet.Hash, *dec.Quarantine.LastDay}
		}
	}
	const batch = 50_000
	created := at.UTC().Format("2006-01-02T15:04:05.000000Z")
	receipts := make([]string, n)
	for i := range receipts {
		receipts[i] = beredskap.NewReceipt()
	}
	for start := 0; start < n; start += batch {
		tx, err := raw.Begin()
		if err != nil {
			b.Fatal(err)
		}
		stmt, err := tx.Prepare(reevalInsert)
		if err != nil {
			b.Fatal(err)
		}
		for i := start; i < min(start+batch, n); i++ {
			d, k := i%9, i%2
			t := &templates[d][k]
			arrival := time.Date(2020, 12, 4+d, 12, 0, 0, 0, oslo).UTC().Format("2006-01-02T15:04:05.000000Z")
			if _, err := stmt.Exec(receipts[i], "0301", arrival, created, "Anna", "Kowalska", "1985-04-12",
				"pl", t.rule, t.hash, t.last, string(t.reg), string(t.dec)); err != nil {
				b.Fatal(err)
			}
		}
		stmt.Close()
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	return receipts
}

// cpuTime returns the processor time the process has used, user and
// system: on a shared machine it says more than the wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
