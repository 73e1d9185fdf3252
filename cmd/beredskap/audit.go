package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"beredskap/auditlog"
)

// errAuditBroken is returned by "audit verify" when the trail disagrees
// with itself or its checkpoints.
var errAuditBroken = errors.New("the audit trail is broken")

// runAudit runs the audit subcommands.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if err := groupHelp("audit", args, stdout); err != nil {
		return err
	}
	if len(args) == 0 {
		return usageError{"audit: want 'verify', 'checkpoint', 'witness' or 'verify-proof' (run 'beredskap audit -h')"}
	}
	switch args[0] {
	case "verify":
		return runAuditVerify(ctx, args[1:], stdout, stderr)
	case "checkpoint":
		return runAuditCheckpoint(ctx, args[1:], stdout, stderr)
	case "witness":
		return runAuditWitness(ctx, args[1:], stdout, stderr)
	case "verify-proof":
		return runAuditVerifyProof(args[1:], stdout, stderr)
	}
	return usageError{fmt.Sprintf("audit: unknown subcommand %q (run 'beredskap audit -h')", args[0])}
}

// runAuditVerify runs "audit verify": the hash chain, the stored tree, and
// the trail against the signed checkpoints kept outside the database.
func runAuditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("audit verify", stdout)
	db := fs.String("db", "beredskap.db", "SQLite file path or postgres:// URL")
	grace := fs.Duration("grace", 5*time.Minute, "how old an entry may be and yet in no signed checkpoint")
	var a auditSettings
	a.bind(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := openStore(ctx, *db, nil, nil)
	if err != nil {
		return fmt.Errorf("audit verify: %w", err)
	}
	defer st.close()
	logKey, err := a.verifier(*db)
	if err != nil {
		return fmt.Errorf("audit verify: %w", err)
	}
	cosigners, err := a.cosigners()
	if err != nil {
		return err
	}
	if logKey == nil {
		_, entries, err := st.audit.AuditTreeSize(ctx)
		if err != nil {
			return fmt.Errorf("audit verify: %w", err)
		}
		if entries > 0 {
			fmt.Fprintf(stdout, "BROKEN: the trail has %d entries but %s holds no verifier key: no checkpoint was signed, or the audit directory was deleted\n",
				entries, a.dir(*db))
			return fmt.Errorf("%w: no signed checkpoint", errAuditBroken)
		}
		fmt.Fprintln(stdout, "audit trail intact: 0 entries")
		return nil
	}
	res, err := auditlog.Verify(ctx, st.audit, auditlog.VerifyConfig{
		LogKey: logKey, Keepers: a.keepers(*db), Cosigners: cosigners, Grace: *grace, Now: time.Now(),
	})
	var f *auditlog.Failure
	if errors.As(err, &f) {
		fmt.Fprintf(stdout, "BROKEN: %s\n", f.Reason)
		if f.Seq > 0 {
			return fmt.Errorf("%w at entry %d", errAuditBroken, f.Seq)
		}
		return errAuditBroken
	}
	if err != nil {
		return fmt.Errorf("audit verify: %w", err)
	}
	fmt.Fprintf(stdout, "audit trail intact: %d entries, the hash chain and the Merkle tree checked\n", res.Entries)
	if res.Newest != nil {
		fmt.Fprintf(stdout, "consistent with %d signed checkpoints; the newest, %s, root %s", res.Checkpoints,
			res.Newest, res.Newest.Root)
		if len(res.Newest.Cosigners) > 0 {
			fmt.Fprintf(stdout, ", cosigned by %v", res.Newest.Cosigners)
		}
		fmt.Fprintln(stdout)
	}
	if res.Unproven > 0 {
		fmt.Fprintf(stdout, "%d newer entries are not yet in a signed checkpoint (within --grace)\n", res.Unproven)
	}
	return nil
}

// runAuditCheckpoint runs "audit checkpoint": it makes every entry a leaf
// and signs a checkpoint now, as a server does every few seconds.
func runAuditCheckpoint(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("audit checkpoint", stdout)
	db := fs.String("db", "beredskap.db", "SQLite file path or postgres:// URL")
	var a auditSettings
	a.bind(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := openStore(ctx, *db, nil, nil)
	if err != nil {
		return fmt.Errorf("audit checkpoint: %w", err)
	}
	defer st.close()
	c, err := a.signNow(ctx, st, *db, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return fmt.Errorf("audit checkpoint: %w", err)
	}
	if c == nil {
		fmt.Fprintln(stdout, "no checkpoint signed: the trail is empty, or another server is the signer")
		return nil
	}
	fmt.Fprintf(stdout, "%s, root %s\n", c, c.Root)
	return nil
}

// runAuditWitness runs "audit witness": a separate process, with its own
// key, that cosigns each checkpoint consistent with the last one it saw.
func runAuditWitness(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("audit witness", stdout)
	addr := fs.String("addr", "127.0.0.1:8090", "address to listen on")
	dir := fs.String("dir", "beredskap-witness", "directory of the witness's key and the newest checkpoint it cosigned")
	logKey := fs.String("log-key", "", "the audit log's verifier key (signing.pub in the log's audit directory), or a file holding it")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *logKey == "" {
		return usageError{"audit witness: --log-key is required"}
	}
	lv, err := auditSettings{Verifier: *logKey}.verifier("")
	if err != nil {
		return err
	}
	skey, vkey, err := auditlog.EnsureKey(*dir)
	if err != nil {
		return err
	}
	signer, err := auditlog.NewSigner(skey)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           &auditlog.Witness{LogKey: lv, Signer: signer, Dir: *dir, Logger: logger},
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second,
	}
	fmt.Fprintf(stdout, "audit witness serving at http://%s/ for %s; its verifier key (for --audit-witness-key):\n%s\n", ln.Addr(), lv.Name(), vkey)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// runAuditVerifyProof runs "audit verify-proof": it checks a bundle of
// inclusion proofs (the citizen API's answer) outside the system.
func runAuditVerifyProof(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("audit verify-proof", stdout)
	key := fs.String("key", "", "the audit log's published verifier key, or a file holding it (default: the key the bundle names, which proves less)")
	receipt := fs.String("receipt", "", "check that every entry names this receipt")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"audit verify-proof: give one bundle FILE, or - for standard input"}
	}
	var r io.Reader = os.Stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	var b auditlog.Bundle
	if err := json.NewDecoder(io.LimitReader(r, 16<<20)).Decode(&b); err != nil {
		return usageError{fmt.Sprintf("verify-proof: the bundle is not JSON of the expected form: %v", err)}
	}
	vkey := *key
	if vkey == "" {
		vkey = b.LogKey
		fmt.Fprintln(stderr, "warning: checked against the key the bundle names; compare it with the key the register publishes")
	}
	v, err := auditSettings{Verifier: vkey}.verifier("")
	if err != nil {
		return err
	}
	cp, leaves, err := auditlog.CheckBundle(b, v, *receipt)
	if err != nil {
		fmt.Fprintf(stdout, "NOT PROVEN: %v\n", err)
		return errors.New("the proof does not hold")
	}
	for _, l := range leaves {
		fmt.Fprintf(stdout, "entry %d  %s  %s  %s  %s  proven\n", l.Seq, l.At, l.Role, l.Scope, l.Action)
	}
	fmt.Fprintf(stdout, "%d entries proven in %s, root %s\n", len(leaves), cp, cp.Root)
	return nil
}
