package rules

import (
	"beredskap"
)

// Change codes of a re-evaluation (beredskap.ImpactChange.Changes).
const (
	ChangeHotelLifted      = "hotel_lifted"      // the hotel is no longer required (Group names the group)
	ChangeHotelRequired    = "hotel_required"    // the hotel is now required
	ChangeLastDay          = "last_day_changed"  // the last day of quarantine moved
	ChangeScope            = "scope_changed"     // full ↔ leisure
	ChangeQuarantineLifted = "quarantine_lifted" // no quarantine any more
	ChangeFee              = "fee_changed"       // the nightly fee or its payer changed
)

// Comparison is what changes between a stored decision and the decision
// of a new rule version: the change codes in a fixed order, the exemption
// group the new decision applies (0 when none), and the old and new last
// days ("" when none).
type Comparison struct {
	Codes      []string
	Group      int
	OldLastDay string
	NewLastDay string
}

// Changed reports whether anything changed.
func (c Comparison) Changed() bool { return len(c.Codes) > 0 }

// Compare returns what changes from old to new. It is pure and allocates
// only when something changed.
func Compare(old, new *beredskap.Decision) Comparison {
	var c Comparison
	if new.Hotel.ExemptionGroup != nil {
		c.Group = *new.Hotel.ExemptionGroup
	}
	c.OldLastDay = deref(old.Quarantine.LastDay)
	c.NewLastDay = deref(new.Quarantine.LastDay)
	var codes [6]string
	n := 0
	if old.Quarantine.Required && !new.Quarantine.Required {
		codes[n] = ChangeQuarantineLifted
		n++
	}
	if old.Hotel.Required && !new.Hotel.Required {
		codes[n] = ChangeHotelLifted
		n++
	}
	if !old.Hotel.Required && new.Hotel.Required {
		codes[n] = ChangeHotelRequired
		n++
	}
	if c.OldLastDay != c.NewLastDay && new.Quarantine.Required {
		codes[n] = ChangeLastDay
		n++
	}
	if old.Quarantine.Required && new.Quarantine.Required && old.Quarantine.Scope != new.Quarantine.Scope {
		codes[n] = ChangeScope
		n++
	}
	if old.Hotel.Required && new.Hotel.Required &&
		(old.Hotel.FeeNOKPerNight != new.Hotel.FeeNOKPerNight || old.Hotel.Payer != new.Hotel.Payer) {
		codes[n] = ChangeFee
		n++
	}
	if n > 0 {
		c.Codes = append([]string(nil), codes[:n]...)
	}
	return c
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
