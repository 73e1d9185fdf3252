package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"beredskap"
	"beredskap/demo"
	"beredskap/intake"
	"beredskap/staff"
)

// demoSeed fixes the demo data: the same travellers on every machine.
const demoSeed = 2020_12_13

// runDemo fills a SQLite file with synthetic registrations (once; running it
// again reuses them) and serves it.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var s settings
	fs := newFlagSet("demo", stderr)
	s.bindServer(fs, "beredskap-demo.db")
	count := fs.Int("count", 3000, "how many synthetic registrations to generate")
	if err := parse(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *count < 0 || *count > 1_000_000 {
		return usageError{"--count must be between 0 and 1000000"}
	}
	s.AllowSyntheticIDs = true
	logger, err := s.logger(stderr)
	if err != nil {
		return err
	}
	if !given(fs, "mail-dir") && os.Getenv("BEREDSKAP_MAIL_DIR") == "" {
		s.Staff.MailDir = "beredskap-demo-mail"
	}
	seed := func(ctx context.Context, in *intake.Intake, svc *staff.Service) error {
		start := time.Now()
		fmt.Fprintf(stdout, "Generating %d synthetic registrations in %s ...\n", *count, s.DB)
		n, err := demo.Seed(ctx, in, *count, demoSeed)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d new, %d already there (%.1fs).\n", n, *count-n, time.Since(start).Seconds())
		if _, err := demo.SeedStaff(beredskap.WithActor(ctx, beredskap.SystemActor()), svc); err != nil {
			return err
		}
		printStaffLogins(stdout, svc.Config().BaseURL, s.Staff)
		return nil
	}
	fmt.Fprintln(stdout, "Open the address below in a browser to register an arrival; the JSON API is at /api/v1/ (see /api/v1/openapi.json).")
	fmt.Fprintln(stdout, "No login is needed for the public pages. Stop with Ctrl-C.")
	return serve(ctx, s, logger, stdout, seed)
}

// printStaffLogins tells how to log in as the demo staff.
func printStaffLogins(w io.Writer, base string, s staffSettings) {
	fmt.Fprintf(w, "\nStaff pages: %s/login\n", base)
	fmt.Fprintf(w, "Every demo staff user has the password %q. The second factor is a TOTP code from the secret\n", demo.StaffPassword)
	fmt.Fprintf(w, "%s: add it to an authenticator app, or run `oathtool --totp -b %s`.\n", demo.StaffTOTPSecret, demo.StaffTOTPSecret)
	for _, u := range demo.StaffUsers {
		fmt.Fprintf(w, "  %-36s %s (%s)\n", u.Email, u.Role, u.Scope)
	}
	if s.SMTPHost == "" {
		fmt.Fprintf(w, "E-mail (invitations, order copies) is written as .eml files to %s/.\n", s.MailDir)
	}
	fmt.Fprintln(w)
}

// given reports whether the flag name was set on the command line.
func given(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
