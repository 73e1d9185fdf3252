package beredskap

import "time"

// OrderKind is what an access order asks for (seed 000: bestille, endre
// eller fjerne tilgang).
type OrderKind string

// The order kinds.
const (
	OrderGrant  OrderKind = "order"  // give a person access
	OrderChange OrderKind = "change" // change the role of a person's access
	OrderRemove OrderKind = "remove" // take a person's access away
)

// OrderStatus is where an access order is in its workflow.
type OrderStatus string

// The order statuses. An order filed by the employee themselves waits for
// their municipal officer's confirmation; then it waits for the access
// administrators, who approve or reject it.
const (
	OrderAwaitingConfirmation OrderStatus = "awaiting_confirmation"
	OrderPending              OrderStatus = "pending"
	OrderApproved             OrderStatus = "approved"
	OrderRejected             OrderStatus = "rejected"
)

// Open reports whether the order still waits for someone.
func (s OrderStatus) Open() bool {
	return s == OrderAwaitingConfirmation || s == OrderPending
}

// AccessOrder is an order to give, change or remove a person's access to
// one municipality's data, as filed by the municipal officer (or by the
// employee with the officer on copy).
type AccessOrder struct {
	ID     int64
	Kind   OrderKind
	Status OrderStatus

	FirstName    string
	LastName     string
	Email        string // lower case
	Mobile       string // E.164
	County       string // county number
	Municipality string // municipality number
	Position     string // stilling
	Role         Role   // municipal_officer or municipal_staff
	ServiceNeed  string // tjenstlig behov
	ValidTo      *time.Time

	// OrderedBy is the e-mail of whoever filed the order; SelfFiled says
	// the employee filed it themselves, with OfficerEmail on copy.
	OrderedBy    string
	SelfFiled    bool
	OfficerEmail string
	ConfirmedBy  string
	DecidedBy    string
	Reason       string // the reason given with a rejection
	UserID       int64  // the user the approval created or changed, 0 before

	CreatedAt time.Time
	UpdatedAt time.Time
}

// AccessOrderFilter selects access orders, newest first. Empty fields match
// everything.
type AccessOrderFilter struct {
	Statuses     []OrderStatus
	Municipality string
	Limit        int // at most MaxPageSize; 50 when 0
	PageToken    string
}

// Session is a logged-in browser. ID is the SHA-256 of the cookie's value,
// so that a copy of the table lets no one log in.
type Session struct {
	ID         string
	UserID     int64
	GrantID    int64 // the grant acted in; 0 before the second factor
	Stage      SessionStage
	CSRFToken  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute end, whatever the activity
	Address    string
	// PendingTOTP is the TOTP secret the server generated for a session
	// at StageEnrol, the only one that session can enrol; "" otherwise.
	PendingTOTP string
}

// SessionStage is how far a login has come.
type SessionStage string

// The session stages: the password was right and the TOTP code is due; the
// user came through an enrolment link and must set up TOTP; or the session
// is fully logged in.
const (
	StageTOTP   SessionStage = "totp"
	StageEnrol  SessionStage = "enrol"
	StageActive SessionStage = "active"
)

// APIToken is a bearer token for API clients. Only its SHA-256 is stored.
// It acts in one grant of its user and dies with it.
type APIToken struct {
	ID         int64
	UserID     int64
	GrantID    int64
	Name       string
	Hash       string
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

// Enrolment is a one-time link that lets a new user set a password and
// enrol TOTP. Only the SHA-256 of the link's secret is stored.
type Enrolment struct {
	Hash      string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// UserFilter selects users by e-mail, name or municipality of a grant.
// Users come ordered by e-mail.
type UserFilter struct {
	Query        string // part of e-mail or name, case-insensitive
	Municipality string // users with a grant in this municipality
	Limit        int
	PageToken    string
}
