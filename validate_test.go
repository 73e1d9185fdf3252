package beredskap_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"beredskap"
)

var now = time.Date(2021, 1, 10, 12, 0, 0, 0, time.UTC)

// contractExample is the registration of docs/contract.md.
func contractExample() beredskap.Registration {
	return beredskap.Registration{
		ArrivalTime: "2020-12-20T14:30:00+01:00",
		Traveller: beredskap.Traveller{
			FirstName: "Anna", LastName: "Kowalska", BirthDate: "1990-05-17", Nationality: "PL",
			IDDocument: beredskap.IDDocument{Type: "passport", Number: "EA1234567", Country: "PL", Expires: "2027-01-31"},
			Phone:      "+48601234567", Email: "anna@example.com", Language: "pl",
		},
		CountriesVisited: []string{"PL", "DE"},
		Arrival:          beredskap.Arrival{Mode: "air", Point: "OSL"},
		Residence:        "none",
		Purpose:          "other",
		Accommodation: beredskap.Accommodation{
			Type:       "other_suitable",
			Address:    beredskap.Address{Street: "Storgata 1", PostalCode: "0155", Municipality: "0301"},
			SingleRoom: true, OwnBathroom: true, OwnKitchenOrMeals: true, CloseContactAvoidable: true,
		},
		ExemptionsClaimed: []string{},
		Documents:         []string{"accommodation_confirmation"},
		Destination:       "mainland",
	}
}

func TestValidateAcceptsContractExample(t *testing.T) {
	r := contractExample()
	if err := r.Validate(now); err != nil {
		t.Fatalf("Validate(contract example) = %v", err)
	}
}

