package beredskap

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on what one registration may hold.
const (
	MaxNameLength    = 100
	MaxTextLength    = 200
	MaxListLength    = 60
	maxBirthYearsAgo = 130
)

// Validate checks the shape of every field: presence, lengths, formats and
// enumerated values, and that dates are real and the birth date is not after
// now. It returns nil or an EINVALID *Error listing every problem. Checks that
// need reference data (national identity numbers, postal codes, phone numbers)
// are made by the intake package on top of this.
func (r *Registration) Validate(now time.Time) error {
	var ps Problems
	arrival, err := time.Parse(time.RFC3339, r.ArrivalTime)
	switch {
	case r.ArrivalTime == "":
		ps.Add("arrival_time", "required", "is required")
	case err != nil:
		ps.Add("arrival_time", "format_instant", "must be an RFC 3339 instant such as 2020-12-20T14:30:00+01:00")
	case arrival.Year() < 2020 || arrival.After(now.AddDate(1, 0, 0)):
		ps.Add("arrival_time", "out_of_range", "must be between 2020 and one year from now")
	}
	r.Traveller.validate(&ps, now)
	// The arrival's calendar date as written (its own UTC offset).
	if _, err := ParseDate(r.Traveller.BirthDate); err == nil && arrival.Year() >= 2020 &&
		r.Traveller.BirthDate > arrival.Format(time.DateOnly) {
		ps.Add("traveller.birth_date", "after_arrival", "must not be after the arrival")
	}
	validateCodes(&ps, "countries_visited", r.CountriesVisited, isArea)
	ps.enum("arrival.mode", r.Arrival.Mode, true)
	ps.text("arrival.point", r.Arrival.Point, false, 40)
	ps.enum("residence", r.Residence, true)
	ps.enum("purpose", r.Purpose, true)
	ps.enum("trip_purpose", r.TripPurpose, false)
	ps.text("employer.name", r.Employer.Name, false, MaxTextLength)
	if r.Employer.OrgNumber != "" && !isDigits(r.Employer.OrgNumber, 9) {
		ps.Add("employer.org_number", "format_org_number", "must be nine digits")
	}
	ps.enum("accommodation.type", r.Accommodation.Type, true)
	ps.text("accommodation.address.street", r.Accommodation.Address.Street, false, MaxTextLength)
	if pc := r.Accommodation.Address.PostalCode; pc != "" && !isDigits(pc, 4) {
		ps.Add("accommodation.address.postal_code", "format_postal_code", "must be four digits")
	}
	if m := r.Accommodation.Address.Municipality; m != "" && !isDigits(m, 4) {
		ps.Add("accommodation.address.municipality", "format_municipality", "must be a four-digit municipality number")
	}
	ps.list("exemptions_claimed", r.ExemptionsClaimed)
	ps.enum("critical_function_sector", r.CriticalFunctionSector, false)
	if r.CriticalFunctionSector == "" && slices.Contains(r.ExemptionsClaimed, ExemptionCriticalFunction) {
		ps.Add("critical_function_sector", "required", "is required when critical_function is claimed")
	}
	ps.list("documents", r.Documents)
	ps.enum("destination", r.Destination, true)
	c := r.CovidCertificate
	ps.enum("covid_certificate.status", c.Status, c.System != "")
	ps.enum("covid_certificate.system", c.System, c.Status != "")
	return ps.Err()
}

