package hotel

import (
	"time"

	"beredskap"
)

// NightRooms is one night of a hotel's capacity: the rooms it has that
// night (QuarantineHotel.Rooms or the newest CapacityChange), how many open
// stays take, and how many are free (never below 0).
type NightRooms struct {
	Night string // YYYY-MM-DD
	Rooms int
	Taken int
	Free  int
}

// Availability is a hotel with its rooms per night over a date range.
// MinFree is the fewest free rooms of any night: the hotel can take a new
// guest for the whole range when it is above 0.
type Availability struct {
	Hotel   *beredskap.QuarantineHotel
	Nights  []NightRooms
	MinFree int
}

// HotelInput is what CreateHotel and UpdateHotel store. Municipality is
// used by CreateHotel only; "" means the actor's own.
type HotelInput struct {
	Municipality string
	Name         string
	Address      string
	PostalCode   string
	ContactName  string
	ContactEmail string
	ContactPhone string
	Rooms        int
	Isolation    bool
	Active       bool
}

// AllocateRequest asks for a room for a registered traveller.
type AllocateRequest struct {
	// Receipt is the traveller's registration receipt.
	Receipt string
	HotelID int64
	// FromDay is the first night (YYYY-MM-DD); the arrival day when "".
	FromDay string
	// ToDay is the day the guest leaves (not a night of the stay); the
	// decision's last day of quarantine when "".
	ToDay string
	// GuardianStayID, for a minor, is the open stay of the guardian whose
	// room the child shares: the child takes no room of its own.
	GuardianStayID int64
	// CarerFor is the open stay of the unaccompanied minor this guest is a
	// carer (omsorgsperson) for; the carer is then the receipt's holder.
	CarerFor int64
	Note     string
}

// IsolationRequest asks for an isolation stay (free of charge, at a hotel
// that takes isolation) for an infected guest; an open quarantine stay of
// the receipt ends the day the isolation starts.
type IsolationRequest struct {
	Receipt string
	HotelID int64
	FromDay string // "" for today (Europe/Oslo)
	ToDay   string // the day the isolation is expected to end
	Note    string
}

// TransferRequest records a guest's move to another suitable place (seed
// 001: "kan du forflytte deg til anna egna opphaldsstad … dokumentere
// tilgang").
type TransferRequest struct {
	Address    string
	PostalCode string
	// Group is the exemption group (1–6) that allows the move.
	Group int
	// Documents are the codes of the documents shown; they must satisfy
	// the group's requirements in the rule version in force at At.
	Documents []string
	// AccommodationType is the kind of place (accommodation.type); when
	// "" it follows from the group: 1 own_home, 2 family_home, 3
	// employer_provided, 4 other_suitable, 5 and 6 none.
	AccommodationType string
	// At is the instant of the move; now when zero.
	At time.Time
}

// TransferResult is a recorded transfer and the traveller's decision
// re-evaluated under the rules in force at the move with the new place and
// documents. The stored registration is never changed.
type TransferResult struct {
	Stay     *beredskap.Stay
	Decision beredskap.Decision
	// QuarantineEnded says the new decision requires no quarantine any
	// more, so the follow-up plan was ended.
	QuarantineEnded bool
}

// EmployerInvoice is what one employer (by organisation number) owes for
// its workers' nights over a period.
type EmployerInvoice struct {
	OrgNumber string
	Name      string
	Lines     []InvoiceLine
	TotalNOK  int
}

// InvoiceLine is one stay's nights within the period.
type InvoiceLine struct {
	StayID    int64
	Receipt   string
	GuestName string
	HotelName string
	FromNight string
	ToNight   string
	Nights    int
	NOK       int
}

// DispensationRequest asks for a § 6j dispensation (seed 001).
type DispensationRequest struct {
	Receipt      string
	Purpose      beredskap.DispensationPurpose
	Relation     string // one of the rule version's relations
	RelationNote string
	Place        string
	From         time.Time
	To           time.Time
}
