package beredskap

import "time"

// PlanStatus is whether a traveller is still followed up.
type PlanStatus string

// The plan statuses.
const (
	PlanActive PlanStatus = "active"
	PlanEnded  PlanStatus = "ended"
)

// Why a follow-up plan ended (FollowUpPlan.EndReason).
const (
	EndQuarantineOver = "quarantine_over" // the last day has passed
	EndSuperseded     = "superseded"      // a newer registration of the same person has its own plan
	EndDispensation   = "dispensation"    // a dispensation or exemption took the traveller out of quarantine
	EndedEarly        = "ended_early"     // ended by staff (left Norway, tested out early)
)

// FollowUpPlan is the control centre's follow-up of one registration with a
// quarantine (seed 000; RULES.md 2021-02-15): SMS on set days, phone calls
// until the traveller is reached, and an end. It carries copies of the
// registration's fields that the work queue and the municipal lists sort and
// filter on, so that those lists need no JSON.
type FollowUpPlan struct {
	ID           int64
	Receipt      string
	Municipality string
	// PersonKey identifies the person across registrations: "nid:" and the
	// national identity number when there is one, else "doc:" and the
	// identity document's country and number, else "name:" and the name
	// and birth date in lower case.
	PersonKey   string
	FirstName   string
	LastName    string
	BirthDate   string // YYYY-MM-DD
	Phone       string // E.164
	Email       string
	Language    string // a code of Enumerations["traveller.language"]
	ArrivalAt   time.Time
	FirstDay    string // YYYY-MM-DD, day 0
	LastDay     string // YYYY-MM-DD, the last day of quarantine
	RuleID      string // the rule version the plan was made from
	SMSDays     []int  // days after FirstDay on which an SMS goes out
	CallDays    []int  // days after FirstDay on which a call is due
	Status      PlanStatus
	EndReason   string // one of the End constants when Status is PlanEnded
	EndedAt     *time.Time
	EmployerOrg string // organisation number of the employer, if any
	// Codes are the registration's follow-up codes, set when the plan is
	// made (CodesOf) and never changed after.
	Codes FollowUpCodes

	// Reached is set by the first report of a reached call;
	// BreachSuspected by any report of a suspected breach. Attempts counts
	// call reports; LastReportAt is the newest one's time.
	Reached         bool
	BreachSuspected bool
	Attempts        int
	LastReportAt    *time.Time
	// NextCallAt is when the next call is due; the queue offers only
	// plans whose time has come.
	NextCallAt time.Time

	// ClaimedBy is the e-mail of the operator holding the plan, "" when
	// free; the hold lapses at LeaseUntil.
	ClaimedBy  string
	LeaseUntil *time.Time

	CreatedAt time.Time
	UpdatedAt time.Time
}

// HeldBy reports whether operator holds the plan at now.
func (p *FollowUpPlan) HeldBy(operator string, now time.Time) bool {
	return p.ClaimedBy != "" && p.ClaimedBy == operator && p.LeaseUntil != nil && now.Before(*p.LeaseUntil)
}

// Held reports whether anybody holds the plan at now.
func (p *FollowUpPlan) Held(now time.Time) bool {
	return p.ClaimedBy != "" && p.LeaseUntil != nil && now.Before(*p.LeaseUntil)
}

// QueueFilter selects plans for the work queue. Empty fields match all.
type QueueFilter struct {
	Language     string
	Municipality string
	Limit        int
	// Offset is how many plans of the queue's order to pass over, for
	// paging through a long queue; ClaimNext ignores it.
	Offset int
}

// SMSStatus is where an outgoing SMS is.
type SMSStatus string

// The SMS statuses. queued → sending → sent → delivered, or failed after the
// last attempt or on a failure receipt; cancelled when its plan changed
// before it went out.
const (
	SMSQueued    SMSStatus = "queued"
	SMSSending   SMSStatus = "sending"
	SMSSent      SMSStatus = "sent"
	SMSDelivered SMSStatus = "delivered"
	SMSFailed    SMSStatus = "failed"
	SMSCancelled SMSStatus = "cancelled"
)

