package rules_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"beredskap"
	"beredskap/rules"
)

func mustBook(tb testing.TB) *rules.Book {
	tb.Helper()
	b, err := rules.Embedded()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// base returns the registration of docs/contract.md: an adult from Poland at
// another suitable place with the provider's confirmation.
func base() beredskap.Registration {
	return beredskap.Registration{
		ArrivalTime: "2020-12-20T14:30:00+01:00",
		Traveller: beredskap.Traveller{FirstName: "Anna", LastName: "Kowalska", BirthDate: "1990-05-17",
			Nationality: "PL", Language: "pl"},
		CountriesVisited: []string{"PL", "DE"},
		Arrival:          beredskap.Arrival{Mode: "air", Point: "OSL"},
		Residence:        "none",
		Purpose:          "other",
		Accommodation: beredskap.Accommodation{Type: "other_suitable", SingleRoom: true, OwnBathroom: true,
			OwnKitchenOrMeals: true, CloseContactAvoidable: true,
			Address: beredskap.Address{Street: "Storgata 1", PostalCode: "0155", Municipality: "0301"}},
		ExemptionsClaimed: []string{},
		Documents:         []string{"accommodation_confirmation"},
		Destination:       "mainland",
	}
}

type want struct {
	ruleSet   string
	scope     string
	first     string
	last      string
	early     string // "" unchecked, "none" null
	hotel     *bool
	group     *int // nil unchecked, 0 null
	fee       *int // nil unchecked
	payer     string
	reasons   []string
	warnings  []string
	noReasons []string
	restrict  []string
}

var yes, no = ptr(true), ptr(false)

func ptr[T any](v T) *T { return &v }

func codes[T any](xs []T, code func(T) string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, code(x))
	}
	return out
}

func checkDecision(t *testing.T, d beredskap.Decision, w want) {
	t.Helper()
	q := d.Quarantine
	str := func(p *string) string {
		if p == nil {
			return "null"
		}
		return *p
	}
	if w.ruleSet != "" && d.RuleSet.ID != w.ruleSet {
		t.Errorf("rule_set %s; want %s", d.RuleSet.ID, w.ruleSet)
	}
	if w.scope != "" && q.Scope != w.scope {
		t.Errorf("scope %s; want %s", q.Scope, w.scope)
	}
	if q.Required != (q.Scope != beredskap.ScopeNone) {
		t.Errorf("required %v with scope %s", q.Required, q.Scope)
	}
	if w.first != "" && str(q.FirstDay) != w.first {
		t.Errorf("first_day %s; want %s", str(q.FirstDay), w.first)
	}
	if w.last != "" && str(q.LastDay) != w.last {
		t.Errorf("last_day %s; want %s", str(q.LastDay), w.last)
	}
	if w.early != "" {
		got := "none"
		if q.EarlyEnd != nil {
			got = q.EarlyEnd.EarliestDay
		}
		if got != w.early {
			t.Errorf("early_end %s; want %s", got, w.early)
		}
	}
	if w.hotel != nil && d.Hotel.Required != *w.hotel {
		t.Errorf("hotel.required %v; want %v", d.Hotel.Required, *w.hotel)
	}
	if w.group != nil {
		got := 0
		if d.Hotel.ExemptionGroup != nil {
			got = *d.Hotel.ExemptionGroup
		}
		if got != *w.group {
			t.Errorf("exemption_group %d; want %d", got, *w.group)
		}
	}
	if w.fee != nil && d.Hotel.FeeNOKPerNight != *w.fee {
		t.Errorf("fee %d; want %d", d.Hotel.FeeNOKPerNight, *w.fee)
	}
	if w.payer != "" && d.Hotel.Payer != w.payer {
		t.Errorf("payer %s; want %s", d.Hotel.Payer, w.payer)
	}
	rs := codes(d.Reasons, func(r beredskap.Reason) string { return r.Code })
	ws := codes(d.Warnings, func(w beredskap.Warning) string { return w.Code })
	for _, c := range w.reasons {
		if !slices.Contains(rs, c) {
			t.Errorf("reason %s missing from %v", c, rs)
		}
	}
	for _, c := range w.noReasons {
		if slices.Contains(rs, c) {
			t.Errorf("reason %s present in %v", c, rs)
		}
	}
	for _, c := range w.warnings {
		if !slices.Contains(ws, c) {
			t.Errorf("warning %s missing from %v", c, ws)
		}
	}
	if w.restrict != nil && !slices.Equal(d.Restrictions, w.restrict) {
		t.Errorf("restrictions %v; want %v", d.Restrictions, w.restrict)
	}
	for _, r := range d.Reasons {
		if r.Ref == "" || r.Text == "" {
			t.Errorf("reason %s lacks ref or text", r.Code)
		}
	}
}

