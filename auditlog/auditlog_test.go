package auditlog_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"beredskap"
	"beredskap/auditlog"
	"beredskap/internal/teststore"
	"beredskap/postgres"
)

var quiet = slog.New(slog.DiscardHandler)

// appendEntries appends n entries, each naming the receipt "R<seq>".
func appendEntries(t testing.TB, st beredskap.StaffStore, n int) {
	t.Helper()
	for range n {
		err := st.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
			_, err := tx.Audit(ctx, beredskap.AuditRecord{Actor: "kari@oslo.kommune.no", Role: beredskap.RoleMunicipalOfficer,
				Scope: "municipality:0301", Action: "registration.view", Object: "registration:X",
				Subjects: []string{"RA", "RB"}, Outcome: beredskap.OutcomeOK})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// keyPair returns a new signer and its verifier.
func keyPair(t testing.TB, name string) (note.Signer, note.Verifier, string) {
	t.Helper()
	skey, vkey, err := auditlog.GenerateKey(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := auditlog.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := auditlog.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return s, v, vkey
}

// A checkpoint goes to a witness, which checks it against the last one it
// cosigned and cosigns it; audit verification requires the cosignature;
// the witness refuses a rolled-back, forked or inconsistent log; a
// person's inclusion proofs check out, and fail when anything is changed.
func TestWitnessAndProofs(t *testing.T) {
	teststore.Each(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		st, _ := teststore.Open(t, kind, time.Now)
		tree := st.(auditlog.Source)
		signer, logKey, _ := keyPair(t, "beredskap-audit-test")
		wSigner, wKey, _ := keyPair(t, "witness-dpo")
		witness := httptest.NewServer(&auditlog.Witness{LogKey: logKey, Signer: wSigner, Dir: t.TempDir(), Logger: quiet})
		defer witness.Close()
		dir := auditlog.Dir{Path: t.TempDir()}
		cpr := &auditlog.Checkpointer{Store: tree, Signer: signer, Verifier: logKey, Logger: quiet,
			Keepers: []auditlog.Keeper{&auditlog.WitnessClient{URL: witness.URL}, dir}}
		defer cpr.Close()

		appendEntries(t, st, 50)
		cosigned := func(cp *auditlog.Checkpoint, err error) (*auditlog.Checkpoint, error) {
			if err != nil {
				return nil, err
			}
			return auditlog.Open(cp.Note, logKey, wKey)
		}
		first, err := cosigned(cpr.Checkpoint(ctx))
		if err != nil || first.Size != 50 || !first.CosignedBy("witness-dpo") {
			t.Fatalf("first checkpoint: %v, %v; want 50 entries cosigned by the witness", first, err)
		}
		appendEntries(t, st, 30)
		second, err := cosigned(cpr.Checkpoint(ctx))
		if err != nil || second.Size != 80 || !second.CosignedBy("witness-dpo") {
			t.Fatalf("second checkpoint: %v, %v; want 80 entries cosigned (consistent with 50)", second, err)
		}
		cfg := auditlog.VerifyConfig{LogKey: logKey, Keepers: []auditlog.Keeper{dir, &auditlog.WitnessClient{URL: witness.URL}},
			Cosigners: []note.Verifier{wKey}, Now: time.Now()}
		if res, err := auditlog.Verify(ctx, tree, cfg); err != nil || res.Newest.Size != 80 {
			t.Fatalf("verify with the witness's cosignature required: %+v, %v", res, err)
		}
		_, otherKey, _ := keyPair(t, "witness-other")
		cfg.Cosigners = []note.Verifier{otherKey}
		var f *auditlog.Failure
		if _, err := auditlog.Verify(ctx, tree, cfg); !errors.As(err, &f) || !strings.Contains(f.Reason, "not cosigned by the witness witness-other") {
			t.Errorf("verify requiring another witness: %v; want not cosigned", err)
		}

		// The witness refuses what a rolled-back or forked log would show it.
		refuse := func(name string, size int64, root tlog.Hash, old int64, proof tlog.TreeProof, want int) {
			t.Helper()
			msg, err := auditlog.Sign(signer, size, root, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			fmt.Fprintf(&b, "old %d\n", old)
			for _, h := range proof {
				b.WriteString(tlogBase64(h) + "\n")
			}
			b.WriteString("\n" + string(msg))
			resp, err := http.Post(witness.URL+"/add-checkpoint", "text/plain", strings.NewReader(b.String()))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("%s: the witness answered %s %s; want %d", name, resp.Status, body, want)
			}
		}
		root50, _ := tlog.TreeHash(50, tree)
		refuse("a rolled-back log", 50, root50, 80, nil, http.StatusConflict)
		refuse("a forked log", 80, tlog.Hash{7}, 80, nil, http.StatusConflict)
		proof, _ := tlog.ProveTree(80, 80, tree)
		refuse("an inconsistent log", 90, tlog.Hash{9}, 80, append(proof, tlog.Hash{1}), http.StatusUnprocessableEntity)
		refuse("a stale old size", 90, tlog.Hash{9}, 50, nil, http.StatusConflict)

		// A person's inclusion proofs.
		var entries []*beredskap.AuditEntry
		if err := tree.ScanAudit(ctx, func(e *beredskap.AuditEntry) error {
			if e.Seq == 3 || e.Seq == 80 {
				entries = append(entries, e)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		proven, err := auditlog.Prove(tree, second, entries)
		if err != nil {
			t.Fatal(err)
		}
		b := auditlog.Bundle{Checkpoint: string(second.Note), Entries: proven}
		if _, leaves, err := auditlog.CheckBundle(b, logKey, "RB"); err != nil || len(leaves) != 2 || leaves[1].Seq != 80 {
			t.Fatalf("check the bundle: %v, %v", leaves, err)
		}
		if _, _, err := auditlog.CheckBundle(b, logKey, "RC"); err == nil {
			t.Error("a bundle checked for a receipt its entries do not name passed")
		}
		altered := b
		altered.Entries = append([]auditlog.ProvenEntry(nil), b.Entries...)
		altered.Entries[0].Leaf = strings.Replace(altered.Entries[0].Leaf, "registration.view", "registration.vieW", 1)
		if _, _, err := auditlog.CheckBundle(altered, logKey, ""); err == nil {
			t.Error("a bundle with an altered leaf passed")
		}
		if _, _, err := auditlog.CheckBundle(b, otherKey, ""); err == nil {
			t.Error("a bundle checked against another key passed")
		}
	})
}

// tlogBase64 writes a hash as the witness protocol does.
func tlogBase64(h tlog.Hash) string {
	b, _ := h.MarshalJSON()
	return strings.Trim(string(b), `"`)
}

// Of several servers on one database one signs at a time; the others
// follow and take over when it stops; entries appended through any of
// them are leaves. (On SQLite, whose file has one server, each may sign.)
func TestOneSignerAtATime(t *testing.T) {
	teststore.Each(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		st, _, dsn := teststore.OpenDSN(t, kind, time.Now)
		other := st
		if kind == "postgres" {
			// A second server: its own connections to the same database.
			db, err := postgres.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			other = postgres.NewStaffStore(db, time.Now)
		}
		signer, logKey, _ := keyPair(t, "beredskap-audit-test")
		dir := auditlog.Dir{Path: t.TempDir()}
		a := &auditlog.Checkpointer{Store: st.(auditlog.Source), Signer: signer, Verifier: logKey, Logger: quiet, Keepers: []auditlog.Keeper{dir}}
		b := &auditlog.Checkpointer{Store: other.(auditlog.Source), Signer: signer, Verifier: logKey, Logger: quiet, Keepers: []auditlog.Keeper{dir}}
		defer b.Close()
		appendEntries(t, st, 5)
		appendEntries(t, other, 2)
		if cp, err := a.Checkpoint(ctx); err != nil || cp.Size != 7 {
			t.Fatalf("the first signer: %v, %v; want the 7 entries of both servers", cp, err)
		}
		appendEntries(t, other, 3)
		_, err := b.Checkpoint(ctx)
		if kind == "postgres" && !errors.Is(err, auditlog.ErrNotSigner) {
			t.Fatalf("a second signer while the first holds the role: %v; want ErrNotSigner", err)
		}
		if kind == "sqlite" && err != nil {
			t.Fatalf("a second signer on SQLite: %v", err)
		}
		a.Close()
		appendEntries(t, st, 1)
		cp, err := b.Checkpoint(ctx)
		if err != nil || cp.Size != 11 {
			t.Fatalf("the second signer once the first stopped: %v, %v; want 11 entries", cp, err)
		}
		res, err := auditlog.Verify(ctx, st.(auditlog.Source), auditlog.VerifyConfig{LogKey: logKey, Keepers: []auditlog.Keeper{dir}, Now: time.Now()})
		if err != nil || res.Entries != 11 || res.Newest.Size != 11 {
			t.Fatalf("verify: %+v, %v", res, err)
		}
	})
}

// A witness that is down misses a checkpoint, which the directory and the
// database keep all the same; once it is back it cosigns the next one,
// given the consistency proof from the last one it saw.
func TestWitnessDownThenBack(t *testing.T) {
	ctx := context.Background()
	st, _ := teststore.Open(t, "sqlite", time.Now)
	signer, logKey, _ := keyPair(t, "beredskap-audit-test")
	wSigner, wKey, _ := keyPair(t, "witness-dpo")
	w := &auditlog.Witness{LogKey: logKey, Signer: wSigner, Dir: t.TempDir(), Logger: quiet}
	witness := httptest.NewServer(w)
	client := &auditlog.WitnessClient{URL: witness.URL}
	dir := auditlog.Dir{Path: t.TempDir()}
	cpr := &auditlog.Checkpointer{Store: st.(auditlog.Source), Signer: signer, Verifier: logKey, Logger: quiet,
		Keepers: []auditlog.Keeper{client, dir}}
	defer cpr.Close()
	appendEntries(t, st, 4)
	if _, err := cpr.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	witness.Close()
	appendEntries(t, st, 4)
	if cp, err := cpr.Checkpoint(ctx); err == nil || cp == nil || cp.Size != 8 {
		t.Fatalf("a checkpoint with the witness down: %v, %v; want it signed and the witness's error", cp, err)
	}
	if kept, err := dir.Kept(ctx); err != nil || len(kept) != 2 {
		t.Fatalf("the directory keeps %d checkpoints (%v); want 2", len(kept), err)
	}
	witness = httptest.NewServer(w)
	defer witness.Close()
	client.URL = witness.URL
	appendEntries(t, st, 4)
	cp, err := cpr.Checkpoint(ctx)
	if err != nil {
		t.Fatalf("the witness back: %v", err)
	}
	if c, err := auditlog.Open(cp.Note, logKey, wKey); err != nil || c.Size != 12 || !c.CosignedBy("witness-dpo") {
		t.Fatalf("the checkpoint once the witness is back: %v, %v; want 12 entries cosigned", c, err)
	}
}
