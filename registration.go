package beredskap

// Registration is one traveller's entry registration (innreiseregistrering),
// exactly as the public JSON contract gives it. Dates and instants are kept as
// the strings the traveller sent; Validate checks them and ArrivalInstant and
// BirthDate parse them.
type Registration struct {
	ArrivalTime      string    `json:"arrival_time"`
	Traveller        Traveller `json:"traveller"`
	CountriesVisited []string  `json:"countries_visited"`
	Arrival          Arrival   `json:"arrival"`
	Residence        string    `json:"residence"`
	FamilyOfResident bool      `json:"family_of_resident"`
	Purpose          string    `json:"purpose"`
	// TripPurpose is why a traveller who lives in Norway went abroad, when
	// given: the rules of 29 March to 26 May 2021 exempt a resident from the
	// quarantine hotel only after a necessary trip. Optional; empty means
	// not stated, which those rules read as not shown to be necessary.
	TripPurpose            string        `json:"trip_purpose,omitempty"`
	Employer               Employer      `json:"employer"`
	Accommodation          Accommodation `json:"accommodation"`
	RoomWithGuardian       bool          `json:"room_with_guardian"`
	ExemptionsClaimed      []string      `json:"exemptions_claimed"`
	CriticalFunctionSector string        `json:"critical_function_sector"`
	Documents              []string      `json:"documents"`
	Destination            string        `json:"destination"`
	// CovidCertificate is the corona certificate the traveller can show at
	// the border, when given: from June 2021 a verifiable certificate of
	// full vaccination or of covid-19 in the last six months exempts from
	// entry quarantine. Optional; the zero value means none.
	CovidCertificate CovidCertificate `json:"covid_certificate,omitzero"`
}

// CovidCertificate is a verifiable corona certificate: what it shows
// (Status) and the system that issued it (System). Both are given, or
// neither.
type CovidCertificate struct {
	Status string `json:"status"`
	System string `json:"system"`
}

// Traveller is the person who registers (den innreisende).
type Traveller struct {
	FirstName   string     `json:"first_name"`
	LastName    string     `json:"last_name"`
	BirthDate   string     `json:"birth_date"`
	NationalID  string     `json:"national_id"`
	Nationality string     `json:"nationality"`
	IDDocument  IDDocument `json:"id_document"`
	Phone       string     `json:"phone"`
	Email       string     `json:"email"`
	Language    string     `json:"language"`
}

// IDDocument is the identity document the traveller carries.
type IDDocument struct {
	Type    string `json:"type"`
	Number  string `json:"number"`
	Country string `json:"country"`
	Expires string `json:"expires"`
}

// Arrival says how and where the traveller crosses the border.
type Arrival struct {
	Mode  string `json:"mode"`
	Point string `json:"point"`
}

// Employer is the employer or client of a traveller who comes to work.
type Employer struct {
	OrgNumber string `json:"org_number"`
	Name      string `json:"name"`
}

// Accommodation is the place of quarantine (karantenested) and its features.
type Accommodation struct {
	Type                        string  `json:"type"`
	Address                     Address `json:"address"`
	SingleRoom                  bool    `json:"single_room"`
	OwnBathroom                 bool    `json:"own_bathroom"`
	OwnKitchenOrMeals           bool    `json:"own_kitchen_or_meals"`
	TVAndInternet               bool    `json:"tv_and_internet"`
	CloseContactAvoidable       bool    `json:"close_contact_avoidable"`
	HouseholdTravellingTogether bool    `json:"household_travelling_together"`
}

// Address is a Norwegian address; Municipality is the four-digit
// municipality number, derived from the postal code when left empty.
type Address struct {
	Street       string `json:"street"`
	PostalCode   string `json:"postal_code"`
	Municipality string `json:"municipality"`
}

// Values of Registration.Residence.
const (
	ResidenceRegistered    = "registered_resident"
	ResidencePermanentHome = "permanent_home"
	ResidenceNone          = "none"
)

// Values of Registration.Purpose.
const (
	PurposeWork            = "work"
	PurposeAsylumSeeker    = "asylum_seeker"
	PurposeTransferRefugee = "transfer_refugee"
	PurposeOther           = "other"
)

