package beredskap

import (
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Countries returns the ISO 3166-1 alpha-2 codes of the countries and
// territories a traveller may name (nationality, the issuer of an identity
// document, a country visited), sorted. They come from CLDR's region data
// in golang.org/x/text: the codes it marks as countries in their canonical
// form, without CLDR's exceptional reservations (AC Ascension, CP
// Clipperton, DG Diego Garcia, EA Ceuta and Melilla, IC Canary Islands, TA
// Tristan da Cunha), groupings (EU, EZ, UN), replaced codes (UK, DD, FX,
// …), withdrawn codes (AN, SU, YU, …) and the unknown region (ZZ) — the 249 codes of ISO 3166-1 — and XK,
// the code Kosovo is known by in European travel rules.
func Countries() []string { return slices.Clone(countryList()) }

var countryList = sync.OnceValue(func() []string {
	// CLDR names no withdrawn code (AN, CS, SU, YU, …): a code without an
	// English name is not a country today.
	names := display.English.Regions()
	var out []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || r.String() != code || !r.IsCountry() || r.Canonicalize() != r {
				continue
			}
			if iso3 := r.ISO3(); iso3 == "" || iso3 == "ZZZ" || notCountries[code] || names.Name(r) == "" {
				continue
			}
			out = append(out, code)
		}
	}
	return out
})

var notCountries = map[string]bool{"AC": true, "CP": true, "DG": true, "TA": true, "EZ": true, "UN": true}

// subdivisions are the ISO 3166-2 codes accepted among the countries
// visited: those of the countries whose areas were classified one by one
// (Sweden's counties, Finland's regions, Denmark's regions), after
// ISO 3166-2 as published in Debian's iso-codes.
var subdivisions = map[string]bool{}

func init() {
	for _, c := range strings.Fields(`SE-AB SE-AC SE-BD SE-C SE-D SE-E SE-F SE-G SE-H SE-I SE-K SE-M SE-N
		SE-O SE-S SE-T SE-U SE-W SE-X SE-Y SE-Z
		FI-01 FI-02 FI-03 FI-04 FI-05 FI-06 FI-07 FI-08 FI-09 FI-10 FI-11 FI-12 FI-13 FI-14 FI-15 FI-16 FI-17 FI-18 FI-19
		DK-81 DK-82 DK-83 DK-84 DK-85`) {
		subdivisions[c] = true
	}
}

// IsCountryCode reports whether s is one of Countries.
func IsCountryCode(s string) bool {
	_, ok := slices.BinarySearch(countryList(), s)
	return ok
}

// IsAreaCode reports whether s may be given as a country visited: a code of
// Countries, or an ISO 3166-2 code of an area classified on its own.
func IsAreaCode(s string) bool {
	return IsCountryCode(s) || subdivisions[s]
}
