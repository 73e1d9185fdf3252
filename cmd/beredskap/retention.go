package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"beredskap"
	"beredskap/retention"
)

// retentionSettings are the options of the daily purge in serve and demo.
type retentionSettings struct {
	Purge       bool
	PurgeBatch  int
	PurgeBudget time.Duration
}

// bind defines the retention flags on fs.
func (s *retentionSettings) bind(fs *flag.FlagSet, purge bool) {
	fs.BoolVar(&s.Purge, "purge", purge, "run the retention purge once a day (one instance across all sharing the database)")
	fs.IntVar(&s.PurgeBatch, "purge-batch", 1000, "the most registrations one purge transaction deletes")
	fs.DurationVar(&s.PurgeBudget, "purge-budget", retention.DefaultBudget, "how long one purge transaction runs before it commits (shorter keeps registrations arriving meanwhile quicker)")
}

// startPurge runs the daily purge until ctx ends, in the one process that
// leads the job "retention.purge", and returns a function that waits for it
// to stop; it does nothing when the purge is off. The day's claim in the
// database keeps a purge from running twice even across a change of leader.
func startPurge(ctx context.Context, st *store, svc *retention.Service, s retentionSettings) func() {
	if !s.Purge {
		return func() {}
	}
	host, _ := os.Hostname()
	runner := fmt.Sprintf("%s/%d", host, os.Getpid())
	done := make(chan struct{})
	go func() {
		defer close(done)
		st.leader.Lead(ctx, "retention.purge", func(ctx context.Context) {
			svc.Run(ctx, runner, time.Hour)
		})
	}()
	return func() { <-done }
}

// newRetention returns the retention service of serve and demo.
func newRetention(st *store, clock beredskap.Clock, s retentionSettings, logger *slog.Logger) *retention.Service {
	return retention.New(st.retention, retention.MustEmbedded(), clock, logger,
		retention.Config{Batch: s.PurgeBatch, Budget: s.PurgeBudget})
}

// runRetention runs 'retention check [DIR]', 'retention purge --db DB',
// 'retention stats --db DB', 'retention doc --out DIR' and 'retention
// backup --db FILE --dir DIR'.
func runRetention(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if err := groupHelp("retention", args, stdout); err != nil {
		return err
	}
	if len(args) == 0 {
		return usageError{"retention: want 'check [DIR]', 'purge', 'stats', 'doc' or 'backup'"}
	}
	switch args[0] {
	case "check":
		return retentionCheck(args[1:], stdout, stderr)
	case "purge":
		return retentionPurge(ctx, args[1:], stdout, stderr)
	case "stats":
		return retentionStats(ctx, args[1:], stdout, stderr)
	case "doc":
		return retentionDoc(args[1:], stdout, stderr)
	case "backup":
		return retentionBackup(ctx, args[1:], stdout, stderr)
	}
	return usageError{fmt.Sprintf("retention: unknown subcommand %q", args[0])}
}

func retentionCheck(args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("retention check", stdout)
	if err := parse(fset, args); err != nil {
		return helpOK(err)
	}
	var dir fs.FS = retention.EmbeddedFS()
	name := "embedded policy"
	if fset.NArg() > 0 {
		name = fset.Arg(0)
		dir = os.DirFS(name)
	}
	b, err := retention.Load(dir)
	if err != nil {
		return fmt.Errorf("retention check %s: %w", name, err)
	}
	for _, p := range b.Versions() {
		fmt.Fprintf(stdout, "ok   %s (%s): in force from %s, %d categories, backups %d days\n", p.ID, p.File,
			p.InForceFrom.Format("2006-01-02 15:04"), len(p.Categories), p.BackupDays)
		for _, c := range p.Categories {
			mark := ""
			if !c.Verified() {
				mark = "  (basis not verified)"
			}
			fmt.Fprintf(stdout, "     %-17s %-10s from %-15s then %s%s\n", c.Key, c.Period, c.From, c.Then, mark)
		}
	}
	return nil
}

func retentionPurge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("retention purge", stdout)
	db := fset.String("db", "beredskap.db", "SQLite file path or postgres:// URL")
	batch := fset.Int("batch", 1000, "the most registrations one transaction deletes")
	budget := fset.Duration("budget", retention.DefaultBudget, "how long one transaction runs before it commits")
	var a auditSettings
	a.bind(fset)
	if err := parse(fset, args); err != nil {
		return helpOK(err)
	}
	st, err := openStore(ctx, *db, nil, nil)
	if err != nil {
		return fmt.Errorf("retention purge: %w", err)
	}
	defer st.close()
	svc := retention.New(st.retention, retention.MustEmbedded(), time.Now, nil, retention.Config{Batch: *batch, Budget: *budget})
	rep, err := svc.Purge(ctx, nil)
	if err != nil {
		return fmt.Errorf("retention purge: %w", err)
	}
	if err := signAtExit(ctx, a, st, *db, stderr); err != nil {
		return fmt.Errorf("retention purge: %w", err)
	}
	out, _ := json.MarshalIndent(rep, "", "  ")
	fmt.Fprintln(stdout, string(out))
	return nil
}

