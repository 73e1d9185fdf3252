package rules

import (
	"time"

	"beredskap"
)

// EvaluateUnder decides what version v asks of r, as if v had been in
// force at r's arrival: the quarantine days still count from the arrival
// day, and the country classification is the one of the arrival instant.
// It is how active quarantines are re-evaluated when a new version takes
// effect. Errors are those of Evaluate.
func (b *Book) EvaluateUnder(v *Version, r *beredskap.Registration, lang string) (beredskap.Decision, error) {
	if v == nil {
		return beredskap.Decision{}, beredskap.Invalid("rule_version", "required", "no rule version")
	}
	if r == nil {
		return beredskap.Decision{}, beredskap.Invalid("", "required", "no registration")
	}
	at, ok := parseInstant(r.ArrivalTime)
	if !ok {
		return beredskap.Decision{}, beredskap.Invalid("arrival_time", "format_instant",
			"must be an RFC 3339 instant such as 2020-12-20T14:30:00+01:00")
	}
	by, bm, bd, ok := parseDate(r.Traveller.BirthDate)
	if !ok {
		return beredskap.Decision{}, beredskap.Invalid("traveller.birth_date", "format_date", "must be a date written YYYY-MM-DD")
	}
	l := b.texts.index(lang)
	local := time.Unix(at, 0).In(b.oslo)
	y, m, d := local.Date()
	e := evaluation{b: b, v: v, p: v.p, r: r, at: at, l: l, age: ageOn(y, int(m), d, by, bm, bd), s: new(scratch)}
	e.y, e.m, e.d = y, m, d
	return e.decide()
}

// GroupDocuments returns the documents hotel exemption group n asks for
// in version v, each requirement met by any one of its documents, and
// false when v has no such group.
func (v *Version) GroupDocuments(n int) ([][]string, bool) {
	if v.p.hotel == nil {
		return nil, false
	}
	for _, g := range v.p.hotel.groups {
		if g.n == n {
			out := make([][]string, len(g.docs))
			for i, req := range g.docs {
				out[i] = append([]string(nil), req...)
			}
			return out, true
		}
	}
	return nil, false
}

// AgeAt returns the age in whole years on the Europe/Oslo date of t of a
// person born on birthDate (YYYY-MM-DD), and false when birthDate is
// malformed.
func (b *Book) AgeAt(birthDate string, t time.Time) (int, bool) {
	by, bm, bd, ok := parseDate(birthDate)
	if !ok {
		return 0, false
	}
	y, m, d := t.In(b.oslo).Date()
	return ageOn(y, int(m), d, by, bm, bd), true
}
