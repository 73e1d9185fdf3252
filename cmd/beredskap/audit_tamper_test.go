package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
	"beredskap/auditlog"
	"beredskap/internal/teststore"
	"beredskap/storetest"
)

// tamperTrail is an audit trail on one store with the default audit
// configuration (on PostgreSQL, an audit directory of its own), and raw
// access to the database for the attacker.
type tamperTrail struct {
	kind, dsn, auditDir string
	// early is a copy of the database after the first checkpoint: a file
	// on SQLite, a database's name on PostgreSQL.
	early string
}

// args returns the command-line flags that name the trail's database.
func (tr *tamperTrail) args(more ...string) []string {
	a := []string{"--db", tr.dsn}
	if tr.kind == "postgres" {
		a = append(a, "--audit-dir", tr.auditDir)
	}
	return append(a, more...)
}

// newTamperTrail makes a trail: entries 1–10 two hours ago and a
// checkpoint of them, entries 11–20 an hour ago and a checkpoint, and
// entries 21–22 now, not yet in a checkpoint.
func newTamperTrail(t *testing.T, kind string, keepEarly ...bool) *tamperTrail {
	t.Helper()
	dir := t.TempDir()
	tr := &tamperTrail{kind: kind, dsn: filepath.Join(dir, "audit.db"), auditDir: filepath.Join(dir, "audit.db.audit")}
	if kind == "postgres" {
		tr.dsn = storetest.FreshPostgresDB(t)
		tr.auditDir = filepath.Join(dir, "beredskap-audit")
	}
	now := time.Now()
	tr.appendEntries(t, 1, 10, now.Add(-2*time.Hour))
	runOK(t, append([]string{"audit", "checkpoint"}, tr.args()...)...)
	if len(keepEarly) > 0 {
		tr.keepEarly(t)
	}
	tr.appendEntries(t, 11, 20, now.Add(-time.Hour))
	runOK(t, append([]string{"audit", "checkpoint"}, tr.args()...)...)
	tr.appendEntries(t, 21, 22, now)
	return tr
}

// appendEntries appends entries from to to, stamped at.
func (tr *tamperTrail) appendEntries(t *testing.T, from, to int, at time.Time) {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(ctx, tr.dsn, func() time.Time { return at }, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	for i := from; i <= to; i++ {
		err := st.staff.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
			_, err := tx.Audit(ctx, beredskap.AuditRecord{
				Actor: fmt.Sprintf("officer%d@oslo.kommune.no", i%3), Role: beredskap.RoleMunicipalOfficer,
				Scope: "municipality:0301", Action: "registration.view", Object: fmt.Sprintf("registration:R%04d", i),
				Subjects: []string{fmt.Sprintf("R%04d", i)}, Outcome: beredskap.OutcomeOK, Address: "192.0.2.1",
			})
			return err
		})
		if err != nil {
			t.Fatalf("append entry %d: %v", i, err)
		}
	}
}

// exec runs statements on the database as its owner would, with the
// append-only triggers out of the way ($1… placeholders on both stores).
func (tr *tamperTrail) exec(t *testing.T, stmt string, args ...any) {
	t.Helper()
	ctx := context.Background()
	if tr.kind == "postgres" {
		conn, err := pgx.Connect(ctx, tr.dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `SET session_replication_role = replica`); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, stmt, args...); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
		return
	}
	raw, err := sql.Open("sqlite", tr.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, trigger := range []string{"audit_no_update", "audit_no_delete", "audit_tree_no_update", "audit_tree_no_delete"} {
		if _, err := raw.Exec(`DROP TRIGGER IF EXISTS ` + trigger); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := raw.Exec(strings.ReplaceAll(stmt, "$", "?"), args...); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// verify runs audit verify with the default configuration and returns its
// output and error.
func (tr *tamperTrail) verify(t *testing.T) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"audit", "verify"}, tr.args()...), strings.NewReader(""), &out, io.Discard)
	return out.String(), err
}

// wantBroken fails unless audit verify finds the trail broken at entry
// seq (0: without naming one) with a reason containing want.
func (tr *tamperTrail) wantBroken(t *testing.T, seq int64, want string) {
	t.Helper()
	out, err := tr.verify(t)
	if !errors.Is(err, errAuditBroken) {
		t.Fatalf("audit verify: %v\n%s\nwant the trail broken", err, out)
	}
	if seq > 0 && !strings.Contains(err.Error(), fmt.Sprintf("at entry %d", seq)) {
		t.Errorf("audit verify: %v; want it broken at entry %d\n%s", err, seq, out)
	}
	if !strings.Contains(out, want) {
		t.Errorf("audit verify printed %q; want %q", out, want)
	}
}

