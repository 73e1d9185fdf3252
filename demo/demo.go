// Package demo generates synthetic registrations for the demo: plausible
// travellers across municipalities and dates of the 2020–21 entry regime,
// the same ones on every run (the generator is seeded). No generated person
// is real: names are drawn from common first and last names, e-mail
// addresses use the reserved example.com domain, and phone numbers are drawn
// at random from mobile ranges.
package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"beredskap"
)

// First and last arrival instants of the generated registrations.
var (
	firstArrival = time.Date(2020, 11, 9, 6, 0, 0, 0, time.UTC)
	lastArrival  = time.Date(2021, 2, 22, 20, 0, 0, 0, time.UTC) // the last encoded instant before a gap in the rules
)

// origin describes travellers from one country.
type origin struct {
	country, language string
	weight            int
	firstNames        []string
	lastNames         []string
	phone             func(r *rand.Rand) string
	arrivalModes      []string
}

var origins = []origin{
	{"PL", "pl", 30, []string{"Anna", "Piotr", "Katarzyna", "Tomasz", "Agnieszka", "Marcin", "Magdalena", "Paweł"},
		[]string{"Kowalska", "Nowak", "Wiśniewski", "Wójcik", "Kamińska", "Lewandowski", "Zielińska"},
		digits("+48", "60", 7), []string{beredskap.ModeAir, beredskap.ModeLand, beredskap.ModeSea}},
	{"LT", "lt", 12, []string{"Jonas", "Ona", "Tomas", "Rūta", "Mantas", "Greta"},
		[]string{"Kazlauskas", "Jankauskienė", "Petrauskas", "Stankevičiūtė", "Vasiliauskas"},
		digits("+370", "6", 7), []string{beredskap.ModeAir, beredskap.ModeLand}},
	{"SE", "sv", 14, []string{"Erik", "Karin", "Lars", "Maria", "Johan", "Elin"},
		[]string{"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson"},
		digits("+46", "70", 7), []string{beredskap.ModeLand, beredskap.ModeLand, beredskap.ModeAir}},
	{"DE", "de", 8, []string{"Lukas", "Sophie", "Jonas", "Lea", "Felix", "Hannah"},
		[]string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber"},
		digits("+49", "151", 8), []string{beredskap.ModeAir, beredskap.ModeSea}},
	{"RO", "ro", 6, []string{"Andrei", "Elena", "Mihai", "Ioana", "Alexandru"},
		[]string{"Popescu", "Ionescu", "Popa", "Dumitru", "Stan"},
		digits("+40", "72", 7), []string{beredskap.ModeAir, beredskap.ModeLand}},
	{"NO", "nb", 24, []string{"Ola", "Kari", "Nora", "Jakob", "Ingrid", "Emil", "Sofie", "Henrik"},
		[]string{"Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Berg"},
		digits("+47", "9", 7), []string{beredskap.ModeAir, beredskap.ModeAir, beredskap.ModeLand}},
	{"GB", "en", 6, []string{"Oliver", "Amelia", "George", "Isla", "Harry"},
		[]string{"Smith", "Jones", "Taylor", "Brown", "Williams"},
		digits("+44", "79", 8), []string{beredskap.ModeAir}},
}

// digits returns a generator of phone numbers: the prefix and n random digits.
func digits(country, prefix string, n int) func(*rand.Rand) string {
	return func(r *rand.Rand) string {
		s := country + " " + prefix
		for range n {
			s += fmt.Sprint(r.IntN(10))
		}
		return s
	}
}

var airports = []string{"OSL", "BGO", "TRD", "SVG", "TOS", "KRS", "AES"}
var borderPoints = map[string][]string{
	beredskap.ModeLand: {"Svinesund", "Ørje", "Magnormoen", "Storskog", "Bjørnfjell"},
	beredskap.ModeSea:  {"Oslo havn", "Kristiansand havn", "Larvik havn", "Sandefjord havn"},
}

// Registrations returns n registrations generated from seed. The same n and
// seed give the same registrations.
func Registrations(n int, seed uint64, places []Place) []beredskap.Registration {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	total := 0
	for _, o := range origins {
		total += o.weight
	}
	out := make([]beredskap.Registration, n)
	for i := range out {
		out[i] = generate(r, pickOrigin(r, total), places)
	}
	return out
}

// Place is an address a traveller may stay at: a postal code and a street.
type Place struct {
	PostalCode string
	Street     string
}

func pickOrigin(r *rand.Rand, total int) origin {
	w := r.IntN(total)
	for _, o := range origins {
		if w < o.weight {
			return o
		}
		w -= o.weight
	}
	return origins[0]
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }
