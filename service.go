package beredskap

import (
	"context"
	"time"
)

// StoredRegistration is a registration as the register keeps it: an
// immutable record of what the traveller sent, the decision made when it was
// stored, and the quarantine municipality derived from the address.
type StoredRegistration struct {
	Receipt      string       `json:"receipt"`
	Municipality string       `json:"municipality"`
	Registration Registration `json:"registration"`
	Decision     Decision     `json:"decision"`
	CreatedAt    time.Time    `json:"created_at"`
}

// NewRegistration is what CreateRegistration stores. RequestHash is a digest
// of the request; a retry with the same IdempotencyKey but another
// RequestHash is a conflict.
type NewRegistration struct {
	Registration   Registration
	Decision       Decision
	Municipality   string
	IdempotencyKey string
	RequestHash    string
}

// RegistrationFilter selects registrations for a list. An empty Municipality
// means all municipalities. PageToken is the NextPageToken of the previous
// page; Limit is at most MaxPageSize.
type RegistrationFilter struct {
	Municipality string
	Limit        int
	PageToken    string
}

// MaxPageSize is the largest page a list returns.
const MaxPageSize = 200

// RegistrationService stores and finds registrations.
type RegistrationService interface {
	// CreateRegistration stores a registration under a fresh receipt and
	// returns it with created true. When IdempotencyKey names a registration
	// stored before with the same RequestHash, it returns that one with
	// created false and stores nothing; with another RequestHash it returns
	// ECONFLICT.
	CreateRegistration(ctx context.Context, n NewRegistration) (reg *StoredRegistration, created bool, err error)

	// FindRegistration returns the registration with the receipt, or ENOTFOUND.
	FindRegistration(ctx context.Context, receipt string) (*StoredRegistration, error)

	// ListRegistrations returns registrations newest first, and the token of
	// the next page or "" on the last page. A malformed token is EINVALID.
	ListRegistrations(ctx context.Context, f RegistrationFilter) ([]*StoredRegistration, string, error)
}

// Evaluator decides what the rules in force at a registration's arrival ask
// of the traveller, with texts in the language asked for (falling back to
// English). It does no I/O. A registration outside every rule version's reach
// is EINVALID on arrival_time.
type Evaluator interface {
	Evaluate(r *Registration, lang string) (Decision, error)
}

// Clock returns the current instant; tests pass a fixed one.
type Clock func() time.Time
