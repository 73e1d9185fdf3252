package postgres

import (
	"context"
	"fmt"
	"time"

	"beredskap"
)

// clockSamples is how many round trips a measurement of the server's
// clock takes; the one with the shortest round trip counts.
const clockSamples = 5

// clockEvery is how often the offset to the server's clock is measured
// again, so that a process's clock drifting does not carry over into
// leases.
const clockEvery = time.Minute

// Now returns the database server's time as this process sees it: the
// local clock moved by the offset to the server's clock last measured.
// Every process on the database runs its leases (queue claims, SMS
// leases) and audit times from it, so that processes on machines whose
// clocks differ agree on when a lease ends, to within a round trip.
func (db *DB) Now() time.Time {
	return time.Now().Add(time.Duration(db.offset.Load()))
}

// measureClock measures the offset of the server's clock to the local one
// and keeps it for Now.
func (db *DB) measureClock(ctx context.Context) error {
	best, rtt := time.Duration(0), time.Duration(-1)
	for range clockSamples {
		var server time.Time
		t0 := time.Now()
		if err := db.pool.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&server); err != nil {
			return fmt.Errorf("measure the server's clock: %w", err)
		}
		t1 := time.Now()
		if d := t1.Sub(t0); rtt < 0 || d < rtt {
			rtt, best = d, server.Sub(t0.Add(d/2))
		}
	}
	db.offset.Store(int64(best))
	db.offsetError.Store(int64(rtt / 2))
	return nil
}

// keepClock measures the offset again every clockEvery until ctx ends.
func (db *DB) keepClock(ctx context.Context) {
	t := time.NewTicker(clockEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := db.measureClock(ctx); err != nil && ctx.Err() == nil {
				db.logger().Warn("server clock not measured", "err", err)
			}
		}
	}
}

// RegisterClock returns a clock that runs from start in step with Now,
// the same in every process on the database: the first process to ask
// for start records the server's time, and the others run from that
// record, however much later they start. A different start replaces the
// record. Demos use it (--register-now) to run the register in the past.
func (db *DB) RegisterClock(ctx context.Context, start time.Time) (beredskap.Clock, error) {
	start = stamp(start)
	_, err := db.pool.Exec(ctx, `INSERT INTO register_clock (id, register_at, started_at) VALUES (true, $1, clock_timestamp())
ON CONFLICT (id) DO UPDATE SET register_at = excluded.register_at, started_at = excluded.started_at
WHERE register_clock.register_at <> excluded.register_at`, start)
	if err != nil {
		return nil, fmt.Errorf("register clock: %w", db.unavailable(err))
	}
	var startedAt time.Time
	if err := db.pool.QueryRow(ctx, `SELECT started_at FROM register_clock WHERE register_at = $1`, start).Scan(&startedAt); err != nil {
		return nil, fmt.Errorf("register clock: %w", db.unavailable(err))
	}
	return func() time.Time { return start.Add(db.Now().Sub(startedAt)) }, nil
}