// SMSMessage is one row of the SMS outbox. It is written in the same
// transaction as the event that causes it (a plan, an operator's send); the
// worker delivers it with retries. ID is the idempotency key sent to the
// provider, so a retry after a lost answer is not sent twice.
type SMSMessage struct {
	ID       int64
	PlanID   int64 // 0 when not sent for a plan
	Receipt  string
	To       string // E.164
	Language string
	Template string // the template key it was written from
	Body     string
	Encoding string // "GSM-7" or "UCS-2"
	Segments int
	Status   SMSStatus
	// Attempts counts delivery attempts; NextAttemptAt is when the worker
	// may try (again): the due time of a scheduled message, the backoff
	// after a failure, or the lease of a message being sent.
	Attempts      int
	NextAttemptAt time.Time
	ProviderID    string
	LastError     string
	SentBy        string // the operator's e-mail, or "system"
	CreatedAt     time.Time
	UpdatedAt     time.Time
	DeliveredAt   *time.Time
}

// SMSTemplate is the text of one kind of SMS in one language, with
// placeholders written {name}, {last_day} and {hotline}.
type SMSTemplate struct {
	Key       string // e.g. "day2", "day5", "not_reached"
	Language  string
	Body      string
	UpdatedBy string
	UpdatedAt time.Time
}

// CallOutcome is how a contact attempt went.
type CallOutcome string

// The call outcomes.
const (
	CallReached     CallOutcome = "reached"
	CallNotReached  CallOutcome = "not_reached"
	CallWrongNumber CallOutcome = "wrong_number"
)

// Understood is whether a reached traveller understood the rules.
type Understood string

// The answers; empty when the traveller was not reached.
const (
	UnderstoodYes    Understood = "yes"
	UnderstoodPartly Understood = "partly"
	UnderstoodNo     Understood = "no"
)

// BreachKind is a kind of suspected breach of quarantine.
type BreachKind string

// The kinds of suspected breach.
const (
	BreachNotAtAddress    BreachKind = "not_at_address"
	BreachWorkplace       BreachKind = "workplace_with_others"
	BreachSchool          BreachKind = "school"
	BreachPublicTransport BreachKind = "public_transport"
	BreachVisitors        BreachKind = "visitors"
	BreachOther           BreachKind = "other"
)

// BreachKinds lists every breach kind, in the order forms show them.
var BreachKinds = []BreachKind{
	BreachNotAtAddress, BreachWorkplace, BreachSchool, BreachPublicTransport, BreachVisitors, BreachOther,
}

// EmployerSuspicion is what an operator suspects of a traveller's employer
// or client: a duty of the covid-19 regulation the employer seems not to
// meet. A labour notice names these, never the operator's own words.
type EmployerSuspicion string

// The kinds of suspicion of an employer.
const (
	// SuspectNoConfirmation: a worker arrived without the employer's
	// confirmation of a suitable place of quarantine.
	SuspectNoConfirmation EmployerSuspicion = "no_place_confirmation"
	// SuspectPlaceUnsuitable: the place the employer provides lacks a
	// single room, an own bathroom, an own kitchen or meals, or TV and
	// internet.
	SuspectPlaceUnsuitable EmployerSuspicion = "place_unsuitable"
	// SuspectSharedLodging: workers lodged by the employer cannot avoid
	// close contact with other workers where they stay.
	SuspectSharedLodging EmployerSuspicion = "shared_lodging"
	// SuspectWorkInQuarantine: a worker without an exemption works with
	// others while in quarantine.
	SuspectWorkInQuarantine EmployerSuspicion = "work_in_quarantine"
	// SuspectExemptionBeyondWork: an exemption that holds at work and on
	// the way to it is used beyond them (the worker is not in quarantine
	// in their free time).
	SuspectExemptionBeyondWork EmployerSuspicion = "exemption_beyond_work"
	// SuspectWorkBeforeTest: an exempt worker works before the negative
	// test the rules ask for before work.
	SuspectWorkBeforeTest EmployerSuspicion = "work_before_test"
)

