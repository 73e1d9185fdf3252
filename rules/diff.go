package rules

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Change is one difference between two rule versions, in plain words in
// the language asked for: Kind is added, removed or changed.
type Change struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

// Kinds of Change.
const (
	ChangeAdded   = "added"
	ChangeRemoved = "removed"
	ChangeChanged = "changed"
)

// Version returns the version with the given id.
func (b *Book) Version(id string) (*Version, bool) {
	for _, v := range b.versions {
		if v.ID == id {
			return v, true
		}
	}
	return nil, false
}

// Diff lists what changed for travellers from version from to version to,
// in plain words in lang (nb, nn or en; others fall back to English): the
// quarantine and its length, exemptions, the quarantine hotel and its
// fees, early end, tests, other duties, § 6j dispensations, follow-up and
// the stays after which a version does not know the rules, and the end of
// what a version covers (§ 6j and follow-up show as the
// reasons that state them). Each line is the reason text a
// decision under the version would give, marked as new, ended or changed.
func (b *Book) Diff(from, to *Version, lang string) []Change {
	d := differ{l: b.texts.index(lang), c: b.texts}
	p, q := from.p, to.p
	d.msg(p.ended, q.ended)
	d.msg(p.abolished, q.abolished)
	d.msg(p.protectedMsg(), q.protectedMsg())
	if p.protected != nil && q.protected != nil && !slices.Equal(p.protected.systems, q.protected.systems) {
		names := make([]string, len(q.protected.systems))
		for i, sys := range q.protected.systems {
			names[i], _ = d.c.text(d.l, "system."+sys)
		}
		and, _ := d.c.text(d.l, "list_and")
		d.add(ChangeChanged, "diff.certificate_systems", vars{"systems": strings.Join(names, and)})
	}
	d.msg(p.minorsMsg(), q.minorsMsg())
	if p.days != q.days && p.days > 0 && q.days > 0 {
		d.add(ChangeChanged, "diff.days", vars{"from": strconv.Itoa(p.days), "to": strconv.Itoa(q.days)})
	}
	d.exemptions(p.full, q.full)
	d.exemptions(p.leisure, q.leisure)
	d.testExemptions(p.testOnly, q.testOnly)
	d.hotel(p.hotel, q.hotel)
	var pe, qe *message
	if p.early != nil {
		pe = p.early.msg
	}
	if q.early != nil {
		qe = q.early.msg
	}
	d.msg(pe, qe)
	d.msg(p.insteadMsg(), q.insteadMsg())
	d.notices(p.tests, q.tests)
	d.notices(p.notices, q.notices)
	if !to.CoveredUntil.IsZero() && !to.CoveredUntil.Equal(from.CoveredUntil) {
		k := citer{c: b.texts}
		d.add(ChangeChanged, "diff.covered_until", vars{"date": k.instant(d.l, to.CoveredUntil.In(b.oslo))})
	}
	return d.out
}

// protectedMsg is the reason a version gives a certificate holder it
// exempts, nil when it exempts none; a version without entry quarantine
// exempts nobody from it, the certificate only changing its tests.
func (p *params) protectedMsg() *message {
	if p.protected == nil || p.abolished != nil {
		return nil
	}
	return p.protected.msg
}

// minorsMsg is the reason a version gives the young it exempts, nil when
// it exempts none by age.
func (p *params) minorsMsg() *message {
	if p.minors == nil {
		return nil
	}
	return p.minors.msg
}

// insteadMsg is the reason of a version's early end for travellers from
// particular areas, nil when it has none.
func (p *params) insteadMsg() *message {
	if p.early == nil || p.early.instead == nil {
		return nil
	}
	return p.early.instead.msg
}

type differ struct {
	l   int
	c   *catalogue
	out []Change
}

func (d *differ) add(kind, key string, vs vars) {
	t, ok := d.c.text(d.l, key)
	if !ok {
		t = key
	}
	if filled, err := d.c.fill(d.l, t, vs); err == nil {
		t = filled
	}
	d.out = append(d.out, Change{Kind: kind, Text: t})
}

// msg compares one reason that a version may or may not give.
func (d *differ) msg(a, b *message) {
	switch {
	case a == nil && b == nil:
	case a == nil:
		d.out = append(d.out, Change{ChangeAdded, b.text[d.l]})
	case b == nil:
		d.out = append(d.out, Change{ChangeRemoved, a.text[d.l]})
	case a.text[d.l] != b.text[d.l]:
		d.out = append(d.out, Change{ChangeChanged, b.text[d.l]})
	}
}

// testExemptions lists the exemptions from tests that a version without
// quarantine gained or lost.
func (d *differ) testExemptions(as, bs []exemption) {
	msgOf := func(xs []exemption, claim string) *message {
		for i := range xs {
			if xs[i].claim == claim {
				return xs[i].fromTests
			}
		}
		return nil
	}
	for i := range as {
		d.msg(as[i].fromTests, msgOf(bs, as[i].claim))
	}
	for i := range bs {
		if msgOf(as, bs[i].claim) == nil {
			d.msg(nil, bs[i].fromTests)
		}
	}
}

