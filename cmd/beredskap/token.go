package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"beredskap"
	"beredskap/staff"
)

const tokenUsage = "token: want 'create' or 'revoke' (run 'beredskap token create -h' for its flags)"

// runToken runs "token create" and "token revoke".
func runToken(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := groupHelp("token", args, stdout); err != nil {
		return err
	}
	if len(args) == 0 {
		return usageError{tokenUsage}
	}
	switch args[0] {
	case "create":
		return runTokenCreate(ctx, args[1:], stdout, stderr)
	case "revoke":
		return runTokenRevoke(ctx, args[1:], stdin, stdout, stderr)
	}
	return usageError{tokenUsage}
}

// runTokenCreate prints a bearer token for API clients acting as a user,
// in that user's role and scope.
func runTokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("token create", stdout)
	db := fs.String("db", "beredskap.db", "SQLite file path or postgres:// URL")
	user := fs.String("user", "", "e-mail of the user the token acts as (required)")
	name := fs.String("name", "cli", "a name that says what the token is for")
	ttl := fs.Duration("ttl", 0, "lifetime of the token, e.g. 720h (0: until revoked)")
	var a auditSettings
	a.bind(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *ttl < 0 {
		return usageError{"--ttl must not be negative"}
	}
	st, err := openStore(ctx, *db, nil, nil)
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
	if err := signAtExit(ctx, a, st, *db, stderr); err != nil {
		return fmt.Errorf("token create: %w", err)
	}
	fmt.Fprintln(stdout, token)
	return nil
}

// runTokenRevoke revokes the bearer token read from stdin (not from a flag,
// so that it stays out of the shell history and the process list).
func runTokenRevoke(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("token revoke", stdout)
	db := fs.String("db", "beredskap.db", "SQLite file path or postgres:// URL")
	var a auditSettings
	a.bind(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 1024)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("token revoke: read token: %w", err)
	}
	token := strings.TrimSpace(line)
	if token == "" {
		return usageError{"token revoke: give the token on standard input"}
	}
	st, err := openStore(ctx, *db, nil, nil)
	if err != nil {
		return fmt.Errorf("token revoke: %w", err)
	}
	defer st.close()
	svc := staff.New(st.staff, nil, time.Now, staff.Config{}, slog.New(slog.DiscardHandler))
	holder, err := svc.AuthenticateToken(ctx, token)
	if err != nil {
		return fmt.Errorf("token revoke: %w", err)
	}
	if err := svc.RevokeToken(beredskap.WithActor(ctx, beredskap.SystemActor()), holder.TokenID); err != nil {
		return fmt.Errorf("token revoke: %w", err)
	}
	if err := signAtExit(ctx, a, st, *db, stderr); err != nil {
		return fmt.Errorf("token revoke: %w", err)
	}
	fmt.Fprintf(stdout, "revoked token %d of %s\n", holder.TokenID, holder.Name())
	return nil
}