var fullRestrictions = []string{"avoid_close_contact", "no_workplace_with_others", "no_school_or_kindergarten", "no_public_transport"}

func TestEvaluateSeedRules(t *testing.T) {
	b := mustBook(t)
	tests := []struct {
		name   string
		change func(r *beredskap.Registration)
		want   want
	}{
		// seed 001: "Endringane trer i kraft frå kl. 17.00 i dag"; RULES.md: employer 500 (1 500 before 2020-12-13 17:00).
		{"employer fee 16:59 is 1500", func(r *beredskap.Registration) {
			r.ArrivalTime = "2020-12-13T16:59:00+01:00"
			r.Purpose, r.Accommodation.Type, r.Documents = "work", "quarantine_hotel", []string{}
		}, want{ruleSet: "2020-11-20", hotel: yes, group: ptr(0), fee: ptr(1500), payer: "employer"}},
		{"employer fee 17:00 is 500", func(r *beredskap.Registration) {
			r.ArrivalTime = "2020-12-13T17:00:00+01:00"
			r.Purpose, r.Accommodation.Type, r.Documents = "work", "quarantine_hotel", []string{}
		}, want{ruleSet: "2020-12-13-1700", hotel: yes, group: ptr(0), fee: ptr(500), payer: "employer"}},
		// seed 001 group 4 exists only from 17:00: at 16:59 a confirmed suitable place does not help.
		{"group 4 not before 17:00", func(r *beredskap.Registration) { r.ArrivalTime = "2020-12-13T16:59:59+01:00" },
			want{hotel: yes, group: ptr(0), fee: ptr(500), payer: "traveller"}},
		{"group 4 from 17:00", func(r *beredskap.Registration) { r.ArrivalTime = "2020-12-13T16:00:00Z" },
			want{ruleSet: "2020-12-13-1700", hotel: no, group: ptr(4), fee: ptr(0), payer: "none"}},
		// seed 004: "Karanteneperioden begynner å løpe fra den dagen personen ankommer"; 10 days; Oslo date.
		{"23:30 UTC is the next day in Oslo", func(r *beredskap.Registration) { r.ArrivalTime = "2020-12-19T23:30:00Z" },
			want{scope: "full", first: "2020-12-20", last: "2020-12-30"}},
		{"22:59 UTC is still the same day in Oslo", func(r *beredskap.Registration) { r.ArrivalTime = "2020-12-19T22:59:00Z" },
			want{first: "2020-12-19", last: "2020-12-29"}},
		// Summer time: 22:30 UTC on 2021-03-27 is 23:30 CET; 22:30 UTC on 2021-03-28 is 00:30 CEST the next day.
		// seed 004: "Personer som kan dokumentere at de ... har gjennomgått covid-19" — without the document no exemption.
		{"recovered without proof", func(r *beredskap.Registration) { r.ExemptionsClaimed = []string{"recovered_last_6_months"} },
			want{scope: "full", group: ptr(4), reasons: []string{"exemption_document_missing"}, warnings: []string{"exemption_document_missing"}}},
		{"recovered with proof", func(r *beredskap.Registration) {
			r.ExemptionsClaimed = []string{"recovered_last_6_months"}
			r.Documents = []string{"recovery_proof"}
		}, want{scope: "none", first: "null", last: "null", hotel: no, group: ptr(0), fee: ptr(0), payer: "none", restrict: []string{}}},
		// seed 004: "avtalt eller fastsatt samvær mellom foreldre og barn"
		{"visitation without agreement", func(r *beredskap.Registration) { r.ExemptionsClaimed = []string{"parent_child_visitation"} },
			want{scope: "full", warnings: []string{"exemption_document_missing"}}},
		// seed 004: "Personer som norske statlige myndigheter har invitert"
		{"invited with invitation", func(r *beredskap.Registration) {
			r.ExemptionsClaimed, r.Documents = []string{"invited_by_state"}, []string{"invitation"}
		}, want{scope: "none", group: ptr(0), fee: ptr(0), reasons: []string{"exemption_invited_by_state"}}},
		// seed 001 group 1: "busett eller har fast bopel i Norge" + skatteopplysningar / avgifter / grunnboka.
		{"group 1", func(r *beredskap.Registration) {
			r.Residence, r.Accommodation.Type, r.Documents = "permanent_home", "own_home", []string{"land_registry"}
		}, want{scope: "full", hotel: no, group: ptr(1), fee: ptr(0), payer: "none", restrict: fullRestrictions}},
		{"group 1 without documents", func(r *beredskap.Registration) {
			r.Residence, r.Accommodation.Type, r.Documents = "registered_resident", "own_home", []string{}
		}, want{hotel: yes, group: ptr(0), fee: ptr(500), payer: "traveller", warnings: []string{"hotel_group_documents_missing"}}},
		// seed 004 group 2: "vigselsattest eller fødselsattest, samt leiekontrakt eller skatteopplysninger ..."
		{"group 2", func(r *beredskap.Registration) {
			r.FamilyOfResident, r.Accommodation.Type = true, "family_home"
			r.Documents = []string{"birth_certificate", "tax_record"}
		}, want{hotel: no, group: ptr(2), fee: ptr(0)}},
		{"group 2 missing the spouse's record", func(r *beredskap.Registration) {
			r.FamilyOfResident, r.Accommodation.Type, r.Documents = true, "family_home", []string{"birth_certificate"}
		}, want{hotel: yes, group: ptr(0), warnings: []string{"hotel_group_documents_missing"}}},
		// seed 001 group 3: "einerom med TV og internett, eige bad, og eige kjøkken eller matservering"
		{"group 3", func(r *beredskap.Registration) {
			r.Purpose, r.Accommodation.Type, r.Accommodation.TVAndInternet = "work", "employer_provided", true
			r.Documents = []string{"employer_confirmation"}
		}, want{hotel: no, group: ptr(3), fee: ptr(0), payer: "none"}},
		{"group 3 without own bathroom", func(r *beredskap.Registration) {
			r.Purpose, r.Accommodation.Type, r.Accommodation.TVAndInternet = "work", "employer_provided", true
			r.Accommodation.OwnBathroom = false
			r.Documents = []string{"employer_confirmation"}
		}, want{hotel: yes, group: ptr(0), fee: ptr(500), payer: "employer", warnings: []string{"hotel_group_place_unsuitable", "place_lacks_own_bathroom"}}},
		// seed 004 group 4: "Hustandsmedlemmer ... uten krav til enerom, dersom de reiser sammen"
		{"group 4 shared room, household", func(r *beredskap.Registration) {
			r.Accommodation.SingleRoom, r.Accommodation.HouseholdTravellingTogether = false, true
		}, want{hotel: no, group: ptr(4)}},
		{"group 4 shared room, not household", func(r *beredskap.Registration) { r.Accommodation.SingleRoom = false },
			want{hotel: yes, group: ptr(0), warnings: []string{"place_lacks_single_room_unless_household"}}},
		{"group 4 ordinary hotel confirms itself", func(r *beredskap.Registration) { r.Accommodation.Type = "ordinary_hotel" },
			want{hotel: no, group: ptr(4)}},
		// seed 001 group 5: "Dei som søker asyl eller er overføringsflyktning"
		{"group 5", func(r *beredskap.Registration) { r.Purpose, r.Documents = "transfer_refugee", []string{} },
			want{hotel: no, group: ptr(5)}},
		// seed 001 group 6: "unntatt etter §§ 6b sjette ledd eller 6i"
		{"group 6", func(r *beredskap.Registration) {
			r.ExemptionsClaimed, r.Accommodation.Type, r.Documents = []string{"special_arrangement"}, "none", []string{}
		}, want{scope: "full", hotel: no, group: ptr(6)}},
		// seed 004: "Privatpersoner ... 500 kroner per døgn. Barn under 10 år som bor på rom med foresatte, skal ikke
		// betale egenandel. For barn i alderen 10 til 18 år er egenandelen 250 kroner per døgn."
		{"fee adult", func(r *beredskap.Registration) { r.Documents = []string{} }, want{hotel: yes, fee: ptr(500), payer: "traveller"}},
		{"fee age 18 on the day", func(r *beredskap.Registration) {
			r.Documents, r.Traveller.BirthDate = []string{}, "2002-12-20"
		}, want{fee: ptr(500), noReasons: []string{"minor_carers_at_hotel"}}},
		{"fee age 17, the day before the 18th birthday", func(r *beredskap.Registration) {
			r.Documents, r.Traveller.BirthDate = []string{}, "2002-12-21"
		}, want{fee: ptr(250), payer: "traveller", reasons: []string{"minor_carers_at_hotel"}}},
		{"fee age 10", func(r *beredskap.Registration) { r.Documents, r.Traveller.BirthDate = []string{}, "2010-12-20" },
			want{fee: ptr(250)}},
		{"fee under 10 with guardian", func(r *beredskap.Registration) {
			r.Documents, r.Traveller.BirthDate, r.RoomWithGuardian = []string{}, "2010-12-21", true
		}, want{hotel: yes, fee: ptr(0), payer: "none"}},
		{"fee under 10 alone", func(r *beredskap.Registration) {
			r.Documents, r.Traveller.BirthDate = []string{}, "2015-01-01"
		}, want{fee: ptr(250), payer: "traveller"}},
		{"fee worker, employer pays regardless of age", func(r *beredskap.Registration) {
			r.Documents, r.Purpose, r.Traveller.BirthDate = []string{}, "work", "2004-01-01"
		}, want{fee: ptr(500), payer: "employer"}},
		// seed 004: "Personer i innreisekarantene kan ikke reise videre til Svalbard eller Jan Mayen"; "Personer som er
		// bosatt på Svalbard, og som ikke kan dokumentere egnet oppholdssted på fastlandet, plikter å oppholde seg på
		// karantenehotell"; "Personer som skal til Svalbard for å utføre arbeid ... annet egnet oppholdssted".
		{"Svalbard resident without a mainland place", func(r *beredskap.Registration) {
			r.Destination, r.Residence, r.Accommodation.Type = "svalbard", "registered_resident", "own_home"
			r.Accommodation.Address = beredskap.Address{Street: "Vei 1", PostalCode: "9171"}
			r.Documents = []string{"tax_record"}
		}, want{hotel: yes, group: ptr(0), warnings: []string{"svalbard_place_not_mainland"},
			restrict: append(slices.Clone(fullRestrictions), "no_onward_travel_svalbard")}},
		{"Svalbard resident with a mainland place", func(r *beredskap.Registration) {
			r.Destination, r.Residence = "svalbard", "registered_resident"
			r.Documents = []string{"tax_record"}
		}, want{hotel: no, group: ptr(1), restrict: append(slices.Clone(fullRestrictions), "no_onward_travel_svalbard")}},
		{"Jan Mayen worker at a mainland place", func(r *beredskap.Registration) {
			r.Destination, r.Purpose, r.Accommodation.Type, r.Accommodation.TVAndInternet = "jan_mayen", "work", "employer_provided", true
			r.Documents = []string{"employer_confirmation"}
		}, want{hotel: no, group: ptr(3), reasons: []string{"svalbard_no_onward_travel"}}},
		{"no Svalbard restriction without quarantine", func(r *beredskap.Registration) {
			r.Destination, r.CountriesVisited = "svalbard", []string{"NO"}
		}, want{scope: "none", group: ptr(0), fee: ptr(0), restrict: []string{}}},
		// RULES.md 2020-12-29 08:00: end after day 7 with two negative tests; not after a stay in the UK.
		{"early end not before 08:00", func(r *beredskap.Registration) { r.ArrivalTime = "2020-12-29T07:59:00+01:00" },
			want{ruleSet: "2020-12-23-1200", early: "none"}},
		{"early end from 08:00", func(r *beredskap.Registration) { r.ArrivalTime = "2020-12-29T08:00:00+01:00" },
			want{ruleSet: "2020-12-29-0800", early: "2021-01-05", last: "2021-01-08"}},
		{"early end excluded after GB", func(r *beredskap.Registration) {
			r.ArrivalTime, r.CountriesVisited = "2020-12-30T08:00:00+01:00", []string{"DE", "GB"}
		}, want{early: "none", warnings: []string{"early_end_excluded"}}},
		{"early end PCR from 2021-01-25", func(r *beredskap.Registration) { r.ArrivalTime = "2021-01-25T00:00:00+01:00" },
			want{ruleSet: "2021-01-25", early: "2021-02-01", reasons: []string{"early_end_negative_pcr_day_7"}}},
		// Classification: everything not known to be non-red is red; Norway is not.
		{"no red country", func(r *beredskap.Registration) { r.CountriesVisited = []string{} },
			want{scope: "none", first: "null", last: "null", hotel: no, group: ptr(0), fee: ptr(0), payer: "none", reasons: []string{"no_red_area"}}},
		{"Norway and Svalbard are not red", func(r *beredskap.Registration) { r.CountriesVisited = []string{"NO", "SJ", "NO-21"} },
			want{scope: "none", group: ptr(0), fee: ptr(0)}},
		{"unknown area is red", func(r *beredskap.Registration) { r.CountriesVisited = []string{"FI-99"} },
			want{scope: "full"}},
		{"unknown country is red", func(r *beredskap.Registration) { r.CountriesVisited = []string{"ZZ"} },
			want{scope: "full"}},
		{"Vasa (FI-12) not red on 2020-12-15", func(r *beredskap.Registration) {
			r.ArrivalTime, r.CountriesVisited = "2020-12-15T10:00:00+01:00", []string{"FI-12"}
		}, want{scope: "none", group: ptr(0), fee: ptr(0)}},
		{"Vasa red from 2020-12-21", func(r *beredskap.Registration) {
			r.ArrivalTime, r.CountriesVisited = "2020-12-21T00:00:00+01:00", []string{"FI-12"}
		}, want{scope: "full"}},
		{"Lapland red while Vasa is not", func(r *beredskap.Registration) {
			r.ArrivalTime, r.CountriesVisited = "2020-12-15T10:00:00+01:00", []string{"FI-12", "FI-10"}
		}, want{scope: "full"}},
		// seed 002: § 6 first/second paragraph, during work and commuting only; no documents, no decision;
		// "Bruk av unntaket skal avklares med virksomhetsledelsen."
		{"critical function", func(r *beredskap.Registration) {
			r.Purpose, r.ExemptionsClaimed, r.CriticalFunctionSector = "work", []string{"critical_function"}, "power_supply"
			r.Accommodation.Type, r.Accommodation.TVAndInternet, r.Documents = "employer_provided", true, []string{"employer_confirmation"}
		}, want{scope: "leisure", hotel: no, group: ptr(3), reasons: []string{"exemption_critical_function", "management_clarification", "no_decision_required"},
			restrict: []string{"avoid_close_contact", "no_school_or_kindergarten", "quarantine_outside_work"}}},
		{"critical function without sector", func(r *beredskap.Registration) {
			r.ExemptionsClaimed = []string{"critical_function"}
		}, want{scope: "full", warnings: []string{"sector_not_accepted"}}},
		{"reindeer herding", func(r *beredskap.Registration) {
			r.ExemptionsClaimed, r.CountriesVisited, r.Documents = []string{"reindeer_herding"}, []string{"SE"}, []string{}
		}, want{scope: "leisure", hotel: no, group: ptr(0), fee: ptr(0), reasons: []string{"exemption_reindeer_herding"}}},
		// seed 004: minors alone at a hotel may have carers; leaving Norway: mask over 12.
		{"minor at hotel", func(r *beredskap.Registration) { r.Traveller.BirthDate, r.Documents = "2006-01-01", []string{} },
			want{hotel: yes, fee: ptr(250), reasons: []string{"minor_carers_at_hotel", "leaving_norway"}}},
		// seed 001 § 6j from 2020-12-23 12:00
		// Seed 001: the dispensation from 2020-12-13 17:00; asker.kommune.no:
		// a direct exemption replaced it on 2020-12-23 12:00.
		{"6j dispensation before 23 December 12:00", func(r *beredskap.Registration) { r.ArrivalTime = "2020-12-23T10:59:00Z" },
			want{reasons: []string{"dispensation_6j"}, noReasons: []string{"exemption_6j_close_relative"}}},
		{"6j exemption from 23 December 12:00", func(r *beredskap.Registration) { r.ArrivalTime = "2020-12-23T11:00:00Z" /* 12:00 Oslo */ },
			want{reasons: []string{"exemption_6j_close_relative"}, noReasons: []string{"dispensation_6j"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base()
			tt.change(&r)
			d, err := b.Evaluate(&r, "en")
			if err != nil {
				t.Fatal(err)
			}
			checkDecision(t, d, tt.want)
		})
	}
}

func TestEvaluateErrors(t *testing.T) {
	b := mustBook(t)
	tests := []struct {
		name          string
		change        func(r *beredskap.Registration)
		field, reason string
	}{
		{"before the first version", func(r *beredskap.Registration) { r.ArrivalTime = "2020-11-08T22:59:59Z" }, "arrival_time", "no_rule_version"},
		{"not an instant", func(r *beredskap.Registration) { r.ArrivalTime = "yesterday" }, "arrival_time", "format_instant"},
		{"empty", func(r *beredskap.Registration) { r.ArrivalTime = "" }, "arrival_time", "format_instant"},
		{"bad birth date", func(r *beredskap.Registration) { r.Traveller.BirthDate = "1990-02-30" }, "traveller.birth_date", "format_date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base()
			tt.change(&r)
			_, err := b.Evaluate(&r, "en")
			var e *beredskap.Error
			if !errors.As(err, &e) || e.Code != beredskap.EINVALID || e.Field != tt.field || e.Reason != tt.reason {
				t.Fatalf("Evaluate() error %v; want invalid %s %s", err, tt.field, tt.reason)
			}
		})
	}
	if _, err := b.Evaluate(nil, "en"); err == nil {
		t.Error("Evaluate(nil) returned no error")
	}
	// The first version starts at midnight Oslo time.
	r := base()
	r.ArrivalTime = "2020-11-08T23:00:00Z"
	if d, err := b.Evaluate(&r, "en"); err != nil || d.RuleSet.ID != "2020-11-09" {
		t.Errorf("at 2020-11-09 00:00 Oslo: %v, %v; want 2020-11-09", d.RuleSet.ID, err)
	}
}

