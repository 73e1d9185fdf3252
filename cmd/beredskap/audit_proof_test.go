package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/auditlog"
)

// audit verify-proof checks a person's bundle of inclusion proofs outside
// the server against the log's published key, and refuses one whose
// entry was changed, or that is checked for another receipt.
func TestAuditVerifyProof(t *testing.T) {
	tr := newTamperTrail(t, "sqlite")
	ctx := context.Background()
	st, err := openStore(ctx, tr.dsn, time.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	vkey, err := auditlog.ReadKeyFile(filepath.Join(tr.auditDir, auditlog.VerifierFile), false)
	if err != nil {
		t.Fatal(err)
	}
	logKey, err := auditlog.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	var entries []*beredskap.AuditEntry
	err = st.audit.ScanAudit(ctx, func(e *beredskap.AuditEntry) error {
		if e.Seq == 5 || e.Seq == 21 {
			entries = append(entries, e)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	p := &auditlog.Prover{Store: st.audit, LogKey: logKey, VKey: vkey}
	cp, bundle, err := p.Prove(ctx, entries, map[int64]string{5: "R0005"})
	st.close()
	if err != nil || cp.Size != 20 || len(bundle.Entries) != 1 {
		t.Fatalf("prove: %v, %+v, %v; want entry 5 proven in the checkpoint of 20 (21 is newer)", cp, bundle, err)
	}
	file := filepath.Join(t.TempDir(), "looks.json")
	write := func(b *auditlog.Bundle) {
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(bundle)
	out := runOK(t, "audit", "verify-proof", "--key", vkey, "--receipt", "R0005", file)
	if !strings.Contains(out, "entry 5 ") || !strings.Contains(out, "1 entries proven in the checkpoint of 20 entries") {
		t.Errorf("verify-proof printed:\n%s", out)
	}
	if err := run(ctx, []string{"audit", "verify-proof", "--key", vkey, "--receipt", "R0006", file}, strings.NewReader(""), io.Discard, io.Discard); err == nil {
		t.Error("verify-proof passed a bundle checked for a receipt its entry does not name")
	}
	bundle.Entries[0].Leaf = strings.Replace(bundle.Entries[0].Leaf, "registration.view", "registration.list", 1)
	write(bundle)
	var stdout strings.Builder
	if err := run(ctx, []string{"audit", "verify-proof", "--key", vkey, file}, strings.NewReader(""), &stdout, io.Discard); err == nil ||
		!strings.Contains(stdout.String(), "NOT PROVEN") {
		t.Errorf("verify-proof of an altered entry: %v, %q; want NOT PROVEN", err, stdout.String())
	}
}

// A checkpoint signed with --audit-witness carries the witness's
// cosignature, which audit verify --audit-witness-key then requires.
func TestAuditWitnessFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	runOK(t, "user", "add", "--db", db, "--email", "kari@oslo.kommune.no", "--name", "Kari Nordmann",
		"--role", "municipal_officer", "--municipality", "0301")
	vkey, err := auditlog.ReadKeyFile(db+".audit/"+auditlog.VerifierFile, false)
	if err != nil {
		t.Fatal(err)
	}
	logKey, err := auditlog.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	wskey, wvkey, err := auditlog.GenerateKey("witness-dpo")
	if err != nil {
		t.Fatal(err)
	}
	wSigner, err := auditlog.NewSigner(wskey)
	if err != nil {
		t.Fatal(err)
	}
	witness := httptest.NewServer(&auditlog.Witness{LogKey: logKey, Signer: wSigner, Dir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	defer witness.Close()
	runOK(t, "user", "add", "--db", db, "--email", "ola@oslo.kommune.no", "--name", "Ola Nordmann",
		"--role", "municipal_officer", "--municipality", "0301", "--audit-witness", witness.URL)
	out := runOK(t, "audit", "verify", "--db", db, "--audit-witness", witness.URL, "--audit-witness-key", wvkey)
	if !strings.Contains(out, "cosigned by [witness-dpo]") {
		t.Errorf("audit verify with the witness printed:\n%s", out)
	}
	_, otherKey, _ := auditlog.GenerateKey("witness-other")
	var stdout strings.Builder
	err = run(context.Background(), []string{"audit", "verify", "--db", db, "--audit-witness-key", otherKey}, strings.NewReader(""), &stdout, io.Discard)
	if !errors.Is(err, errAuditBroken) || !strings.Contains(stdout.String(), "not cosigned by the witness witness-other") {
		t.Errorf("audit verify requiring another witness: %v\n%s", err, stdout.String())
	}
}
