// Package citizen is the service layer for citizens (seed 003): login
// through the national ID portal, blocking and reopening one's own access
// to the logged-in citizen services as cases that citizen support
// processes, reopen letters with one-time codes, withdrawal of consent, and
// a person's view of their own data and of who has looked at it.
package citizen

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"log/slog"
	"time"

	"beredskap"
	"beredskap/auditlog"
	"beredskap/folkeregister"
	"beredskap/mailbox"
)

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
	// Text returns the words of a key of the citizen texts in a language
	// (nb, nn or en) with its {name} placeholders filled from args: the
	// words of the letters (web.CitizenText). Without it no letter can be
	// written.
	Text beredskap.Text
	// Helpline is the phone number of citizen support printed in letters;
	// "23 32 70 00" when empty.
	Helpline string
	// RequestRate limits anonymous reopen requests per client address and
	// minute, counted in the database across instances; 10 when 0.
	RequestRate int
	// AuditProofs proves the looks at a person's data against the newest
	// signed checkpoint of the audit log; none when nil.
	AuditProofs AuditProver
	// AllowSyntheticIDs accepts synthetic (test) national identity
	// numbers, for the demo and tests; never in production.
	AllowSyntheticIDs bool
	// Register is the population register (Folkeregisteret) that gives
	// the registered address printed on letters to people without a
	// digital mailbox. Nil means none: such letters carry the name only,
	// and citizen support adds the address by hand.
	Register folkeregister.Register
}

// withDefaults returns c with every zero setting replaced by its default.
func (c Config) withDefaults() Config {
	if c.SessionIdle <= 0 {
		c.SessionIdle = 15 * time.Minute
	}
	if c.SessionMax <= 0 {
		c.SessionMax = 2 * time.Hour
	}
	if c.CodeTTL <= 0 {
		c.CodeTTL = 60 * 24 * time.Hour
	}
	if c.MaxCodeAttempts <= 0 {
		c.MaxCodeAttempts = 5
	}
	if c.NameDelay <= 0 {
		c.NameDelay = 14 * 24 * time.Hour
	}
	if c.MaxAttachmentBytes <= 0 {
		c.MaxAttachmentBytes = 5 << 20
	}
	if c.Helpline == "" {
		c.Helpline = "23 32 70 00"
	}
	if c.RequestRate <= 0 {
		c.RequestRate = 10
	}
	return c
}

// Service is the citizen service.
type Service struct {
	store   beredskap.CitizenStore
	tx      beredskap.Transactions[beredskap.CitizenTx]
	mailbox mailbox.Mailbox
	clock   beredskap.Clock
	cfg     Config
	logger  *slog.Logger

	// aead encrypts attachments and print letters; codeKey keys the
	// hashes of one-time codes and objectKey the pseudonyms of national
	// identity numbers in the audit trail. Both are derived from
	// AttachmentKey.
	aead      cipher.AEAD
	codeKey   []byte
	objectKey []byte
}

// New returns the service. A missing or wrong-sized AttachmentKey is
// EINVALID on "attachment_key"; other zero settings take their documented
// defaults, a nil mailbox is mailbox.None and a nil logger discards.
func New(store beredskap.CitizenStore, mb mailbox.Mailbox, clock beredskap.Clock, cfg Config, logger *slog.Logger) (*Service, error) {
	if len(cfg.AttachmentKey) != 32 {
		return nil, beredskap.Invalid("attachment_key", "invalid_key", "the attachment key must be 32 bytes (AES-256)")
	}
	block, err := aes.NewCipher(cfg.AttachmentKey)
	if err != nil {
		return nil, beredskap.Invalid("attachment_key", "invalid_key", "the attachment key is not an AES key")
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, beredskap.Invalid("attachment_key", "invalid_key", "the attachment key is not an AES key")
	}
	cfg = cfg.withDefaults()
	if mb == nil {
		mb = mailbox.None{}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{
		store: store, tx: store.UpdateCitizen, mailbox: mb, clock: clock, cfg: cfg, logger: logger, aead: aead,
		codeKey:   deriveKey(cfg.AttachmentKey, "citizen one-time code"),
		objectKey: deriveKey(cfg.AttachmentKey, "citizen audit object"),
	}, nil
}

// Config returns the settings in force, defaults filled in.
func (s *Service) Config() Config { return s.cfg }

// now returns the current instant in UTC to the microsecond, as the
// stores keep it.
func (s *Service) now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

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
	// Language is the language of the page a logged-in person filed the
	// case from (nb, nn or en). FileCase keeps it on the person's account,
	// so that the answer letter, and later letters such as the code to
	// reopen, are written in it; other ways of filing ignore it.
	Language string
}

// AuditProver proves audit entries against the newest signed checkpoint
// of the audit log (auditlog.Prover): the checkpoint and a bundle of the
// inclusion proofs of the entries it covers, each with the receipt named
// for it; nil and nil when no checkpoint is signed yet.
type AuditProver interface {
	Prove(ctx context.Context, entries []*beredskap.AuditEntry, receipts map[int64]string) (*auditlog.Checkpoint, *auditlog.Bundle, error)
}

// Look is one look at the person's data, as the person sees it.
type Look struct {
	Seq          int64 // the audit entry's number
	At           time.Time
	Organisation string // in Norwegian, e.g. "Oslo kommune", "Nasjonalt kontrollsenter for innreisende (Helfo)"
	// Body is the kind of body looked (BodyMunicipality…), for naming it
	// in the reader's language; Municipality is the municipality's name
	// as of At for a municipal role, or "".
	Body, Municipality string
	Role               beredskap.Role // "" for automatic processing
	Name               string         // "" until NameDelay has passed
	Action             string
	// Proven says the entry is proven to be in the newest signed
	// checkpoint of the audit log (MyData.Checkpoint).
	Proven bool
}

// MyData is what a logged-in person sees about themselves.
type MyData struct {
	Account       *beredskap.CitizenAccount
	Registrations []*beredskap.StoredRegistration
	Looks         []Look
	// Checkpoint is the newest signed checkpoint of the audit log, up to
	// which the looks are proven, and Proofs the looks' inclusion proofs
	// in it; both nil when none is signed yet or proofs are not
	// configured.
	Checkpoint *auditlog.Checkpoint
	Proofs     *auditlog.Bundle
	Cases      []*beredskap.AccessCase
}

// Withdrawal is the receipt of a withdrawal of consent.
type Withdrawal struct {
	NationalID string
	At         time.Time
	Reference  string
}

// PrintLetter is a letter to print and post, for a person without a
// digital mailbox: waiting (PrintedAt nil) or printed, and downloadable
// again. AddressKnown is false when the population register gave no
// address: the letter then has an empty address box to write the address
// in by hand.
type PrintLetter struct {
	CaseID       int64
	Number       string
	Name         string
	CreatedAt    time.Time
	AddressKnown bool
	PrintedAt    *time.Time
	Downloads    int
}
