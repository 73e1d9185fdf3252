package rules_test

import (
	"strings"
	"testing"

	"beredskap/rules"
)

// TestDiffNamesTheConditionsOf2021 checks that rules diff says in plain
// words what the amendments of spring 2021 changed in the conditions of
// the hotel exemption groups, not only in their texts: the Labour
// Inspection Authority's prior approval (arbeidstilsynet.no, from 23
// February 2021), the necessary trip for residents (regjeringen.no, March
// 2021), and the stays outside the EEA and Schengen (abcnyheter.no
// 7.5.2021).
func TestDiffNamesTheConditionsOf2021(t *testing.T) {
	b := mustBook(t)
	for _, tc := range []struct{ from, to, kind, want string }{
		{"2021-02-15", "2021-02-23", rules.ChangeAdded, "requires the Labour Inspection Authority's prior approval"},
		{"2021-02-23", "2021-03-17", rules.ChangeAdded, "only after a necessary trip abroad"},
		{"2021-02-23", "2021-03-17", rules.ChangeAdded, "group 4 from the quarantine hotel is not for people who live in Norway"},
		{"2021-03-17", "2021-03-26", rules.ChangeAdded, "visitation between parents and children"},
		{"2021-03-26", "2021-03-29", rules.ChangeAdded, "whole quarantine at the quarantine hotel"},
		{"2021-03-26", "2021-03-29", rules.ChangeRemoved, "negative PCR test taken no earlier than 3 days"},
		{"2021-03-29", "2021-04-28-1200", rules.ChangeAdded, "Bangladesh"},
		{"2021-04-28-1200", "2021-05-09-1200", rules.ChangeAdded, "outside the EEA and the Schengen area"},
		// From 27 May 2021 (tv2.no 27.5.2021, the government's press release:
		// «Reisende utenfor Europa, skal i utgangspunktet være på
		// karantenehotell i hele karanteneperioden»).
		{"2021-05-09-1200", "2021-05-27", rules.ChangeAdded, "whole quarantine at the quarantine hotel"},
		// From 3 June 2021 at 12.00 (aftenposten.no 2.6.2021: «Personer
		// vaksinert i Norge slipper karantenehotell»).
		{"2021-05-27", "2021-06-03-1200", rules.ChangeAdded, "vaccinated in Norway"},
		// The colours of 5 July 2021 (loten.kommune.no, July 2021:
		// «Mørkerødt og lysegrått: Du må på karantenehotell»), and their end
		// at the reopening of 25 September 2021 (abcnyheter.no 24.9.2021:
		// «Karantenehotell fjernes som krav»).
		{"2021-05-09-1200", "2021-07-05", rules.ChangeAdded, "dark red country or area, or in a grey country"},
		{"2021-05-09-1200", "2021-07-05", rules.ChangeAdded, "PCR test 7 days after arrival"},
		{"2021-07-05", "2021-09-25-1600", rules.ChangeRemoved, "dark red country or area, or in a grey country"},
		// Certificates of the EU's system, refused before 24 June 2021
		// (leka-camp.no, the government's announcement of 18.6.2021:
		// «Sverige har ikke sitt koronasertifikat klart»), accepted from
		// then (gartnerforbundet.no, the government: «Fra 24. juni kan Norge
		// verifisere andre EU/EØS-lands koronasertifikater»).
		{"2021-06-19-1200", "2021-06-24", rules.ChangeChanged, "EU's rules for digital COVID certificates"},
	} {
		from, ok1 := b.Version(tc.from)
		to, ok2 := b.Version(tc.to)
		if !ok1 || !ok2 {
			t.Fatalf("versions %s, %s not found", tc.from, tc.to)
		}
		found := false
		for _, c := range b.Diff(from, to, "en") {
			found = found || (c.Kind == tc.kind && strings.Contains(c.Text, tc.want))
		}
		if !found {
			t.Errorf("%s -> %s: no %s change saying %q in %+v", tc.from, tc.to, tc.kind, tc.want, b.Diff(from, to, "en"))
		}
	}
}

// TestDiffNamesTheEndOfTheTestAfterArrival checks the changes of the last
// months of the entry measures: from 1 February 2022 23.00 the test after
// arrival is gone (landbrukstenester.no 2.2.2022, pcpi.no), and since
// there is no entry quarantine from 26 January 2022 (nyss.no 24.1.2022),
// no diff of a later version speaks of an exemption from it.
func TestDiffNamesTheEndOfTheTestAfterArrival(t *testing.T) {
	b := mustBook(t)
	diff := func(a, z string) []rules.Change {
		from, ok1 := b.Version(a)
		to, ok2 := b.Version(z)
		if !ok1 || !ok2 {
			t.Fatalf("versions %s, %s not found", a, z)
		}
		return b.Diff(from, to, "en")
	}
	found := false
	for _, c := range diff("2022-01-26", "2022-02-01-2300") {
		found = found || (c.Kind == rules.ChangeRemoved && strings.Contains(c.Text, "test after arrival"))
	}
	if !found {
		t.Errorf("2022-01-26 -> 2022-02-01-2300 does not say the test after arrival ended: %+v", diff("2022-01-26", "2022-02-01-2300"))
	}
	// The rules of 3 December continue on 15 December (urlaub.check24.de
	// 15.12.2021), and the southern Africa measures end from the night to
	// Thursday 23 December (aftenposten.no, NTB 22.12.2021): the diff says
	// nothing changed on the 15th, and on the 23rd that the hotel after a
	// stay there is gone.
	if same := diff("2021-12-03", "2021-12-15"); len(same) != 0 {
		t.Errorf("2021-12-03 -> 2021-12-15: %+v; want no change", same)
	}
	found = false
	for _, c := range diff("2021-12-15", "2021-12-23") {
		found = found || (c.Kind == rules.ChangeRemoved && strings.Contains(c.Text, "quarantine hotel") && strings.Contains(c.Text, "South Africa"))
	}
	if !found {
		t.Errorf("2021-12-15 -> 2021-12-23 does not say the hotel after southern Africa ended: %+v", diff("2021-12-15", "2021-12-23"))
	}
	// Commuters and transport personnel stay exempt from the tests when
	// the quarantine ends (rakkestad.kommune.no 24.1.2022: testing
	// «fortsatt»; 3.12.2021: their exemption «videreføres»), until the
	// entry measures end.
	for _, tc := range []struct {
		a, z string
		kind string
	}{{"2021-12-23", "2022-01-26", rules.ChangeAdded}, {"2022-02-01-2300", "2022-02-13", rules.ChangeRemoved}} {
		found := false
		for _, c := range diff(tc.a, tc.z) {
			found = found || (c.Kind == tc.kind && strings.Contains(c.Text, "cross-border commuting") && strings.Contains(c.Text, "testing"))
		}
		if !found {
			t.Errorf("%s -> %s does not say (%s) the commuters' exemption from the tests: %+v", tc.a, tc.z, tc.kind, diff(tc.a, tc.z))
		}
	}
	for _, pair := range [][2]string{{"2022-01-26", "2022-02-01-2300"}, {"2022-02-01-2300", "2022-02-13"}} {
		for _, c := range diff(pair[0], pair[1]) {
			if strings.Contains(c.Text, "exempt from entry quarantine") {
				t.Errorf("%s -> %s speaks of an exemption from a quarantine that no longer exists: %q", pair[0], pair[1], c.Text)
			}
		}
	}
}
