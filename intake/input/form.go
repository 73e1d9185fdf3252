package input

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"beredskap"
	"beredskap/internal/datefmt"
)

// Names of the registration form's fields that are not JSON paths of a
// registration: the arrival as a date and a time, and country codes typed
// rather than ticked.
const (
	FieldArrivalDate    = "arrival_time.date"
	FieldArrivalClock   = "arrival_time.time"
	FieldCountriesOther = "countries_visited.other"
)

// DecodeForm turns the fields of the registration form, named by the JSON
// paths of a registration, into a registration. It never fails: values are
// trimmed and country codes upper-cased, and whatever is still wrong is left
// for validation to report against the field. The arrival date and time are
// read as Europe/Oslo local time and written as an RFC 3339 instant with the
// offset in force then; lists are never nil.
func DecodeForm(form url.Values) *beredskap.Registration {
	text := func(name string) string { return strings.TrimSpace(form.Get(name)) }
	upper := func(name string) string { return strings.ToUpper(text(name)) }
	flag := func(name string) bool {
		v := form.Get(name)
		return v == "true" || v == "on"
	}
	return &beredskap.Registration{
		ArrivalTime: arrivalInstant(text(FieldArrivalDate), text(FieldArrivalClock)),
		Traveller: beredskap.Traveller{
			FirstName:   text("traveller.first_name"),
			LastName:    text("traveller.last_name"),
			BirthDate:   formDate(text("traveller.birth_date")),
			NationalID:  strings.Join(strings.Fields(form.Get("traveller.national_id")), ""),
			Nationality: upper("traveller.nationality"),
			IDDocument: beredskap.IDDocument{
				Type:    text("traveller.id_document.type"),
				Number:  upper("traveller.id_document.number"),
				Country: upper("traveller.id_document.country"),
				Expires: formDate(text("traveller.id_document.expires")),
			},
			Phone:    text("traveller.phone"),
			Email:    text("traveller.email"),
			Language: text("traveller.language"),
		},
		CountriesVisited: countries(form["countries_visited"], form.Get(FieldCountriesOther)),
		Arrival: beredskap.Arrival{
			Mode:  text("arrival.mode"),
			Point: text("arrival.point"),
		},
		Residence:        text("residence"),
		FamilyOfResident: flag("family_of_resident"),
		Purpose:          text("purpose"),
		TripPurpose:      text("trip_purpose"),
		Employer: beredskap.Employer{
			OrgNumber: strings.Join(strings.Fields(form.Get("employer.org_number")), ""),
			Name:      text("employer.name"),
		},
		Accommodation: beredskap.Accommodation{
			Type: text("accommodation.type"),
			Address: beredskap.Address{
				Street:       text("accommodation.address.street"),
				PostalCode:   text("accommodation.address.postal_code"),
				Municipality: text("accommodation.address.municipality"),
			},
			SingleRoom:                  flag("accommodation.single_room"),
			OwnBathroom:                 flag("accommodation.own_bathroom"),
			OwnKitchenOrMeals:           flag("accommodation.own_kitchen_or_meals"),
			TVAndInternet:               flag("accommodation.tv_and_internet"),
			CloseContactAvoidable:       flag("accommodation.close_contact_avoidable"),
			HouseholdTravellingTogether: flag("accommodation.household_travelling_together"),
		},
		RoomWithGuardian:       flag("room_with_guardian"),
		ExemptionsClaimed:      nonEmpty(form["exemptions_claimed"]),
		CriticalFunctionSector: text("critical_function_sector"),
		Documents:              nonEmpty(form["documents"]),
		Destination:            text("destination"),
		CovidCertificate: beredskap.CovidCertificate{
			Status: text("covid_certificate.status"),
			System: text("covid_certificate.system"),
		},
	}
}

// arrivalInstant joins a date (YYYY-MM-DD, or DD.MM.YYYY as typed where a
// browser has no date picker) and a time (HH:MM) given in Europe/Oslo into
// an RFC 3339 instant. What cannot be read is passed on as typed, so that
// validation reports it.
func arrivalInstant(date, clock string) string {
	if date == "" && clock == "" {
		return ""
	}
	date = formDate(date)
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02 15.04"} {
		if t, err := time.ParseInLocation(layout, date+" "+clock, datefmt.Oslo); err == nil {
			return t.Format(time.RFC3339)
		}
	}
	return strings.TrimSpace(date + " " + clock)
}

// formDate returns a date typed as DD.MM.YYYY written as YYYY-MM-DD, and
// anything else unchanged.
func formDate(s string) string {
	if t, err := time.Parse("2.1.2006", s); err == nil {
		return t.Format(time.DateOnly)
	}
	return s
}

// countries joins the ticked countries and the codes typed in the "other"
// field (separated by commas, semicolons or spaces), upper-cased, without
// repeats, in the order given.
func countries(ticked []string, other string) []string {
	out := []string{}
	add := func(c string) {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	for _, c := range ticked {
		add(c)
	}
	for _, c := range strings.FieldsFunc(other, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r' }) {
		add(c)
	}
	return out
}

// nonEmpty returns the non-empty values, never nil.
func nonEmpty(vs []string) []string {
	out := []string{}
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
