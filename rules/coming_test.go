package rules_test

import (
	"slices"
	"testing"
)

// Seed 001: from 13 December 2020 at 17:00 a traveller with a suitable
// place of their own (exemption group 4, seed 004) need not stay at the
// quarantine hotel. A traveller who arrived on 11 December learns it from
// the decision; one who arrives after the change is decided by it and
// learns of no change.
func TestComingChanges(t *testing.T) {
	b := mustBook(t)
	r := base()
	r.ArrivalTime = "2020-12-11T12:00:00+01:00"
	d, err := b.Evaluate(&r, "en")
	if err != nil {
		t.Fatal(err)
	}
	if !d.Hotel.Required {
		t.Fatalf("decision of %s: hotel not required; the test needs it required before 13 December", d.RuleSet.ID)
	}
	got := b.ComingChanges(&r, &d, "nb")
	if len(got) != 1 {
		t.Fatalf("ComingChanges = %+v; want the change of 13 December only", got)
	}
	c := got[0]
	if c.InForceFrom != "2020-12-13T17:00:00+01:00" || c.Decision.RuleSet.ID != "2020-12-13-1700" {
		t.Errorf("change from %s by %s; want 2020-12-13T17:00:00+01:00 by 2020-12-13-1700", c.InForceFrom, c.Decision.RuleSet.ID)
	}
	if !slices.Contains(c.Changes, "hotel_lifted") || c.Decision.Hotel.Required ||
		c.Decision.Hotel.ExemptionGroup == nil || *c.Decision.Hotel.ExemptionGroup != 4 {
		t.Errorf("change %v, hotel %+v; want hotel_lifted into group 4", c.Changes, c.Decision.Hotel)
	}
	if c.Decision.Language != "nb" {
		t.Errorf("texts in %q; want nb", c.Decision.Language)
	}

	// Decided by the new rules: nothing to tell.
	r.ArrivalTime = "2020-12-13T18:00:00+01:00"
	if d, err = b.Evaluate(&r, "en"); err != nil {
		t.Fatal(err)
	}
	if got := b.ComingChanges(&r, &d, "en"); len(got) != 0 {
		t.Errorf("ComingChanges after the change = %+v; want none", got)
	}
	// No quarantine: nothing to change.
	d.Quarantine.Required, d.Quarantine.LastDay = false, nil
	if got := b.ComingChanges(&r, &d, "en"); len(got) != 0 {
		t.Errorf("ComingChanges without quarantine = %+v; want none", got)
	}
}
