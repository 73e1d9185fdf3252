package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"beredskap/rules"
)

// settings are the options shared by the commands that open the register.
type settings struct {
	Addr              string
	MetricsAddr       string
	DB                string
	RulesDir          string
	LogLevel          string
	LogFormat         string
	AllowSyntheticIDs bool
	SecureCookies     bool
	BaseURL           string
	ShutdownTimeout   time.Duration
	DrainDelay        time.Duration
	ReadyGrace        time.Duration
	Staff             staffSettings
	Citizen           citizenSettings
	FollowUp          followUpSettings
	Audit             auditSettings
	Retention         retentionSettings
}

// synopses are the usage lines of the commands, arguments included, by
// the name their flag set has.
var synopses = map[string]string{
	"serve":        "beredskap serve [flags]",
	"demo":         "beredskap demo [flags]",
	"migrate":      "beredskap migrate [--db DB]",
	"evaluate":     "beredskap evaluate [--lang LANG] [--rules DIR] [--allow-synthetic-ids] < registration.json",
	"rules check":  "beredskap rules check [DIR]",
	"rules list":   "beredskap rules list [--rules DIR]",
	"rules diff":   "beredskap rules diff [--lang LANG] [--rules DIR] VERSION VERSION",
	"rules impact": "beredskap rules impact --at INSTANT [--db DB] [--rules DIR] [--municipality CODE] [--notify]",
	"user add":     "beredskap user add --email E --name NAME --role ROLE [--municipality CODE | --county CODE] [--db DB]",
	"token create": "beredskap token create --user E [--name NAME] [--ttl DURATION] [--db DB]",
	"token revoke": "beredskap token revoke [--db DB] < TOKEN",
	"audit verify": "beredskap audit verify [--db DB] [--audit-dir DIR] [--audit-verifier KEY] [--audit-witness URL] " +
		"[--audit-witness-key KEY] [--grace 5m]",
	"audit checkpoint":   "beredskap audit checkpoint [--db DB] [--audit-dir DIR]",
	"audit witness":      "beredskap audit witness --log-key KEY [--addr 127.0.0.1:8090] [--dir beredskap-witness]",
	"audit verify-proof": "beredskap audit verify-proof [--key KEY] [--receipt R] FILE|-",
	"retention check":    "beredskap retention check [DIR]",
	"retention purge":    "beredskap retention purge [--db DB] [--batch N] [--budget D]",
	"retention stats":    "beredskap retention stats [--db DB] [--municipality CODE]",
	"retention doc":      "beredskap retention doc [--out DIR]",
	"retention backup":   "beredskap retention backup [--db DB] [--dir DIR]",
}

// groups are the commands with subcommands, for their -h.
var groups = map[string][]string{
	"rules":     {"rules check", "rules list", "rules diff", "rules impact"},
	"user":      {"user add"},
	"token":     {"token create", "token revoke"},
	"audit":     {"audit verify", "audit checkpoint", "audit witness", "audit verify-proof"},
	"retention": {"retention check", "retention purge", "retention stats", "retention doc", "retention backup"},
}

// groupHelp prints the usage lines of the subcommands of group and
// returns flag.ErrHelp when args ask for help, else nil.
func groupHelp(group string, args []string, stdout io.Writer) error {
	if !helpAsked(args) {
		return nil
	}
	for i, name := range groups[group] {
		prefix := "       "
		if i == 0 {
			prefix = "Usage: "
		}
		fmt.Fprintln(stdout, prefix+synopses[name])
	}
	fmt.Fprintf(stdout, "\nRun 'beredskap %s SUBCOMMAND -h' for the flags of one.\n", group)
	return flag.ErrHelp
}

// newFlagSet returns the flag set of the command name, whose -h prints the
// command's usage and flags with their defaults to stdout.
func newFlagSet(name string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s\n\nFlags:\n", synopses[name])
		fs.PrintDefaults()
	}
	return fs
}

// setDefault changes the default of the flag name to value, as -h shows
// it; the environment and the command line still override it.
func setDefault(fs *flag.FlagSet, name, value string) {
	f := fs.Lookup(name)
	if err := f.Value.Set(value); err != nil {
		panic(err)
	}
	f.DefValue = value
}

// bindServer defines the flags of the commands that serve HTTP.
func (s *settings) bindServer(fs *flag.FlagSet, defaultDB string) {
	fs.StringVar(&s.Addr, "addr", "127.0.0.1:8080", "address to listen on, HOST:PORT")
	fs.StringVar(&s.MetricsAddr, "metrics-addr", "", "address to serve Prometheus /metrics on, HOST:PORT, apart from --addr; off when empty")
	fs.StringVar(&s.DB, "db", defaultDB, "SQLite file path or postgres:// URL")
	fs.StringVar(&s.RulesDir, "rules", "", "directory of rule versions to use instead of the embedded ones")
	fs.StringVar(&s.LogLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&s.LogFormat, "log-format", "text", "text or json")
	fs.BoolVar(&s.AllowSyntheticIDs, "allow-synthetic-ids", false, "accept synthetic (test) national identity numbers")
	fs.BoolVar(&s.SecureCookies, "secure-cookies", false, "mark cookies Secure and send HSTS (set behind HTTPS)")
	fs.StringVar(&s.BaseURL, "base-url", "", "public URL of the server, e.g. https://register.example (default: from --addr)")
	fs.DurationVar(&s.ShutdownTimeout, "shutdown-timeout", 15*time.Second, "how long to let requests finish on shutdown")
	fs.DurationVar(&s.DrainDelay, "drain-delay", 0, "on shutdown, how long /readyz fails before the listener closes, so that a load balancer stops sending requests first (e.g. 5s behind HAProxy)")
	fs.DurationVar(&s.ReadyGrace, "ready-grace", 30*time.Second, "how long /readyz stays ready while the database does not answer (longer than a failover)")
	s.Staff.bind(fs)
	s.Citizen.bind(fs)
	s.FollowUp.bind(fs)
	s.Audit.bind(fs)
	s.Retention.bind(fs, true)
}

// parse parses args, then fills every flag not given on the command line
// from its BEREDSKAP_* environment variable.
//
// -h prints the usage and returns flag.ErrHelp, which run turns into exit
// status 0; a wrong flag is one line naming it and a hint.
func parse(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	perr := fs.Parse(args)
	fs.SetOutput(out)
	if err := perr; err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.Usage()
			return err
		}
		return usageError{fmt.Sprintf("%s: %v (run 'beredskap %s -h' for its flags)", fs.Name(), err, fs.Name())}
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		env := "BEREDSKAP_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok {
			if e := f.Value.Set(v); e != nil {
				err = usageError{fmt.Sprintf("%s: %v", env, e)}
			}
		}
	})
	return err
}

// logger returns the structured logger the settings ask for.
func (s *settings) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(s.LogLevel)); err != nil {
		return nil, usageError{fmt.Sprintf("--log-level: %v", err)}
	}
	opts := &slog.HandlerOptions{Level: level}
	switch s.LogFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usageError{"--log-format must be text or json"}
}

// loadRules returns the embedded rule book, or the one in dir when given.
func loadRules(dir string) (*rules.Book, error) {
	if dir == "" {
		return rules.Embedded()
	}
	book, err := rules.Load(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("load rules from %s: %w", dir, err)
	}
	return book, nil
}

// helpAsked reports whether args ask for help: -h, -help or --help first.
func helpAsked(args []string) bool {
	return len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help")
}
