package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"beredskap"
	"beredskap/internal/migrate"
	"beredskap/internal/testwait"
)

// TestSearchAuditIndexedMatchesScan checks that a search finds the same
// entries, in the same order, whether the search indexes of migration 0006
// reach all of them, none, or some: against the entries read one by one
// and filtered here. Receipts recur across entries and blocks, as a list
// shown again and again makes them.
func TestSearchAuditIndexedMatchesScan(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, migratedPath(t, "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := NewStaffStore(db, tickingClock())
	receipts := make([]string, 12)
	for i := range receipts {
		receipts[i] = beredskap.NewReceipt()
	}
	const n = 700
	for i := 0; i < n; i += 20 {
		err := store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
			for j := i; j < i+20; j++ {
				rec := beredskap.AuditRecord{
					Actor: fmt.Sprintf("user%d@oslo.kommune.no", j%3), Action: []string{"registration.list", "registration.read"}[j%2],
					Object: fmt.Sprintf("municipality:%d", j%4), Outcome: beredskap.OutcomeOK,
				}
				for k := range j % 5 {
					rec.Subjects = append(rec.Subjects, receipts[(j*7+k*5)%len(receipts)])
				}
				if _, err := tx.Audit(ctx, rec); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	waitIndexed(t, db, n-indexBatch)
	var all []*beredskap.AuditEntry
	if err := store.ScanAudit(ctx, func(e *beredskap.AuditEntry) error {
		all = append(all, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	filters := []beredskap.AuditFilter{
		{},
		{Receipt: receipts[0]},
		{Receipt: receipts[5]},
		{Receipt: beredskap.NewReceipt()},
		{Actor: "user1@oslo.kommune.no"},
		{Action: "registration.read"},
		{Action: "registration.list"},
		{Object: "municipality:2"},
		{Actor: "user2@oslo.kommune.no", Receipt: receipts[3], Action: "registration.list"},
		{From: all[450].At},
		{To: all[590].At},
		{From: all[40].At, To: all[633].At, Object: "municipality:1"},
		{From: all[300].At, Receipt: receipts[7]},
	}
	indexed := readIndexed(t, db)
	// The reach of the indexes: as the indexer left them, none, and one
	// in the middle of a block. Entries past the reach are in the indexes
	// already, which a search must not count twice.
	for _, reach := range []int64{indexed, 0, 300} {
		if _, err := db.write.ExecContext(ctx, `UPDATE audit_indexed SET seq = ? WHERE id = 1`, reach); err != nil {
			t.Fatal(err)
		}
		for _, f := range filters {
			var want []int64
			for _, e := range all {
				if auditMatches(e, f) {
					want = append(want, e.Seq)
				}
			}
			for _, limit := range []int{7, 50} {
				f.Limit = limit
				if got := searchSeqs(t, store, f); !slices.Equal(got, want) {
					t.Errorf("reach %d, %+v:\n got %v\nwant %v", reach, f, got, want)
				}
			}
		}
	}
}

// auditMatches says whether e is an entry f selects.
func auditMatches(e *beredskap.AuditEntry, f beredskap.AuditFilter) bool {
	return (f.Actor == "" || e.Actor == f.Actor) && (f.Action == "" || e.Action == f.Action) &&
		(f.Object == "" || e.Object == f.Object) && (f.Receipt == "" || slices.Contains(e.Subjects, f.Receipt)) &&
		(f.From.IsZero() || !e.At.Before(f.From)) && (f.To.IsZero() || e.At.Before(f.To))
}

// searchSeqs pages through the search and returns the entries' seqs.
func searchSeqs(t *testing.T, store *StaffStore, f beredskap.AuditFilter) []int64 {
	t.Helper()
	var seqs []int64
	for {
		var page []*beredskap.AuditEntry
		var next string
		err := store.View(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) (err error) {
			page, next, err = tx.SearchAudit(ctx, f)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page {
			seqs = append(seqs, e.Seq)
		}
		if next == "" {
			return seqs
		}
		f.PageToken = next
	}
}

// waitIndexed waits until the background indexer has indexed at least up
// to seq.
func waitIndexed(t *testing.T, db *DB, seq int64) {
	t.Helper()
	if !testwait.Until(t, func() bool { return readIndexed(t, db) >= seq }) {
		t.Fatalf("indexed up to %d by the test's deadline; want %d", readIndexed(t, db), seq)
	}
}

func readIndexed(t *testing.T, db *DB) int64 {
	t.Helper()
	var seq int64
	if err := db.read.QueryRow(`SELECT seq FROM audit_indexed WHERE id = 1`).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	return seq
}

// tickingClock returns a clock that moves a second on at every reading.
func tickingClock() beredskap.Clock {
	var mu sync.Mutex
	now := time.Date(2021, 3, 1, 8, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}
}

// TestMigrationMovesAuditIndexes checks that migration 0006 carries a
// trail indexed under 0005 (audit_subjects and the column indexes) into
// audit_keys and audit_subject_blocks, so that searches find what they
// found before.
func TestMigrationMovesAuditIndexes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ms, err := migrate.Load(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version > 5 {
			break
		}
		if _, err := raw.ExecContext(ctx, m.SQL); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if _, err := raw.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, ?, '2021-01-01T00:00:00.000000Z')`, m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
	r1, r2 := beredskap.NewReceipt(), beredskap.NewReceipt()
	at := time.Date(2021, 1, 4, 9, 0, 0, 0, time.UTC)
	for seq := 1; seq <= 600; seq++ {
		subjects := fmt.Sprintf(`[%q]`, r1)
		if seq%3 == 0 {
			subjects = fmt.Sprintf(`[%q, %q]`, r2, r1)
		}
		_, err := raw.ExecContext(ctx, `INSERT INTO audit VALUES (?, ?, ?, 1, 'municipal_officer', 'municipality:0301', ?, 'municipality:0301', ?, 'ok', '', '', '', 'p', 'h')`,
			seq, fmtTime(at.Add(time.Duration(seq)*time.Minute)), fmt.Sprintf("user%d@oslo.kommune.no", seq%2),
			[]string{"registration.list", "registration.read"}[seq%2], subjects)
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`INSERT INTO audit_subjects (receipt, seq) SELECT j.value, a.seq FROM audit a, json_each(a.subjects) j WHERE a.seq <= 530`,
		`UPDATE audit_indexed SET seq = 530`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := NewStaffStore(db, time.Now)
	var all []*beredskap.AuditEntry
	if err := store.ScanAudit(ctx, func(e *beredskap.AuditEntry) error {
		all = append(all, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []beredskap.AuditFilter{
		{Receipt: r1}, {Receipt: r2}, {Actor: "user1@oslo.kommune.no"}, {Action: "registration.list"},
		{Object: "municipality:0301", Limit: 9}, {From: all[20].At, To: all[560].At, Limit: 11},
	} {
		var want []int64
		for _, e := range all {
			if auditMatches(e, f) {
				want = append(want, e.Seq)
			}
		}
		if got := searchSeqs(t, store, f); !slices.Equal(got, want) {
			t.Errorf("after migration, %+v:\n got %v\nwant %v", f, got, want)
		}
	}
	var keys, blocks int
	if err := db.read.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM audit_keys), (SELECT COUNT(*) FROM audit_subject_blocks)`).Scan(&keys, &blocks); err != nil {
		t.Fatal(err)
	}
	// 4 keys for each of the 530 indexed entries; r1 in blocks 0, 1 and 2
	// (seq 512–530), r2 in the same three.
	if keys != 4*530 || blocks != 6 {
		t.Errorf("%d keys and %d subject blocks after migration; want %d and 6", keys, blocks, 4*530)
	}
}

// TestIndexChunkEndsAtSubjects checks that one transaction of the audit
// indexer takes entries up to indexSubjects subjects, however few entries
// that is, and up to indexChunk entries that name none.
func TestIndexChunkEndsAtSubjects(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, migratedPath(t, "chunk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := NewStaffStore(db, tickingClock())
	err = store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		for i := range 5 + indexChunk + 10 {
			rec := beredskap.AuditRecord{Actor: "system", Action: "retention.purge", Object: "retention:registrations", Outcome: beredskap.OutcomeOK}
			if i < 5 {
				for range indexSubjects / 2 {
					rec.Subjects = append(rec.Subjects, beredskap.NewReceipt())
				}
			}
			if _, err := tx.Audit(ctx, rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ after, most, want int64 }{
		{0, indexChunk, 2},
		{2, 2 + indexChunk, 4},
		{4, 4 + indexChunk, 4 + indexChunk},
	} {
		var got int64
		if err := db.inWriteTx(ctx, func(tx *sql.Tx) (err error) {
			got, err = chunkEnd(ctx, tx, db, c.after, c.most)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("chunkEnd after %d, at most %d = %d; want %d", c.after, c.most, got, c.want)
		}
	}
}