// Odd but shape-valid input must never panic.
func TestEvaluateOddInputDoesNotPanic(t *testing.T) {
	b := mustBook(t)
	r := beredskap.Registration{ArrivalTime: "2021-01-30T10:00:00.123456+05:30", Traveller: beredskap.Traveller{BirthDate: "2000-02-29"},
		CountriesVisited: []string{"", "X", "GB-", "-"}, ExemptionsClaimed: []string{"nonsense", "critical_function"},
		Documents: []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q"}}
	if _, err := b.Evaluate(&r, "xx"); err != nil {
		t.Fatal(err)
	}
}

func TestEvaluateLanguages(t *testing.T) {
	b := mustBook(t)
	r := base()
	texts := map[string]string{}
	for _, lang := range []string{"nb", "nn", "en", "pl", "", "nb-NO", "EN"} {
		d, err := b.Evaluate(&r, lang)
		if err != nil {
			t.Fatal(err)
		}
		texts[lang] = d.Reasons[0].Text
		want := map[string]string{"nb": "nb", "nn": "nn", "en": "en", "pl": "en", "": "en", "nb-NO": "nb", "EN": "en"}[lang]
		if d.Language != want {
			t.Errorf("lang %q: language %q; want %q", lang, d.Language, want)
		}
	}
	if texts["nb"] == texts["en"] || texts["nn"] == texts["nb"] || texts["pl"] != texts["en"] {
		t.Errorf("texts do not differ by language as expected: %q", texts)
	}
}

func TestEvaluateIsDeterministic(t *testing.T) {
	b := mustBook(t)
	r := base()
	r.ExemptionsClaimed = []string{"recovered_last_6_months"}
	r.Documents = []string{}
	first, err := b.Evaluate(&r, "nb")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(first)
	for range 50 {
		d, _ := b.Evaluate(&r, "nb")
		got, _ := json.Marshal(d)
		if string(got) != string(want) {
			t.Fatalf("decision differs:\n%s\n%s", got, want)
		}
	}
	// Decisions share no mutable memory: changing one leaves the next alone.
	first.Restrictions[0] = "changed"
	*first.Quarantine.FirstDay = "changed"
	first.Reasons[0].Text = "changed"
	d, _ := b.Evaluate(&r, "nb")
	if got, _ := json.Marshal(d); string(got) != string(want) {
		t.Fatalf("decision changed after mutating an earlier one:\n%s", got)
	}
}

func TestDecisionJSONShape(t *testing.T) {
	b := mustBook(t)
	r := base()
	r.CountriesVisited = []string{}
	d, err := b.Evaluate(&r, "en")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	data, _ := json.Marshal(d)
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"documents_required", "restrictions", "warnings", "reasons", "tests_required"} {
		if _, ok := m[k].([]any); !ok {
			t.Errorf("%s is %v; want a list (never null)", k, m[k])
		}
	}
	if rs := m["rule_set"].(map[string]any); rs["in_force_from"] != "2020-12-13T17:00:00+01:00" {
		t.Errorf("rule_set.in_force_from %v", rs["in_force_from"])
	}
}

