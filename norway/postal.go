package norway

import (
	"strings"
	"time"
)

// PostalPlace is a postal code (postnummer) from Posten Norge's register,
// with the municipality it lies in, numbered as from 2024-01-01. Place and
// MunicipalityName are upper case, as Posten writes them.
type PostalPlace struct {
	Code             string // four digits
	Place            string // poststed
	MunicipalityCode string // Klass 131 code of 2024, or Posten's 2100 Svalbard / 2211 Jan Mayen
	MunicipalityName string
	// Category is Posten's kind of code: G street addresses, P post office
	// boxes, B both, S service codes.
	Category string
}

// Svalbard and Jan Mayen are not municipalities in Klass 131; Posten gives
// them its own codes, which MunicipalityForPostalCode returns as they are.
const (
	SvalbardCode = "2100"
	JanMayenCode = "2211"
)

// The first days of the two snapshots in municipalities.csv.
const (
	snapshot2020 = "2020-01-01"
	snapshot2024 = "2024-01-01"
)

// LookupPostalCode returns the postal code's entry in Posten's register, and
// false when the code is not there.
func LookupPostalCode(code string) (PostalPlace, bool) {
	p, ok := reference().postal[code]
	return p, ok
}

// MunicipalityForPostalCode returns the municipality that a postal code lies
// in, as numbered on the Europe/Oslo calendar date of at. The register uses
// the numbering of 2024; for dates in 2020–2023 the code is translated to
// that of the same place then (2024's 3101 Halden is 3001 Halden, 1580
// Haram was part of 1507 Ålesund). Svalbard (2100) and Jan Mayen (2211)
// are returned with their names and no county on any date. It returns false
// for an unknown postal code and for dates before 2020-01-01.
func MunicipalityForPostalCode(postal string, at time.Time) (Municipality, bool) {
	r := reference()
	p, ok := r.postal[postal]
	if !ok {
		return Municipality{}, false
	}
	switch p.MunicipalityCode {
	case SvalbardCode:
		return Municipality{Code: SvalbardCode, Name: "Svalbard"}, true
	case JanMayenCode:
		return Municipality{Code: JanMayenCode, Name: "Jan Mayen"}, true
	}
	code := p.MunicipalityCode
	if osloDate(at).Before(r.postalNumbering) {
		if code, ok = r.to2020[code]; !ok {
			return Municipality{}, false
		}
	}
	return MunicipalityAt(code, at)
}

// predecessorCounty returns the county of 2020–2023 that a county of 2024
// came from: Viken (30) was split into Østfold, Akershus and Buskerud
// (31–33), Vestfold og Telemark (38) into Vestfold and Telemark (39, 40),
// Troms og Finnmark (54) into Troms and Finnmark (55, 56). Other counties
// kept their codes.
func predecessorCounty(code string) string {
	switch code {
	case "31", "32", "33":
		return "30"
	case "39", "40":
		return "38"
	case "55", "56":
		return "54"
	}
	return code
}

// mappingException returns the 2020–2023 code of a 2024 municipality that
// did not exist then. The only one is 1580 Haram, split from 1507 Ålesund
// on 2024-01-01; 1508 Ålesund maps to 1507 by name, so 1507 has two 2024
// successors.
func mappingException(code2024 string) (string, bool) {
	if code2024 == "1580" {
		return "1507", true
	}
	return "", false
}

// mappingName returns the part of a municipality name that identifies it
// across the two snapshots: without a county qualifier such as
// " (Nordland)", and only the part before the first " - " (SSB adds Sami and
// Kven parts after it, and changed some of them between the snapshots).
// Names repeated in several counties are told apart by the county.
func mappingName(name string) string {
	if i := strings.Index(name, " ("); i >= 0 {
		name = name[:i]
	}
	if i := strings.Index(name, " - "); i >= 0 {
		name = name[:i]
	}
	return strings.ToLower(name)
}

// buildMapping maps each 2024 municipality code to the 2020–2023 code of the
// same place, matching by mappingName within the predecessor county. It
// also returns the 2024 codes it could not map to exactly one municipality;
// the tests require that list to be empty.
func buildMapping(ms []Municipality) (map[string]string, []string) {
	type key struct{ name, county string }
	old := make(map[key][]string)
	for _, m := range ms {
		if m.ValidFrom.Format(dateLayout) == snapshot2020 {
			k := key{mappingName(m.Name), m.CountyCode}
			old[k] = append(old[k], m.Code)
		}
	}
	to2020 := make(map[string]string)
	var unmatched []string
	for _, m := range ms {
		if m.ValidFrom.Format(dateLayout) != snapshot2024 {
			continue
		}
		if c, ok := mappingException(m.Code); ok {
			to2020[m.Code] = c
			continue
		}
		codes := old[key{mappingName(m.Name), predecessorCounty(m.CountyCode)}]
		if len(codes) != 1 {
			unmatched = append(unmatched, m.Code)
			continue
		}
		to2020[m.Code] = codes[0]
	}
	return to2020, unmatched
}
