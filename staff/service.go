// Package staff is the service layer for staff: login with a second factor,
// sessions and API tokens, users and grants, access orders (seed 000), the
// audit trail, and the registrations staff may read. Every operation checks
// the policy of beredskap.Can for the actor in the context, runs in one
// store transaction, and writes its audit entries in that transaction.
package staff

import (
	"log/slog"
	"sync"
	"time"

	"beredskap"
	"beredskap/auth"
	"beredskap/mail"
)

// Config holds the settings of the staff service.
type Config struct {
	BaseURL string // public address, for links in e-mails
	// Text returns the words of a key of the staff texts in a language
	// (web.StaffText): the mails to staff are written with them, and
	// none can be sent without.
	Text         beredskap.Text
	Issuer       string        // name shown in authenticator apps; "beredskap" when empty
	SessionIdle  time.Duration // idle timeout; 30 minutes when 0
	SessionMax   time.Duration // absolute lifetime; 12 hours when 0
	EnrolmentTTL time.Duration // lifetime of an enrolment link; 72 hours when 0
	// Failed logins (wrong passwords or codes) on one account from one
	// client address: from the DelayAfter-th within FailureWindow on, the
	// next attempt waits DelayFirst, doubling with each further failure up
	// to DelayMax. 5, 24 hours, 1 minute and 1 hour when 0. Other addresses
	// are not slowed, so that no one can lock a colleague out.
	DelayAfter    int
	FailureWindow time.Duration
	DelayFirst    time.Duration
	DelayMax      time.Duration
	// AddressRate limits login attempts, and self-filed access requests,
	// per client address and minute; 10 when 0. The counts are shared by
	// every instance on the database.
	AddressRate int
	// OIDCClaim is the claim OpenID Connect logins are matched on:
	// "email" or "pid" (national identity number); "email" when empty.
	OIDCClaim string
	// PasswordParams are the argon2id costs of the password hashes this
	// service makes; auth.DefaultPasswordParams when zero. A hash keeps
	// its own parameters, so changing them never locks anyone out. Tests
	// lower them: the default costs 64 MiB and three passes per hash.
	PasswordParams auth.PasswordParams
}

// withDefaults returns c with every zero setting replaced by its default.
func (c Config) withDefaults() Config {
	if c.Issuer == "" {
		c.Issuer = "beredskap"
	}
	if c.SessionIdle <= 0 {
		c.SessionIdle = 30 * time.Minute
	}
	if c.SessionMax <= 0 {
		c.SessionMax = 12 * time.Hour
	}
	if c.EnrolmentTTL <= 0 {
		c.EnrolmentTTL = 72 * time.Hour
	}
	if c.DelayAfter <= 0 {
		c.DelayAfter = 5
	}
	if c.FailureWindow <= 0 {
		c.FailureWindow = 24 * time.Hour
	}
	if c.DelayFirst <= 0 {
		c.DelayFirst = time.Minute
	}
	if c.DelayMax <= 0 {
		c.DelayMax = time.Hour
	}
	if c.AddressRate <= 0 {
		c.AddressRate = 10
	}
	if c.PasswordParams == (auth.PasswordParams{}) {
		c.PasswordParams = auth.DefaultPasswordParams
	}
	if c.OIDCClaim == "" {
		c.OIDCClaim = "email"
	}
	return c
}

// Service is the staff service.
type Service struct {
	store  beredskap.StaffStore
	tx     beredskap.Transactions[beredskap.StaffTx]
	mail   mail.Sender
	clock  beredskap.Clock
	cfg    Config
	logger *slog.Logger

	// dummyHash is checked against when a login names no usable
	// account, so that the answer takes as long as for a real one.
	dummyOnce sync.Once
	dummyHash string

	// passwordSlots bounds concurrent argon2id work (see withPasswordSlot).
	passwordSlots chan struct{}

	// tokens holds the API tokens found, for as long as the auth epoch
	// stands.
	tokens tokenCache

	// background counts the work still running after its answer (see
	// afterAnswer).
	background sync.WaitGroup
}

// New returns a service over store that sends mail through sender. Zero
// settings in cfg take their documented defaults; a nil logger discards.
func New(store beredskap.StaffStore, sender mail.Sender, clock beredskap.Clock, cfg Config, logger *slog.Logger) *Service {
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{
		store: store, mail: sender, clock: clock, cfg: cfg, logger: logger,
		passwordSlots: newPasswordSlots(),
	}
	if store != nil {
		// A service without a store is one that tests never let reach it.
		s.tx = store.Update
	}
	return s
}

// Config returns the settings in force, defaults filled in.
func (s *Service) Config() Config { return s.cfg }

// LoginResult is a new session: the cookie value and how far it has come.
type LoginResult struct {
	SessionToken string
	Session      *beredskap.Session
}

// Authenticated is a session found by its cookie value. Actor is nil
// unless the session is at StageActive.
type Authenticated struct {
	Session *beredskap.Session
	User    *beredskap.User
	Actor   *beredskap.Actor
}

// TOTPSetup is a fresh TOTP secret to enrol, with its otpauth:// URL and
// that URL as a QR code (PNG).
type TOTPSetup struct {
	Secret string
	URL    string
	QRPNG  []byte
}

// NewUser is a user to create directly (command line, demo): one grant,
// and optionally a password and TOTP secret so that no enrolment is needed.
type NewUser struct {
	Email, FirstName, LastName, Mobile, NationalID, Organisation, Position string
	Role                                                                   beredskap.Role
	Scope                                                                  beredskap.Scope
	ValidTo                                                                *time.Time
	Provenance, OrderedBy                                                  string
	Password, TOTPSecret                                                   string
}

// OrderInput is an access order as a form or API sends it. Dates are
// written YYYY-MM-DD.
type OrderInput struct {
	Kind         beredskap.OrderKind
	FirstName    string
	LastName     string
	Email        string
	Mobile       string
	Municipality string
	Position     string
	Role         beredskap.Role
	ServiceNeed  string
	ValidTo      string
	OfficerEmail string // self-filed orders only
}

// now returns the current instant in UTC to the microsecond, as the
// stores keep it.
func (s *Service) now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }
