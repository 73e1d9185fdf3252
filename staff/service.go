// Package staff is the service layer for staff: login with a second factor,
// sessions and API tokens, users and grants, access orders (seed 000), the
// audit trail, and the registrations staff may read. Every operation checks
// the policy of beredskap.Can for the actor in the context, runs in one
// store transaction, and writes its audit entries in that transaction.
package staff

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"beredskap"
	"beredskap/mail"
)

// errNotBuilt marks operations whose bodies are still being written.
var errNotBuilt = errors.New("not built yet")

// Config holds the settings of the staff service.
type Config struct {
	BaseURL      string        // public address, for links in e-mails
	Issuer       string        // name shown in authenticator apps; "beredskap" when empty
	SessionIdle  time.Duration // idle timeout; 30 minutes when 0
	SessionMax   time.Duration // absolute lifetime; 12 hours when 0
	EnrolmentTTL time.Duration // lifetime of an enrolment link; 72 hours when 0
	LockAfter    int           // failed logins before a lockout; 5 when 0
	LockFor      time.Duration // lockout length; 15 minutes when 0
	// AddressRate and AddressBurst limit login attempts per client
	// address (attempts per minute); 10 and 10 when 0.
	AddressRate  int
	AddressBurst int
	// OIDCClaim is the claim OpenID Connect logins are matched on:
	// "email" or "pid" (national identity number); "email" when empty.
	OIDCClaim string
}

// Service is the staff service.
type Service struct {
	store  beredskap.StaffStore
	mail   mail.Sender
	clock  beredskap.Clock
	cfg    Config
	logger *slog.Logger
}

// New returns a service over store that sends mail through sender.
func New(store beredskap.StaffStore, sender mail.Sender, clock beredskap.Clock, cfg Config, logger *slog.Logger) *Service {
	return &Service{store: store, mail: sender, clock: clock, cfg: cfg, logger: logger}
}

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

func (s *Service) Login(ctx context.Context, email, password string) (*LoginResult, error) {
	return nil, errNotBuilt
}
func (s *Service) VerifySecondFactor(ctx context.Context, sessionToken, code string) (*beredskap.Session, error) {
	return nil, errNotBuilt
}
func (s *Service) LoginOIDC(ctx context.Context, claimValue string) (*LoginResult, error) {
	return nil, errNotBuilt
}
func (s *Service) Authenticate(ctx context.Context, sessionToken string) (*Authenticated, error) {
	return nil, errNotBuilt
}
func (s *Service) AuthenticateToken(ctx context.Context, bearer string) (*beredskap.Actor, error) {
	return nil, errNotBuilt
}
func (s *Service) Logout(ctx context.Context, sessionToken string) error { return errNotBuilt }
func (s *Service) CheckEnrolment(ctx context.Context, enrolToken string) (*beredskap.User, error) {
	return nil, errNotBuilt
}
func (s *Service) Enrol(ctx context.Context, enrolToken, password string) (*LoginResult, error) {
	return nil, errNotBuilt
}
func (s *Service) NewTOTP(ctx context.Context, sessionToken string) (*TOTPSetup, error) {
	return nil, errNotBuilt
}
func (s *Service) ConfirmTOTP(ctx context.Context, sessionToken, secret, code string) ([]string, error) {
	return nil, errNotBuilt
}
func (s *Service) AddUser(ctx context.Context, n NewUser) (*beredskap.User, error) {
	return nil, errNotBuilt
}
func (s *Service) CreateToken(ctx context.Context, email, name string, ttl time.Duration) (string, *beredskap.APIToken, error) {
	return "", nil, errNotBuilt
}
func (s *Service) RevokeToken(ctx context.Context, id int64) error { return errNotBuilt }
func (s *Service) ListUsers(ctx context.Context, f beredskap.UserFilter) ([]*beredskap.User, string, error) {
	return nil, "", errNotBuilt
}
func (s *Service) GetUser(ctx context.Context, id int64) (*beredskap.User, []*beredskap.APIToken, error) {
	return nil, nil, errNotBuilt
}
func (s *Service) RemoveUser(ctx context.Context, id int64, reason string) error { return errNotBuilt }
func (s *Service) ResendInvitation(ctx context.Context, userID int64) error   { return errNotBuilt }
func (s *Service) ListRegistrations(ctx context.Context, f beredskap.RegistrationFilter) ([]*beredskap.StoredRegistration, string, error) {
	return nil, "", errNotBuilt
}
func (s *Service) GetRegistration(ctx context.Context, receipt string) (*beredskap.StoredRegistration, error) {
	return nil, errNotBuilt
}
func (s *Service) SearchAudit(ctx context.Context, f beredskap.AuditFilter) ([]*beredskap.AuditEntry, string, error) {
	return nil, "", errNotBuilt
}
func (s *Service) VerifyAudit(ctx context.Context) (int64, *beredskap.ChainBreak, error) {
	return 0, nil, errNotBuilt
}
func (s *Service) OrderAccess(ctx context.Context, in OrderInput) (*beredskap.AccessOrder, error) {
	return nil, errNotBuilt
}
func (s *Service) RequestAccess(ctx context.Context, in OrderInput) (*beredskap.AccessOrder, error) {
	return nil, errNotBuilt
}
func (s *Service) ConfirmAccessOrder(ctx context.Context, id int64) (*beredskap.AccessOrder, error) {
	return nil, errNotBuilt
}
func (s *Service) ApproveAccessOrder(ctx context.Context, id int64) (*beredskap.AccessOrder, error) {
	return nil, errNotBuilt
}
func (s *Service) RejectAccessOrder(ctx context.Context, id int64, reason string) (*beredskap.AccessOrder, error) {
	return nil, errNotBuilt
}
func (s *Service) ListAccessOrders(ctx context.Context, f beredskap.AccessOrderFilter) ([]*beredskap.AccessOrder, string, error) {
	return nil, "", errNotBuilt
}
func (s *Service) GetAccessOrder(ctx context.Context, id int64) (*beredskap.AccessOrder, []*beredskap.AuditEntry, error) {
	return nil, nil, errNotBuilt
}
