package sqlite

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"beredskap"
)

// BenchmarkActiveRegistrations streams 1 million active registrations,
// decoding each, as a rule-change impact run reads them (issue 5: 1
// million re-evaluated in under a minute). One iteration is one full walk.
// BEREDSKAP_BENCH_ROWS sets another number of rows.
func BenchmarkActiveRegistrations(b *testing.B) {
	rows := 1_000_000
	if n, err := strconv.Atoi(os.Getenv("BEREDSKAP_BENCH_ROWS")); err == nil && n > 0 {
		rows = n
	}
	db := benchDB(b)
	seed(b, db, rows)
	s := NewStaffStore(db, time.Now)
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		err := s.ActiveRegistrations(context.Background(), "2020-12-21", time.Now(), time.Time{}, func(r *beredskap.StoredRegistration) error {
			n++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if n != rows {
			b.Fatalf("%d registrations; want %d", n, rows)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/walk")
	// On a shared machine the processor time a walk takes says more than
	// the wall time.
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/walk")
}

// cpuTime returns the processor time the process has used, user and
// system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
