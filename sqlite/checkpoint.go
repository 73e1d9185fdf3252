package sqlite

import (
	"context"
	"net/url"
	"time"
)

// Checkpointing. The writer commits with wal_autocheckpoint off, so that a
// commit never stops to copy the write-ahead log back into the database
// (which made about one request in a hundred several times slower);
// checkpointLoop does that on its own connection instead. A PASSIVE
// checkpoint runs beside the writer and the readers without blocking them.
// But the writer only starts the log again from its beginning when it
// finds the log wholly copied, which a checkpoint running beside a busy
// writer never leaves it: the log would grow, every commit appending to
// the file. So once the log is past restartAfter, the loop checkpoints
// through the writer's connection, in a pause of the writes (a few
// milliseconds, as the background has copied all but the newest frames),
// and the next commit starts the log over. When the log has grown large
// all the same (readers holding old snapshots keep it from being reset), a
// TRUNCATE checkpoint, which waits for them, brings it back to nothing.
const checkpointEvery = 200 * time.Millisecond

// Variables, so that a test can lower them.
var (
	// restartAfter is the log size, in pages, above which the loop
	// checkpoints through the writer (about 16 MiB with 4 KiB pages), and
	// truncateAfter the size above which it truncates the log (about
	// 128 MiB). Each pauses the writes for a copy and two file syncs; a
	// bulk writer such as the retention purge fills 4 MiB of log in a
	// fraction of a second, and restarting that often made registrations
	// wait on the pauses far more than on the purge itself.
	restartAfter  = 4096
	truncateAfter = 32768
)

// checkpointParams returns the settings of the checkpoint connection.
func checkpointParams() url.Values {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(1000)")
	return q
}

// checkpointLoop checkpoints the write-ahead log every checkpointEvery
// until ctx ends.
func (db *DB) checkpointLoop(ctx context.Context) {
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		db.checkpointOnce(ctx)
	}
}

// checkpointOnce is one round of checkpointLoop. Errors are left to the
// next round: Close checkpoints in the end.
func (db *DB) checkpointOnce(ctx context.Context) {
	var busy, logPages, done int
	if err := db.checkpoint.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logPages, &done); err != nil {
		return
	}
	switch {
	case logPages > truncateAfter:
		_, _ = db.checkpoint.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	case logPages > restartAfter:
		_, _ = db.write.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
	}
}
