package beredskap

import "time"

// QuarantineHotel is a quarantine hotel (karantenehotell) a municipality has set up
// (seed 004). Rooms is its capacity per night, unless a CapacityChange says
// otherwise for a night.
type QuarantineHotel struct {
	ID           int64
	Municipality string
	Name         string
	Address      string
	PostalCode   string
	// The municipality's contact point for the hotel, told of each new
	// guest (seed 004: "Politiet skal varsle kommunens kontaktpunkt").
	ContactName  string
	ContactEmail string
	ContactPhone string
	Rooms        int
	// Isolation says the hotel also takes isolation stays, which cost the
	// guest nothing (seed 004).
	Isolation bool
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CapacityChange sets a hotel's rooms for the nights From..To (YYYY-MM-DD,
// both included), overriding QuarantineHotel.Rooms; the newest change wins.
type CapacityChange struct {
	ID        int64
	HotelID   int64
	From      string
	To        string
	Rooms     int
	CreatedBy string
	CreatedAt time.Time
}

// StayKind is why a guest stays at a hotel.
type StayKind string

// The stay kinds.
const (
	StayQuarantine StayKind = "quarantine"
	StayIsolation  StayKind = "isolation" // infected: free of charge
)

// StayStatus is where a stay is.
type StayStatus string

// The stay statuses. A stay is allocated, then checked in, and ends checked
// out (the quarantine is over), departed (left Norway early), transferred
// (moved to another suitable place) or cancelled (never arrived).
const (
	StayAllocated   StayStatus = "allocated"
	StayCheckedIn   StayStatus = "checked_in"
	StayCheckedOut  StayStatus = "checked_out"
	StayDeparted    StayStatus = "departed"
	StayTransferred StayStatus = "transferred"
	StayCancelled   StayStatus = "cancelled"
)

// Open reports whether the stay still holds a room.
func (s StayStatus) Open() bool { return s == StayAllocated || s == StayCheckedIn }

// Who allocated a stay (Stay.Channel), after seed 004: the police for land
// and sea arrivals, the municipality for air arrivals.
const (
	ChannelBorder       = "border"       // the border officer
	ChannelMunicipality = "municipality" // the municipality's coordinator
)

// Stay is one guest's stay at a quarantine hotel. It takes one room on
// each night from FromDay up to, not including, ToDay (YYYY-MM-DD), unless
// the guest is a child sharing a room with a guardian (GuardianStayID).
type Stay struct {
	ID           int64
	HotelID      int64
	Municipality string // the hotel's
	Receipt      string // the guest's registration
	GuestName    string
	BirthDate    string // YYYY-MM-DD
	Kind         StayKind
	Status       StayStatus
	FromDay      string
	ToDay        string
	Channel      string
	// GuardianStayID is the stay of the guardian a minor shares a room
	// with (seed 004: under 10 sharing with a guardian pay nothing), or 0.
	GuardianStayID int64
	// CarerFor is the stay of the unaccompanied minor this guest is a
	// carer (omsorgsperson) for, or 0 (seed 004).
	CarerFor int64
	// Payer is who pays (PayerTraveller, PayerEmployer, PayerNone); an
	// employer is named by organisation number.
	Payer        string
	EmployerOrg  string
	EmployerName string

	CheckedInAt  *time.Time
	CheckedOutAt *time.Time
	// A transfer to another suitable place records where, the exemption
	// group that allows it and the documents shown (seed 001).
	TransferAddress   string
	TransferGroup     int
	TransferDocuments []string
	Note              string
	AllocatedBy       string
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// TakesRoom reports whether the stay occupies a room of its own.
func (s *Stay) TakesRoom() bool { return s.GuardianStayID == 0 }

// StayFilter selects stays; empty fields match all.
type StayFilter struct {
	Municipality string
	HotelID      int64
	Receipt      string
	Status       StayStatus
	Night        string // stays that take night (YYYY-MM-DD)
	// FromNight and ToNight (YYYY-MM-DD, both set or neither) keep the
	// stays that take a night from FromNight to ToNight, both included.
	FromNight, ToNight string
	Payer              string // stays paid by Payer (PayerEmployer, …)
	Limit              int
	PageToken          string
}

// FeeLine is one night of a fee statement: the rule version in force that
// night, the category it put the guest in, and the amount.
type FeeLine struct {
	Night    string // YYYY-MM-DD: the night that begins that evening
	RuleID   string
	Category string // fee_adult, fee_youth, fee_child_with_guardian, fee_child, fee_employer, isolation
	NOK      int
}

// FeeStatement is what a stay costs, night by night.
type FeeStatement struct {
	Stay     *Stay
	Hotel    *QuarantineHotel
	Payer    string
	Lines    []FeeLine
	TotalNOK int
}

// DispensationPurpose is what a § 6j dispensation is for (seed 001).
type DispensationPurpose string

// The purposes of § 6j.
const (
	PurposeVisitIll DispensationPurpose = "visit_seriously_ill" // besøke nærstående som er alvorlig syk eller døende
	PurposeFuneral  DispensationPurpose = "funeral"             // delta i bisetting eller gravferd
)

// DispensationStatus is where a dispensation is.
type DispensationStatus string

// The dispensation statuses.
const (
	DispensationGranted DispensationStatus = "granted"
	DispensationEnded   DispensationStatus = "ended" // symptoms reported, or revoked
)

// Dispensation is a municipal doctor's dispensation from entry quarantine
// under § 6j (seed 001, seed 004): for one purpose, to visit one close
// relative, at one place, within one time window. It ends at once when the
// person gets symptoms.
type Dispensation struct {
	ID           int64
	Receipt      string
	Municipality string
	Purpose      DispensationPurpose
	Relation     string // a relation of the rule version's list
	RelationNote string // who, for "other_close"
	Place        string
	From         time.Time
	To           time.Time
	RuleID       string
	Status       DispensationStatus
	GrantedBy    string
	EndedAt      *time.Time
	EndReason    string // "symptoms", "revoked"
	CreatedAt    time.Time
}

// ActiveAt reports whether the dispensation lets the person out at t.
func (d *Dispensation) ActiveAt(t time.Time) bool {
	return d.Status == DispensationGranted && !t.Before(d.From) && t.Before(d.To)
}

// Delegation lets a municipal staff member grant § 6j dispensations on the
// municipal officer's behalf ("or their staff as delegated").
type Delegation struct {
	ID           int64
	UserID       int64
	Municipality string
	GrantedBy    string
	CreatedAt    time.Time
	EndedAt      *time.Time
}

// ImpactRun is the re-evaluation of the active quarantines under a rule
// version: when it was computed and whether the affected were notified.
// Evaluated and Changed are the figures of the first computation;
// registrations made after it are added as they are found (Added), and a
// final run at or after the instant the version takes effect
// (FinalAt, FinalEvaluated) re-evaluates every active quarantine once more.
type ImpactRun struct {
	ID         int64
	RuleID     string
	At         time.Time // the instant the version takes effect
	ComputedAt time.Time
	Evaluated  int
	Changed    int
	NotifiedAt *time.Time
	// SweptTo is the creation instant up to which registrations made
	// after the first computation have been looked at.
	SweptTo time.Time
	// Added is how many changes were added after the first computation.
	Added int
	// FinalAt is when the final run took place, nil before it.
	FinalAt *time.Time
	// FinalEvaluated is how many active quarantines the final run
	// re-evaluated.
	FinalEvaluated int
}

// ChangedInForce is how many travellers the change concerns at the
// instant it takes effect, as far as known: the first computation's and
// those added since.
func (r *ImpactRun) ChangedInForce() int { return r.Changed + r.Added }

// ImpactRecipient is a change of an impact run with what the traveller's
// rule-change SMS needs: the phone number ("" when none was given), the
// first name, and the follow-up plan the SMS belongs to (0 when none).
type ImpactRecipient struct {
	Change    ImpactChange
	Phone     string
	FirstName string
	PlanID    int64
}

// ImpactChange is one traveller whose obligations change under a new rule
// version, with a code per change (e.g. "hotel_lifted" with the exemption
// group, "last_day_changed").
type ImpactChange struct {
	RunID        int64
	Receipt      string
	Municipality string
	Changes      []string // codes: hotel_lifted, hotel_required, last_day_changed, scope_changed, quarantine_lifted, fee_changed
	Group        int      // the exemption group that now applies, 0 when none
	OldLastDay   string
	NewLastDay   string
	Language     string
}