// Values of Registration.TripPurpose: a work trip (confirmed by the
// employer or client), travel home from studies abroad, a trip for strong
// welfare reasons (such as visitation with one's minor children, a close
// relative's funeral, a visit to a close relative who is dying or
// seriously ill), or a leisure trip that was not necessary.
const (
	TripWork          = "work_trip"
	TripStudiesAbroad = "studies_abroad"
	TripWelfare       = "strong_welfare_reasons"
	TripLeisure       = "leisure"
)

// Values of CovidCertificate.Status: fully vaccinated, or recovered from
// covid-19 in the last six months.
const (
	CertificateVaccinated = "vaccinated"
	CertificateRecovered  = "recovered"
)

// Values of CovidCertificate.System: the Norwegian corona certificate
// (helsenorge.no), or a certificate under the EU's rules for digital
// COVID certificates (which the Swedish and Danish ones joined).
const (
	CertificateNorwegian = "norwegian"
	CertificateEU        = "eu"
)

// Values of Accommodation.Type.
const (
	AccommodationOwnHome         = "own_home"
	AccommodationFamilyHome      = "family_home"
	AccommodationEmployer        = "employer_provided"
	AccommodationOtherSuitable   = "other_suitable"
	AccommodationOrdinaryHotel   = "ordinary_hotel"
	AccommodationQuarantineHotel = "quarantine_hotel"
	AccommodationNone            = "none"
)

// Values of Registration.ExemptionsClaimed.
const (
	ExemptionRecovered          = "recovered_last_6_months"
	ExemptionVisitation         = "parent_child_visitation"
	ExemptionInvitedByState     = "invited_by_state"
	ExemptionCommuter           = "cross_border_commuter"
	ExemptionCriticalFunction   = "critical_function"
	ExemptionReindeerHerding    = "reindeer_herding"
	ExemptionTransportPersonnel = "transport_personnel"
	ExemptionSpecialArrangement = "special_arrangement"
)

// Values of Registration.Destination.
const (
	DestinationMainland = "mainland"
	DestinationSvalbard = "svalbard"
	DestinationJanMayen = "jan_mayen"
)

// Values of Arrival.Mode.
const (
	ModeAir  = "air"
	ModeLand = "land"
	ModeSea  = "sea"
)

// Enumerations lists the allowed values of every enumerated field, by the
// JSON path of the field. Forms, the OpenAPI document and Validate read it.
var Enumerations = map[string][]string{
	"residence":                {ResidenceRegistered, ResidencePermanentHome, ResidenceNone},
	"purpose":                  {PurposeWork, PurposeAsylumSeeker, PurposeTransferRefugee, PurposeOther},
	"trip_purpose":             {TripWork, TripStudiesAbroad, TripWelfare, TripLeisure},
	"covid_certificate.status": {CertificateVaccinated, CertificateRecovered},
	"covid_certificate.system": {CertificateNorwegian, CertificateEU},
	"accommodation.type": {AccommodationOwnHome, AccommodationFamilyHome, AccommodationEmployer,
		AccommodationOtherSuitable, AccommodationOrdinaryHotel, AccommodationQuarantineHotel, AccommodationNone},
	"exemptions_claimed": {ExemptionRecovered, ExemptionVisitation, ExemptionInvitedByState, ExemptionCommuter,
		ExemptionCriticalFunction, ExemptionReindeerHerding, ExemptionTransportPersonnel, ExemptionSpecialArrangement},
	"critical_function_sector": {"governance_and_crisis_management", "defence", "law_and_order", "health_and_care",
		"rescue_services", "digital_security", "nature_and_environment", "security_of_supply", "water_and_sewage",
		"financial_services", "power_supply", "electronic_communications", "transport", "satellite_services",
		"pharmacies", "cleaning"},
	"documents": {"tax_record", "municipal_fees", "land_registry", "lease_contract", "marriage_certificate",
		"birth_certificate", "employer_confirmation", "accommodation_confirmation", "recovery_proof",
		"visitation_agreement", "invitation", "management_confirmation", "commuter_confirmation",
		"labour_inspection_approval", "study_confirmation", "welfare_documentation"},
	"destination":                {DestinationMainland, DestinationSvalbard, DestinationJanMayen},
	"arrival.mode":               {ModeAir, ModeLand, ModeSea},
	"traveller.id_document.type": {"passport", "national_id_card", "driving_licence", "other"},
	"traveller.language":         {"nb", "nn", "en", "pl", "lt", "ro", "de", "ru", "ar", "sv", "uk"},
}
