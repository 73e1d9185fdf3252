package auditlog_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"beredskap"
	"beredskap/auditlog"
	"beredskap/sqlite"
)

// benchEntries is how many entries the benchmarks' trail has: a million,
// or BEREDSKAP_BENCH_AUDIT_ENTRIES.
func benchEntries() int {
	if n, err := strconv.Atoi(os.Getenv("BEREDSKAP_BENCH_AUDIT_ENTRIES")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// benchTrail is a SQLite trail of benchEntries entries, made once per run,
// with the time its appends and its tree took.
var benchTrail struct {
	once           sync.Once
	store          *sqlite.StaffStore
	append, extend time.Duration
	err            error
}

// openBenchTrail appends the entries, 1000 to a transaction, and then
// makes them leaves of the tree, 4096 to a transaction, timing each.
func openBenchTrail(b *testing.B) *sqlite.StaffStore {
	b.Helper()
	benchTrail.once.Do(func() {
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "beredskap-audit-bench-")
		if err != nil {
			benchTrail.err = err
			return
		}
		db, err := sqlite.Open(ctx, filepath.Join(dir, "audit.db"))
		if err != nil {
			benchTrail.err = err
			return
		}
		st := sqlite.NewStaffStore(db, time.Now)
		n := benchEntries()
		start := time.Now()
		for done := 0; done < n; done += 1000 {
			err := st.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
				for i := range min(1000, n-done) {
					_, err := tx.Audit(ctx, beredskap.AuditRecord{Actor: "kari@oslo.kommune.no", Role: beredskap.RoleMunicipalOfficer,
						Scope: "municipality:0301", Action: "registration.view", Object: "registration:R" + strconv.Itoa(done+i),
						Subjects: []string{"R" + strconv.Itoa(done+i)}, Outcome: beredskap.OutcomeOK, Address: "192.0.2.1"})
					if err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				benchTrail.err = err
				return
			}
		}
		benchTrail.append = time.Since(start)
		start = time.Now()
		for size := int64(0); size < int64(n); {
			if size, err = st.ExtendAuditTree(ctx, 4096); err != nil {
				benchTrail.err = err
				return
			}
		}
		benchTrail.extend = time.Since(start)
		benchTrail.store = st
	})
	if benchTrail.err != nil {
		b.Fatal(benchTrail.err)
	}
	return benchTrail.store
}

// BenchmarkAuditLog measures, on a SQLite trail of a million entries:
// appending them and making them leaves (the tree's cost against the
// appends' as baseline); signing a checkpoint (against a bare Ed25519
// signature, and the whole Checkpoint with its tree hash, files and
// copy); and inclusion and consistency proofs, their sizes and times
// (against reading one entry by its number).
//
//	go test -run '^$' -bench AuditLog -benchtime 200x -timeout 30m ./auditlog/
func BenchmarkAuditLog(b *testing.B) {
	st := openBenchTrail(b)
	n := int64(benchEntries())
	ctx := context.Background()
	b.Run("append", func(b *testing.B) {
		b.ReportMetric(float64(benchTrail.append.Nanoseconds())/float64(n), "append-ns/entry")
		b.ReportMetric(float64(benchTrail.extend.Nanoseconds())/float64(n), "tree-ns/entry")
		b.ReportMetric(benchTrail.extend.Seconds()/benchTrail.append.Seconds(), "tree/append")
	})
	signer, logKey, _ := keyPair(b, "beredskap-audit-bench")
	root, err := tlog.TreeHash(n, st)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("sign/ed25519", func(b *testing.B) {
		_, priv, _ := ed25519.GenerateKey(rand.Reader)
		msg := []byte("beredskap-audit-bench\n1000000\nroot\ntime\n")
		for range b.N {
			ed25519.Sign(priv, msg)
		}
	})
	b.Run("sign/note", func(b *testing.B) {
		for range b.N {
			if _, err := auditlog.Sign(signer, n, root, time.Now()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sign/checkpoint", func(b *testing.B) {
		dir := auditlog.Dir{Path: b.TempDir()}
		cpr := &auditlog.Checkpointer{Store: st, Signer: signer, Verifier: logKey, Logger: quiet, Keepers: []auditlog.Keeper{dir}}
		b.StopTimer()
		for range b.N {
			appendEntries(b, st, 1)
			b.StartTimer()
			if _, err := cpr.Checkpoint(ctx); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
		}
	})
	n, _, _ = st.AuditTreeSize(ctx)
	root, _ = tlog.TreeHash(n, st)
	b.Run("read-entry", func(b *testing.B) {
		for i := range b.N {
			seq := 1 + int64(i)*7919%n
			err := st.View(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
				_, _, err := tx.SearchAudit(ctx, beredskap.AuditFilter{PageToken: beredskap.EncodeSeqToken(seq - 1), Limit: 1})
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("prove-inclusion", func(b *testing.B) {
		var size int
		for i := range b.N {
			idx := int64(i) * 7919 % n
			p, err := tlog.ProveRecord(n, idx, st)
			if err != nil {
				b.Fatal(err)
			}
			size = len(p) * tlog.HashSize
		}
		b.ReportMetric(float64(size), "proof-bytes")
	})
	b.Run("check-inclusion", func(b *testing.B) {
		idx := n / 3
		p, err := tlog.ProveRecord(n, idx, st)
		if err != nil {
			b.Fatal(err)
		}
		leaf, err := st.ReadHashes([]int64{tlog.StoredHashIndex(0, idx)})
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for range b.N {
			if err := tlog.CheckRecord(p, n, root, idx, leaf[0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("prove-consistency", func(b *testing.B) {
		var size int
		for i := range b.N {
			old := 1 + int64(i)*104729%(n-1)
			p, err := tlog.ProveTree(n, old, st)
			if err != nil {
				b.Fatal(err)
			}
			size = len(p) * tlog.HashSize
		}
		b.ReportMetric(float64(size), "proof-bytes")
	})
	b.Run("check-consistency", func(b *testing.B) {
		old := n/2 + 1
		p, err := tlog.ProveTree(n, old, st)
		if err != nil {
			b.Fatal(err)
		}
		oldRoot, err := tlog.TreeHash(old, st)
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for range b.N {
			if err := tlog.CheckTree(p, n, root, old, oldRoot); err != nil {
				b.Fatal(err)
			}
		}
	})
}