// Every arrival of 2021 from 27 May is decided (tv2.no 27.5.2021: the
// hotel rules of 27 May; 22:00 UTC on 26 May 2021 is midnight in Oslo).
// The entry chapter was repealed on 12 February 2022 at 10.00
// (FOR-2022-02-11-205, its text in Norsk Lovtidend): an arrival a minute
// before is decided under the rules of 1 February, and after it there are
// no entry measures.
func TestUncoveredPeriodsAndTheEnd(t *testing.T) {
	b := mustBook(t)
	for at, want := range map[string]string{"2022-02-12T09:59:00+01:00": "2022-02-01-2300", "2022-02-12T10:00:00+01:00": "2022-02-13"} {
		r := base()
		r.ArrivalTime = at
		d, err := b.Evaluate(&r, "nb")
		if err != nil {
			t.Errorf("arrival %s: %v; want version %s", at, err, want)
		} else if d.RuleSet.ID != want {
			t.Errorf("arrival %s: version %s; want %s", at, d.RuleSet.ID, want)
		}
	}
	r := base()
	r.CountriesVisited = []string{"US"}
	// FOR-2021-05-27-1631 is in force from 27 May 2021 at 12.00.
	r.ArrivalTime = "2021-05-27T09:59:00Z"
	if d, err := b.Evaluate(&r, "en"); err != nil || d.RuleSet.ID != "2021-05-09-1200" {
		t.Errorf("last minute before noon on 27 May: %v, %v", d.RuleSet.ID, err)
	}
	r.ArrivalTime = "2021-05-27T10:00:00Z"
	if d, err := b.Evaluate(&r, "en"); err != nil || d.RuleSet.ID != "2021-05-27" || !d.Hotel.Required {
		t.Errorf("noon on 27 May: %v, %v", d.RuleSet.ID, err)
	}
	r.ArrivalTime = "2022-02-13T00:00:00+01:00"
	d, err := b.Evaluate(&r, "nb")
	if err != nil || d.Quarantine.Required || len(d.TestsRequired) != 0 || len(d.Reasons) != 1 || d.Reasons[0].Code != "no_entry_measures" {
		t.Fatalf("after the end: %+v, %v", d, err)
	}
	if !strings.Contains(d.Reasons[0].Ref, "12. februar 2022") {
		t.Errorf("the end is cited as %q", d.Reasons[0].Ref)
	}
}