func TestValidateNamesTheField(t *testing.T) {
	tests := []struct {
		name   string
		change func(*beredskap.Registration)
		field  string
		reason string
	}{
		{"no arrival", func(r *beredskap.Registration) { r.ArrivalTime = "" }, "arrival_time", "required"},
		{"arrival not RFC 3339", func(r *beredskap.Registration) { r.ArrivalTime = "20.12.2020 14:30" }, "arrival_time", "format_instant"},
		{"arrival before 2020", func(r *beredskap.Registration) { r.ArrivalTime = "2019-12-31T10:00:00Z" }, "arrival_time", "out_of_range"},
		{"birth date in the future", func(r *beredskap.Registration) { r.Traveller.BirthDate = "2030-01-01" }, "traveller.birth_date", "future"},
		{"birth date not a date", func(r *beredskap.Registration) { r.Traveller.BirthDate = "1990-02-30" }, "traveller.birth_date", "format_date"},
		{"no first name", func(r *beredskap.Registration) { r.Traveller.FirstName = "  " }, "traveller.first_name", "required"},
		{"name too long", func(r *beredskap.Registration) { r.Traveller.LastName = strings.Repeat("å", 101) }, "traveller.last_name", "too_long"},
		{"control character", func(r *beredskap.Registration) { r.Traveller.LastName = "Nowak\x00" }, "traveller.last_name", "format_text"},
		{"national id not digits", func(r *beredskap.Registration) { r.Traveller.NationalID = "1234" }, "traveller.national_id", "format_national_id"},
		{"countries missing", func(r *beredskap.Registration) { r.CountriesVisited = nil }, "countries_visited", "required"},
		{"country lower case", func(r *beredskap.Registration) { r.CountriesVisited = []string{"PL", "de"} }, "countries_visited[1]", "unknown_area"},
		// Issue 14: reserved, replaced and grouping codes are not countries.
		{"country XX", func(r *beredskap.Registration) { r.CountriesVisited = []string{"XX"} }, "countries_visited[0]", "unknown_area"},
		{"country UK", func(r *beredskap.Registration) { r.CountriesVisited = []string{"PL", "UK"} }, "countries_visited[1]", "unknown_area"},
		{"country EU", func(r *beredskap.Registration) { r.CountriesVisited = []string{"EU"} }, "countries_visited[0]", "unknown_area"},
		{"area not classified on its own", func(r *beredskap.Registration) { r.CountriesVisited = []string{"GB-ENG"} }, "countries_visited[0]", "unknown_area"},
		{"area that does not exist", func(r *beredskap.Registration) { r.CountriesVisited = []string{"FI-99"} }, "countries_visited[0]", "unknown_area"},
		{"nationality EZ", func(r *beredskap.Registration) { r.Traveller.Nationality = "EZ" }, "traveller.nationality", "format_country"},
		{"document issuer UN", func(r *beredskap.Registration) { r.Traveller.IDDocument.Country = "UN" }, "traveller.id_document.country", "format_country"},
		{"born after arrival", func(r *beredskap.Registration) { r.Traveller.BirthDate = "2020-12-21" }, "traveller.birth_date", "after_arrival"},
		{"unknown residence", func(r *beredskap.Registration) { r.Residence = "maybe" }, "residence", "unknown_value"},
		{"unknown document", func(r *beredskap.Registration) { r.Documents = []string{"selfie"} }, "documents[0]", "unknown_value"},
		{"duplicate exemption", func(r *beredskap.Registration) {
			r.ExemptionsClaimed = []string{"invited_by_state", "invited_by_state"}
		}, "exemptions_claimed[1]", "duplicate"},
		{"sector missing", func(r *beredskap.Registration) {
			r.ExemptionsClaimed = []string{"critical_function"}
		}, "critical_function_sector", "required"},
		{"postal code letters", func(r *beredskap.Registration) { r.Accommodation.Address.PostalCode = "O155" }, "accommodation.address.postal_code", "format_postal_code"},
		{"org number short", func(r *beredskap.Registration) { r.Employer.OrgNumber = "12345" }, "employer.org_number", "format_org_number"},
		{"bad e-mail", func(r *beredskap.Registration) { r.Traveller.Email = "anna@" }, "traveller.email", "format_email"},
		{"no destination", func(r *beredskap.Registration) { r.Destination = "" }, "destination", "required"},
		// The trip purpose is optional (empty passes) but only its listed values.
		{"unknown trip purpose", func(r *beredskap.Registration) { r.TripPurpose = "holiday" }, "trip_purpose", "unknown_value"},
		// The corona certificate is optional, but what it shows and its
		// system come together, each one of its listed values.
		{"certificate without system", func(r *beredskap.Registration) {
			r.CovidCertificate = beredskap.CovidCertificate{Status: "vaccinated"}
		}, "covid_certificate.system", "required"},
		{"certificate without status", func(r *beredskap.Registration) {
			r.CovidCertificate = beredskap.CovidCertificate{System: "eu"}
		}, "covid_certificate.status", "required"},
		{"unknown certificate status", func(r *beredskap.Registration) {
			r.CovidCertificate = beredskap.CovidCertificate{Status: "first_dose", System: "norwegian"}
		}, "covid_certificate.status", "unknown_value"},
		{"unknown certificate system", func(r *beredskap.Registration) {
			r.CovidCertificate = beredskap.CovidCertificate{Status: "recovered", System: "US"}
		}, "covid_certificate.system", "unknown_value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := contractExample()
			tt.change(&r)
			err := r.Validate(now)
			var e *beredskap.Error
			if !errors.As(err, &e) {
				t.Fatalf("Validate() = %v; want *beredskap.Error", err)
			}
			if e.Code != beredskap.EINVALID || e.Field != tt.field || e.Reason != tt.reason {
				t.Errorf("got code %q field %q reason %q; want invalid %q %q", e.Code, e.Field, e.Reason, tt.field, tt.reason)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	r := contractExample()
	r.Traveller.FirstName = ""
	r.Purpose = "tourism"
	r.Destination = "moon"
	var e *beredskap.Error
	if !errors.As(r.Validate(now), &e) {
		t.Fatal("want an error")
	}
	var fields []string
	for _, p := range e.Problems {
		fields = append(fields, p.Field)
	}
	if got, want := strings.Join(fields, ","), "traveller.first_name,purpose,destination"; got != want {
		t.Errorf("problems on %s; want %s", got, want)
	}
}

// Issue 14: Åland may be given as AX or FI-01; Svalbard and Jan Mayen as
// SJ; XK is Kosovo. A child born on the day of arrival is valid.
func TestValidateAcceptsAreasAndCountries(t *testing.T) {
	r := contractExample()
	r.CountriesVisited = []string{"AX", "FI-01", "SE-AB", "DK-84", "SJ", "XK", "GB"}
	r.Traveller.BirthDate = r.ArrivalTime[:10]
	if err := r.Validate(now); err != nil {
		t.Fatal(err)
	}
	cs := beredskap.Countries()
	if len(cs) != 250 || !slices.IsSorted(cs) || slices.Contains(cs, "UK") || slices.Contains(cs, "EU") || !slices.Contains(cs, "NO") {
		t.Errorf("Countries() has %d codes (want the 249 of ISO 3166-1 and XK), sorted %v", len(cs), slices.IsSorted(cs))
	}
}
