package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"beredskap/internal/testwait"
)

// Commits leave the write-ahead log alone (wal_autocheckpoint is off on the
// writer), and the background checkpoint copies it into the database file
// soon after, without the writer's help.
func TestBackgroundCheckpoint(t *testing.T) {
	ctx := context.Background()
	db, path := fillerDB(t, "checkpoint.db")
	var auto int
	if err := db.write.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("writer's wal_autocheckpoint = %d, %v; want 0", auto, err)
	}
	before := fileSize(t, path)
	for range 500 { // about 2 MB, far past the default autocheckpoint of 1000 pages
		if _, err := db.write.ExecContext(ctx, `INSERT INTO filler VALUES (?)`, fillerRow); err != nil {
			t.Fatal(err)
		}
	}
	// A round of the loop that begins after the inserts, on its own clock,
	// copies them all: nothing writes beside it.
	db.log.mu.Lock()
	after := db.log.started
	db.log.mu.Unlock()
	testwait.For(t, func() bool {
		db.log.mu.Lock()
		defer db.log.mu.Unlock()
		return db.log.finished > after
	}, "a round of the checkpoint loop")
	if size := fileSize(t, path); size < before+1_000_000 {
		t.Fatalf("the database file is %d bytes after a checkpoint round (%d before the inserts): the round copied nothing", size, before)
	}
}

// fillerDB opens a database named name in a test directory, with a table
// filler of text rows, and returns it with its path. It is closed when
// the test ends.
func fillerDB(t *testing.T, name string) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.write.ExecContext(context.Background(), `CREATE TABLE filler (x TEXT)`); err != nil {
		t.Fatal(err)
	}
	return db, path
}

// fillerRow is a filler row that takes a page of its own.
var fillerRow = strings.Repeat("x", 4000)

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// Under writes that never pause, the log still starts over once it is past
// restartAfter, so its file stays near that size instead of growing with
// every commit until the TRUNCATE threshold. A writer that never pauses
// has a transaction open whenever a round of the checkpoint loop looks at
// the log, and commits more to it after: such a round copies all it saw,
// but never finds the log wholly copied, so the writer never starts the
// log over by itself and only the round's checkpoint through the writer
// makes it. The test is that writer, with the rounds in its hands (the
// loop is stopped): each transaction stays open across one round, and the
// next begins when the round has ended.
//
// (Writes one after another with checkpoints between them, as this test
// once made, leave the log wholly copied before each write, and SQLite
// starts it over by itself: that test passed with the checkpoint through
// the writer taken out of the loop. This one fails without it.)
func TestCheckpointRestartsLogUnderSteadyWrites(t *testing.T) {
	// A log of 512 pages instead of 4096 shows the same with an eighth of
	// the writes. Restored after the database closes (cleanups run last
	// first), so that nothing reads the variable meanwhile.
	old := restartAfter
	t.Cleanup(func() { restartAfter = old })
	restartAfter = 512
	ctx := context.Background()
	db, path := fillerDB(t, "restart.db")
	rounds := runRoundsByHand(t, db)
	const (
		perTx = 16
		// frameSize is a page of the log with its frame header.
		frameSize = 4096 + 24
	)
	var largest int64
	for range 4 * restartAfter / perTx { // four times restartAfter rows, well under truncateAfter
		tx, err := db.beginWrite(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for range perTx {
			if _, err := tx.ExecContext(ctx, `INSERT INTO filler VALUES (?)`, fillerRow); err != nil {
				t.Fatal(err)
			}
		}
		// A round looks at the log while the transaction is open; its
		// checkpoint through the writer, if any, waits for the commit.
		if err := db.log.awaitRound(ctx); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		testwait.Receive(t, rounds, "the checkpoint round to end")
		largest = max(largest, fileSize(t, path+"-wal"))
	}
	t.Logf("the log file grew to %d pages at most", largest/frameSize)
	if limit := int64(2 * restartAfter * frameSize); largest > limit {
		t.Errorf("log file grew to %d bytes (%d pages); want at most %d (twice restartAfter): the log was never started over",
			largest, largest/frameSize, limit)
	}
}

// runRoundsByHand stops db's checkpoint loop and runs a round instead each
// time one is asked for (logState.ask, as awaitRound does), and only then,
// so that no round runs beside what the test does. The returned channel
// receives when a round has ended, its checkpoint through the writer
// included, unless it holds such a word already.
func runRoundsByHand(t *testing.T, db *DB) <-chan struct{} {
	t.Helper()
	db.cancel() // the background work: the loop, and nothing else here
	db.bg.Wait()
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan struct{}, 1)
	var stopped sync.WaitGroup
	stopped.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-db.log.kick:
			}
			db.checkpointOnce(ctx)
			select {
			case ended <- struct{}{}:
			default:
			}
		}
	})
	t.Cleanup(func() { cancel(); stopped.Wait() })
	return ended
}

// Bulk work that paces itself on a long log (awaitCopiedLog) leaves it
// wholly copied, so that the next write starts it over, though other
// writes go on throughout; and while it paces, the loop does not
// checkpoint through the writer. The pacing is told that the log is long
// as a round of the loop would tell it. The rounds run only when the
// pacing asks for them: a round of the loop's own clock running beside
// the pacing's copy makes that copy busy, and after a few such attempts
// the pacing gives up, by design, leaving the log to a later call — which
// on a loaded machine made this test fail.
func TestPacedWorkStartsLogOver(t *testing.T) {
	ctx := context.Background()
	db, _ := fillerDB(t, "paced.db")
	runRoundsByHand(t, db)
	insert := func(n int) error {
		return db.inWriteTx(ctx, func(tx *sql.Tx) error {
			for range n {
				if _, err := tx.ExecContext(ctx, `INSERT INTO filler VALUES (?)`, fillerRow); err != nil {
					return err
				}
			}
			return nil
		})
	}
	logPages := func() int {
		var busy, pages, copied int
		if err := db.checkpoint.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &pages, &copied); err != nil {
			t.Fatal(err)
		}
		return pages
	}
	// Other writes, a row at a time, until the pacing is done.
	stop := make(chan struct{})
	others := make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				others <- nil
				return
			default:
			}
			if err := insert(1); err != nil {
				others <- err
				return
			}
		}
	}()
	if err := insert(2000); err != nil {
		t.Fatal(err)
	}
	db.log.mu.Lock()
	db.log.pages = paceAfter + 1
	db.log.mu.Unlock()
	called := time.Now()
	if err := db.awaitCopiedLog(ctx); err != nil {
		t.Fatal(err)
	}
	db.log.mu.Lock()
	pacing, pacedAt := db.log.pacing, db.log.pacedAt
	db.log.mu.Unlock()
	if pacing != 0 || pacedAt.Before(called) {
		t.Errorf("after awaitCopiedLog: %d calls pacing, paced at %v; want 0 and the end of the call", pacing, pacedAt)
	}
	close(stop)
	if err := <-others; err != nil {
		t.Fatal(err)
	}
	if err := insert(1); err != nil {
		t.Fatal(err)
	}
	if n := logPages(); n >= 2000 {
		t.Errorf("the log holds %d pages after the pacing and a write; want it started over", n)
	}
}
