package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"beredskap"
	"beredskap/storetest"
)

// words shortens what a tracer saw to each statement's first word, so
// that "begin + select | savepoint + with + release + commit" is a
// transaction of two round trips. A batch shows its statements up to the
// one that failed: the server skips those after it.
func words(sent []string) string {
	var out []string
	for _, s := range sent {
		var ws []string
		for stmt := range strings.SplitSeq(s, " + ") {
			ws = append(ws, strings.ToLower(strings.Fields(stmt)[0]))
		}
		out = append(out, strings.Join(ws, " + "))
	}
	return strings.Join(out, " | ")
}

// tracedServers returns two servers on one fresh, migrated database: other,
// and a staff store on a single connection whose statements tr records.
func tracedServers(t *testing.T) (other *DB, store *StaffStore, tr *sentTracer) {
	t.Helper()
	ctx := context.Background()
	url := storetest.FreshPostgresDB(t)
	other, err := Open(ctx, url) // migrates
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close() })
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	tr = &sentTracer{}
	cfg.ConnConfig.Tracer = tr
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return other, NewStaffStore(&DB{pool: pool}, time.Now), tr
}

// An audit entry that follows a known head travels with COMMIT, or with
// the transaction's next statement; when another server appended first,
// the commit goes back to its savepoint, chains the entry to the head it
// locks and commits (issue 15, item 11). No entry is lost or forked.
func TestAuditTravelsWithCommit(t *testing.T) {
	ctx := context.Background()
	other, store, tr := tracedServers(t)
	rec := beredskap.AuditRecord{Actor: "overlege@oslo.example", Action: "registration.list",
		Object: "municipality:0301", Subjects: []string{"R1", "R2"}, Outcome: beredskap.OutcomeOK}
	audited := func(s *StaffStore, read bool, after string) {
		t.Helper()
		err := s.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
			if read {
				if _, _, err := tx.ListRegistrations(ctx, beredskap.RegistrationFilter{Municipality: "0301"}); err != nil {
					return err
				}
			}
			if _, err := tx.Audit(ctx, rec); err != nil {
				return err
			}
			if after != "" {
				_, _, err := tx.SearchAudit(ctx, beredskap.AuditFilter{Actor: after})
				return err
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		run   func()
		want  string
		entry int64
	}{
		{"head unknown: read and locked", func() { audited(store, true, "") },
			"begin + select | select | with | commit", 1},
		{"head known: with COMMIT", func() { audited(store, true, "") },
			"begin + select | savepoint + with + release + commit", 2},
		{"head known, nothing read: one round trip", func() { audited(store, false, "") },
			"begin + savepoint + with + release + commit", 3},
		{"a statement after the entry: the entry goes first", func() { audited(store, false, "x") },
			"begin + with | select | commit", 4},
		{"another server appended: back to the savepoint", func() {
			audited(NewStaffStore(other, time.Now), false, "")
			tr.take()
			audited(store, true, "")
		}, "begin + select | savepoint + with | rollback | select | with | commit", 6},
		{"another server appended, nothing read", func() {
			audited(NewStaffStore(other, time.Now), false, "")
			tr.take()
			audited(store, false, "")
		}, "begin + savepoint + with | rollback | select | with | commit", 8},
	}
	for _, tt := range tests {
		tr.take()
		tt.run()
		if got := words(tr.take()); got != tt.want {
			t.Errorf("%s: sent %s; want %s", tt.name, got, tt.want)
		}
		if h, _ := store.db.head.Get(); h.Seq != tt.entry {
			t.Errorf("%s: the hint is at entry %d; want %d", tt.name, h.Seq, tt.entry)
		}
	}
	v := beredskap.NewChainVerifier()
	if err := store.ScanAudit(ctx, func(e *beredskap.AuditEntry) error {
		v.Add(e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if b := v.Result(); b != nil || v.Count() != 8 {
		t.Errorf("chain of %d entries: %v; want 8 entries, intact", v.Count(), b)
	}
}
