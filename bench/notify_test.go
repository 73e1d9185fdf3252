package bench

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"beredskap"
	"beredskap/hotel"
	"beredskap/rules"
	"beredskap/sqlite"
)

// BenchmarkNotifyImpact measures NotifyImpact after ComputeImpact at
// 2020-12-13T17:00 Europe/Oslo over BEREDSKAP_BENCH_REGS active
// registrations (100 000 when unset; half of them change) in a SQLite
// file. Beside it, in the same run, it times what telling them reads, two
// ways: the recipients a page at a time (ImpactRecipients, 500 a
// statement, as NotifyImpact does) and the baseline of one registration
// and one plan lookup per traveller, as NotifyImpact did before. Run it
// once:
//
//	go test -run '^$' -bench NotifyImpact -benchtime 1x -timeout 30m ./bench/
func BenchmarkNotifyImpact(b *testing.B) {
	n := 100_000
	if s := os.Getenv("BEREDSKAP_BENCH_REGS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	oslo, _ := time.LoadLocation("Europe/Oslo")
	at := time.Date(2020, 12, 13, 17, 0, 0, 0, oslo)
	path := filepath.Join(b.TempDir(), "notify.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	book, err := rules.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	seedActive(b, path, book, n, at)
	store := sqlite.NewStaffStore(db, time.Now)
	svc := hotel.New(store, book, nil, time.Now, hotel.Config{}, nil)
	sys := beredskap.WithActor(ctx, beredskap.SystemActor())
	b.ResetTimer()
	for i := range b.N {
		run, err := svc.ComputeImpact(sys, at.Add(time.Duration(i)*time.Second))
		if err != nil {
			b.Fatal(err)
		}
		perRow, paged := readRecipients(b, store, run.ID)
		t0, c0 := time.Now(), cpuTime()
		sent, err := svc.NotifyImpact(sys, run.ID)
		if err != nil {
			b.Fatal(err)
		}
		full, fullCPU := time.Since(t0), cpuTime()-c0
		if i == 0 && sent != n/2 {
			b.Fatalf("%d SMS queued; want %d", sent, n/2)
		}
		b.ReportMetric(perRow.Seconds(), "reads-per-row-s")
		b.ReportMetric(paged.Seconds(), "reads-paged-s")
		b.ReportMetric(perRow.Seconds()/paged.Seconds(), "per-row/paged")
		b.ReportMetric(full.Seconds(), "notify-s")
		b.ReportMetric(fullCPU.Seconds(), "notify-cpu-s")
		b.Logf("%d changes: reads one traveller at a time %v, a page at a time %v (%.1f×); NotifyImpact %v (%v processor time, %d SMS)",
			run.Changed, perRow.Round(time.Millisecond), paged.Round(time.Millisecond), perRow.Seconds()/paged.Seconds(),
			full.Round(time.Millisecond), fullCPU.Round(time.Millisecond), sent)
	}
}

// readRecipients times reading what the SMS of every change of the run
// needs, one traveller at a time (the baseline) and a page at a time, each
// in a read transaction.
func readRecipients(b *testing.B, store *sqlite.StaffStore, runID int64) (perRow, paged time.Duration) {
	b.Helper()
	ctx := context.Background()
	t0 := time.Now()
	err := store.ViewHotels(ctx, func(ctx context.Context, tx beredskap.HotelTx) error {
		for after := ""; ; {
			changes, err := tx.ImpactChanges(ctx, runID, "", after, 1000)
			if err != nil {
				return err
			}
			for _, c := range changes {
				if _, err := tx.FindRegistration(ctx, c.Receipt, ""); err != nil {
					return err
				}
				if _, err := tx.FindPlanByReceipt(ctx, c.Receipt); beredskap.ErrorCode(err) != beredskap.ENOTFOUND {
					return err
				}
			}
			if len(changes) < 1000 {
				return nil
			}
			after = changes[len(changes)-1].Receipt
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	perRow = time.Since(t0)
	t1 := time.Now()
	err = store.ViewHotels(ctx, func(ctx context.Context, tx beredskap.HotelTx) error {
		for after := ""; ; {
			page, err := tx.ImpactRecipients(ctx, runID, after, 500)
			if err != nil {
				return err
			}
			if len(page) < 500 {
				return nil
			}
			after = page[len(page)-1].Change.Receipt
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	return perRow, time.Since(t1)
}
