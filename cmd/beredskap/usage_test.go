package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryCommandAnswersHelp checks that every command and subcommand
// answers -h with its usage line (arguments included) on stdout and
// success, and every group of subcommands lists them.
func TestEveryCommandAnswersHelp(t *testing.T) {
	names := []string{"serve", "demo", "migrate", "evaluate"}
	for name := range synopses {
		names = append(names, name)
	}
	for _, name := range names {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append(strings.Fields(name), "-h"), strings.NewReader(""), &stdout, &stderr)
		if err != nil {
			t.Errorf("%s -h: %v; want success", name, err)
		}
		if want := "Usage: beredskap " + name; !strings.HasPrefix(stdout.String(), want) {
			t.Errorf("%s -h: stdout %q does not start with %q", name, stdout.String(), want)
		}
	}
	for group, subs := range groups {
		var stdout bytes.Buffer
		if err := run(context.Background(), []string{group, "-h"}, strings.NewReader(""), &stdout, &stdout); err != nil {
			t.Errorf("%s -h: %v", group, err)
		}
		for _, sub := range subs {
			if !strings.Contains(stdout.String(), "beredskap "+sub) {
				t.Errorf("%s -h does not list %s:\n%s", group, sub, stdout.String())
			}
		}
	}
}

// TestDemoHelpShowsTheDemosDefaults checks that demo -h shows the demo's
// own defaults, not serve's.
func TestDemoHelpShowsTheDemosDefaults(t *testing.T) {
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"demo", "-h"}, strings.NewReader(""), &stdout, &stdout); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"beredskap-demo.db", demoRegisterNow, "beredskap-demo-mail", `(default "warn")`, "(default true)"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("demo -h does not show %q:\n%s", want, stdout.String())
		}
	}
}

// TestUnknownFlagIsOneLineWithAHint checks that a wrong flag is one line
// naming it, with the way to the usage, and nothing else is printed.
func TestUnknownFlagIsOneLineWithAHint(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"demo", "--no-such-flag"}, strings.NewReader(""), &stdout, &stderr)
	var ue usageError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v; want a usage error", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || !strings.Contains(msg, "no-such-flag") || !strings.Contains(msg, "beredskap demo -h") {
		t.Errorf("error %q is not one line naming the flag with a hint", msg)
	}
	if stdout.Len()+stderr.Len() != 0 {
		t.Errorf("printed besides the error: %q %q", stdout.String(), stderr.String())
	}
}

// TestUserAddChecksFlagsFirst checks that user add names the missing or
// wrong flags before it creates a database, and takes a one-word name.
func TestUserAddChecksFlagsFirst(t *testing.T) {
	db := filepath.Join(t.TempDir(), "users.db")
	var out bytes.Buffer
	err := run(context.Background(), []string{"user", "add", "--db", db, "--email", "a@example.no", "--role", "border_officr"},
		strings.NewReader(""), &out, &out)
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--name") || !strings.Contains(err.Error(), "--role") {
		t.Errorf("err = %v; want a usage error naming --name and --role", err)
	}
	if _, statErr := os.Stat(db); !errors.Is(statErr, os.ErrNotExist) {
		t.Errorf("the database was created before the flags were checked: %v", statErr)
	}
	err = run(context.Background(), []string{"user", "add", "--db", db, "--email", "cher@example.no", "--name", "Cher",
		"--role", "municipal_staff"}, strings.NewReader(""), &out, &out)
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--municipality") {
		t.Errorf("err = %v; want a usage error naming --municipality", err)
	}
	out.Reset()
	err = run(context.Background(), []string{"user", "add", "--db", db, "--email", "cher@example.no", "--name", "Cher",
		"--role", "border_officer"}, strings.NewReader(""), &out, &out)
	if err != nil || !strings.Contains(out.String(), "cher@example.no") {
		t.Errorf("a one-word name: %v\n%s", err, out.String())
	}
}