func (t *Traveller) validate(ps *Problems, now time.Time) {
	ps.name("traveller.first_name", t.FirstName)
	ps.name("traveller.last_name", t.LastName)
	birth, err := ParseDate(t.BirthDate)
	switch {
	case t.BirthDate == "":
		ps.Add("traveller.birth_date", "required", "is required")
	case err != nil:
		ps.Add("traveller.birth_date", "format_date", "must be a date written YYYY-MM-DD")
	case birth.After(now):
		ps.Add("traveller.birth_date", "future", "must not be in the future")
	case birth.Year() < now.Year()-maxBirthYearsAgo:
		ps.Add("traveller.birth_date", "out_of_range", fmt.Sprintf("must be within the last %d years", maxBirthYearsAgo))
	}
	if t.NationalID != "" && !isDigits(t.NationalID, 11) {
		ps.Add("traveller.national_id", "format_national_id", "must be eleven digits")
	}
	if t.Nationality != "" && !isCountry(t.Nationality) {
		ps.Add("traveller.nationality", "format_country", "must be an ISO 3166-1 alpha-2 country code such as PL")
	}
	d := t.IDDocument
	ps.enum("traveller.id_document.type", d.Type, false)
	ps.text("traveller.id_document.number", d.Number, false, 40)
	if d.Country != "" && !isCountry(d.Country) {
		ps.Add("traveller.id_document.country", "format_country", "must be an ISO 3166-1 alpha-2 code such as PL")
	}
	if d.Expires != "" {
		if _, err := ParseDate(d.Expires); err != nil {
			ps.Add("traveller.id_document.expires", "format_date", "must be a date written YYYY-MM-DD")
		}
	}
	ps.text("traveller.phone", t.Phone, false, 32)
	ps.text("traveller.email", t.Email, false, 254)
	if t.Email != "" && !looksLikeEmail(t.Email) {
		ps.Add("traveller.email", "format_email", "must be an e-mail address such as name@example.com")
	}
	ps.enum("traveller.language", t.Language, false)
}

// ParseDate parses a civil date written YYYY-MM-DD as midnight UTC.
func ParseDate(s string) (time.Time, error) {
	return time.Parse(time.DateOnly, s)
}

// ArrivalInstant returns the parsed arrival time. It fails only for a
// registration that did not pass Validate.
func (r *Registration) ArrivalInstant() (time.Time, error) {
	return time.Parse(time.RFC3339, r.ArrivalTime)
}

func (ps *Problems) name(field, v string) {
	if strings.TrimSpace(v) == "" {
		ps.Add(field, "required", "is required")
		return
	}
	ps.text(field, v, true, MaxNameLength)
}

// text checks length, valid UTF-8 and absence of control characters.
func (ps *Problems) text(field, v string, required bool, max int) {
	switch {
	case v == "" && required:
		ps.Add(field, "required", "is required")
	case !utf8.ValidString(v) || strings.IndexFunc(v, unicode.IsControl) >= 0:
		ps.Add(field, "format_text", "must be text without control characters")
	case utf8.RuneCountInString(v) > max:
		ps.Add(field, "too_long", fmt.Sprintf("must be at most %d characters", max))
	}
}

func (ps *Problems) enum(field, v string, required bool) {
	if v == "" {
		if required {
			ps.Add(field, "required", "is required")
		}
		return
	}
	if !slices.Contains(Enumerations[field], v) {
		ps.Add(field, "unknown_value", "must be one of "+strings.Join(Enumerations[field], ", "))
	}
}

func (ps *Problems) list(field string, vs []string) {
	if len(vs) > MaxListLength {
		ps.Add(field, "too_many", fmt.Sprintf("must hold at most %d values", MaxListLength))
		return
	}
	for i, v := range vs {
		if !slices.Contains(Enumerations[field], v) {
			ps.Add(field+"["+strconv.Itoa(i)+"]", "unknown_value", "must be one of "+strings.Join(Enumerations[field], ", "))
		}
		if slices.Index(vs, v) < i {
			ps.Add(field+"["+strconv.Itoa(i)+"]", "duplicate", "is given twice")
		}
	}
}

func validateCodes(ps *Problems, field string, vs []string, ok func(string) bool) {
	if vs == nil {
		ps.Add(field, "required", "is required (it may be an empty list)")
		return
	}
	if len(vs) > MaxListLength {
		ps.Add(field, "too_many", fmt.Sprintf("must hold at most %d values", MaxListLength))
		return
	}
	for i, v := range vs {
		if !ok(v) {
			ps.Add(field+"["+strconv.Itoa(i)+"]", "unknown_area", "must be an ISO 3166-1 alpha-2 country code such as SE (XX, UK and EU are not), or a Swedish, Finnish or Danish ISO 3166-2 area such as FI-01")
		}
	}
}

// isCountry reports whether s is an ISO 3166-1 alpha-2 code of a country
// or territory (see Countries).
func isCountry(s string) bool { return IsCountryCode(s) }

// isArea reports whether s is a country code or an ISO 3166-2 code of an
// area classified on its own (see IsAreaCode).
func isArea(s string) bool { return IsAreaCode(s) }

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func looksLikeEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(s, " <>,;\"") &&
		!strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}
