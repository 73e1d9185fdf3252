package beredskap

import "time"

// CaseKind is what a citizen's access case asks for (seed 003: sperre
// eller gjenåpne tilgang til innloggede tjenester).
type CaseKind string

// The case kinds.
const (
	CaseBlock  CaseKind = "block"  // sperre
	CaseReopen CaseKind = "reopen" // gjenåpne
)

// CaseStatus is where a citizen's access case is.
type CaseStatus string

// The case statuses. A block case goes from received to completed (or
// rejected). A reopen case, once approved, waits for the citizen to phone
// in the code of the letter (awaiting_code) before it is completed.
const (
	CaseReceived     CaseStatus = "received"
	CaseAwaitingCode CaseStatus = "awaiting_code"
	CaseCompleted    CaseStatus = "completed"
	CaseRejected     CaseStatus = "rejected"
)

// Open reports whether the case still waits for someone.
func (s CaseStatus) Open() bool { return s == CaseReceived || s == CaseAwaitingCode }

// IDDocumentKind is the kind of identity document a case carries a copy of
// (seed 003: pass, førerkort eller nasjonalt ID-kort).
type IDDocumentKind string

// The accepted identity documents.
const (
	IDPassport       IDDocumentKind = "passport"
	IDDrivingLicence IDDocumentKind = "driving_licence"
	IDNationalCard   IDDocumentKind = "national_id_card"
)

// CaseDeadline is how long Helfo has to answer a case (seed 003: senest
// innen 30 dager).
const CaseDeadline = 30 * 24 * time.Hour

// AccessCase is a citizen's request to block or reopen their own access to
// the logged-in citizen services, filed online or registered by citizen
// support from the paper form.
type AccessCase struct {
	ID         int64
	Number     string // saksnummer, given by the store, e.g. "2026-000042"
	Kind       CaseKind
	Status     CaseStatus
	NationalID string
	Name       string
	// Channel is "online" (filed by the citizen) or "paper" (registered
	// by citizen support from the form).
	Channel         string
	SuspectedMisuse bool
	DocumentKind    IDDocumentKind
	DocumentExpires string // YYYY-MM-DD
	Deadline        time.Time
	FiledBy         string // the citizen ("citizen") or the staff member's e-mail
	DecidedBy       string
	Reason          string // the reason given with a rejection
	// CodeHash is the SHA-256 of the one-time code in a reopen letter;
	// CodeExpiresAt ends it; CodeAttempts counts wrong codes entered.
	CodeHash      string
	CodeExpiresAt *time.Time
	CodeAttempts  int
	CreatedAt     time.Time
	UpdatedAt     time.Time
	ClosedAt      *time.Time
}

// Attachment is the copy of the identity document of a case, stored
// encrypted (AES-GCM) and deleted when the case closes.
type Attachment struct {
	CaseID     int64
	MediaType  string // image/jpeg, image/png or application/pdf
	Size       int    // of the plain file, in bytes
	Nonce      []byte
	Ciphertext []byte
}

// PrintLetter is a letter to a person without a digital mailbox, for
// citizen support to print and post: its encrypted PDF (Attachment),
// whether it carries the person's registered address (when the population
// register has none, the address is written on it by hand), when it was
// queued, first printed and how often it was downloaded. Case is set by
// ListPrintLetters.
type PrintLetter struct {
	Attachment
	Case         *AccessCase
	AddressKnown bool
	CreatedAt    time.Time
	PrintedAt    *time.Time // nil while the letter waits
	Downloads    int
}

// CaseFilter selects access cases, earliest deadline first. Empty fields
// match everything.
type CaseFilter struct {
	Statuses   []CaseStatus
	NationalID string
	Limit      int
	PageToken  string
}

// CitizenAccount is what the citizen services keep about a person: whether
// their access is blocked, and their own settings. Withdrawing consent
// deletes the settings but never the block.
type CitizenAccount struct {
	NationalID  string
	Blocked     bool
	BlockedAt   *time.Time
	BlockCaseID int64  // the case that blocked or reopened access last
	Language    string // the language the person chose for the pages
	// ConsentWithdrawnAt is when the person withdrew consent and had their
	// citizen-service data deleted; nil when they never did.
	ConsentWithdrawnAt *time.Time
	UpdatedAt          time.Time
}

// CitizenSession is a citizen logged in through the national ID portal.
// ID is the SHA-256 of the cookie's value.
type CitizenSession struct {
	ID         string
	NationalID string
	Name       string
	CSRFToken  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}
