package beredskap

import (
	"context"
	"strconv"
	"time"
)

// RetentionStore carries out the retention policy: it finds what is due,
// deletes or de-identifies it in bounded batches, keeps counts of what it
// deleted, and keeps legal holds. Every batch is one transaction with its
// audit entry (RetentionTx embeds StaffTx).
type RetentionStore interface {
	// UpdateRetention runs fn in a write transaction and commits when fn
	// returns nil. Deletes of registrations and call reports are allowed
	// inside it, and only there.
	UpdateRetention(ctx context.Context, fn func(ctx context.Context, tx RetentionTx) error) error
	// ViewRetention runs fn in a read-only transaction.
	ViewRetention(ctx context.Context, fn func(ctx context.Context, tx RetentionTx) error) error
	// AwaitWriter waits, for most at the longest, until no other write
	// waits for the database's one writer (SQLite), so that bulk work
	// such as the purge goes after them; it returns ctx's error when ctx
	// ends first. PostgreSQL's writes do not wait for one another here:
	// it returns at once.
	AwaitWriter(ctx context.Context, most time.Duration) error
}

// DueFilter selects registrations whose period has ended: arrived before
// ArrivedBefore, with no follow-up plan active on or after Today
// (YYYY-MM-DD, Europe/Oslo), no hotel stay still open, and no legal hold in
// force on Today.
type DueFilter struct {
	ArrivedBefore time.Time
	Today         string
	Limit         int
}

// PurgeCounts is what one purge batch removed, by kind of row.
type PurgeCounts struct {
	Registrations int `json:"registrations"`
	Plans         int `json:"followup_plans"`
	CallReports   int `json:"call_reports"`
	SMS           int `json:"sms"`
	LabourNotices int `json:"labour_notices"`
	Stays         int `json:"hotel_stays_deidentified"`
	Dispensations int `json:"dispensations"`
	Other         int `json:"other"`
}

// Add adds o to c.
func (c *PurgeCounts) Add(o PurgeCounts) {
	c.Registrations += o.Registrations
	c.Plans += o.Plans
	c.CallReports += o.CallReports
	c.SMS += o.SMS
	c.LabourNotices += o.LabourNotices
	c.Stays += o.Stays
	c.Dispensations += o.Dispensations
	c.Other += o.Other
}

// Total returns the number of rows removed or de-identified.
func (c PurgeCounts) Total() int {
	return c.Registrations + c.Plans + c.CallReports + c.SMS + c.LabourNotices + c.Stays + c.Dispensations + c.Other
}

// StatCount is one count of the register's statistics: how many of Key
// (such as "registrations" or "followup_reached") there were among the
// travellers who arrived in Month (YYYY-MM, UTC) and belong to
// Municipality, counting both data still held and data purged.
type StatCount struct {
	Month        string `json:"month"`
	Municipality string `json:"municipality"`
	Key          string `json:"key"`
	Count        int64  `json:"count"`
}

// The keys of StatCount.
var StatKeys = []string{
	"registrations", "quarantine", "followup_plans", "followup_reached", "call_reports", "sms",
	"labour_notices", "hotel_stays", "hotel_nights", "dispensations",
}

// LegalHold keeps one person's data past its period (rettslig hold): every
// registration of the person known when the hold was made (Receipts), until
// the end of UntilDay, unless released before.
type LegalHold struct {
	ID           int64      `json:"id"`
	Municipality string     `json:"municipality"`
	Receipt      string     `json:"receipt"`
	Receipts     []string   `json:"receipts"`
	Reason       string     `json:"reason"`
	UntilDay     string     `json:"until"`
	CreatedBy    string     `json:"created_by"`
	CreatedAt    time.Time  `json:"created_at"`
	ReleasedBy   string     `json:"released_by,omitempty"`
	ReleasedAt   *time.Time `json:"released_at,omitempty"`
}

// InForce reports whether the hold holds on day (YYYY-MM-DD).
func (h *LegalHold) InForce(day string) bool {
	return h.ReleasedAt == nil && h.UntilDay >= day
}

// HoldFilter selects legal holds: of Municipality ("" for all), those in
// force on Day only when Active, else every hold, soonest end first.
type HoldFilter struct {
	Municipality string
	Active       bool
	Day          string
}

