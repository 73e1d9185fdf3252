// Package citizen is the service layer for citizens (seed 003): login
// through the national ID portal, blocking and reopening one's own access
// to the logged-in citizen services as cases that citizen support
// processes, reopen letters with one-time codes, withdrawal of consent, and
// a person's view of their own data and of who has looked at it.
package citizen

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"beredskap"
	"beredskap/mailbox"
)

// errNotBuilt marks operations whose bodies are still being written.
var errNotBuilt = errors.New("not built yet")

// Config holds the settings of the citizen service.
type Config struct {
	BaseURL     string
	SessionIdle time.Duration // 15 minutes when 0
	SessionMax  time.Duration // 2 hours when 0
	// CodeTTL is how long a reopen letter's code stays valid (60 days
	// when 0), and MaxCodeAttempts how many wrong codes a case takes
	// before the code dies (5 when 0).
	CodeTTL         time.Duration
	MaxCodeAttempts int
	// NameDelay is how long after a look at a person's data the name of
	// the staff member who looked is shown to the person (organisation and
	// role are shown at once); 14 days when 0.
	NameDelay time.Duration
	// MaxAttachmentBytes limits the copy of the identity document; 5 MiB
	// when 0.
	MaxAttachmentBytes int64
	// AttachmentKey is the 32-byte AES-256 key that encrypts attachments
	// and print letters at rest. Required.
	AttachmentKey []byte
	// Helpline is the phone number of citizen support printed in letters;
	// "23 32 70 00" when empty.
	Helpline string
}

// Service is the citizen service.
type Service struct {
	store   beredskap.CitizenStore
	mailbox mailbox.Mailbox
	clock   beredskap.Clock
	cfg     Config
	logger  *slog.Logger
}

// New returns the service. A missing or wrong-sized AttachmentKey is
// EINVALID.
func New(store beredskap.CitizenStore, mb mailbox.Mailbox, clock beredskap.Clock, cfg Config, logger *slog.Logger) (*Service, error) {
	return &Service{store: store, mailbox: mb, clock: clock, cfg: cfg, logger: logger}, nil
}

// LoginResult is a new citizen session: the cookie value and the session.
type LoginResult struct {
	SessionToken string
	Session      *beredskap.CitizenSession
}

// CaseInput is a block or reopen request as the form sends it. File is the
// copy of the identity document; its type is sniffed, not taken from the
// client.
type CaseInput struct {
	Kind            beredskap.CaseKind
	NationalID      string
	Name            string
	DocumentKind    beredskap.IDDocumentKind
	DocumentExpires string // YYYY-MM-DD
	File            []byte
	SuspectedMisuse bool
}

// Look is one look at the person's data, as the person sees it.
type Look struct {
	At           time.Time
	Organisation string // e.g. "Oslo kommune", "Nasjonalt kontrollsenter for innreisende"
	Role         beredskap.Role
	Name         string // "" until NameDelay has passed
	Action       string
}

// MyData is what a logged-in person sees about themselves.
type MyData struct {
	Account       *beredskap.CitizenAccount
	Registrations []*beredskap.StoredRegistration
	Looks         []Look
	Cases         []*beredskap.AccessCase
}

// Withdrawal is the receipt of a withdrawal of consent.
type Withdrawal struct {
	NationalID string
	At         time.Time
	Reference  string
}

// PrintLetter is a letter waiting to be printed and posted, for a person
// without a digital mailbox.
type PrintLetter struct {
	CaseID    int64
	Number    string
	Name      string
	CreatedAt time.Time
}

func (s *Service) Login(ctx context.Context, nationalID, name string) (*LoginResult, error) {
	return nil, errNotBuilt
}
func (s *Service) Authenticate(ctx context.Context, sessionToken string) (*beredskap.CitizenSession, error) {
	return nil, errNotBuilt
}
func (s *Service) Logout(ctx context.Context, sessionToken string) error { return errNotBuilt }
func (s *Service) FileCase(ctx context.Context, sess *beredskap.CitizenSession, in CaseInput) (*beredskap.AccessCase, error) {
	return nil, errNotBuilt
}
func (s *Service) RequestReopen(ctx context.Context, in CaseInput) (*beredskap.AccessCase, error) {
	return nil, errNotBuilt
}
func (s *Service) RegisterCase(ctx context.Context, in CaseInput) (*beredskap.AccessCase, error) {
	return nil, errNotBuilt
}
func (s *Service) BlockNow(ctx context.Context, nationalID, name, reason string) (*beredskap.AccessCase, error) {
	return nil, errNotBuilt
}
func (s *Service) ListCases(ctx context.Context, f beredskap.CaseFilter) ([]*beredskap.AccessCase, string, error) {
	return nil, "", errNotBuilt
}
func (s *Service) GetCase(ctx context.Context, id int64) (*beredskap.AccessCase, error) {
	return nil, errNotBuilt
}
func (s *Service) Attachment(ctx context.Context, caseID int64) (mediaType string, data []byte, err error) {
	return "", nil, errNotBuilt
}
func (s *Service) ApproveCase(ctx context.Context, id int64) (*beredskap.AccessCase, error) {
	return nil, errNotBuilt
}
func (s *Service) RejectCase(ctx context.Context, id int64, reason string) (*beredskap.AccessCase, error) {
	return nil, errNotBuilt
}
func (s *Service) EnterCode(ctx context.Context, caseNumber, code string) (*beredskap.AccessCase, error) {
	return nil, errNotBuilt
}
func (s *Service) PrintLetters(ctx context.Context) ([]PrintLetter, error) { return nil, errNotBuilt }
func (s *Service) TakePrintLetter(ctx context.Context, caseID int64) ([]byte, error) {
	return nil, errNotBuilt
}
func (s *Service) MyData(ctx context.Context, sess *beredskap.CitizenSession) (*MyData, error) {
	return nil, errNotBuilt
}
func (s *Service) WithdrawConsent(ctx context.Context, sess *beredskap.CitizenSession) (*Withdrawal, error) {
	return nil, errNotBuilt
}
