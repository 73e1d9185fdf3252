package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"beredskap"
	"beredskap/staff"
)

// errAuditBroken is returned by "audit verify" when the chain is broken.
var errAuditBroken = errors.New("the audit trail is broken")

// runAudit runs "audit verify": it checks every entry's hash and its link
// to the one before, and names the first entry that fails.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return usageError{"usage: beredskap audit verify --db DB"}
	}
	fs := newFlagSet("audit verify", stderr)
	db := fs.String("db", "beredskap.db", "SQLite file path or postgres:// URL")
	if err := parse(fs, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	st, err := openStore(ctx, *db, time.Now, nil)
	if err != nil {
		return fmt.Errorf("audit verify: %w", err)
	}
	defer st.close()
	svc := staff.New(st.staff, nil, time.Now, staff.Config{}, slog.New(slog.DiscardHandler))
	n, brk, err := svc.VerifyAudit(beredskap.WithActor(ctx, beredskap.SystemActor()))
	if err != nil {
		return fmt.Errorf("audit verify: %w", err)
	}
	if brk != nil {
		fmt.Fprintf(stdout, "BROKEN after %d entries checked: %s\n", n, brk.Error())
		return fmt.Errorf("%w at entry %d", errAuditBroken, brk.Seq)
	}
	fmt.Fprintf(stdout, "audit trail intact: %d entries\n", n)
	return nil
}
