package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"beredskap/auditlog"
)

// auditSettings say where the audit log's signing key and checkpoints are.
type auditSettings struct {
	Dir         string
	Key         string
	KeyFile     string
	Witness     string
	WitnessKeys string
	Verifier    string
	Every       int64
	Interval    time.Duration
}

// bind defines the audit log's flags.
func (a *auditSettings) bind(fs *flag.FlagSet) {
	fs.StringVar(&a.Dir, "audit-dir", "", "directory of the audit log's signed checkpoints (default: DB.audit beside a SQLite file, beredskap-audit for PostgreSQL)")
	fs.StringVar(&a.Key, "audit-key", "", "the audit log's Ed25519 signing key in note form (PRIVATE+KEY+…); give it by the environment, BEREDSKAP_AUDIT_KEY")
	fs.StringVar(&a.KeyFile, "audit-key-file", "", "file of the audit log's signing key (default: signing.key in the audit directory, made when missing)")
	fs.StringVar(&a.Witness, "audit-witness", "", "URLs of witnesses (beredskap audit witness) that cosign each checkpoint, comma-separated")
	fs.StringVar(&a.WitnessKeys, "audit-witness-key", "", "verifier keys of witnesses whose cosignature audit verify requires, comma-separated")
	fs.StringVar(&a.Verifier, "audit-verifier", "", "the audit log's verifier key, or a file holding it (default: from the signing key, or signing.pub in the audit directory)")
	fs.Int64Var(&a.Every, "audit-every", 1000, "sign a checkpoint once this many audit entries wait")
	fs.DurationVar(&a.Interval, "audit-interval", 10*time.Second, "sign a checkpoint once an audit entry has waited this long")
}

// dir returns the audit directory for the database dsn.
func (a auditSettings) dir(dsn string) string {
	switch {
	case a.Dir != "":
		return a.Dir
	case isPostgres(dsn):
		return "beredskap-audit"
	}
	return dsn + ".audit"
}

// isPostgres reports whether dsn names a PostgreSQL database.
func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// signer returns the signing key and its verifier: the key given, else the
// key file, else the audit directory's key, made when missing.
func (a auditSettings) signer(dsn string) (auditlog.Signer, note.Verifier, string, error) {
	skey := a.Key
	if skey == "" && a.KeyFile != "" {
		var err error
		if skey, err = auditlog.ReadKeyFile(a.KeyFile, true); err != nil {
			return nil, nil, "", fmt.Errorf("audit signing key: %w", err)
		}
	}
	if skey == "" {
		var err error
		if skey, _, err = auditlog.EnsureKey(a.dir(dsn)); err != nil {
			return nil, nil, "", err
		}
	}
	s, err := auditlog.NewSigner(skey)
	if err != nil {
		return nil, nil, "", err
	}
	vkey, err := auditlog.VerifierOf(skey)
	if err != nil {
		return nil, nil, "", err
	}
	v, err := auditlog.NewVerifier(vkey)
	if err != nil {
		return nil, nil, "", err
	}
	if err := publishVerifier(a.dir(dsn), vkey); err != nil {
		return nil, nil, "", err
	}
	return s, v, vkey, nil
}

// publishVerifier writes the verifier key into the audit directory when it
// has none, so that audit verify finds it there by default.
func publishVerifier(dir, vkey string) error {
	path := dir + "/" + auditlog.VerifierFile
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("audit log directory: %w", err)
	}
	if err := os.WriteFile(path, []byte(vkey+"\n"), 0o644); err != nil {
		return fmt.Errorf("audit verifier key: %w", err)
	}
	return nil
}

// verifier returns the log's verifier key for audit verify: the one given
// (or the file named), else the signing key's, else the audit directory's.
func (a auditSettings) verifier(dsn string) (note.Verifier, error) {
	vkey := a.Verifier
	if vkey != "" && !strings.Contains(vkey, "+") {
		var err error
		if vkey, err = auditlog.ReadKeyFile(vkey, false); err != nil {
			return nil, fmt.Errorf("audit verifier key: %w", err)
		}
	}
	if vkey == "" && a.Key != "" {
		var err error
		if vkey, err = auditlog.VerifierOf(a.Key); err != nil {
			return nil, err
		}
	}
	if vkey == "" {
		var err error
		vkey, err = auditlog.ReadKeyFile(a.dir(dsn)+"/"+auditlog.VerifierFile, false)
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("audit verifier key: %w", err)
		}
	}
	return auditlog.NewVerifier(vkey)
}

// keepers returns where checkpoints are kept outside the database: the
// witnesses first (their cosignatures then reach the directory), then the
// audit directory.
func (a auditSettings) keepers(dsn string) []auditlog.Keeper {
	var ks []auditlog.Keeper
	for _, u := range splitList(a.Witness) {
		ks = append(ks, &auditlog.WitnessClient{URL: u})
	}
	return append(ks, auditlog.Dir{Path: a.dir(dsn)})
}

// cosigners returns the verifiers of the witness keys audit verify
// requires.
func (a auditSettings) cosigners() ([]note.Verifier, error) {
	var vs []note.Verifier
	for _, k := range splitList(a.WitnessKeys) {
		v, err := auditlog.NewVerifier(k)
		if err != nil {
			return nil, fmt.Errorf("--audit-witness-key: %w", err)
		}
		vs = append(vs, v)
	}
	return vs, nil
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// checkpointer returns the checkpoint signer of the open store.
func (a auditSettings) checkpointer(st *store, dsn string, logger *slog.Logger) (*auditlog.Checkpointer, error) {
	s, v, _, err := a.signer(dsn)
	if err != nil {
		return nil, err
	}
	return &auditlog.Checkpointer{
		Store: st.audit, Signer: s, Verifier: v, Keepers: a.keepers(dsn),
		Every: a.Every, Interval: a.Interval, Logger: logger,
	}, nil
}

// signNow signs a checkpoint of every audit entry there is, as commands
// that append entries do before they exit, and returns it (nil for an
// empty trail).
func (a auditSettings) signNow(ctx context.Context, st *store, dsn string, logger *slog.Logger) (*auditlog.Checkpoint, error) {
	cp, err := a.checkpointer(st, dsn, logger)
	if err != nil {
		return nil, err
	}
	defer cp.Close()
	c, err := cp.Checkpoint(ctx)
	if errors.Is(err, auditlog.ErrNotSigner) {
		return nil, nil
	}
	return c, err
}

// signAtExit signs a checkpoint of the entries a command appended, unless
// a server is the signer (which then signs them within its interval).
func signAtExit(ctx context.Context, a auditSettings, st *store, dsn string, stderr io.Writer) error {
	_, err := a.signNow(ctx, st, dsn, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return fmt.Errorf("sign an audit checkpoint: %w", err)
	}
	return nil
}

// prover returns what proves looks to citizens against the newest
// checkpoint, checked with the signing key's verifier.
func (a auditSettings) prover(st *store, dsn string) (*auditlog.Prover, error) {
	_, v, vkey, err := a.signer(dsn)
	if err != nil {
		return nil, err
	}
	return &auditlog.Prover{Store: st.audit, LogKey: v, VKey: vkey}, nil
}
