package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"beredskap"
	"beredskap/demo"
	"beredskap/internal/datefmt"
)

// demoSeed fixes the demo data: the same travellers on every machine.
const demoSeed = 2020_12_13

// demoRegisterNow is where the demo's follow-up clock starts: the evening
// of the last day of its arrivals, so that the control centre's queue and
// the municipal reports have travellers in quarantine, and the arrival date
// the public form suggests is one the encoded rules decide (arrivals from
// 23 February 2021 are refused until that period is encoded).
const demoRegisterNow = "2021-02-22T22:00:00+01:00"

// demoCitizenCount is how many demo persons the development ID portal
// offers.
const demoCitizenCount = 3

// runDemo fills a SQLite file with synthetic registrations, staff users of
// every role and quarantine hotels (once; running it again reuses them)
// and serves it. Unless a citizen OpenID Connect issuer is set, it also
// starts a development ID portal (devportal) on a local port whose demo
// persons have registrations, so that the citizen pages can be tried. It
// logs only warnings by default, prints the logins last and writes them
// to a file beside the database.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var s settings
	fs := newFlagSet("demo", stdout)
	s.bindServer(fs, "beredskap-demo.db")
	count := fs.Int("count", 3000, "how many synthetic registrations to generate")
	setDefault(fs, "allow-synthetic-ids", "true")
	setDefault(fs, "log-level", "warn")
	setDefault(fs, "mail-dir", "beredskap-demo-mail")
	setDefault(fs, "register-now", demoRegisterNow)
	// The demo's travellers arrived in 2021; a daily purge would delete
	// most of them at start. 'beredskap retention purge' shows it instead.
	setDefault(fs, "purge", "false")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *count < 0 || *count > 1_000_000 {
		return usageError{"--count must be between 0 and 1000000"}
	}
	logger, err := s.logger(stderr)
	if err != nil {
		return err
	}
	citizens := demoCitizens()
	var portal *demoPortal
	if s.Citizen.OIDCIssuer == "" {
		people := make([]demoPerson, len(citizens))
		for i, reg := range citizens {
			people[i] = demoPerson{Name: reg.Traveller.FirstName + " " + reg.Traveller.LastName, PID: reg.Traveller.NationalID}
		}
		if portal, err = startDemoPortal(people); err != nil {
			return err
		}
	}
	if portal != nil {
		defer portal.Close()
		s.Citizen.OIDCIssuer = portal.Issuer
		s.Citizen.OIDCClientID = portal.ClientID
		s.Citizen.OIDCClientSecret = portal.ClientSecret
	}
	seed := func(ctx context.Context, sv services) (func(), error) {
		start := time.Now()
		fmt.Fprintf(stdout, "Generating %d synthetic registrations in %s ...\n", *count, s.DB)
		n, err := demo.Seed(ctx, sv.in, *count, demoSeed)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(stdout, "%d new, %d already there (%.1fs).\n", n, *count-n, time.Since(start).Seconds())
		for i := range citizens {
			if _, _, err := sv.in.Register(ctx, &citizens[i], "", fmt.Sprintf("demo-citizen-%d-%d", demoSeed, i)); err != nil {
				return nil, fmt.Errorf("seed demo citizen %d: %w", i, err)
			}
		}
		sys := beredskap.WithActor(ctx, beredskap.SystemActor())
		if _, err := demo.SeedStaff(sys, sv.staff); err != nil {
			return nil, err
		}
		if _, err := demo.SeedHotels(sys, sv.hotels); err != nil {
			return nil, err
		}
		plans, reports, err := demo.SeedFollowUp(sys, sv.followUp, sv.staff, 40)
		if err != nil {
			return nil, err
		}
		if plans > 0 {
			fmt.Fprintf(stdout, "Follow-up: %d travellers planned, %d call reports filed.\n", plans, reports)
		}
		return func() {
			var logins bytes.Buffer
			writeLogins(&logins, sv.staff.Config().BaseURL, s, portal)
			_, _ = stdout.Write(logins.Bytes())
			file := demoLoginsFile(s.DB)
			if err := os.WriteFile(file, logins.Bytes(), 0o600); err != nil {
				logger.Warn("the logins could not be written to a file", "file", file, "err", err)
				return
			}
			fmt.Fprintf(stdout, "These logins are also in %s. Stop with Ctrl-C.\n", file)
		}, nil
	}
	return serve(ctx, s, logger, stdout, seed)
}

