package beredskap_test

import (
	"testing"

	"beredskap"
)

// The follow-up codes follow the code lists of the municipalities'
// follow-up tools (RULES.md, "Code lists used by municipalities' follow-up
// tools (KS Fiks innreiseoppfølging)").
func TestCodesOf(t *testing.T) {
	reasons := func(codes ...string) []beredskap.Reason {
		var rs []beredskap.Reason
		for _, c := range codes {
			rs = append(rs, beredskap.Reason{Code: c})
		}
		return rs
	}
	codes := func(quarantine, exemption, accommodation string) beredskap.FollowUpCodes {
		return beredskap.FollowUpCodes{Quarantine: quarantine, Exemption: exemption, Accommodation: accommodation}
	}
	cases := []struct {
		accommodation string
		quarantine    beredskap.Quarantine
		reasons       []beredskap.Reason
		want          beredskap.FollowUpCodes
	}{
		{beredskap.AccommodationQuarantineHotel, beredskap.Quarantine{Required: true, Scope: beredskap.ScopeFull}, reasons("quarantine_full"),
			codes("1001", "", "4001")},
		{beredskap.AccommodationOrdinaryHotel, beredskap.Quarantine{Required: true, Scope: beredskap.ScopeFull}, nil, codes("1001", "", "4001")},
		{beredskap.AccommodationOwnHome, beredskap.Quarantine{Required: true, Scope: beredskap.ScopeLeisure}, reasons("exemption_critical_function"),
			codes("1002", "2005", "4002")},
		{beredskap.AccommodationFamilyHome, beredskap.Quarantine{Scope: beredskap.ScopeNone},
			reasons("exemption_invited_by_state", "exemption_critical_function", "exemption_invited_by_state"),
			codes("1002", "2005;2007", "4002")},
		// Transport personnel have no code of their own (3032 is train staff only).
		{beredskap.AccommodationEmployer, beredskap.Quarantine{Required: true, Scope: beredskap.ScopeLeisure}, reasons("exemption_transport_personnel"),
			codes("1002", "", "4003")},
		{beredskap.AccommodationOtherSuitable, beredskap.Quarantine{Required: true, Scope: beredskap.ScopeFull}, nil, codes("1001", "", "4004")},
		{"", beredskap.Quarantine{Scope: beredskap.ScopeNone}, nil, codes("1002", "", "")},
	}
	for _, c := range cases {
		r := beredskap.Registration{Accommodation: beredskap.Accommodation{Type: c.accommodation}}
		d := beredskap.Decision{Quarantine: c.quarantine, Reasons: c.reasons}
		if got := beredskap.CodesOf(&r, &d); got != c.want {
			t.Errorf("CodesOf(%s, %+v, %v) = %+v; want %+v", c.accommodation, c.quarantine, c.reasons, got, c.want)
		}
	}
}
