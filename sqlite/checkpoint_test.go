package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	deadline := time.Now().Add(10 * time.Second)
	for fileSize(t, path) < before+1_000_000 {
		if time.Now().After(deadline) {
			t.Fatalf("the database file is still %d bytes (%d before the inserts): nothing was checkpointed", fileSize(t, path), before)
		}
		time.Sleep(50 * time.Millisecond)
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
// every commit until the TRUNCATE threshold. The rounds of the checkpoint
// loop are counted in rows written, not in time: one round every
// checkpointRows rows (a page each), as a loop ticking while a steady
// writer commits that many would run.
func TestCheckpointRestartsLogUnderSteadyWrites(t *testing.T) {
	// A log of 512 pages instead of 4096 shows the same with an eighth of
	// the writes, which under the race detector take a minute.
	// Restored after the database closes (cleanups run last first), so
	// that its checkpoint loop never reads the variable meanwhile.
	old := restartAfter
	t.Cleanup(func() { restartAfter = old })
	restartAfter = 512
	ctx := context.Background()
	db, path := fillerDB(t, "restart.db")
	const pageSize = 4096
	var (
		checkpointRows = restartAfter / 20
		rows           = 3 * restartAfter // three times restartAfter, well under truncateAfter
	)
	var largest int64
	for i := 1; i <= rows; i++ {
		if _, err := db.write.ExecContext(ctx, `INSERT INTO filler VALUES (?)`, fillerRow); err != nil {
			t.Fatal(err)
		}
		largest = max(largest, fileSize(t, path+"-wal"))
		if i%checkpointRows == 0 {
			db.checkpointOnce(ctx)
		}
	}
	if limit := int64(2 * restartAfter * pageSize); largest > limit {
		t.Errorf("log file grew to %d bytes over %d rows; want at most %d", largest, rows, limit)
	}
}

// Bulk work that paces itself on a long log (awaitCopiedLog) leaves it
// wholly copied, so that the next write starts it over, though other
// writes go on throughout; and while it paces, the loop does not
// checkpoint through the writer. The pacing is told that the log is long
// as a round of the loop would tell it.
func TestPacedWorkStartsLogOver(t *testing.T) {
	ctx := context.Background()
	db, _ := fillerDB(t, "paced.db")
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
