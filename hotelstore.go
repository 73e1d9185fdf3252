package beredskap

import (
	"context"
	"time"
)

// HotelStore keeps quarantine hotels, their capacity, stays, § 6j
// dispensations and delegations, and the runs of rule-change impact, in the
// same transactions as the audit trail and the follow-up (HotelTx embeds
// FollowUpTx).
type HotelStore interface {
	// UpdateHotels runs fn in a write transaction and commits when fn
	// returns nil; any error rolls everything back.
	UpdateHotels(ctx context.Context, fn func(ctx context.Context, tx HotelTx) error) error
	// ViewHotels runs fn in a read-only transaction.
	ViewHotels(ctx context.Context, fn func(ctx context.Context, tx HotelTx) error) error
	// ActiveRegistrations calls fn with every registration whose
	// quarantine's last day is day (YYYY-MM-DD) or later, whose arrival
	// is before until and which was created at or after since (the zero
	// time for all), in no set order, reading in a consistent snapshot
	// outside any write transaction; it stops at fn's first error.
	ActiveRegistrations(ctx context.Context, day string, until, since time.Time, fn func(*StoredRegistration) error) error
}

// HotelTx is the statements of one HotelStore transaction. Finders return
// ENOTFOUND when nothing matches.
type HotelTx interface {
	FollowUpTx

	// CreateHotel stores h and sets ID, CreatedAt and UpdatedAt.
	CreateHotel(ctx context.Context, h *QuarantineHotel) error
	// UpdateHotel stores every field of h except ID, Municipality and
	// CreatedAt.
	UpdateHotel(ctx context.Context, h *QuarantineHotel) error
	FindHotel(ctx context.Context, id int64) (*QuarantineHotel, error)
	// LockHotel returns the hotel and keeps any other transaction from
	// allocating rooms at it until this one ends, so that counting and
	// allocating cannot interleave (SELECT … FOR UPDATE on PostgreSQL; the
	// one writer on SQLite).
	LockHotel(ctx context.Context, id int64) (*QuarantineHotel, error)
	// ListHotels returns the hotels of a municipality ("" for all) by name.
	ListHotels(ctx context.Context, municipality string) ([]*QuarantineHotel, error)
	// AddCapacityChange stores c and sets ID and CreatedAt.
	AddCapacityChange(ctx context.Context, c *CapacityChange) error
	ListCapacityChanges(ctx context.Context, hotelID int64) ([]*CapacityChange, error)
	// RoomsTaken returns, for each night from..to (YYYY-MM-DD, both
	// included), how many rooms the hotel's open stays take.
	RoomsTaken(ctx context.Context, hotelID int64, from, to string) (map[string]int, error)

	// CreateStay stores s and sets ID, CreatedAt and UpdatedAt.
	CreateStay(ctx context.Context, s *Stay) error
	// UpdateStay stores every field of s except ID, HotelID, Receipt and
	// CreatedAt, and sets UpdatedAt.
	UpdateStay(ctx context.Context, s *Stay) error
	FindStay(ctx context.Context, id int64) (*Stay, error)
	// ListStays returns stays by FromDay, newest first, and the next
	// page's token.
	ListStays(ctx context.Context, f StayFilter) ([]*Stay, string, error)
	// EachStay calls fn with every stay f selects, in the order of
	// ListStays, ignoring Limit and PageToken, read by one query as fn
	// goes: an export of any size needs neither pages nor memory for the
	// whole. fn must not use the transaction meanwhile (PostgreSQL has
	// one statement at a time on it); an error from fn ends the reading
	// and is returned as it is.
	EachStay(ctx context.Context, f StayFilter, fn func(*Stay) error) error
	// StaysOf returns every stay of the receipt, oldest first.
	StaysOf(ctx context.Context, receipt string) ([]*Stay, error)

	// CreateDispensation stores d and sets ID and CreatedAt.
	CreateDispensation(ctx context.Context, d *Dispensation) error
	// UpdateDispensation stores Status, EndedAt and EndReason.
	UpdateDispensation(ctx context.Context, d *Dispensation) error
	FindDispensation(ctx context.Context, id int64) (*Dispensation, error)
	// DispensationsOf returns the receipt's dispensations, oldest first.
	DispensationsOf(ctx context.Context, receipt string) ([]*Dispensation, error)
	// ListDispensations returns a municipality's dispensations, newest
	// first, at most limit.
	ListDispensations(ctx context.Context, municipality string, limit int) ([]*Dispensation, error)

	// CreateDelegation stores d and sets ID and CreatedAt; an open one for
	// the same user and municipality is ECONFLICT.
	CreateDelegation(ctx context.Context, d *Delegation) error
	// EndDelegation sets EndedAt of an open delegation.
	EndDelegation(ctx context.Context, id int64, at time.Time) error
	// OpenDelegation returns the user's open delegation in the
	// municipality, ENOTFOUND when none.
	OpenDelegation(ctx context.Context, userID int64, municipality string) (*Delegation, error)
	ListDelegations(ctx context.Context, municipality string) ([]*Delegation, error)

	// CreateImpactRun stores r with its changes and sets r's ID; a run of
	// the same RuleID and At is ECONFLICT.
	CreateImpactRun(ctx context.Context, r *ImpactRun, changes []*ImpactChange) error
	FindImpactRun(ctx context.Context, ruleID string, at time.Time) (*ImpactRun, error)
	// ListImpactRuns returns the runs, newest first.
	ListImpactRuns(ctx context.Context) ([]*ImpactRun, error)
	// ImpactChanges returns a run's changes of a municipality ("" for
	// all), by receipt, at most limit, after the receipt after.
	ImpactChanges(ctx context.Context, runID int64, municipality, after string, limit int) ([]*ImpactChange, error)
	// FindImpactRunByID returns the run with the id.
	FindImpactRunByID(ctx context.Context, id int64) (*ImpactRun, error)
	// AddImpactChanges adds changes found after the run was computed,
	// skipping receipts the run holds already, and returns how many it
	// added; Added grows by as many. Concurrent adders of one receipt add
	// it once.
	AddImpactChanges(ctx context.Context, runID int64, changes []*ImpactChange) (int, error)
	// SweepImpact records a look at the registrations made since the run:
	// SweptTo becomes sweptTo when that is later, and when final is not
	// nil and the run has no FinalAt yet, FinalAt and FinalEvaluated are
	// set.
	SweepImpact(ctx context.Context, runID int64, sweptTo time.Time, final *time.Time, finalEvaluated int) error
	// MarkImpactNotified sets NotifiedAt when it is not set and reports
	// whether this call set it.
	MarkImpactNotified(ctx context.Context, runID int64, at time.Time) (bool, error)
	// ImpactRecipients returns the run's changes after the receipt after,
	// by receipt, at most limit, whose traveller has no rule-change
	// notice of the run's rule version yet, each with what its SMS needs.
	ImpactRecipients(ctx context.Context, runID int64, after string, limit int) ([]*ImpactRecipient, error)
	// ClaimRuleChangeNotices records that the travellers of the receipts
	// are told of rule version ruleID by run runID, and returns the
	// receipts it recorded: those told of the version before, by any run
	// or process, are left out. The database's unique key on version and
	// receipt makes it at most once, also across concurrent transactions.
	ClaimRuleChangeNotices(ctx context.Context, ruleID string, runID int64, receipts []string, at time.Time) ([]string, error)
}
