package sqlite

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"
)

// BenchmarkWriteBatch measures the writer's share of ingest: batches of
// registrations (each with an idempotency key, as the API stores them)
// written by writeBatch, the one part of a registration that runs on one
// core at a time whatever the number of clients. It reports the writer's
// rows per second.
func BenchmarkWriteBatch(b *testing.B) {
	for _, size := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("batch_%d", size), func(b *testing.B) {
			s := NewRegistrationService(benchDB(b), time.Now)
			ctx := context.Background()
			key := 0
			rows := 0
			for b.Loop() {
				batch := make([]*createOp, size)
				for i := range batch {
					n := benchRegistration()
					n.IdempotencyKey = "bench-" + strconv.Itoa(key)
					key++
					cols, err := columnsOf(n)
					if err != nil {
						b.Fatal(err)
					}
					batch[i] = newCreateOp(ctx, n, cols)
				}
				s.writeBatch(batch)
				for _, op := range batch {
					if op.err != nil {
						b.Fatal(op.err)
					}
				}
				rows += size
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