// demoLoginsFile is the file beside the demo database that keeps the
// logins: beredskap-demo-logins.txt for beredskap-demo.db.
func demoLoginsFile(db string) string {
	return strings.TrimSuffix(db, filepath.Ext(db)) + "-logins.txt"
}

// writeLogins writes how to use the demo: the public form, the staff
// logins and the citizen login.
func writeLogins(w io.Writer, base string, s settings, portal *demoPortal) {
	fmt.Fprintf(w, "\nPublic registration form: %s/ (no login; the JSON API is at %s/api/v1/)\n", base, base)
	if t, err := time.Parse(time.RFC3339, s.FollowUp.Now); err == nil {
		fmt.Fprintf(w, "The demo's clock stands at %s: the form suggests that arrival date, and follow-up counts days from it.\n",
			datefmt.Minute("en", t))
	}
	fmt.Fprintf(w, "\nStaff pages: %s/login\n", base)
	fmt.Fprintf(w, "Every demo staff user has the password %q. The second factor is a TOTP code from the secret\n", demo.StaffPassword)
	fmt.Fprintf(w, "%s: add it to an authenticator app, or run `oathtool --totp -b %s`.\n", demo.StaffTOTPSecret, demo.StaffTOTPSecret)
	for _, u := range demo.StaffUsers {
		fmt.Fprintf(w, "  %-40s %s (%s)\n", u.Email, u.Role, u.Scope)
	}
	if s.Staff.SMTPHost == "" {
		fmt.Fprintf(w, "E-mail (invitations, order copies) is written as .eml files to %s/.\n", s.Staff.MailDir)
	}
	switch {
	case portal != nil:
		fmt.Fprintf(w, "\nCitizen pages: open %s/citizen/login and pick a demo person (%s).\n", base, strings.Join(portal.Names, ", "))
		fmt.Fprintf(w, "The pick page is a development stand-in for ID-porten at %s; `serve` never starts it.\n\n", portal.Issuer)
	case s.Citizen.OIDCIssuer != "":
		fmt.Fprintf(w, "\nCitizen pages: %s/citizen/login (through the configured ID portal)\n\n", base)
	default:
		fmt.Fprintf(w, "\nCitizen pages: off. This binary is built without the development ID portal; name an ID portal with --citizen-issuer.\n\n")
	}
}

// demoPerson is a demo person the development ID portal offers.
type demoPerson struct {
	Name string // shown on the portal's page
	PID  string // the national identity number the portal vouches for
}

// demoPortal is a running development ID portal: where it is, the client
// it accepts, the names it offers, and how to stop it.
type demoPortal struct {
	Issuer, ClientID, ClientSecret string
	Names                          []string
	Close                          func() error
}

// demoCitizens returns the registrations of the persons the development ID
// portal offers: the first travellers generated from demoSeed+1 who live in
// Norway and were born in the 1900s, each given a synthetic (Tenor)
// national identity number that matches their birth date. The same persons
// come back on every run.
func demoCitizens() []beredskap.Registration {
	var out []beredskap.Registration
	for _, reg := range demo.Registrations(200, demoSeed+1, demo.Places()) {
		birth, err := time.Parse(time.DateOnly, reg.Traveller.BirthDate)
		if err != nil || reg.Residence != beredskap.ResidenceRegistered || birth.Year() < 1900 || birth.Year() > 1999 {
			continue
		}
		reg.Traveller.NationalID = syntheticNationalID(birth, 100+len(out))
		out = append(out, reg)
		if len(out) == demoCitizenCount {
			break
		}
	}
	return out
}

// syntheticNationalID returns a Tenor synthetic fødselsnummer for a birth
// date in 1900–1999 (the month plus 80) with the first individual number
// from individual (100–499) that gives valid control digits.
func syntheticNationalID(birth time.Time, individual int) string {
	year, month, day := birth.Date()
	for ; ; individual++ {
		d := []int{day / 10, day % 10, (int(month) + 80) / 10, int(month) % 10, year % 100 / 10, year % 10,
			individual / 100 % 10, individual / 10 % 10, individual % 10}
		k1 := control(d, []int{3, 7, 6, 1, 8, 9, 4, 5, 2})
		k2 := control(append(d, k1), []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2})
		if k1 == 10 || k2 == 10 {
			continue
		}
		var b strings.Builder
		for _, v := range append(d, k1, k2) {
			b.WriteByte(byte('0' + v))
		}
		return b.String()
	}
}

// control returns the mod-11 control digit of digits with weights, or 10
// when there is none.
func control(digits, weights []int) int {
	sum := 0
	for i, v := range digits {
		sum += v * weights[i]
	}
	return (11 - sum%11) % 11
}
