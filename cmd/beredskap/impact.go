package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"beredskap"
	"beredskap/hotel"
	"beredskap/mail"
	"beredskap/web"
)

// rulesImpact runs 'rules impact --at INSTANT': it re-evaluates every
// quarantine active at the instant under the rule version in force then,
// stores the run (once per version and instant), adds the registrations
// made since an earlier run (all active quarantines once more when the
// instant has passed), prints both figures, and lists who changes and
// how. With --notify it also puts the SMS to the affected travellers on
// the outbox, due at the instant; the server's SMS worker sends them.
func rulesImpact(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("rules impact", stdout)
	db := fs.String("db", "beredskap.db", "SQLite file path or postgres:// URL")
	rulesDir := fs.String("rules", "", "directory of rule versions to use instead of the embedded ones")
	atFlag := fs.String("at", "", "the instant the rule change takes effect, RFC 3339 (e.g. 2020-12-13T17:00:00+01:00)")
	municipality := fs.String("municipality", "", "list only this municipality's travellers")
	notify := fs.Bool("notify", false, "queue an SMS to each affected traveller, due at the instant")
	var a auditSettings
	a.bind(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *atFlag == "" {
		return usageError{"rules impact: --at INSTANT is required"}
	}
	at, err := time.Parse(time.RFC3339, *atFlag)
	if err != nil {
		return usageError{fmt.Sprintf("rules impact: --at %q is not an RFC 3339 instant", *atFlag)}
	}
	book, err := loadRules(*rulesDir)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, *db, nil, nil)
	if err != nil {
		return fmt.Errorf("rules impact: %w", err)
	}
	defer st.close()
	svc := hotel.New(st.hotels, book, mail.Dir{Path: "."}, time.Now, hotel.Config{Text: web.StaffText}, slog.New(slog.DiscardHandler))
	sys := beredskap.WithActor(ctx, beredskap.SystemActor())
	start := time.Now()
	run, err := svc.ComputeImpact(sys, at)
	if err != nil {
		return fmt.Errorf("rules impact: %w", err)
	}
	if run, err = svc.SweepImpact(sys, run.ID); err != nil {
		return fmt.Errorf("rules impact: %w", err)
	}
	fmt.Fprintf(stdout, "Rule version %s in force at %s (%.1fs).\n", run.RuleID, at.Format(time.RFC3339), time.Since(start).Seconds())
	fmt.Fprintf(stdout, "At the first run (%s): %d active quarantines re-evaluated, %d change.\n",
		run.ComputedAt.Format(time.RFC3339), run.Evaluated, run.Changed)
	if run.FinalAt != nil {
		fmt.Fprintf(stdout, "At the instant it takes effect (final run %s): %d re-evaluated, %d change.\n",
			run.FinalAt.Format(time.RFC3339), run.FinalEvaluated, run.ChangedInForce())
	} else {
		fmt.Fprintf(stdout, "At the instant it takes effect: %d change so far (%d registered since the first run); the final run follows then.\n",
			run.ChangedInForce(), run.Added)
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RECEIPT\tMUNICIPALITY\tLANGUAGE\tCHANGE")
	after := ""
	for {
		_, changes, err := svc.Impact(sys, at, *municipality, after, beredskap.MaxPageSize)
		if err != nil {
			return fmt.Errorf("rules impact: %w", err)
		}
		for _, c := range changes {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Receipt, c.Municipality, c.Language, strings.Join(hotel.DescribeChange(c), "; "))
		}
		if len(changes) < beredskap.MaxPageSize {
			break
		}
		after = changes[len(changes)-1].Receipt
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if *notify {
		n, err := svc.NotifyImpact(sys, run.ID)
		if err != nil {
			return fmt.Errorf("rules impact: notify: %w", err)
		}
		fmt.Fprintf(stdout, "%d SMS queued, due at %s.\n", n, at.Format(time.RFC3339))
	}
	if err := signAtExit(ctx, a, st, *db, stderr); err != nil {
		return fmt.Errorf("rules impact: %w", err)
	}
	return nil
}
