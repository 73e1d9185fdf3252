package postgres

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

var _ beredskap.Leadership = (*DB)(nil)

// Leadership timings. A leader checks its lock connection every leadCheck
// and gives the lead up when the check has no answer within leadTimeout,
// so that it stops within leadCheck+leadTimeout of losing its server:
// sooner than a cluster manager with a ten-second leader lease promotes a
// standby, on which another process can take the lead. A process that does
// not lead tries again every leadRetry.
var (
	leadCheck   = 2 * time.Second
	leadTimeout = 4 * time.Second
	leadRetry   = 2 * time.Second
)

// leadKey returns the advisory lock key of the job.
func leadKey(job string) int64 {
	h := fnv.New64a()
	h.Write([]byte("beredskap.lead:" + job))
	return int64(h.Sum64())
}

// Lead runs fn while this process holds the job's session advisory lock on
// the primary, and again each time it wins the lock back, until ctx ends.
// The lock is held on a connection of its own, outside the pool; it is
// released when fn returns, when the connection fails its check (the
// server died, stopped answering or became a standby), or when the
// database ends the session. See beredskap.Leadership.
func (db *DB) Lead(ctx context.Context, job string, fn func(ctx context.Context)) {
	key := leadKey(job)
	for {
		led, err := db.leadOnce(ctx, key, fn)
		if err != nil && ctx.Err() == nil {
			db.logger().Warn("lead lost or not taken", "job", job, "err", err)
		} else if led && ctx.Err() == nil {
			db.logger().Info("lead given up", "job", job)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(leadRetry):
		}
	}
}

// leadOnce tries to take the job's lock and, when it has it, runs fn until
// fn returns, ctx ends or the lock's connection fails a check. It reports
// whether it ran fn.
func (db *DB) leadOnce(ctx context.Context, key int64, fn func(ctx context.Context)) (bool, error) {
	connectCtx, cancel := context.WithTimeout(ctx, leadTimeout)
	conn, err := pgx.ConnectConfig(connectCtx, db.pool.Config().ConnConfig.Copy())
	cancel()
	if err != nil {
		return false, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.Background())
	var got bool
	tryCtx, cancel := context.WithTimeout(ctx, leadTimeout)
	err = conn.QueryRow(tryCtx, `SELECT NOT pg_is_in_recovery() AND pg_try_advisory_lock($1)`, key).Scan(&got)
	cancel()
	if err != nil || !got {
		return false, err
	}
	leadCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(leadCtx)
	}()
	tick := time.NewTicker(leadCheck)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return true, nil
		case <-ctx.Done():
			<-done
			return true, nil
		case <-tick.C:
			if err := checkLead(ctx, conn); err != nil {
				stop()
				<-done
				return true, err
			}
		}
	}
}

// checkLead reports an error unless conn answers within leadTimeout from
// a server that is still the primary.
func checkLead(ctx context.Context, conn *pgx.Conn) error {
	ctx, cancel := context.WithTimeout(ctx, leadTimeout)
	defer cancel()
	var primary bool
	if err := conn.QueryRow(ctx, `SELECT NOT pg_is_in_recovery()`).Scan(&primary); err != nil {
		return fmt.Errorf("check lead: %w", err)
	}
	if !primary {
		return fmt.Errorf("check lead: the server became a standby")
	}
	return nil
}

// logger returns the logger of background work: Logger, or one that
// discards when it is nil.
func (db *DB) logger() *slog.Logger {
	if db.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return db.Logger
}
