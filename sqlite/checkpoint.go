package sqlite

import (
	"context"
	"database/sql"
	"net/url"
	"sync"
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
// through the writer's connection, in a pause of the writes, and the next
// commit starts the log over. When the log has grown large all the same
// (readers holding old snapshots keep it from being reset), a TRUNCATE
// checkpoint, which waits for them, brings it back to nothing.
//
// Bulk work (the retention purge) must not make registrations wait on
// such a checkpoint: a purge writes 16 MiB of log in a fraction of a
// second, and each checkpoint through the writer then held it for the
// copy and two file syncs, 100 to 160 ms, which made every slow
// registration during a purge. Bulk work instead paces itself between its
// transactions (see awaitCopiedLog): once the log is past paceAfter, it
// waits until the whole log is copied, so that the next write starts the
// log over; while it paces, the loop leaves the writer alone.

// restartAfter is the log size, in pages, above which the loop checkpoints
// through the writer (about 16 MiB with 4 KiB pages). A variable, so that
// a test can lower it.
var restartAfter = 4096

const (
	checkpointEvery = 200 * time.Millisecond
	// truncateAfter is the size above which the loop truncates the log
	// (about 512 MiB), which waits for every writer and reader.
	truncateAfter = 131072
	// paceAfter is the log size above which bulk work waits for the log
	// to be copied (about 192 MiB): each wait costs the work a few rounds,
	// and usually ends with a copy through the writer's connection, with
	// its file syncs, that registrations arriving meanwhile wait for; so
	// it should come seldom. A purge writes about 70 KiB of log for each
	// registration it deletes.
	paceAfter = 49152
	// pacedFor is how long after bulk work last paced itself the loop
	// still leaves the writer alone.
	pacedFor = time.Second
)

// checkpointParams returns the settings of the checkpoint connection.
func checkpointParams() url.Values {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(1000)")
	return q
}

// logState is what the rounds of checkpointLoop found of the log, for bulk
// work that paces itself on it.
type logState struct {
	mu sync.Mutex
	// started and finished number the rounds begun and ended; pages is the
	// log's size, in pages, when the last round ended began, and copied
	// whether that round copied all of it.
	started, finished int64
	pages             int
	copied            bool
	// ended is closed, and replaced, when a round ends.
	ended chan struct{}
	// pacing counts the calls of awaitCopiedLog under way, and pacedAt is
	// when the last one ended.
	pacing  int
	pacedAt time.Time
	// kick asks the loop for a round now.
	kick chan struct{}
}

func newLogState() *logState {
	return &logState{ended: make(chan struct{}), kick: make(chan struct{}, 1)}
}

// ask asks the loop for a round as soon as the one running ends.
func (l *logState) ask() {
	select {
	case l.kick <- struct{}{}:
	default: // a round is asked for already
	}
}

// begin records that a round begins.
func (l *logState) begin() {
	l.mu.Lock()
	l.started++
	l.mu.Unlock()
}

// end records the round's result and wakes those waiting for it.
func (l *logState) end(pages, copied int, ok bool) {
	l.mu.Lock()
	l.finished = l.started
	if ok {
		l.pages, l.copied = pages, copied == pages
	}
	close(l.ended)
	l.ended = make(chan struct{})
	l.mu.Unlock()
}

// paced reports whether bulk work is pacing itself, or did within pacedFor.
func (l *logState) paced() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pacing > 0 || time.Since(l.pacedAt) < pacedFor
}

// checkpointLoop checkpoints the write-ahead log every checkpointEvery,
// and when bulk work asks, until ctx ends.
func (db *DB) checkpointLoop(ctx context.Context) {
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-db.log.kick:
		}
		db.checkpointOnce(ctx)
	}
}

// checkpointOnce is one round of checkpointLoop. Errors are left to the
// next round: Close checkpoints in the end.
func (db *DB) checkpointOnce(ctx context.Context) {
	var busy, logPages, done int
	db.log.begin()
	err := db.checkpoint.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logPages, &done)
	db.log.end(logPages, done, err == nil)
	if err != nil {
		return
	}
	switch {
	case logPages > truncateAfter:
		_, _ = db.checkpoint.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	case logPages > restartAfter && !db.log.paced():
		_, _ = db.write.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
	}
}

// awaitCopiedLog paces bulk work, between two of its transactions, on the
// log. When the last round found the log past paceAfter, it waits until
// the whole log is copied, so that the next write starts it over: it
// waits for a round begun after the call, which copies all the work
// wrote, and then makes sure on the writer's connection that no write
// came since; registrations go on meanwhile. When writes did come, it tries again, and after
// copyAttempts it copies what they added through the writer's connection,
// which holds them back for that copy. It gives up, leaving the log to a
// later call, after twice copyAttempts.
func (db *DB) awaitCopiedLog(ctx context.Context) error {
	if db.checkpoint == nil {
		return ctx.Err()
	}
	l := db.log
	l.mu.Lock()
	l.pacing++
	long := l.pages > paceAfter
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.pacing--
		l.pacedAt = time.Now()
		l.mu.Unlock()
	}()
	if !long {
		return ctx.Err()
	}
	for attempt := 1; ; attempt++ {
		seq, err := db.writesBegun(ctx, nil)
		if err != nil {
			return err
		}
		if err := l.awaitRound(ctx); err != nil {
			return err
		}
		done := false
		if _, err := db.writesBegun(ctx, func(c *sql.Conn, now int64) error {
			if now != seq && attempt < copyAttempts {
				return nil
			}
			var busy, logPages, copied int
			if err := c.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logPages, &copied); err != nil {
				return err
			}
			// A round of the loop running meanwhile makes it busy.
			if busy == 0 && copied == logPages {
				done = true
				l.mu.Lock()
				l.pages = 0 // the next write starts the log over
				l.mu.Unlock()
			}
			return nil
		}); err != nil || done || attempt == 2*copyAttempts {
			return err
		}
	}
}

// copyAttempts is how often awaitCopiedLog lets a round copy the log
// before it copies through the writer's connection.
const copyAttempts = 2

// writesBegun returns, with the writer's connection held so that no write
// transaction is open, how many have begun; and calls fn, when not nil,
// with the connection still held.
func (db *DB) writesBegun(ctx context.Context, fn func(c *sql.Conn, begun int64) error) (int64, error) {
	c, err := db.write.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	n := db.writes.Load()
	if fn != nil {
		err = fn(c, n)
	}
	return n, err
}

// awaitRound asks for a checkpoint round and waits until one begun after
// the call has ended.
func (l *logState) awaitRound(ctx context.Context) error {
	l.mu.Lock()
	after := l.started
	l.mu.Unlock()
	l.ask()
	for {
		l.mu.Lock()
		finished, ended := l.finished, l.ended
		l.mu.Unlock()
		if finished > after {
			return nil
		}
		select {
		case <-ended:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
