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

// runToken runs "token create": it prints a bearer token for API clients
// acting as a user, in that user's role and scope.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError{"usage: beredskap token create --db DB --user E [--name NAME] [--ttl DURATION]"}
	}
	fs := newFlagSet("token create", stderr)
	db := fs.String("db", "beredskap.db", "SQLite file path or postgres:// URL")
	user := fs.String("user", "", "e-mail of the user the token acts as (required)")
	name := fs.String("name", "cli", "a name that says what the token is for")
	ttl := fs.Duration("ttl", 0, "lifetime of the token, e.g. 720h (0: until revoked)")
	if err := parse(fs, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *ttl < 0 {
		return usageError{"--ttl must not be negative"}
	}
	st, err := openStore(ctx, *db, time.Now)
	if err != nil {
		return fmt.Errorf("token create: %w", err)
	}
	defer st.close()
	svc := staff.New(st.staff, nil, time.Now, staff.Config{}, slog.New(slog.DiscardHandler))
	ctx = beredskap.WithActor(ctx, beredskap.SystemActor())
	token, _, err := svc.CreateToken(ctx, *user, *name, *ttl)
	if err != nil {
		return fmt.Errorf("token create: %w", err)
	}
	fmt.Fprintln(stdout, token)
	return nil
}
