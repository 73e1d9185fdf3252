// Package folkeregister looks up people's registered postal addresses
// (folkeregistrert adresse) in the population register
// (Folkeregisteret), so that letters to people without a digital mailbox
// can be posted to them.
package folkeregister

import (
	"context"
	"strings"
)

// Address is a person's registered postal address (folkeregistrert
// adresse). Lines hold the street and number and any c/o line, in order;
// Country is an ISO 3166 alpha-2 code, "NO" for Norway.
type Address struct {
	Lines       []string
	PostalCode  string
	PostalPlace string
	Country     string
}

// Envelope returns the address as the lines of a recipient block under
// the person's name: the address lines, then postal code and place, then
// the country for an address outside Norway. Blank lines are left out.
func (a *Address) Envelope() []string {
	var out []string
	for _, l := range a.Lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	if place := strings.TrimSpace(strings.TrimSpace(a.PostalCode) + " " + strings.TrimSpace(a.PostalPlace)); place != "" {
		out = append(out, place)
	}
	if c := strings.ToUpper(strings.TrimSpace(a.Country)); c != "" && c != "NO" {
		out = append(out, c)
	}
	return out
}

// Register is the population register (Folkeregisteret).
type Register interface {
	// Address returns the person's registered postal address. It returns
	// ENOTFOUND (a *beredskap.Error) when the person is unknown or has no
	// registered address.
	Address(ctx context.Context, nationalID string) (*Address, error)
}
