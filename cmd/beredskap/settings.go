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

// newFlagSet returns a flag set that prints its usage to w.
func newFlagSet(name string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	return fs
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
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
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