// The tamper suite of issue 17: each way of hiding an entry that a
// review found, and more, is detected by audit verify with the default
// configuration, on both stores.
func TestAuditVerifyDetectsTampering(t *testing.T) {
	teststore.Each(t, func(t *testing.T, kind string) {
		t.Run("intact", func(t *testing.T) {
			tr := newTamperTrail(t, kind)
			out, err := tr.verify(t)
			if err != nil || !strings.Contains(out, "intact: 22 entries") || !strings.Contains(out, "checkpoint of 20 entries") {
				t.Fatalf("audit verify: %v\n%s\nwant 22 entries intact, the newest checkpoint of 20", err, out)
			}
		})
		t.Run("one field edited", func(t *testing.T) {
			tr := newTamperTrail(t, kind)
			tr.exec(t, `UPDATE audit SET detail = 'nothing to see' WHERE seq = 5`)
			tr.wantBroken(t, 5, "do not match its hash")
		})
		t.Run("a middle entry deleted", func(t *testing.T) {
			tr := newTamperTrail(t, kind)
			tr.exec(t, `DELETE FROM audit WHERE seq = 12`)
			tr.wantBroken(t, 12, "sequence is broken")
		})
		t.Run("the newest entries deleted, tree and copies too", func(t *testing.T) {
			tr := newTamperTrail(t, kind)
			tr.exec(t, `DELETE FROM audit WHERE seq > 15`)
			tr.exec(t, `DELETE FROM audit_tree`)
			tr.exec(t, `UPDATE audit_tree_size SET size = 0`)
			tr.exec(t, `DELETE FROM audit_checkpoints WHERE size > 10`)
			tr.wantBroken(t, 16, "entries 16 to 20 were deleted")
		})
		t.Run("rolled back to an earlier copy", func(t *testing.T) {
			tr := newTamperTrail(t, kind, true)
			tr.rollBack(t)
			tr.wantBroken(t, 11, "rolled back")
		})
		t.Run("a rebuilt chain", func(t *testing.T) {
			tr := newTamperTrail(t, kind)
			tr.rebuildWithout(t, 7)
			if out, err := tr.verifyChainOnly(t); err != nil {
				t.Fatalf("the rebuilt chain does not hold by itself: %v\n%s", err, out)
			}
			tr.wantBroken(t, 1, "disagree with the checkpoint of 10 entries")
		})
		t.Run("a forged checkpoint", func(t *testing.T) {
			tr := newTamperTrail(t, kind)
			name := tr.logName(t)
			skey, _, err := auditlog.GenerateKey(name)
			if err != nil {
				t.Fatal(err)
			}
			s, err := auditlog.NewSigner(skey)
			if err != nil {
				t.Fatal(err)
			}
			msg, err := auditlog.Sign(s, 30, [32]byte{1}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			tr.writeCheckpoint(t, 30, msg)
			tr.wantBroken(t, 0, "forged")
		})
		t.Run("a replayed checkpoint", func(t *testing.T) {
			tr := newTamperTrail(t, kind)
			tr.writeCheckpoint(t, 20, tr.readCheckpoint(t, 10))
			tr.wantBroken(t, 0, "replayed")
		})
		t.Run("checkpoints deleted", func(t *testing.T) {
			tr := newTamperTrail(t, kind)
			if err := os.RemoveAll(filepath.Join(tr.auditDir, "checkpoints")); err != nil {
				t.Fatal(err)
			}
			tr.wantBroken(t, 1, "checkpoints were deleted")
		})
		t.Run("checkpoints and their copies deleted", func(t *testing.T) {
			tr := newTamperTrail(t, kind)
			if err := os.RemoveAll(filepath.Join(tr.auditDir, "checkpoints")); err != nil {
				t.Fatal(err)
			}
			tr.exec(t, `DELETE FROM audit_checkpoints`)
			tr.wantBroken(t, 1, "no signed checkpoint")
		})
		t.Run("the audit directory deleted", func(t *testing.T) {
			tr := newTamperTrail(t, kind)
			if err := os.RemoveAll(tr.auditDir); err != nil {
				t.Fatal(err)
			}
			tr.wantBroken(t, 0, "no verifier key")
		})
	})
}

// logName returns the name of the trail's signing key.
func (tr *tamperTrail) logName(t *testing.T) string {
	t.Helper()
	vkey, err := auditlog.ReadKeyFile(filepath.Join(tr.auditDir, auditlog.VerifierFile), false)
	if err != nil {
		t.Fatal(err)
	}
	name, _, _ := strings.Cut(vkey, "+")
	return name
}

// checkpointPath returns the file of the checkpoint of size entries.
func (tr *tamperTrail) checkpointPath(size int64) string {
	return filepath.Join(tr.auditDir, "checkpoints", fmt.Sprintf("%020d.checkpoint", size))
}

func (tr *tamperTrail) readCheckpoint(t *testing.T, size int64) []byte {
	t.Helper()
	b, err := os.ReadFile(tr.checkpointPath(size))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (tr *tamperTrail) writeCheckpoint(t *testing.T, size int64, msg []byte) {
	t.Helper()
	if err := os.WriteFile(tr.checkpointPath(size), msg, 0o644); err != nil {
		t.Fatal(err)
	}
}

// keepEarly copies the database as it is now: on SQLite the file, on
// PostgreSQL the database (CREATE DATABASE … TEMPLATE).
func (tr *tamperTrail) keepEarly(t *testing.T) {
	t.Helper()
	if tr.kind == "sqlite" {
		tr.early = tr.dsn + ".early"
		copyFile(t, tr.dsn, tr.early)
		return
	}
	tr.early = tr.dbName(t) + "_early"
	tr.server(t, `CREATE DATABASE `+pgx.Identifier{tr.early}.Sanitize()+` TEMPLATE `+pgx.Identifier{tr.dbName(t)}.Sanitize())
	t.Cleanup(func() { tr.server(t, `DROP DATABASE IF EXISTS `+pgx.Identifier{tr.early}.Sanitize()+` WITH (FORCE)`) })
}

// rollBack puts back the copy keepEarly made.
func (tr *tamperTrail) rollBack(t *testing.T) {
	t.Helper()
	if tr.kind == "sqlite" {
		copyFile(t, tr.early, tr.dsn)
		return
	}
	name := pgx.Identifier{tr.dbName(t)}.Sanitize()
	tr.server(t, `DROP DATABASE `+name+` WITH (FORCE)`)
	tr.server(t, `CREATE DATABASE `+name+` TEMPLATE `+pgx.Identifier{tr.early}.Sanitize())
}

// dbName returns the name of the PostgreSQL database.
func (tr *tamperTrail) dbName(t *testing.T) string {
	u, err := url.Parse(tr.dsn)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/")
}

// server runs a statement on the PostgreSQL server's own database.
func (tr *tamperTrail) server(t *testing.T, stmt string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// copyFile copies a closed SQLite file.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(to + "-wal")
	os.Remove(to + "-shm")
}

// rebuildWithout removes entry seq as an attacker holding the database
// would: the entries after it renumbered, the hash chain recomputed with
// plain SHA-256, the tree emptied and rebuilt by the store's own code,
// and the database's copies of checkpoints deleted.
func (tr *tamperTrail) rebuildWithout(t *testing.T, seq int64) {
	t.Helper()
	tr.exec(t, `DELETE FROM audit WHERE seq = $1`, seq)
	tr.exec(t, `UPDATE audit SET seq = -seq WHERE seq > $1`, seq)
	tr.exec(t, `UPDATE audit SET seq = -seq - 1 WHERE seq < 0`)
	ctx := context.Background()
	st, err := openStore(ctx, tr.dsn, time.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	var entries []*beredskap.AuditEntry
	if err := st.audit.ScanAudit(ctx, func(e *beredskap.AuditEntry) error { entries = append(entries, e); return nil }); err != nil {
		t.Fatal(err)
	}
	st.close()
	prev := beredskap.GenesisHash
	for _, e := range entries {
		e.PrevHash = prev
		e.Hash = e.ChainHash()
		prev = e.Hash
		tr.exec(t, `UPDATE audit SET prev_hash = $1, hash = $2 WHERE seq = $3`, e.PrevHash, e.Hash, e.Seq)
	}
	tr.exec(t, `DELETE FROM audit_tree`)
	tr.exec(t, `UPDATE audit_tree_size SET size = 0`)
	tr.exec(t, `DELETE FROM audit_checkpoints`)
	st, err = openStore(ctx, tr.dsn, time.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	if _, err := st.audit.ExtendAuditTree(ctx, 1000); err != nil {
		t.Fatal(err)
	}
}

// verifyChainOnly checks the hash chain alone, as audit verify did before
// issue 17.
func (tr *tamperTrail) verifyChainOnly(t *testing.T) (string, error) {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(ctx, tr.dsn, time.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	v := beredskap.NewChainVerifier()
	err = st.audit.ScanAudit(ctx, func(e *beredskap.AuditEntry) error {
		if brk := v.Add(e); brk != nil {
			return brk
		}
		return nil
	})
	return fmt.Sprintf("%d entries", v.Count()), err
}