// CorrectionRequest is a person's request to correct their data (GDPR
// art. 16), a case for citizen support: Text says what is wrong, Receipt
// the registration concerned ("" for none).
type CorrectionRequest struct {
	ID         int64      `json:"id"`
	NationalID string     `json:"-"`
	Receipt    string     `json:"receipt,omitempty"`
	Text       string     `json:"text"`
	Status     string     `json:"status"` // "open" or "closed"
	Answer     string     `json:"answer,omitempty"`
	ClosedBy   string     `json:"closed_by,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	ClosedAt   *time.Time `json:"closed_at,omitempty"`
}

// RetentionTx is the statements of one RetentionStore transaction.
type RetentionTx interface {
	StaffTx

	// DueRegistrations returns the receipts of registrations whose period
	// has ended, oldest arrival first, at most f.Limit.
	DueRegistrations(ctx context.Context, f DueFilter) ([]string, error)
	// PurgeRegistrations adds the registrations with the receipts, and
	// what belongs to them, to the purged counts, then deletes them: the
	// registrations, idempotency keys, follow-up plans, call reports, SMS,
	// labour notices, rule-change impact rows and dispensations; hotel
	// stays lose the guest's receipt, name, birth date, transfer address,
	// documents and note and stay as fee rows.
	PurgeRegistrations(ctx context.Context, receipts []string) (PurgeCounts, error)
	// WritersWaiting reports whether other transactions wait for this one
	// to end before they can write (SQLite's one writer), so that a purge
	// should commit what it has and let them go first. PostgreSQL's
	// writers do not wait for the purge: false.
	WritersWaiting() bool
	// PurgeFeeRows deletes de-identified hotel stays whose last night is
	// before lastNightBefore (YYYY-MM-DD), at most limit.
	PurgeFeeRows(ctx context.Context, lastNightBefore string, limit int) (int, error)
	// PurgeCitizenCases deletes citizen cases and correction requests
	// closed before closedBefore, with their attachments and letters, at
	// most limit of each.
	PurgeCitizenCases(ctx context.Context, closedBefore time.Time, limit int) (int, error)
	// PurgeCitizenAccounts deletes accounts that are not blocked and were
	// last changed before changedBefore, at most limit, and every citizen
	// session that has expired by now.
	PurgeCitizenAccounts(ctx context.Context, changedBefore, now time.Time, limit int) (int, error)
	// PurgeStaffRecords deletes staff sessions and login and request
	// attempt counters (which hold client addresses) expired by now, and API
	// tokens, enrolment links and decided access orders that ended before
	// endedBefore, and de-identifies removed users whose last grant ended
	// before endedBefore (see RemovedUserEmail), at most limit of each.
	PurgeStaffRecords(ctx context.Context, endedBefore, now time.Time, limit int) (int, error)
	// PurgeHolds deletes legal holds that ended (released or past their
	// day) before endedBefore (YYYY-MM-DD).
	PurgeHolds(ctx context.Context, endedBefore string) (int, error)

	// ClaimPurgeDay claims the purge of day (YYYY-MM-DD) for runner until
	// leaseUntil and reports true, when no one has claimed it, or its
	// claim has lapsed by now and it is not finished.
	ClaimPurgeDay(ctx context.Context, day, runner string, now, leaseUntil time.Time) (bool, error)
	// FinishPurgeDay records that the purge of day is done and how many
	// rows it removed.
	FinishPurgeDay(ctx context.Context, day string, at time.Time, purged int) error

	// CreateHold stores h with its Receipts and sets its ID and CreatedAt.
	CreateHold(ctx context.Context, h *LegalHold) error
	// FindHold returns the hold with its receipts.
	FindHold(ctx context.Context, id int64) (*LegalHold, error)
	// ReleaseHold sets ReleasedBy and ReleasedAt of a hold not released.
	ReleaseHold(ctx context.Context, id int64, by string, at time.Time) error
	// ListHolds returns holds by end day, soonest first (at most
	// MaxPageSize), with their receipts.
	ListHolds(ctx context.Context, f HoldFilter) ([]*LegalHold, error)
	// RegistrationsOf returns the registrations whose traveller has the
	// national identity number, newest first (at most MaxPageSize).
	RegistrationsOf(ctx context.Context, nationalID string) ([]*StoredRegistration, error)
	// HoldsOf returns the holds naming the receipt.
	HoldsOf(ctx context.Context, receipt string) ([]*LegalHold, error)

	// CreateCorrection stores c as open and sets its ID and CreatedAt.
	CreateCorrection(ctx context.Context, c *CorrectionRequest) error
	// ListCorrections returns the open requests, oldest first, or the
	// person's (nationalID not "") newest first; at most MaxPageSize.
	ListCorrections(ctx context.Context, nationalID string) ([]*CorrectionRequest, error)
	// CloseCorrection closes an open request with the answer; ENOTFOUND
	// when none is open with the id.
	CloseCorrection(ctx context.Context, id int64, by, answer string, at time.Time) error

	// Statistics returns the counts of StatKeys per arrival month and
	// municipality ("" for all municipalities): live rows plus purged
	// counts, unsuppressed.
	Statistics(ctx context.Context, municipality string) ([]StatCount, error)
}

// RemovedUserDomain ends the e-mail address of a removed user whom the
// purge has de-identified: RemovedUserEmail(id). The audit trail goes on
// naming the user by id.
const RemovedUserDomain = "@removed.invalid"

// RemovedUserEmail is the e-mail address a de-identified user is left with.
func RemovedUserEmail(id int64) string {
	return "user-" + strconv.FormatInt(id, 10) + RemovedUserDomain
}
