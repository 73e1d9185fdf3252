package beredskap

import (
	"context"
	"time"
)

// CitizenStore keeps citizens' access cases, their encrypted attachments,
// citizen accounts (blocks) and citizen sessions, in the same transactions
// as the audit trail and the registrations (CitizenTx embeds StaffTx).
type CitizenStore interface {
	// UpdateCitizen runs fn in a write transaction and commits when fn
	// returns nil.
	UpdateCitizen(ctx context.Context, fn func(ctx context.Context, tx CitizenTx) error) error
	// ViewCitizen runs fn in a read-only transaction.
	ViewCitizen(ctx context.Context, fn func(ctx context.Context, tx CitizenTx) error) error
}

// CitizenTx is the statements of one CitizenStore transaction. Finders
// return ENOTFOUND when nothing matches.
type CitizenTx interface {
	StaffTx

	// CreateCase stores c, and a when not nil, and sets c's ID, Number
	// (the year of CreatedAt and the ID, written "2026-000042"), CreatedAt
	// and UpdatedAt. An open case of the same kind for the same national
	// identity number is ECONFLICT.
	CreateCase(ctx context.Context, c *AccessCase, a *Attachment) error
	// UpdateCase stores Status, DecidedBy, Reason, the code fields,
	// UpdatedAt and ClosedAt.
	UpdateCase(ctx context.Context, c *AccessCase) error
	FindCase(ctx context.Context, id int64) (*AccessCase, error)
	FindCaseByNumber(ctx context.Context, number string) (*AccessCase, error)
	// ListCases returns cases by deadline, earliest first, and the next
	// page's token or "".
	ListCases(ctx context.Context, f CaseFilter) ([]*AccessCase, string, error)
	FindAttachment(ctx context.Context, caseID int64) (*Attachment, error)
	// DeleteAttachment removes a case's attachment; none is no error.
	DeleteAttachment(ctx context.Context, caseID int64) error

	// FindCitizen returns the account of the national identity number.
	FindCitizen(ctx context.Context, nationalID string) (*CitizenAccount, error)
	// SaveCitizen creates or replaces the account.
	SaveCitizen(ctx context.Context, c *CitizenAccount) error

	CreateCitizenSession(ctx context.Context, s *CitizenSession) error
	FindCitizenSession(ctx context.Context, id string) (*CitizenSession, error)
	// TouchCitizenSession sets LastSeenAt.
	TouchCitizenSession(ctx context.Context, id string, at time.Time) error
	DeleteCitizenSession(ctx context.Context, id string) error
	// DeleteCitizenSessions removes every session of the person and
	// returns how many there were.
	DeleteCitizenSessions(ctx context.Context, nationalID string) (int, error)

	// CreatePrintLetter stores a letter to print and post, encrypted like
	// an attachment (CaseID, Nonce, Ciphertext; MediaType
	// application/pdf), for a person without a digital mailbox, with
	// AddressKnown, dated by the clock. A case has at most one letter
	// (ECONFLICT).
	CreatePrintLetter(ctx context.Context, l *PrintLetter) error
	// ListPrintLetters returns the letters waiting to be printed, oldest
	// first, then the printed ones, the last printed first (at most
	// MaxPageSize of them), each with its case and without its PDF.
	ListPrintLetters(ctx context.Context) ([]*PrintLetter, error)
	// DownloadPrintLetter returns a case's letter with its encrypted PDF
	// and counts the download: the first sets PrintedAt. The letter stays,
	// to be downloaded again, until the case is purged. ENOTFOUND when the
	// case has none.
	DownloadPrintLetter(ctx context.Context, caseID int64) (*PrintLetter, error)

	// RegistrationsOf returns the registrations whose traveller has the
	// national identity number, newest first (at most MaxPageSize).
	RegistrationsOf(ctx context.Context, nationalID string) ([]*StoredRegistration, error)
}
