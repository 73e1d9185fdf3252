package rules_test

import (
	"testing"

	"beredskap"
	"beredskap/rules"
)

// RULES.md: employer 1 500 NOK per night before 2020-12-13 17:00, 500
// after; seed 004: adults 500, 10–18 years 250, under 10 sharing a room with
// a guardian 0. The night of a date is priced at 23:00 Europe/Oslo, so the
// night of 13 December falls under the 17:00 version.
func TestNightFee(t *testing.T) {
	b, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		night    string
		age      int
		guardian bool
		payer    string
		rule     string
		category string
		nok      int
	}{
		{"2020-12-12", 40, false, beredskap.PayerEmployer, "2020-11-20", "fee_employer", 1500},
		{"2020-12-13", 40, false, beredskap.PayerEmployer, "2020-12-13-1700", "fee_employer", 500},
		{"2020-12-14", 40, false, beredskap.PayerTraveller, "2020-12-13-1700", "fee_adult", 500},
		{"2020-12-14", 12, false, beredskap.PayerTraveller, "2020-12-13-1700", "fee_youth", 250},
		{"2020-12-14", 7, true, beredskap.PayerTraveller, "2020-12-13-1700", "fee_child_with_guardian", 0},
		{"2020-12-14", 40, false, beredskap.PayerNone, "2020-12-13-1700", rules.FeeNone, 0},
	}
	for _, tt := range tests {
		got, err := b.NightFee(tt.night, tt.age, tt.guardian, tt.payer)
		if err != nil || got.RuleID != tt.rule || got.Category != tt.category || got.NOK != tt.nok {
			t.Errorf("NightFee(%s, %d, %v, %s) = %+v, %v; want %s %s %d", tt.night, tt.age, tt.guardian, tt.payer, got, err, tt.rule, tt.category, tt.nok)
		}
	}
	if _, err := b.NightFee("2020-13-01", 40, false, beredskap.PayerTraveller); beredskap.ErrorCode(err) != beredskap.EINVALID {
		t.Errorf("bad night: %v", err)
	}
}

// Seed 001: the municipal doctor's § 6j dispensation from 2020-12-13
// 17:00; asker.kommune.no: from 2020-12-23 12:00 a direct exemption
// replaced it, so no version from then allows a dispensation.
func TestDispensationParams(t *testing.T) {
	b, _ := rules.Embedded()
	for _, v := range b.Versions() {
		p, ok := v.Dispensation()
		want := v.ID >= "2020-12-13-1700" && v.ID < "2020-12-23-1200"
		if ok != want || (ok && len(p.Relations) != 9) {
			t.Errorf("%s: dispensation %v %v, want %v", v.ID, ok, p.Relations, want)
		}
	}
}

func TestCompare(t *testing.T) {
	b, _ := rules.Embedded()
	r := beredskap.Registration{ArrivalTime: "2020-12-11T12:00:00+01:00",
		Traveller: beredskap.Traveller{BirthDate: "1990-01-01"}, CountriesVisited: []string{"PL"},
		Residence: beredskap.ResidenceNone, Purpose: beredskap.PurposeOther,
		Accommodation: beredskap.Accommodation{Type: beredskap.AccommodationOtherSuitable, SingleRoom: true,
			OwnBathroom: true, OwnKitchenOrMeals: true, CloseContactAvoidable: true},
		Documents: []string{"accommodation_confirmation"}, Destination: beredskap.DestinationMainland}
	old, err := b.Evaluate(&r, "en")
	if err != nil {
		t.Fatal(err)
	}
	var v *rules.Version
	for _, x := range b.Versions() {
		if x.ID == "2020-12-13-1700" {
			v = x
		}
	}
	nu, err := b.EvaluateUnder(v, &r, "en")
	if err != nil {
		t.Fatal(err)
	}
	c := rules.Compare(&old, &nu)
	if len(c.Codes) != 1 || c.Codes[0] != rules.ChangeHotelLifted || c.Group != 4 {
		t.Errorf("Compare = %+v, want hotel_lifted group 4", c)
	}
	if c := rules.Compare(&old, &old); c.Changed() {
		t.Errorf("a decision differs from itself: %+v", c)
	}
}
