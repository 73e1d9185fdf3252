package web

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"beredskap"
	"beredskap/rules"
)

// TestSummaryCarriesTheHotelRulesOf2021 checks that the decision summary
// repeats what the reasons of the spring-2021 versions say about the
// quarantine hotel: the whole quarantine there after an unnecessary trip
// (statsforvalteren.no Innlandet: from 29.3.2021), the test from day 3
// before that (regjeringen.no, March 2021) and visitation exempting from
// the hotel (regjeringen.no: from 26 March 2021).
func TestSummaryCarriesTheHotelRulesOf2021(t *testing.T) {
	book, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	ls, err := loadLocales("locales")
	if err != nil {
		t.Fatal(err)
	}
	resident := func(at, trip string) beredskap.Registration {
		r := contractRegistration(t)
		r.ArrivalTime, r.TripPurpose = at, trip
		r.Traveller.Nationality, r.Residence = "NO", beredskap.ResidenceRegistered
		r.Accommodation.Type, r.Documents = beredskap.AccommodationOwnHome, []string{"tax_record"}
		return r
	}
	visitation := contractRegistration(t)
	visitation.ArrivalTime = "2021-03-27T10:00:00+01:00"
	visitation.ExemptionsClaimed = []string{beredskap.ExemptionVisitation}
	visitation.Documents = []string{"visitation_agreement"}
	visitation.Accommodation.Type = beredskap.AccommodationNone
	// Autumn 2021: the certificate exempts (nyss.no 8.10.2021), a stay in
	// southern Africa means the hotel until a PCR test from day 3
	// (thelocal.no 28.11.2021), and from 3 December everyone wears a mask
	// until the test after arrival is negative (rakkestad.kommune.no).
	protected := contractRegistration(t)
	protected.ArrivalTime, protected.CountriesVisited = "2021-12-04T10:00:00+01:00", []string{"US"}
	protected.CovidCertificate = beredskap.CovidCertificate{Status: "vaccinated", System: "eu"}
	southern := contractRegistration(t)
	southern.ArrivalTime, southern.CountriesVisited = "2021-11-28T10:00:00+01:00", []string{"ZA"}
	// Between the list change of 6 December and 15 December 2021 the tests
	// of 3 December apply (tv2.no 3.12.2021); from 1 February 2022 23.00
	// only registration and the test before arrival for adults without a
	// certificate remain (landbrukstenester.no 2.2.2022).
	december := contractRegistration(t)
	december.ArrivalTime, december.CountriesVisited = "2021-12-10T10:00:00+01:00", []string{"US"}
	february := contractRegistration(t)
	february.ArrivalTime = "2022-02-02T10:00:00+01:00"
	// A commuter from Sweden stays exempt from the tests after entry
	// quarantine ended (rakkestad.kommune.no 24.1.2022: testing
	// «fortsatt»; 3.12.2021: the commuters' exemption «videreføres»);
	// so does one with a certificate on 4 December 2021.
	commuter := contractRegistration(t)
	commuter.ArrivalTime, commuter.CountriesVisited = "2022-01-27T07:00:00+01:00", []string{"SE"}
	commuter.ExemptionsClaimed = []string{beredskap.ExemptionCommuter}
	certifiedCommuter := commuter
	certifiedCommuter.ArrivalTime = "2021-12-04T07:00:00+01:00"
	certifiedCommuter.CovidCertificate = protected.CovidCertificate
	for _, tc := range []struct {
		r    beredskap.Registration
		code string
		in   func(DecisionView) []string
	}{
		{resident("2021-04-06T10:00:00+02:00", beredskap.TripLeisure), "hotel_whole_quarantine_unnecessary_trip",
			func(v DecisionView) []string { return v.Other }},
		{resident("2021-03-20T10:00:00+01:00", ""), "hotel_until_negative_test_day_3",
			func(v DecisionView) []string { return v.Tests }},
		{visitation, "hotel_not_applicable_visitation", func(v DecisionView) []string { return []string{v.Group} }},
		{protected, "exemption_protected", func(v DecisionView) []string { return []string{v.Exemption} }},
		{protected, "mask_until_negative_test", func(v DecisionView) []string { return v.Other }},
		{southern, "hotel_until_pcr_day_3", func(v DecisionView) []string { return v.Other }},
		{southern, "hotel_required", func(v DecisionView) []string { return []string{v.Group} }},
		{december, "test_after_arrival", func(v DecisionView) []string { return v.Tests }},
		{december, "pre_arrival_test_no_certificate", func(v DecisionView) []string { return v.Tests }},
		{february, "pre_arrival_test_no_certificate", func(v DecisionView) []string { return v.Tests }},
		{february, "registration_duty", func(v DecisionView) []string { return v.Other }},
		{commuter, "exemption_from_tests", func(v DecisionView) []string { return v.Tests }},
		{certifiedCommuter, "exemption_from_tests", func(v DecisionView) []string { return v.Tests }},
		{certifiedCommuter, "exemption_protected", func(v DecisionView) []string { return []string{v.Exemption} }},
	} {
		for _, lang := range []string{"nb", "nn", "en"} {
			d, err := book.Evaluate(&tc.r, lang)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(d.Reasons, func(r beredskap.Reason) bool { return r.Code == tc.code })
			if i < 0 {
				t.Fatalf("%s: no reason %s in %+v", tc.r.ArrivalTime, tc.code, d.Reasons)
			}
			v := decisionView(ls.get(lang), d)
			if !slices.Contains(tc.in(v), d.Reasons[i].Text) {
				t.Errorf("%s (%s): the summary does not say %q", tc.code, lang, d.Reasons[i].Text)
			}
		}
	}
}

// contractRegistration returns the contract's example registration.
func contractRegistration(t *testing.T) beredskap.Registration {
	t.Helper()
	data, err := os.ReadFile("testdata/contract.json")
	if err != nil {
		t.Fatal(err)
	}
	var r beredskap.Registration
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return r
}