// A reason that rests on the rule of an earlier amendment names that
// amendment by its date and Lovtidend number, in the version that
// continues the rule too: the test after arrival for everyone was made by
// FOR-2021-12-02-3338 (its text in Norsk Lovtidend), and still applies to
// an arrival on 20 December 2021 under the version of 15 December.
func TestReasonsNameTheAmendmentOfTheirRule(t *testing.T) {
	b := mustBook(t)
	r := base()
	r.CountriesVisited = []string{"PL"}
	want := map[string]string{
		"nb": "covid-19-forskriften slik den lød fra 3. desember 2021 (test etter ankomst for alle), endret ved forskrift 2. desember 2021 nr. 3338",
		"nn": "covid-19-forskrifta slik ho lydde frå 3. desember 2021 (test etter framkomst for alle), endra ved forskrift 2. desember 2021 nr. 3338",
		"en": "the covid-19 regulation as in force from 3 December 2021 (a test after arrival for everyone), amended by the regulation of 2 December 2021 No. 3338",
	}
	for _, arrival := range []string{"2021-12-05T12:00:00+01:00", "2021-12-20T12:00:00+01:00"} {
		r.ArrivalTime = arrival
		for lang, w := range want {
			d, err := b.Evaluate(&r, lang)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, x := range d.Reasons {
				found = found || strings.Contains(x.Ref, w)
			}
			if !found {
				t.Errorf("%s %s (%s): no reason cites %q; reasons %+v", arrival, lang, d.RuleSet.ID, w, d.Reasons)
			}
		}
	}
}

