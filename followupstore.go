package beredskap

import (
	"context"
	"time"
)

// FollowUpStore keeps the control centre's follow-up: plans and the work
// queue, the SMS outbox and templates, call reports, labour notices and
// digest preferences, in the same transactions as the audit trail
// (FollowUpTx embeds StaffTx).
type FollowUpStore interface {
	// UpdateFollowUp runs fn in a write transaction and commits when fn
	// returns nil; any error rolls everything back.
	UpdateFollowUp(ctx context.Context, fn func(ctx context.Context, tx FollowUpTx) error) error
	// ViewFollowUp runs fn in a read-only transaction.
	ViewFollowUp(ctx context.Context, fn func(ctx context.Context, tx FollowUpTx) error) error
}

// FollowUpTx is the statements of one FollowUpStore transaction. Finders
// return ENOTFOUND when nothing matches. Times are stored to the
// microsecond in UTC.
type FollowUpTx interface {
	StaffTx

	// RegistrationsWithoutPlan returns registrations created at or after
	// since that have no plan yet, oldest first, at most limit.
	RegistrationsWithoutPlan(ctx context.Context, since time.Time, limit int) ([]*StoredRegistration, error)
	// CreatePlan stores p and sets ID, CreatedAt and UpdatedAt. A plan
	// for the same receipt is ECONFLICT.
	CreatePlan(ctx context.Context, p *FollowUpPlan) error
	// UpdatePlan stores every field of p except ID, Receipt, CreatedAt and
	// Codes (which never change) and sets UpdatedAt.
	UpdatePlan(ctx context.Context, p *FollowUpPlan) error
	FindPlan(ctx context.Context, id int64) (*FollowUpPlan, error)
	FindPlanByReceipt(ctx context.Context, receipt string) (*FollowUpPlan, error)
	// ActivePlansOf returns the person's active plans, oldest first.
	ActivePlansOf(ctx context.Context, personKey string) ([]*FollowUpPlan, error)
	// EndPlansBefore ends the active plans whose LastDay is before day
	// (YYYY-MM-DD) with EndQuarantineOver at at, cancels their queued SMS,
	// and returns how many it ended.
	EndPlansBefore(ctx context.Context, day string, at time.Time) (int, error)

	// ClaimNext gives operator the first plan of the queue that f selects
	// and nobody holds at now, holding it until until, and returns it.
	// The queue holds active plans whose NextCallAt has come, ordered by
	// priority: not reached before reached, suspected breach first, fewest
	// days left, then oldest. An empty queue is ENOTFOUND. Two claims never
	// get the same plan while its hold lasts, in any number of concurrent
	// transactions.
	ClaimNext(ctx context.Context, f QueueFilter, operator string, now, until time.Time) (*FollowUpPlan, error)
	// Claim holds the plan for operator until until. A plan held by
	// someone else at now is ECONFLICT; an ended one is ECONFLICT too. The
	// holder may claim again to extend the hold.
	Claim(ctx context.Context, planID int64, operator string, now, until time.Time) (*FollowUpPlan, error)
	// Release frees the plan if operator holds it; otherwise nothing
	// happens.
	Release(ctx context.Context, planID int64, operator string) error
	// ListQueue returns the queue as ClaimNext orders it, held plans
	// included, at most f.Limit (MaxPageSize when 0).
	ListQueue(ctx context.Context, f QueueFilter, now time.Time) ([]*FollowUpPlan, error)
	// CountQueue returns how many plans the queue f holds at now, held
	// plans included (f's Limit and Offset aside).
	CountQueue(ctx context.Context, f QueueFilter, now time.Time) (int, error)

	// EnqueueSMS stores m (Status queued when empty) and sets ID,
	// CreatedAt and UpdatedAt.
	EnqueueSMS(ctx context.Context, m *SMSMessage) error
	// TakeDueSMS marks up to limit queued (or lapsed sending) messages
	// whose NextAttemptAt has come as sending until leaseUntil, increments
	// their Attempts, and returns them, earliest first. Concurrent workers
	// never take the same message.
	TakeDueSMS(ctx context.Context, now, leaseUntil time.Time, limit int) ([]*SMSMessage, error)
	// SaveSMS stores Status, Attempts, NextAttemptAt, ProviderID,
	// LastError, DeliveredAt and sets UpdatedAt.
	SaveSMS(ctx context.Context, m *SMSMessage) error
	// FindSMS and FindSMSByProviderID, in a write transaction, keep the
	// message from changing in any other until this one ends, so that a
	// message read and saved again cannot lose a change committed in
	// between (a delivery receipt overtaking the worker).
	FindSMS(ctx context.Context, id int64) (*SMSMessage, error)
	FindSMSByProviderID(ctx context.Context, providerID string) (*SMSMessage, error)
	// CancelPlanSMS cancels the plan's queued messages and returns how
	// many.
	CancelPlanSMS(ctx context.Context, planID int64) (int, error)
	// ListPlanSMS returns the plan's messages, oldest first.
	ListPlanSMS(ctx context.Context, planID int64) ([]*SMSMessage, error)

	// ListTemplates returns every stored template by key and language.
	ListTemplates(ctx context.Context) ([]*SMSTemplate, error)
	FindTemplate(ctx context.Context, key, language string) (*SMSTemplate, error)
	// SaveTemplate creates or replaces the template of t's key and
	// language.
	SaveTemplate(ctx context.Context, t *SMSTemplate) error

	// CreateCallReport stores r and sets ID and CreatedAt. Reports can be
	// neither changed nor removed. A Corrects naming a report of another
	// plan, or one already corrected, is ECONFLICT.
	CreateCallReport(ctx context.Context, r *CallReport) error
	FindCallReport(ctx context.Context, id int64) (*CallReport, error)
	// FindCallReports returns the reports with the ids, in one query, in
	// no set order; ids without a report are left out.
	FindCallReports(ctx context.Context, ids []int64) ([]*CallReport, error)
	// ListCallReports returns the plan's reports, oldest first,
	// corrected ones included.
	ListCallReports(ctx context.Context, planID int64) ([]*CallReport, error)
	// ReportsAfter returns the municipality's reports with an ID above
	// afterID, oldest first, at most limit, corrected ones included.
	ReportsAfter(ctx context.Context, municipality string, afterID int64, limit int) ([]*CallReport, error)

	// CreateLabourNotice stores n and sets ID and CreatedAt.
	CreateLabourNotice(ctx context.Context, n *LabourNotice) error
	// ListLabourNotices returns notices newest first and the next page's
	// token.
	ListLabourNotices(ctx context.Context, f NoticeFilter) ([]*LabourNotice, string, error)

	// ListTravellers returns the plans of f.Municipality that f selects,
	// newest arrival first, and the next page's token. A malformed token is
	// EINVALID.
	ListTravellers(ctx context.Context, f ReportFilter) ([]*FollowUpPlan, string, error)
	// EachTraveller calls fn with every plan ListTravellers would list for
	// f over all its pages, in the same order, ignoring Limit and
	// PageToken, read by one query as fn goes: an export of any size needs
	// neither pages nor memory for the whole. fn must not use the
	// transaction meanwhile (PostgreSQL has one statement at a time on
	// it); an error from fn ends the reading and is returned as it is.
	EachTraveller(ctx context.Context, f ReportFilter, fn func(*FollowUpPlan) error) error
	// FollowUpStats counts arrivals and active quarantines per day and
	// suspected breaches per week for the municipality over the days
	// from..to (YYYY-MM-DD, inclusive).
	FollowUpStats(ctx context.Context, municipality, from, to string) (*FollowUpStats, error)

	// FindDigestPref returns the user's preference, ENOTFOUND when none.
	FindDigestPref(ctx context.Context, userID int64) (*DigestPref, error)
	// SaveDigestPref creates or replaces the user's preference; its
	// LastReportID and LastSentAt never move back, so that a stale copy
	// cannot make a digest go out twice.
	SaveDigestPref(ctx context.Context, p *DigestPref) error
	// SwapDigestProgress sets the user's LastReportID and LastSentAt to
	// toReport and toSent if they are still fromReport and fromSent, in one
	// statement, and reports whether they were: of processes that read the
	// same preference and would mail the same digest, one wins.
	SwapDigestProgress(ctx context.Context, userID, fromReport int64, fromSent *time.Time, toReport int64, toSent *time.Time) (bool, error)
	// ListDigestPrefs returns every preference whose mode is not off.
	ListDigestPrefs(ctx context.Context) ([]*DigestPref, error)
}
