package beredskap

import (
	"slices"
	"strings"
)

// FollowUpCodes are a registration's values in the code lists of the
// municipalities' follow-up tools (KS Fiks innreiseoppfølging, RULES.md:
// "Code lists used by municipalities' follow-up tools"), which the
// follow-up exports carry as columns. A plan holds them from when it is
// made: a registration never changes, so neither do they.
type FollowUpCodes struct {
	// Quarantine is 1001 for a full quarantine and 1002 for a full or
	// partial exemption (quarantine only in leisure time, or none).
	Quarantine string
	// Exemption is the exemption-type codes the decision granted, sorted
	// and joined by ";", or "" when none maps.
	Exemption string
	// Accommodation is the place of quarantine: 4001 hotel (quarantine or
	// ordinary), 4002 own or family's home, 4003 employer-arranged, 4004
	// other suitable place, "" for none.
	Accommodation string
}

// The quarantine codes.
const (
	CodeQuarantine = "1001" // quarantine
	CodeExempt     = "1002" // full or partial exemption
)

// exemptionCodes maps the decision reasons of granted exemptions to the
// exemption-type codes RULES.md names with certainty: 2005 § 6e critical
// function and 2007 § 6 invited (by the state). 3032 is train staff, but
// the transport_personnel exemption covers all goods and passenger
// transport (seed 002: train, air, drivers), so it maps to no code; nor do
// the other claims, whose codes among 2001–2013 RULES.md does not give.
var exemptionCodes = map[string]string{
	"exemption_" + ExemptionCriticalFunction: "2005",
	"exemption_" + ExemptionInvitedByState:   "2007",
}

// accommodationCodes maps the types of accommodation to their codes.
var accommodationCodes = map[string]string{
	AccommodationQuarantineHotel: "4001",
	AccommodationOrdinaryHotel:   "4001",
	AccommodationOwnHome:         "4002",
	AccommodationFamilyHome:      "4002",
	AccommodationEmployer:        "4003",
	AccommodationOtherSuitable:   "4004",
}

// CodesOf returns the follow-up codes of a registration and its decision.
// Only reasons the decision rests on count, so a claimed exemption the
// decision did not grant (a missing document) gives no code.
func CodesOf(r *Registration, d *Decision) FollowUpCodes {
	c := FollowUpCodes{Quarantine: CodeExempt, Accommodation: accommodationCodes[r.Accommodation.Type]}
	if d.Quarantine.Required && d.Quarantine.Scope == ScopeFull {
		c.Quarantine = CodeQuarantine
	}
	var ex []string
	for _, reason := range d.Reasons {
		if code, ok := exemptionCodes[reason.Code]; ok && !slices.Contains(ex, code) {
			ex = append(ex, code)
		}
	}
	slices.Sort(ex)
	c.Exemption = strings.Join(ex, ";")
	return c
}