func (d *differ) exemptions(as, bs []exemption) {
	find := func(xs []exemption, claim string) *exemption {
		for i := range xs {
			if xs[i].claim == claim {
				return &xs[i]
			}
		}
		return nil
	}
	for i := range as {
		a := &as[i]
		b := find(bs, a.claim)
		switch {
		case b == nil:
			d.msg(a.applied, nil)
		default:
			if a.noHotel != nil || b.noHotel != nil {
				d.msg(a.noHotel, b.noHotel)
			}
		}
		switch {
		case b == nil:
		case a.applied.text[d.l] != b.applied.text[d.l] || !slices.Equal(a.only, b.only) ||
			!slices.Equal(a.requires, b.requires) || !slices.Equal(a.residence, b.residence):
			d.out = append(d.out, Change{ChangeChanged, b.applied.text[d.l]})
			if !slices.Equal(a.residence, b.residence) && b.notResident != nil {
				d.out = append(d.out, Change{ChangeChanged, b.notResident.text[d.l]})
			}
			if (!slices.Equal(a.only, b.only) || !slices.Equal(a.requires, b.requires)) && b.notVisited != nil {
				d.out = append(d.out, Change{ChangeChanged, b.notVisited.text[d.l]})
			}
		}
	}
	for i := range bs {
		if find(as, bs[i].claim) == nil {
			d.msg(nil, bs[i].applied)
		}
	}
}

func (d *differ) hotel(a, b *hotel) {
	switch {
	case a == nil && b == nil:
		return
	case a == nil:
		d.msg(nil, b.required)
		d.msg(nil, b.requiredClass)
		return
	case b == nil:
		d.msg(a.required, nil)
		d.msg(a.requiredClass, nil)
		return
	}
	d.msg(a.required, b.required)
	d.msg(a.requiredClass, b.requiredClass)
	for i := range a.groups {
		var other *message
		for j := range b.groups {
			if b.groups[j].n == a.groups[i].n {
				other = b.groups[j].applied
				d.group(&a.groups[i], &b.groups[j])
			}
		}
		d.msg(a.groups[i].applied, other)
	}
	for j := range b.groups {
		found := false
		for i := range a.groups {
			found = found || a.groups[i].n == b.groups[j].n
		}
		if !found {
			d.msg(nil, b.groups[j].applied)
		}
	}
	if a.employer.perNight != b.employer.perNight {
		d.add(ChangeChanged, "diff.fee_employer", vars{"from": strconv.Itoa(a.employer.perNight), "to": strconv.Itoa(b.employer.perNight)})
	}
	for i := range b.traveller {
		if i < len(a.traveller) && a.traveller[i].perNight != b.traveller[i].perNight {
			d.msg(a.traveller[i].msg, b.traveller[i].msg)
		}
	}
}

// group lists what changed in the conditions of a hotel exemption group
// beyond its text: documents, who it is for, the trip and stays abroad.
func (d *differ) group(a, b *group) {
	for j, req := range b.docs {
		if !slices.ContainsFunc(a.docs, func(r []string) bool { return slices.Equal(r, req) }) {
			d.msg(nil, b.requires[j])
		}
	}
	for j, req := range a.docs {
		if !slices.ContainsFunc(b.docs, func(r []string) bool { return slices.Equal(r, req) }) {
			d.msg(a.requires[j], nil)
		}
	}
	if b.notResidents != nil && !slices.Equal(a.residence, b.residence) {
		d.msg(nil, b.notResidents)
	}
	if !slices.Equal(a.trip, b.trip) {
		d.msg(a.tripDiff, b.tripDiff)
	}
	if !slices.Equal(a.notIf, b.notIf) {
		d.msg(a.visitedMsg, b.visitedMsg)
	}
	if !slices.Equal(a.only, b.only) {
		d.msg(a.outsideMsg, b.outsideMsg)
	}
}

func (d *differ) notices(as, bs []notice) {
	for i := range as {
		var other *message
		for j := range bs {
			if bs[j].code == as[i].code {
				other = bs[j].msg
			}
		}
		d.msg(as[i].msg, other)
	}
	for j := range bs {
		found := false
		for i := range as {
			found = found || as[i].code == bs[j].code
		}
		if !found {
			d.msg(nil, bs[j].msg)
		}
	}
}

// instantIn formats t for a Change heading in language lang.
func (b *Book) instantIn(t time.Time, lang string) string {
	k := citer{c: b.texts}
	return k.instant(b.texts.index(lang), t.In(b.oslo))
}

// InForceText returns when v took effect, written in lang ("13. desember
// 2020 kl. 17.00", "13 December 2020 at 17.00").
func (b *Book) InForceText(v *Version, lang string) string { return b.instantIn(v.InForceFrom, lang) }
