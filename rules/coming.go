package rules

import (
	"slices"
	"time"

	"beredskap"
)

// ComingChanges returns the rule versions that take effect after r's
// arrival and before the end of the quarantine that decision d sets, and
// that change it, in the order they take effect: each with its decision
// (EvaluateUnder, texts in lang) and what changes from the decision before
// it (Compare). A decision without a quarantine, or whose registration
// does not evaluate, has none. It is what an impact run at each version's
// in-force instant finds for r, told ahead of time.
func (b *Book) ComingChanges(r *beredskap.Registration, d *beredskap.Decision, lang string) []beredskap.RuleChange {
	arrival, err := r.ArrivalInstant()
	if err != nil || !d.Quarantine.Required || d.Quarantine.LastDay == nil {
		return nil
	}
	end, ok := b.dayAfter(*d.Quarantine.LastDay)
	if !ok {
		return nil
	}
	versions := b.Versions()
	slices.SortFunc(versions, func(x, y *Version) int { return x.InForceFrom.Compare(y.InForceFrom) })
	var out []beredskap.RuleChange
	prev := *d
	for _, v := range versions {
		if !v.InForceFrom.After(arrival) || v.ID == d.RuleSet.ID {
			continue
		}
		if !v.InForceFrom.Before(end) {
			break
		}
		next, err := b.EvaluateUnder(v, r, lang)
		if err != nil {
			return out
		}
		c := Compare(&prev, &next)
		if !c.Changed() {
			continue
		}
		out = append(out, beredskap.RuleChange{InForceFrom: v.InForceFrom.In(b.oslo).Format(time.RFC3339),
			Changes: c.Codes, Decision: next})
		prev = next
		if !next.Quarantine.Required || next.Quarantine.LastDay == nil {
			break
		}
		if end, ok = b.dayAfter(*next.Quarantine.LastDay); !ok {
			break
		}
	}
	return out
}

// dayAfter returns the start (Europe/Oslo) of the day after day
// (YYYY-MM-DD), when a quarantine whose last day it is has ended.
func (b *Book) dayAfter(day string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, day, b.oslo)
	if err != nil {
		return time.Time{}, false
	}
	return t.AddDate(0, 0, 1), true
}

var _ beredskap.RuleChangeForecaster = (*Book)(nil)
