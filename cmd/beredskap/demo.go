package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"beredskap"
	"beredskap/demo"
	"beredskap/devportal"
	"beredskap/followup"
	"beredskap/intake"
	"beredskap/staff"
)

// demoSeed fixes the demo data: the same travellers on every machine.
const demoSeed = 2020_12_13

// demoRegisterNow is where the demo's follow-up clock starts: the last day
// of its arrivals, so that the control centre's queue and the municipal
// reports have travellers in quarantine.
const demoRegisterNow = "2021-03-01T12:00:00+01:00"

// demoCitizenCount is how many demo persons the development ID portal
// offers.
const demoCitizenCount = 3

// runDemo fills a SQLite file with synthetic registrations (once; running it
// again reuses them) and serves it. Unless a citizen OpenID Connect issuer
// is set, it also starts a development ID portal (devportal) on a local
// port whose demo persons have registrations, so that the citizen pages can
// be tried.
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
	if !given(fs, "register-now") && os.Getenv("BEREDSKAP_REGISTER_NOW") == "" {
		s.FollowUp.Now = demoRegisterNow
	}
	// The demo's travellers arrived in 2021; a daily purge would delete
	// most of them at start. 'beredskap retention purge' shows it instead.
	if !given(fs, "purge") && os.Getenv("BEREDSKAP_PURGE") == "" {
		s.Retention.Purge = false
	}
	citizens := demoCitizens()
	var portal *devportal.Portal
	if s.Citizen.OIDCIssuer == "" {
		people := make([]devportal.Person, len(citizens))
		for i, reg := range citizens {
			people[i] = devportal.Person{Name: reg.Traveller.FirstName + " " + reg.Traveller.LastName, PID: reg.Traveller.NationalID}
		}
		if portal, err = devportal.Start(people); err != nil {
			return err
		}
		defer portal.Close()
		s.Citizen.OIDCIssuer = portal.Issuer()
		s.Citizen.OIDCClientID = portal.ClientID()
		s.Citizen.OIDCClientSecret = portal.ClientSecret()
	}
	seed := func(ctx context.Context, in *intake.Intake, svc *staff.Service, fu *followup.Service) error {
		start := time.Now()
		fmt.Fprintf(stdout, "Generating %d synthetic registrations in %s ...\n", *count, s.DB)
		n, err := demo.Seed(ctx, in, *count, demoSeed)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d new, %d already there (%.1fs).\n", n, *count-n, time.Since(start).Seconds())
		for i := range citizens {
			if _, _, err := in.Register(ctx, &citizens[i], "", fmt.Sprintf("demo-citizen-%d-%d", demoSeed, i)); err != nil {
				return fmt.Errorf("seed demo citizen %d: %w", i, err)
			}
		}
		sys := beredskap.WithActor(ctx, beredskap.SystemActor())
		if _, err := demo.SeedStaff(sys, svc); err != nil {
			return err
		}
		plans, reports, err := demo.SeedFollowUp(sys, fu, svc, 40)
		if err != nil {
			return err
		}
		if plans > 0 {
			fmt.Fprintf(stdout, "Follow-up: %d travellers planned, %d call reports filed; the follow-up clock runs from %s.\n", plans, reports, s.FollowUp.Now)
		}
		printStaffLogins(stdout, svc.Config().BaseURL, s.Staff)
		printCitizenLogin(stdout, svc.Config().BaseURL, portal)
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

// printCitizenLogin tells how to log in to the citizen pages: through the
// development ID portal as one of its demo persons when portal is not nil,
// else through the configured issuer.
func printCitizenLogin(w io.Writer, base string, portal *devportal.Portal) {
	if portal == nil {
		fmt.Fprintf(w, "Citizen pages: %s/citizen/login (through the configured ID portal)\n\n", base)
		return
	}
	var names []string
	for _, p := range portal.People() {
		names = append(names, p.Name)
	}
	fmt.Fprintf(w, "Citizen pages: open %s/citizen/login and pick a demo person (%s).\n", base, strings.Join(names, ", "))
	fmt.Fprintf(w, "The pick page is a development stand-in for ID-porten at %s; `serve` never starts it.\n\n", portal.Issuer())
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

// given reports whether the flag name was set on the command line.
func given(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
