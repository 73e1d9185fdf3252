package demo

import (
	"math/rand/v2"
	"strings"
	"time"

	"beredskap"
	"beredskap/norway"
)

var oslo = mustLoad("Europe/Oslo")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// generate makes one registration of a traveller from o.
func generate(r *rand.Rand, o origin, places []Place) beredskap.Registration {
	span := lastArrival.Sub(firstArrival)
	arrival := firstArrival.Add(time.Duration(r.Int64N(int64(span)))).Truncate(time.Minute).In(oslo)
	age := 18 + r.IntN(50)
	if r.IntN(10) == 0 {
		age = r.IntN(18)
	}
	birth := arrival.AddDate(-age, -r.IntN(12), -r.IntN(28))
	first, last := o.name(r)
	mode := pick(r, o.arrivalModes)
	point := pick(r, airports)
	if mode != beredskap.ModeAir {
		point = pick(r, borderPoints[mode])
	}
	reg := beredskap.Registration{
		ArrivalTime: arrival.Format(time.RFC3339),
		Traveller: beredskap.Traveller{
			FirstName:   first,
			LastName:    last,
			BirthDate:   birth.Format(time.DateOnly),
			Nationality: o.country,
			IDDocument: beredskap.IDDocument{Type: "passport", Number: passport(r, o.country), Country: o.country,
				Expires: arrival.AddDate(1+r.IntN(8), 0, 0).Format(time.DateOnly)},
			Phone:    validPhone(r, o),
			Email:    strings.ToLower(ascii(first)+"."+ascii(last)) + "@example.com",
			Language: o.language,
		},
		CountriesVisited:  visited(r, o.country),
		Arrival:           beredskap.Arrival{Mode: mode, Point: point},
		Residence:         beredskap.ResidenceNone,
		Purpose:           beredskap.PurposeOther,
		Destination:       beredskap.DestinationMainland,
		ExemptionsClaimed: []string{},
		Documents:         []string{},
	}
	place := pick(r, places)
	reg.Accommodation.Address = beredskap.Address{Street: place.Street, PostalCode: place.PostalCode}
	situate(r, &reg, o, age)
	if r.IntN(50) == 0 {
		reg.Destination = beredskap.DestinationSvalbard
	}
	return reg
}

// validPhone draws phone numbers until one is valid by the numbering plan
// (a few random numbers in a mobile range are not in use).
func validPhone(r *rand.Rand, o origin) string {
	for {
		p := o.phone(r)
		if _, err := norway.NormalizePhone(p, "NO"); err == nil {
			return p
		}
	}
}

// situate chooses why the traveller comes and where they stay, and which
// documents they hold; about one in eight lacks a document they need.
func situate(r *rand.Rand, reg *beredskap.Registration, o origin, age int) {
	a := &reg.Accommodation
	feature := func() {
		a.SingleRoom, a.OwnBathroom, a.OwnKitchenOrMeals, a.CloseContactAvoidable = true, true, true, true
	}
	hold := func(doc string) {
		if r.IntN(8) != 0 {
			reg.Documents = append(reg.Documents, doc)
		}
	}
	switch {
	case o.country == "NO" || r.IntN(12) == 0:
		reg.Residence = beredskap.ResidenceRegistered
		a.Type = beredskap.AccommodationOwnHome
		hold(pick(r, []string{"tax_record", "municipal_fees", "land_registry", "lease_contract"}))
	case age >= 18 && r.IntN(2) == 0:
		reg.Purpose = beredskap.PurposeWork
		reg.Employer = pick(r, employerList)
		switch r.IntN(6) {
		case 0:
			a.Type = beredskap.AccommodationQuarantineHotel
			a.Address = beredskap.Address{}
		case 1:
			reg.ExemptionsClaimed = []string{beredskap.ExemptionCriticalFunction}
			reg.CriticalFunctionSector = pick(r, []string{"health_and_care", "transport", "power_supply", "cleaning"})
			a.Type = beredskap.AccommodationEmployer
			feature()
			a.TVAndInternet = true
			hold("employer_confirmation")
		default:
			a.Type = beredskap.AccommodationEmployer
			feature()
			a.TVAndInternet = r.IntN(10) != 0
			hold("employer_confirmation")
		}
	case r.IntN(4) == 0:
		reg.FamilyOfResident = true
		a.Type = beredskap.AccommodationFamilyHome
		hold("marriage_certificate")
		reg.Documents = append(reg.Documents, "lease_contract")
	case r.IntN(3) == 0:
		a.Type = beredskap.AccommodationQuarantineHotel
		a.Address = beredskap.Address{}
		reg.RoomWithGuardian = age < 10
	default:
		a.Type = pick(r, []string{beredskap.AccommodationOtherSuitable, beredskap.AccommodationOrdinaryHotel})
		feature()
		hold("accommodation_confirmation")
	}
}

var employerList = []beredskap.Employer{
	{OrgNumber: "123456785", Name: "Nordbygg AS"},
	{OrgNumber: "923456783", Name: "Fiskeriforedling AS"},
	{OrgNumber: "934567897", Name: "Vestland Verft AS"},
	{OrgNumber: "965432108", Name: "Renhold Nord AS"},
}

func visited(r *rand.Rand, home string) []string {
	if home == "NO" {
		return []string{pick(r, []string{"ES", "PL", "SE", "DE", "GB", "US", "TH"})}
	}
	out := []string{home}
	if r.IntN(4) == 0 {
		out = append(out, pick(r, []string{"DE", "DK", "SE"}))
	}
	return out
}

func passport(r *rand.Rand, country string) string {
	const letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
	s := country + string(letters[r.IntN(len(letters))])
	for range 7 {
		s += string(rune('0' + r.IntN(10)))
	}
	return s
}

// ascii folds the letters of a name to ASCII for an e-mail address.
func ascii(s string) string {
	repl := strings.NewReplacer("ą", "a", "ę", "e", "ł", "l", "ń", "n", "ó", "o", "ś", "s", "ź", "z", "ż", "z",
		"ć", "c", "ū", "u", "ė", "e", "č", "c", "š", "s", "ž", "z", "ü", "u", "ö", "o", "ä", "a", "å", "a",
		"ø", "o", "æ", "ae", "Ł", "L", "Š", "S", "Ž", "Z", "Ü", "U", "Ö", "O", "Ä", "A", "Å", "A", "Ø", "O", "Æ", "AE")
	return repl.Replace(s)
}
