package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"beredskap/demo"
	"beredskap/intake"
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
	seed := func(ctx context.Context, in *intake.Intake) error {
		start := time.Now()
		fmt.Fprintf(stdout, "Generating %d synthetic registrations in %s ...\n", *count, s.DB)
		n, err := demo.Seed(ctx, in, *count, demoSeed)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d new, %d already there (%.1fs).\n", n, *count-n, time.Since(start).Seconds())
		return nil
	}
	fmt.Fprintln(stdout, "Open the address below in a browser to register an arrival; the JSON API is at /api/v1/ (see /api/v1/openapi.json).")
	fmt.Fprintln(stdout, "No login is needed for the public pages. Stop with Ctrl-C.")
	return serve(ctx, s, logger, stdout, seed)
}
