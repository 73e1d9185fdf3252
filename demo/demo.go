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

// origin describes travellers from one country. Women and men have their
// own first names; a surname is given in its masculine and feminine form,
// which differ in Polish (Kowalski, Kowalska) and Lithuanian (Kazlauskas,
// Kazlauskienė) and are the same elsewhere.
type origin struct {
	country, language string
	weight            int
	women, men        []string
	surnames          []surname
	phone             func(r *rand.Rand) string
	arrivalModes      []string
}

// surname is a family name in its masculine and feminine forms.
type surname struct{ masculine, feminine string }

// same returns surnames whose two forms are the same.
func same(names ...string) []surname {
	out := make([]surname, len(names))
	for i, n := range names {
		out[i] = surname{n, n}
	}
	return out
}

var origins = []origin{
	{"PL", "pl", 30, []string{"Anna", "Katarzyna", "Agnieszka", "Magdalena"}, []string{"Piotr", "Tomasz", "Marcin", "Paweł"},
		[]surname{{"Kowalski", "Kowalska"}, {"Nowak", "Nowak"}, {"Wiśniewski", "Wiśniewska"}, {"Wójcik", "Wójcik"},
			{"Kamiński", "Kamińska"}, {"Lewandowski", "Lewandowska"}, {"Zieliński", "Zielińska"}},
		digits("+48", "60", 7), []string{beredskap.ModeAir, beredskap.ModeLand, beredskap.ModeSea}},
	{"LT", "lt", 12, []string{"Ona", "Rūta", "Greta"}, []string{"Jonas", "Tomas", "Mantas"},
		[]surname{{"Kazlauskas", "Kazlauskienė"}, {"Jankauskas", "Jankauskaitė"}, {"Petrauskas", "Petrauskienė"},
			{"Stankevičius", "Stankevičiūtė"}, {"Vasiliauskas", "Vasiliauskienė"}},
		digits("+370", "6", 7), []string{beredskap.ModeAir, beredskap.ModeLand}},
	{"SE", "sv", 14, []string{"Karin", "Maria", "Elin"}, []string{"Erik", "Lars", "Johan"},
		same("Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson"),
		digits("+46", "70", 7), []string{beredskap.ModeLand, beredskap.ModeLand, beredskap.ModeAir}},
	{"DE", "de", 8, []string{"Sophie", "Lea", "Hannah"}, []string{"Lukas", "Jonas", "Felix"},
		same("Müller", "Schmidt", "Schneider", "Fischer", "Weber"),
		digits("+49", "151", 8), []string{beredskap.ModeAir, beredskap.ModeSea}},
	{"RO", "ro", 6, []string{"Elena", "Ioana", "Maria"}, []string{"Andrei", "Mihai", "Alexandru"},
		same("Popescu", "Ionescu", "Popa", "Dumitru", "Stan"),
		digits("+40", "72", 7), []string{beredskap.ModeAir, beredskap.ModeLand}},
	{"NO", "nb", 24, []string{"Kari", "Nora", "Ingrid", "Sofie"}, []string{"Ola", "Jakob", "Emil", "Henrik"},
		same("Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Berg"),
		digits("+47", "9", 7), []string{beredskap.ModeAir, beredskap.ModeAir, beredskap.ModeLand}},
	{"GB", "en", 6, []string{"Amelia", "Isla", "Olivia"}, []string{"Oliver", "George", "Harry"},
		same("Smith", "Jones", "Taylor", "Brown", "Williams"),
		digits("+44", "79", 8), []string{beredskap.ModeAir}},
}

// name draws a first name and the matching form of a surname.
func (o origin) name(r *rand.Rand) (first, last string) {
	sn := pick(r, o.surnames)
	if r.IntN(2) == 0 {
		return pick(r, o.women), sn.feminine
	}
	return pick(r, o.men), sn.masculine
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