// EmployerSuspicions lists every kind of suspicion of an employer, in the
// order forms show them. Sources: the employer's confirmation and what
// makes a place suitable (seed 004, "Arbeid"; RULES.md hotel group 3);
// close contact where the employer lodges workers, and the exemption that
// holds only at work and on the way (seed 002, "Plikter for personer som
// er omfattet av unntak"); no workplace with others in quarantine (seeds
// 002, 004); the negative test before work (rule version 2021-01-25,
// pcr_day_3_before_work). Seed 000 says the control centre tells the
// labour inspectorate when an employer seems not to meet these duties.
var EmployerSuspicions = []EmployerSuspicion{
	SuspectNoConfirmation, SuspectPlaceUnsuitable, SuspectSharedLodging, SuspectWorkInQuarantine,
	SuspectExemptionBeyondWork, SuspectWorkBeforeTest,
}

// CallReport is what an operator records after every contact attempt. It
// is immutable: a correction is a new report whose Corrects names the one it
// replaces, and lists show the newest of a chain.
type CallReport struct {
	ID           int64
	PlanID       int64
	Receipt      string
	Municipality string
	Operator     string // e-mail
	Outcome      CallOutcome
	Language     string // the language the call was held in
	Interpreter  bool
	Understood   Understood
	StayingAt    string // where the traveller says they stay
	Breaches     []BreachKind
	BreachText   string
	// EmployerBreach says the employer seems not to meet its duties; the
	// report then names the employer and makes a LabourNotice.
	EmployerBreach bool
	EmployerOrg    string // organisation number, checked
	EmployerName   string
	// EmployerSuspected is what was suspected of the employer, at least
	// one kind with an employer breach (none on reports made before the
	// list existed).
	EmployerSuspected []EmployerSuspicion
	// EmployerText is the operator's note on the employer breach, kept
	// with the report; the labour notice does not carry it.
	EmployerText string
	Corrects     int64 // 0, or the ID of the report this one corrects
	CreatedAt    time.Time
}

// BreachSuspected reports whether the report suspects a breach of
// quarantine.
func (r *CallReport) BreachSuspected() bool { return len(r.Breaches) > 0 }

// LabourNotice tells the labour inspectorate (Arbeidstilsynet) of an
// employer that seems not to meet its duties. It carries what the notice
// needs and nothing of the traveller's health or quarantine beyond it.
type LabourNotice struct {
	ID           int64
	ReportID     int64
	OrgNumber    string
	EmployerName string
	// Suspected is what was suspected of the employer.
	Suspected []EmployerSuspicion
	// Suspicion is what was suspected in the operator's words, on notices
	// made before Suspected existed; empty on newer ones.
	Suspicion    string
	Municipality string // where the worker stays
	ArrivalDate  string // YYYY-MM-DD
	CreatedAt    time.Time
}

// NoticeFilter selects labour notices; empty fields match all.
type NoticeFilter struct {
	OrgNumber string
	From, To  time.Time // CreatedAt in [From, To) when not zero
	Limit     int
	PageToken string
}

// ReportFilter selects travellers for a municipality's lists and exports.
// Municipality is required; other empty fields match all.
type ReportFilter struct {
	Municipality string
	ArrivalFrom  string // YYYY-MM-DD, inclusive (Europe/Oslo)
	ArrivalTo    string // YYYY-MM-DD, inclusive
	Status       PlanStatus
	NotReached   bool
	Breach       bool
	Language     string
	Name         string // matches the start of the first or last name, any case
	Limit        int
	PageToken    string
}

// FollowUpStats are the numbers behind a municipality's charts, per day
// (YYYY-MM-DD) and per ISO week (YYYY-Www), oldest first.
type FollowUpStats struct {
	ArrivalsPerDay  []DayCount
	ActivePerDay    []DayCount
	BreachesPerWeek []DayCount
}

// DayCount is one point of a chart.
type DayCount struct {
	Day   string
	Count int
}

// DigestMode is how a municipal user wants new reports by e-mail.
type DigestMode string

// The digest modes. Immediate sends suspected breaches at once and the rest
// in the daily digest.
const (
	DigestOff       DigestMode = "off"
	DigestDaily     DigestMode = "daily"
	DigestImmediate DigestMode = "immediate"
)

// DigestPref is a user's choice of digest and how far it has gone.
type DigestPref struct {
	UserID       int64
	Mode         DigestMode
	LastReportID int64 // the newest report already mailed
	LastSentAt   *time.Time
}
