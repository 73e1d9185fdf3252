package staff_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"beredskap"
	"beredskap/auth"
	"beredskap/internal/teststore"
	"beredskap/mail"
	"beredskap/mail/mailtest"
	"beredskap/staff"
	"beredskap/storetest"
	"beredskap/web"
)

// password is the password of every user the tests create.
const password = "correct horse battery"

// clock is a test clock that moves on by a millisecond at each reading,
// and by more when a test says so.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Millisecond)
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is a staff service over a real database (SQLite in a temporary file
// unless a test asks for PostgreSQL), sending mail to a real SMTP server.
type env struct {
	t     *testing.T
	svc   *staff.Service
	store beredskap.StaffStore
	regs  beredskap.RegistrationService
	clock *clock
	smtp  *mailtest.Server
}

// testPasswords are argon2id costs far below the default (64 MiB, three
// passes), for the hashes the tests' services make: what a test proves
// about logins does not depend on the cost, which auth's tests cover.
var testPasswords = auth.PasswordParams{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// newEnv returns a fresh environment with the configuration given, its
// BaseURL set, and testPasswords unless it names password costs.
func newEnv(t *testing.T, cfg staff.Config) *env {
	t.Helper()
	return newEnvOn(t, cfg, "sqlite")
}

// newEnvOn is newEnv on a store of the kind (teststore.Kinds).
func newEnvOn(t *testing.T, cfg staff.Config, kind string) *env {
	t.Helper()
	if cfg.PasswordParams == (auth.PasswordParams{}) {
		cfg.PasswordParams = testPasswords
	}
	c := &clock{now: time.Date(2021, 3, 8, 9, 0, 0, 0, time.UTC)}
	store, regs := teststore.Open(t, kind, c.Now)
	srv := mailtest.StartServer(t)
	sender, err := mail.NewSMTP(srv.Config())
	if err != nil {
		t.Fatalf("NewSMTP: %v", err)
	}
	cfg.BaseURL = "https://beredskap.example.test"
	cfg.Text = web.StaffText
	svc := staff.New(store, sender, c.Now, cfg, nil)
	t.Cleanup(svc.Wait) // before the mail server and the database close
	return &env{t: t, svc: svc, store: store, regs: regs, clock: c, smtp: srv}
}

// anon returns a context with an anonymous visitor from address.
func anon(address string) context.Context {
	return beredskap.WithActor(context.Background(), &beredskap.Actor{Address: address, RequestID: "req-test"})
}

// system returns a context acting as the command line.
func system() context.Context {
	return beredskap.WithActor(context.Background(), beredskap.SystemActor())
}

// user is a user a test created, with what it needs to log in.
type user struct {
	*beredskap.User
	secret string
}

// addUser creates a ready-to-use user (password and TOTP secret) with one
// grant of role; municipality is the scope of municipal roles.
func (e *env) addUser(email string, role beredskap.Role, municipality string) user {
	e.t.Helper()
	secret, _, err := auth.NewTOTPKey("beredskap", email)
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := e.svc.AddUser(system(), staff.NewUser{
		Email: email, FirstName: "Test", LastName: string(role), Role: role,
		Scope:    beredskap.Scope{Kind: beredskap.ScopeKindOf(role), Code: municipality},
		Password: password, TOTPSecret: secret,
	})
	if err != nil {
		e.t.Fatalf("AddUser(%s): %v", email, err)
	}
	return user{u, secret}
}

// code returns the TOTP code of secret half a minute on, so that it is
// the code of a time step not used before.
func (e *env) code(secret string) string {
	e.t.Helper()
	e.clock.Advance(auth.TOTPPeriod * time.Second)
	c, err := auth.TOTPCode(secret, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// login logs u in with password and TOTP and returns the session's cookie
// value and a context acting as u.
func (e *env) login(u user) (string, context.Context) {
	e.t.Helper()
	ctx := anon("192.0.2.10")
	res, err := e.svc.Login(ctx, u.Email, password)
	if err != nil {
		e.t.Fatalf("Login(%s): %v", u.Email, err)
	}
	if res.Session.Stage != beredskap.StageTOTP {
		e.t.Fatalf("Login(%s) stage = %s, want %s", u.Email, res.Session.Stage, beredskap.StageTOTP)
	}
	if _, err := e.svc.VerifySecondFactor(ctx, res.SessionToken, e.code(u.secret)); err != nil {
		e.t.Fatalf("VerifySecondFactor(%s): %v", u.Email, err)
	}
	return res.SessionToken, e.actorCtx(res.SessionToken)
}

// actorCtx returns a context acting as the session's actor.
func (e *env) actorCtx(token string) context.Context {
	e.t.Helper()
	a, err := e.svc.Authenticate(anon("192.0.2.10"), token)
	if err != nil {
		e.t.Fatalf("Authenticate: %v", err)
	}
	if a.Actor == nil {
		e.t.Fatalf("Authenticate: no actor at stage %s", a.Session.Stage)
	}
	return beredskap.WithActor(context.Background(), a.Actor)
}

// auditOf returns the audit entries matching f, searched as the system.
func (e *env) auditOf(f beredskap.AuditFilter) []*beredskap.AuditEntry {
	e.t.Helper()
	f.Limit = beredskap.MaxPageSize
	entries, _, err := e.svc.SearchAudit(system(), f)
	if err != nil {
		e.t.Fatalf("SearchAudit: %v", err)
	}
	return entries
}

// outcomes returns the outcomes of entries, in order.
func outcomes(entries []*beredskap.AuditEntry) []string {
	var s []string
	for _, en := range entries {
		s = append(s, en.Outcome)
	}
	return s
}

// registration stores a registration in the municipality and returns its
// receipt.
func (e *env) registration(municipality, last string) string {
	e.t.Helper()
	r := storetest.Registration("Anna", last)
	r.Accommodation.Address.Municipality = municipality
	reg, _, err := e.regs.CreateRegistration(context.Background(), beredskap.NewRegistration{
		Registration: r, Decision: storetest.Decision(), Municipality: municipality,
	})
	if err != nil {
		e.t.Fatalf("CreateRegistration: %v", err)
	}
	return reg.Receipt
}

// wantErr fails the test unless err is a *beredskap.Error with the code
// and, when given, the field and reason.
func wantErr(t *testing.T, err error, code beredskap.Code, field, reason string) {
	t.Helper()
	var e *beredskap.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want a *beredskap.Error with code %s", err, code)
	}
	if e.Code != code || (field != "" && e.Field != field) || (reason != "" && e.Reason != reason) {
		t.Fatalf("error = %s/%s/%s (%v), want %s/%s/%s", e.Code, e.Field, e.Reason, err, code, field, reason)
	}
}

// problemFields returns the fields of an EINVALID error's problems, sorted.
func problemFields(t *testing.T, err error) []string {
	t.Helper()
	var e *beredskap.Error
	if !errors.As(err, &e) || e.Code != beredskap.EINVALID {
		t.Fatalf("error = %v, want EINVALID", err)
	}
	var fs []string
	for _, p := range e.Problems {
		fs = append(fs, p.Field)
	}
	slices.Sort(fs)
	return fs
}
