package demo

import (
	"context"
	"fmt"
	"strings"

	"beredskap/intake"
	"beredskap/norway"
)

// Places returns the street addresses the demo travellers stay at: one per
// Norwegian postal code that serves street addresses, in postal-code order.
func Places() []Place {
	var out []Place
	for n := range 10000 {
		code := fmt.Sprintf("%04d", n)
		p, ok := norway.LookupPostalCode(code)
		if !ok || (p.Category != "G" && p.Category != "B") {
			continue
		}
		street := "Storgata " + fmt.Sprint(1+n%97)
		if strings.HasPrefix(p.MunicipalityCode, "21") || strings.HasPrefix(p.MunicipalityCode, "22") {
			continue // Svalbard and Jan Mayen are not places of quarantine
		}
		out = append(out, Place{PostalCode: code, Street: street})
	}
	return out
}

// Seed registers n generated travellers through in, with idempotency keys
// derived from seed and position, so that seeding again stores nothing twice.
// It returns how many registrations were new.
func Seed(ctx context.Context, in *intake.Intake, n int, seed uint64) (int, error) {
	created := 0
	for i, reg := range Registrations(n, seed, Places()) {
		if err := ctx.Err(); err != nil {
			return created, err
		}
		_, isNew, err := in.Register(ctx, &reg, "", fmt.Sprintf("demo-%d-%d", seed, i))
		if err != nil {
			return created, fmt.Errorf("seed registration %d (%s %s): %w", i, reg.Traveller.FirstName, reg.Traveller.LastName, err)
		}
		if isNew {
			created++
		}
	}
	return created, nil
}
