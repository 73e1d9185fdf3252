// Command beredskap runs the entry register: the web server, the demo, the
// schema migrations, and the rule tools.
//
// Usage:
//
//	beredskap serve    [--addr HOST:PORT] [--db DB] [--rules DIR]
//	beredskap demo     [--addr HOST:PORT] [--db FILE]
//	beredskap migrate  [--db DB]
//	beredskap evaluate [--lang LANG] [--rules DIR] < registration.json
//	beredskap rules check [DIR]
//	beredskap rules list  [--rules DIR]
//	beredskap rules impact --at INSTANT [--db DB] [--municipality M] [--notify]
//	beredskap user add    --db DB --email E --name NAME --role ROLE [--municipality CODE | --county CODE]
//	beredskap token create --db DB --user E [--name NAME] [--ttl DURATION]
//	beredskap token revoke --db DB < TOKEN
//	beredskap audit verify --db DB
//	beredskap retention check [DIR] | purge --db DB | stats --db DB | doc --out DIR | backup --db DB --dir DIR
//	beredskap version
//
// Every flag can also be set as an environment variable: --db as
// BEREDSKAP_DB, --allow-synthetic-ids as BEREDSKAP_ALLOW_SYNTHETIC_IDS.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// exitUsage is the exit code for bad usage and invalid input.
const exitUsage = 2

// usageError marks errors that exit with exitUsage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "beredskap:", err)
		describe(os.Stderr, err)
		var ue usageError
		if errors.As(err, &ue) || isInvalid(err) {
			os.Exit(exitUsage)
		}
		os.Exit(1)
	}
}

// run executes one subcommand with the given arguments and streams. A
// command's -h is a success.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := dispatch(ctx, args, stdin, stdout, stderr); !errors.Is(err, flag.ErrHelp) {
		return err
	}
	return nil
}

func dispatch(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "demo":
		return runDemo(ctx, rest, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, rest, stdout)
	case "evaluate":
		return runEvaluate(ctx, rest, stdin, stdout)
	case "rules":
		return runRules(ctx, rest, stdout, stderr)
	case "user":
		return runUser(ctx, rest, stdout, stderr)
	case "token":
		return runToken(ctx, rest, stdin, stdout, stderr)
	case "audit":
		return runAudit(ctx, rest, stdout, stderr)
	case "retention":
		return runRetention(ctx, rest, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "beredskap", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q (run 'beredskap -h' for the commands)", cmd)}
}

const usage = `Usage: beredskap COMMAND [flags]

Commands:
  serve         run the web server and JSON API
  demo          fill a SQLite file with synthetic demo data and serve it
  migrate       bring the database schema up to date
  evaluate      read one registration (JSON) on stdin and print its decision
  rules check   validate a rule directory and run its example cases
  rules list    list the rule versions in force, oldest first
  rules impact  re-evaluate the quarantines active at --at under the rules then in force; list who changes
  user add      add a staff user and print their enrolment link
  token create  print a bearer token for API clients acting as a user
  token revoke  revoke the bearer token given on standard input
  audit verify  check the audit trail's hash chain; exit 1 naming the first broken entry
  retention check   validate the retention policy and list each category's period
  retention purge   delete what the retention policy no longer allows to keep (serve does it daily)
  retention stats   the statistics that remain after purges (counts under 5 suppressed)
  retention doc     write the record of processing and the impact summary (docs/)
  retention backup  back the database up (SQLite copy or pg_dump) and remove backups older than the policy allows
  version       print the version

Run 'beredskap COMMAND -h' for the flags of a command. Every flag can also be
set in the environment as BEREDSKAP_<FLAG> (for example BEREDSKAP_DB).
`