func retentionStats(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("retention stats", stdout)
	db := fset.String("db", "beredskap.db", "SQLite file path or postgres:// URL")
	municipality := fset.String("municipality", "", "one municipality's counts (all when empty)")
	if err := parse(fset, args); err != nil {
		return helpOK(err)
	}
	st, err := openStore(ctx, *db, nil, nil)
	if err != nil {
		return fmt.Errorf("retention stats: %w", err)
	}
	defer st.close()
	var counts []beredskap.StatCount
	if err := st.retention.ViewRetention(ctx, func(ctx context.Context, tx beredskap.RetentionTx) error {
		counts, err = tx.Statistics(ctx, *municipality)
		return err
	}); err != nil {
		return fmt.Errorf("retention stats: %w", err)
	}
	fmt.Fprintln(stdout, "month\tmunicipality\tkey\tcount")
	for _, c := range retention.Suppress(counts) {
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", c.Month, c.Municipality, c.Key, c.Shown)
	}
	return nil
}

func retentionDoc(args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("retention doc", stdout)
	out := fset.String("out", "docs", "directory to write the record of processing and the impact summary to")
	if err := parse(fset, args); err != nil {
		return helpOK(err)
	}
	docs := retention.Documents(retention.MustEmbedded().Latest())
	names := make([]string, 0, len(docs))
	for name := range docs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		path := filepath.Join(*out, name)
		if err := os.WriteFile(path, docs[name], 0o644); err != nil {
			return fmt.Errorf("retention doc: %w", err)
		}
		fmt.Fprintln(stdout, "wrote", path)
	}
	return nil
}

// backupPrefix and backupLayout name backup files, so that their age can
// be read from the name.
const (
	backupPrefix = "beredskap-backup-"
	backupLayout = "20060102T150405Z"
)

func retentionBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("retention backup", stdout)
	db := fset.String("db", "beredskap.db", "SQLite file path or postgres:// URL")
	dir := fset.String("dir", "backups", "directory of the backups")
	if err := parse(fset, args); err != nil {
		return helpOK(err)
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return fmt.Errorf("retention backup: %w", err)
	}
	now := time.Now().UTC()
	path := filepath.Join(*dir, backupPrefix+now.Format(backupLayout))
	if isPostgres(*db) {
		path += ".dump"
		if err := pgDump(ctx, *db, path); err != nil {
			return fmt.Errorf("retention backup: %w", err)
		}
	} else {
		path += ".db"
		st, err := openStore(ctx, *db, nil, nil)
		if err != nil {
			return fmt.Errorf("retention backup: %w", err)
		}
		err = st.backup(ctx, path)
		st.close()
		if err != nil {
			return fmt.Errorf("retention backup: %w", err)
		}
	}
	fmt.Fprintln(stdout, "wrote", path)
	keep := time.Duration(retention.MustEmbedded().At(now).BackupDays) * 24 * time.Hour
	removed, err := pruneBackups(*dir, now.Add(-keep))
	for _, r := range removed {
		fmt.Fprintln(stdout, "removed", r)
	}
	return err
}

// pgDump writes a logical backup of the PostgreSQL database at url to
// path with pg_dump (custom format, for pg_restore): one consistent
// snapshot holding only live rows, so that nothing the purge deleted is
// in it. A half-written file is removed.
func pgDump(ctx context.Context, url, path string) error {
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return errors.New("pg_dump is not installed (Debian: apt-get install postgresql-client)")
	}
	var msg bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "--format=custom", "--no-owner", "--file="+path, "--dbname="+url)
	cmd.Stderr = &msg
	if err := cmd.Run(); err != nil {
		os.Remove(path)
		return fmt.Errorf("pg_dump: %w: %s", err, strings.TrimSpace(msg.String()))
	}
	return nil
}

// pruneBackups removes the backups in dir written before cutoff and
// returns their paths.
func pruneBackups(dir string, cutoff time.Time) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range entries {
		name := e.Name()
		stamp, ok := strings.CutPrefix(strings.TrimSuffix(strings.TrimSuffix(name, ".db"), ".dump"), backupPrefix)
		if !ok {
			continue
		}
		at, err := time.Parse(backupLayout, stamp)
		if err != nil || !at.Before(cutoff) {
			continue
		}
		path := filepath.Join(dir, name)
		if err := os.Remove(path); err != nil {
			return removed, fmt.Errorf("remove old backup: %w", err)
		}
		removed = append(removed, path)
	}
	return removed, nil
}

// helpOK turns -h into success.
func helpOK(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}
