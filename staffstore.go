package beredskap

import (
	"context"
	"time"
)

// StaffStore keeps users, grants, sessions, tokens, enrolments, access
// orders and the audit trail, and reads registrations on behalf of staff.
// The workflows (package staff) run once over it: each exported operation
// of the service layer is one call to Update or View, so that its audit
// entries commit with its work.
type StaffStore interface {
	// Update runs fn in a write transaction and commits when fn returns
	// nil; any error rolls everything back, audit entries included.
	Update(ctx context.Context, fn func(ctx context.Context, tx StaffTx) error) error
	// View runs fn in a read-only transaction. Audit calls fail in it.
	View(ctx context.Context, fn func(ctx context.Context, tx StaffTx) error) error
	// ScanAudit calls fn with every audit entry in sequence order, as
	// stored, and stops at fn's first error, which it returns.
	ScanAudit(ctx context.Context, fn func(*AuditEntry) error) error
	// AuthEpoch returns, outside any transaction, the count of changes
	// that can end what a token grants: a token revoked or its expiry
	// changed, a user's identity or status changed, a grant added, changed
	// or removed. The stores count them in the same transaction as the
	// change, by triggers, so that data read after reading a count is no
	// older than the count.
	AuthEpoch(ctx context.Context) (int64, error)
}

// StaffTx is the statements of one StaffStore transaction. Finders return
// ENOTFOUND when nothing matches; writes that would break a uniqueness rule
// return ECONFLICT. Times given are stored to the microsecond in UTC.
type StaffTx interface {
	// CreateUser stores u (with no grants) and sets its ID. A taken e-mail
	// is ECONFLICT.
	CreateUser(ctx context.Context, u *User) error
	// UpdateUser stores every field of u except ID, Email, CreatedAt and
	// Grants. TOTPLastStep never moves back while TOTPSecret
	// stays the same, so that a stale copy of u cannot make a used code
	// work again.
	UpdateUser(ctx context.Context, u *User) error
	ThrottleTx
	// UseTOTPStep records step as the user's last used TOTP time step when
	// it is after the one recorded, in one statement, and reports whether
	// it was: of concurrent uses of one code, one wins.
	UseTOTPStep(ctx context.Context, userID int64, step int64) (bool, error)
	// FindUser, FindUserByEmail and FindUserByNationalID return the user
	// with all their grants. E-mail matches case-insensitively.
	FindUser(ctx context.Context, id int64) (*User, error)
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	FindUserByNationalID(ctx context.Context, nationalID string) (*User, error)
	// ListUsers returns users ordered by e-mail, with their grants, and
	// the next page's token or "".
	ListUsers(ctx context.Context, f UserFilter) ([]*User, string, error)

	// AddGrant stores g and sets its ID and CreatedAt.
	AddGrant(ctx context.Context, g *Grant) error
	// EndGrant sets the EndedAt of a grant that has none.
	EndGrant(ctx context.Context, grantID int64, at time.Time) error

	// ReplaceRecoveryCodes replaces the user's recovery codes with the
	// given SHA-256 hashes.
	ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string) error
	// UseRecoveryCode marks the unused code with the hash used, and
	// reports false when there is none.
	UseRecoveryCode(ctx context.Context, userID int64, hash string, at time.Time) (bool, error)

	CreateEnrolment(ctx context.Context, e *Enrolment) error
	FindEnrolment(ctx context.Context, hash string) (*Enrolment, error)
	// UseEnrolment sets UsedAt of an unused enrolment; a used one is
	// ECONFLICT.
	UseEnrolment(ctx context.Context, hash string, at time.Time) error
	// RevokeEnrolments sets UsedAt of every unused enrolment of the user,
	// so that none of their links works any more, and returns how many
	// there were.
	RevokeEnrolments(ctx context.Context, userID int64, at time.Time) (int, error)

	CreateSession(ctx context.Context, s *Session) error
	FindSession(ctx context.Context, id string) (*Session, error)
	// UpdateSession stores GrantID, Stage, CSRFToken, LastSeenAt and
	// PendingTOTP.
	UpdateSession(ctx context.Context, s *Session) error
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions removes every session of the user and returns
	// how many there were.
	DeleteUserSessions(ctx context.Context, userID int64) (int, error)
	// DeleteOtherSessions removes every session of the user but the one
	// with the id keep, and returns how many there were.
	DeleteOtherSessions(ctx context.Context, userID int64, keep string) (int, error)

	// CreateToken stores t and sets its ID.
	CreateToken(ctx context.Context, t *APIToken) error
	FindTokenByHash(ctx context.Context, hash string) (*APIToken, error)
	// TouchToken sets LastUsedAt.
	TouchToken(ctx context.Context, id int64, at time.Time) error
	RevokeToken(ctx context.Context, id int64, at time.Time) error
	// RevokeUserTokens revokes every unrevoked token of the user and
	// returns how many there were.
	RevokeUserTokens(ctx context.Context, userID int64, at time.Time) (int, error)
	ListTokens(ctx context.Context, userID int64) ([]*APIToken, error)

	// CreateAccessOrder stores o and sets ID, CreatedAt and UpdatedAt. An
	// open order for the same e-mail and municipality is ECONFLICT.
	CreateAccessOrder(ctx context.Context, o *AccessOrder) error
	// UpdateAccessOrder stores Status, ConfirmedBy, DecidedBy, Reason,
	// UserID and UpdatedAt.
	UpdateAccessOrder(ctx context.Context, o *AccessOrder) error
	FindAccessOrder(ctx context.Context, id int64) (*AccessOrder, error)
	ListAccessOrders(ctx context.Context, f AccessOrderFilter) ([]*AccessOrder, string, error)

	// Audit appends rec to the audit trail, chained to the entry before
	// it, and returns the entry. Entries are numbered 1, 2, 3... without
	// gaps, in commit order; the entry's Seq, At and Hash are final when
	// the transaction has committed (a store may settle them at commit,
	// when another process appended in between).
	Audit(ctx context.Context, rec AuditRecord) (*AuditEntry, error)
	// SearchAudit returns entries oldest first and the next page's token.
	SearchAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, string, error)

	// FindRegistration returns the registration with the receipt when its
	// quarantine municipality is municipality ("" matches any), else
	// ENOTFOUND.
	FindRegistration(ctx context.Context, receipt, municipality string) (*StoredRegistration, error)
	// FindRegistrations returns the registrations of receipts (in their
	// stored form) by receipt, in one query, only those of municipality
	// when it is not ""; receipts without one are absent from the map.
	FindRegistrations(ctx context.Context, receipts []string, municipality string) (map[string]*StoredRegistration, error)
	// ListRegistrations is RegistrationService.ListRegistrations within
	// this transaction.
	ListRegistrations(ctx context.Context, f RegistrationFilter) ([]*StoredRegistration, string, error)
}
