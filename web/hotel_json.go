package web

import (
	"time"

	"beredskap"
	"beredskap/hotel"
)

// hotelJSON is a quarantine hotel as the API shows it.
type hotelJSON struct {
	ID           int64     `json:"id"`
	Municipality string    `json:"municipality"`
	Name         string    `json:"name"`
	Address      string    `json:"address"`
	PostalCode   string    `json:"postal_code"`
	ContactName  string    `json:"contact_name"`
	ContactEmail string    `json:"contact_email"`
	ContactPhone string    `json:"contact_phone"`
	Rooms        int       `json:"rooms"`
	Isolation    bool      `json:"isolation"`
	Active       bool      `json:"active"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func hotelOf(h *beredskap.QuarantineHotel) hotelJSON {
	return hotelJSON{ID: h.ID, Municipality: h.Municipality, Name: h.Name, Address: h.Address, PostalCode: h.PostalCode,
		ContactName: h.ContactName, ContactEmail: h.ContactEmail, ContactPhone: h.ContactPhone, Rooms: h.Rooms,
		Isolation: h.Isolation, Active: h.Active, CreatedAt: h.CreatedAt, UpdatedAt: h.UpdatedAt}
}

// hotelInputJSON is a hotel as the API receives it.
type hotelInputJSON struct {
	Municipality string `json:"municipality"`
	Name         string `json:"name"`
	Address      string `json:"address"`
	PostalCode   string `json:"postal_code"`
	ContactName  string `json:"contact_name"`
	ContactEmail string `json:"contact_email"`
	ContactPhone string `json:"contact_phone"`
	Rooms        int    `json:"rooms"`
	Isolation    bool   `json:"isolation"`
	Active       bool   `json:"active"`
}

func (in hotelInputJSON) input() hotel.HotelInput {
	return hotel.HotelInput{Municipality: in.Municipality, Name: in.Name, Address: in.Address, PostalCode: in.PostalCode,
		ContactName: in.ContactName, ContactEmail: in.ContactEmail, ContactPhone: in.ContactPhone, Rooms: in.Rooms,
		Isolation: in.Isolation, Active: in.Active}
}

// capacityInputJSON sets a hotel's rooms for a range of nights.
type capacityInputJSON struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Rooms int    `json:"rooms"`
}

// capacityJSON is a stored capacity change.
type capacityJSON struct {
	ID        int64     `json:"id"`
	HotelID   int64     `json:"hotel_id"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Rooms     int       `json:"rooms"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

func capacityOf(c *beredskap.CapacityChange) capacityJSON {
	return capacityJSON{ID: c.ID, HotelID: c.HotelID, From: c.From, To: c.To, Rooms: c.Rooms, CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt}
}

// nightJSON is one night of a hotel's rooms.
type nightJSON struct {
	Night string `json:"night"`
	Rooms int    `json:"rooms"`
	Taken int    `json:"taken"`
	Free  int    `json:"free"`
}

// availabilityJSON is a hotel with its rooms per night.
type availabilityJSON struct {
	Hotel   hotelJSON   `json:"hotel"`
	MinFree int         `json:"min_free"`
	Nights  []nightJSON `json:"nights"`
}

func availabilityOf(av *hotel.Availability) availabilityJSON {
	out := availabilityJSON{Hotel: hotelOf(av.Hotel), MinFree: av.MinFree, Nights: []nightJSON{}}
	for _, n := range av.Nights {
		out.Nights = append(out.Nights, nightJSON(n))
	}
	return out
}

// stayJSON is a stay as the API shows it.
type stayJSON struct {
	ID                int64      `json:"id"`
	HotelID           int64      `json:"hotel_id"`
	Municipality      string     `json:"municipality"`
	Receipt           string     `json:"receipt"`
	GuestName         string     `json:"guest_name"`
	BirthDate         string     `json:"birth_date"`
	Kind              string     `json:"kind"`
	Status            string     `json:"status"`
	FromDay           string     `json:"from_day"`
	ToDay             string     `json:"to_day"`
	Channel           string     `json:"channel"`
	GuardianStayID    int64      `json:"guardian_stay_id"`
	CarerFor          int64      `json:"carer_for"`
	Payer             string     `json:"payer"`
	EmployerOrg       string     `json:"employer_org"`
	EmployerName      string     `json:"employer_name"`
	CheckedInAt       *time.Time `json:"checked_in_at"`
	CheckedOutAt      *time.Time `json:"checked_out_at"`
	TransferAddress   string     `json:"transfer_address"`
	TransferGroup     int        `json:"transfer_group"`
	TransferDocuments []string   `json:"transfer_documents"`
	Note              string     `json:"note"`
	AllocatedBy       string     `json:"allocated_by"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

func stayOf(s *beredskap.Stay) stayJSON {
	out := stayJSON{ID: s.ID, HotelID: s.HotelID, Municipality: s.Municipality, Receipt: s.Receipt, GuestName: s.GuestName,
		BirthDate: s.BirthDate, Kind: string(s.Kind), Status: string(s.Status), FromDay: s.FromDay, ToDay: s.ToDay,
		Channel: s.Channel, GuardianStayID: s.GuardianStayID, CarerFor: s.CarerFor, Payer: s.Payer, EmployerOrg: s.EmployerOrg,
		EmployerName: s.EmployerName, CheckedInAt: s.CheckedInAt, CheckedOutAt: s.CheckedOutAt,
		TransferAddress: s.TransferAddress, TransferGroup: s.TransferGroup, TransferDocuments: s.TransferDocuments,
		Note: s.Note, AllocatedBy: s.AllocatedBy, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
	if out.TransferDocuments == nil {
		out.TransferDocuments = []string{}
	}
	return out
}

// stayListJSON is the body of GET /api/v1/stays.
type stayListJSON struct {
	Items         []stayJSON `json:"items"`
	NextPageToken string     `json:"next_page_token,omitempty"`
}

// allocateJSON asks for a room.
type allocateJSON struct {
	Receipt        string `json:"receipt"`
	HotelID        int64  `json:"hotel_id"`
	FromDay        string `json:"from_day"`
	ToDay          string `json:"to_day"`
	GuardianStayID int64  `json:"guardian_stay_id"`
	CarerFor       int64  `json:"carer_for"`
	Note           string `json:"note"`
}

// isolationJSON asks for an isolation stay.
type isolationJSON struct {
	Receipt string `json:"receipt"`
	HotelID int64  `json:"hotel_id"`
	FromDay string `json:"from_day"`
	ToDay   string `json:"to_day"`
	Note    string `json:"note"`
}

// atJSON is the instant of a check-in, check-out or departure; now when
// empty.
type atJSON struct {
	At string `json:"at"`
}

// cancelJSON cancels a stay.
type cancelJSON struct {
	Note string `json:"note"`
}

// transferJSON records a move to another suitable place.
type transferJSON struct {
	Address           string   `json:"address"`
	PostalCode        string   `json:"postal_code"`
	Group             int      `json:"group"`
	Documents         []string `json:"documents"`
	AccommodationType string   `json:"accommodation_type"`
	At                string   `json:"at"`
}

// transferResultJSON is a recorded transfer with the decision
// re-evaluated.
type transferResultJSON struct {
	Stay            stayJSON           `json:"stay"`
	Decision        beredskap.Decision `json:"decision"`
	QuarantineEnded bool               `json:"quarantine_ended"`
}

// feeLineJSON is one night of a fee statement.
type feeLineJSON struct {
	Night    string `json:"night"`
	RuleID   string `json:"rule_id"`
	Category string `json:"category"`
	NOK      int    `json:"nok"`
}

// feeStatementJSON is a stay's fee statement.
type feeStatementJSON struct {
	Stay     stayJSON      `json:"stay"`
	Hotel    hotelJSON     `json:"hotel"`
	Payer    string        `json:"payer"`
	Lines    []feeLineJSON `json:"lines"`
	TotalNOK int           `json:"total_nok"`
}

func feeStatementOf(st *beredskap.FeeStatement) feeStatementJSON {
	out := feeStatementJSON{Stay: stayOf(st.Stay), Hotel: hotelOf(st.Hotel), Payer: st.Payer, Lines: []feeLineJSON{},
		TotalNOK: st.TotalNOK}
	for _, l := range st.Lines {
		out.Lines = append(out.Lines, feeLineJSON(l))
	}
	return out
}

// invoiceLineJSON is one stay of an employer invoice.
type invoiceLineJSON struct {
	StayID    int64  `json:"stay_id"`
	Receipt   string `json:"receipt"`
	GuestName string `json:"guest_name"`
	HotelName string `json:"hotel_name"`
	FromNight string `json:"from_night"`
	ToNight   string `json:"to_night"`
	Nights    int    `json:"nights"`
	NOK       int    `json:"nok"`
}

// invoiceJSON is what one employer owes.
type invoiceJSON struct {
	OrgNumber string            `json:"org_number"`
	Name      string            `json:"name"`
	Lines     []invoiceLineJSON `json:"lines"`
	TotalNOK  int               `json:"total_nok"`
}

func invoiceOf(inv *hotel.EmployerInvoice) invoiceJSON {
	out := invoiceJSON{OrgNumber: inv.OrgNumber, Name: inv.Name, Lines: []invoiceLineJSON{}, TotalNOK: inv.TotalNOK}
	for _, l := range inv.Lines {
		out.Lines = append(out.Lines, invoiceLineJSON(l))
	}
	return out
}

// dispensationJSON is a § 6j dispensation as the API shows it.
type dispensationJSON struct {
	ID           int64      `json:"id"`
	Receipt      string     `json:"receipt"`
	Municipality string     `json:"municipality"`
	Purpose      string     `json:"purpose"`
	Relation     string     `json:"relation"`
	RelationNote string     `json:"relation_note"`
	Place        string     `json:"place"`
	From         time.Time  `json:"from"`
	To           time.Time  `json:"to"`
	RuleID       string     `json:"rule_id"`
	Status       string     `json:"status"`
	GrantedBy    string     `json:"granted_by"`
	EndedAt      *time.Time `json:"ended_at"`
	EndReason    string     `json:"end_reason"`
	CreatedAt    time.Time  `json:"created_at"`
}

func dispensationOf(d *beredskap.Dispensation) dispensationJSON {
	return dispensationJSON{ID: d.ID, Receipt: d.Receipt, Municipality: d.Municipality, Purpose: string(d.Purpose),
		Relation: d.Relation, RelationNote: d.RelationNote, Place: d.Place, From: d.From, To: d.To, RuleID: d.RuleID,
		Status: string(d.Status), GrantedBy: d.GrantedBy, EndedAt: d.EndedAt, EndReason: d.EndReason, CreatedAt: d.CreatedAt}
}

// dispensationInputJSON asks for a dispensation; from and to are RFC
// 3339 instants.
type dispensationInputJSON struct {
	Receipt      string `json:"receipt"`
	Purpose      string `json:"purpose"`
	Relation     string `json:"relation"`
	RelationNote string `json:"relation_note"`
	Place        string `json:"place"`
	From         string `json:"from"`
	To           string `json:"to"`
}

// endJSON ends a dispensation: reason symptoms or revoked.
type endJSON struct {
	Reason string `json:"reason"`
}

// delegationJSON is a delegation as the API shows it.
type delegationJSON struct {
	ID           int64      `json:"id"`
	UserID       int64      `json:"user_id"`
	Municipality string     `json:"municipality"`
	GrantedBy    string     `json:"granted_by"`
	CreatedAt    time.Time  `json:"created_at"`
	EndedAt      *time.Time `json:"ended_at"`
}

func delegationOf(d *beredskap.Delegation) delegationJSON {
	return delegationJSON{ID: d.ID, UserID: d.UserID, Municipality: d.Municipality, GrantedBy: d.GrantedBy,
		CreatedAt: d.CreatedAt, EndedAt: d.EndedAt}
}

// delegateJSON asks for a delegation; municipality "" is the caller's.
type delegateJSON struct {
	UserID       int64  `json:"user_id"`
	Municipality string `json:"municipality"`
}

// impactRunJSON is a run of rule-change impact: the figures of its first
// computation (evaluated, changed), the changes added since
// (changed_in_force counts them all) and the final run at the instant the
// version takes effect (final_at, null before it; final_evaluated).
type impactRunJSON struct {
	ID             int64      `json:"id"`
	RuleID         string     `json:"rule_id"`
	At             time.Time  `json:"at"`
	ComputedAt     time.Time  `json:"computed_at"`
	Evaluated      int        `json:"evaluated"`
	Changed        int        `json:"changed"`
	NotifiedAt     *time.Time `json:"notified_at"`
	Added          int        `json:"added"`
	ChangedInForce int        `json:"changed_in_force"`
	FinalAt        *time.Time `json:"final_at"`
	FinalEvaluated int        `json:"final_evaluated"`
}

func impactRunOf(r *beredskap.ImpactRun) impactRunJSON {
	return impactRunJSON{ID: r.ID, RuleID: r.RuleID, At: r.At, ComputedAt: r.ComputedAt, Evaluated: r.Evaluated,
		Changed: r.Changed, NotifiedAt: r.NotifiedAt, Added: r.Added, ChangedInForce: r.ChangedInForce(),
		FinalAt: r.FinalAt, FinalEvaluated: r.FinalEvaluated}
}

// impactChangeJSON is one traveller whose obligations change.
type impactChangeJSON struct {
	Receipt      string   `json:"receipt"`
	Municipality string   `json:"municipality"`
	Changes      []string `json:"changes"`
	Group        int      `json:"group"`
	OldLastDay   string   `json:"old_last_day"`
	NewLastDay   string   `json:"new_last_day"`
	Language     string   `json:"language"`
	Description  []string `json:"description"`
}

// impactChangesJSON is the body of GET /api/v1/rule-impact/changes.
type impactChangesJSON struct {
	Run       impactRunJSON      `json:"run"`
	Items     []impactChangeJSON `json:"items"`
	NextAfter string             `json:"next_after,omitempty"`
}

// impactComputeJSON asks for the impact of the rule version in force at
// an RFC 3339 instant.
type impactComputeJSON struct {
	At string `json:"at"`
}

// notifiedJSON says how many SMS a notification queued.
type notifiedJSON struct {
	Queued int `json:"queued"`
}

// itemsJSON is a list body without paging.
type itemsJSON[T any] struct {
	Items []T `json:"items"`
}