// Every reason cites the regulation in the decision's language with the
// version's in-force instant, and the amendment by date and Lovtidend
// number where it is verified (luroy.kommune.no and Lovdata's Lovtidend
// register: FOR-2021-01-15-93); no text people read names a seed or a
// design document.
func TestCitationsInPlainWords(t *testing.T) {
	b := mustBook(t)
	r := base()
	r.ArrivalTime = "2021-01-19T10:00:00+01:00"
	for lang, want := range map[string]string{
		"nb": "covid-19-forskriften § 5 første ledd (slik den lød fra 18. januar 2021 kl. 17.00, endret ved forskrift 15. januar 2021 nr. 93)",
		"nn": "covid-19-forskrifta § 5 første ledd (slik ho lydde frå 18. januar 2021 kl. 17.00, endra ved forskrift 15. januar 2021 nr. 93)",
		"en": "Covid-19 regulation (covid-19-forskriften) section 5 first paragraph (as in force from 18 January 2021 at 17.00, amended by the regulation of 15 January 2021 No. 93)",
	} {
		d, err := b.Evaluate(&r, lang)
		if err != nil {
			t.Fatal(err)
		}
		if d.Reasons[0].Code != "quarantine_full" || d.Reasons[0].Ref != want {
			t.Errorf("%s: first reason %s cites %q; want %q", lang, d.Reasons[0].Code, d.Reasons[0].Ref, want)
		}
	}
	for _, v := range b.Versions() {
		for _, c := range []string{"nb", "nn", "en"} {
			d, err := b.EvaluateUnder(v, &r, c)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range d.Reasons {
				for _, bad := range []string{"seed", "RULES", ".md", "_"} {
					if strings.Contains(x.Ref, bad) || strings.Contains(x.Text, bad) {
						t.Errorf("%s %s: reason %s reads %q / %q (contains %q)", v.ID, c, x.Code, x.Text, x.Ref, bad)
					}
				}
			}
		}
	}
}
