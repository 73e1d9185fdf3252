package rules

import (
	"slices"
	"strings"
	"time"

	"beredskap"
)

// scratch holds the backing arrays of one decision, so that a decision
// costs one allocation for them all (append grows beyond them if needed).
type scratch struct {
	group        int
	first, last  string
	early        beredskap.EarlyEnd
	reasons      [20]beredskap.Reason
	warnings     [6]beredskap.Warning
	restrictions [6]string
	tests        [3]string
	docs         [2]beredskap.DocumentRequirement
	docNames     [6]string
}

// Evaluate decides what the rule version in force at r's arrival_time asks
// of the traveller, with texts in lang (nb, nn or en; any other language
// falls back to English). It assumes r passed Validate; it never panics on
// odd input but returns EINVALID on arrival_time (reasons format_instant,
// no_rule_version) or traveller.birth_date (format_date). It is pure: no
// I/O, no clock.
func (b *Book) Evaluate(r *beredskap.Registration, lang string) (beredskap.Decision, error) {
	if r == nil {
		return beredskap.Decision{}, beredskap.Invalid("", "required", "no registration")
	}
	at, ok := parseInstant(r.ArrivalTime)
	if !ok {
		return beredskap.Decision{}, beredskap.Invalid("arrival_time", "format_instant",
			"must be an RFC 3339 instant such as 2020-12-20T14:30:00+01:00")
	}
	v := b.at(at)
	if v == nil {
		return beredskap.Decision{}, noVersion(b)
	}
	if err := b.covered(v, at); err != nil {
		return beredskap.Decision{}, err
	}
	if v.p.protected.unknownSystem(r.CovidCertificate) {
		return beredskap.Decision{}, beredskap.Invalid("covid_certificate.system", "certificate_not_encoded",
			"whether a certificate of this system exempted at the arrival is not encoded; no decision can be made for it")
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

// decide makes the decision, or refuses it when it depends on a
// classification that is not encoded.
func (e *evaluation) decide() (beredskap.Decision, error) {
	d := e.run()
	if e.needClass {
		return beredskap.Decision{}, e.unclassified()
	}
	return d, nil
}

// unclassified returns the EINVALID error on countries_visited (reason
// classification_not_encoded) of a decision that depends on whether a
// country visited required quarantine at the arrival, when the rules do
// not hold that country's classification for the time.
func (e *evaluation) unclassified() error {
	var codes []string
	for _, c := range e.r.CountriesVisited {
		if _, unknown := e.b.red.isRed(c, e.at); unknown {
			codes = append(codes, c)
		}
	}
	return beredskap.Invalid("countries_visited", "classification_not_encoded",
		"the classification of "+strings.Join(codes, ", ")+" at the arrival is not encoded; no decision can be made for it")
}

// covered returns an EINVALID error on arrival_time (reason not_encoded)
// when an arrival at unix falls after the end of what v describes: a later
// amendment took effect that the rules do not encode, so no decision is
// made rather than one under rules no longer in force.
func (b *Book) covered(v *Version, unix int64) error {
	if v.CoveredUntil.IsZero() || unix < v.CoveredUntil.Unix() {
		return nil
	}
	until := "a later version"
	for i, w := range b.versions {
		if w == v && i+1 < len(b.versions) {
			until = b.versions[i+1].InForceFrom.Format(time.RFC3339)
		}
	}
	return beredskap.Invalid("arrival_time", "not_encoded",
		"falls in a period whose rules are not encoded (from "+v.CoveredUntil.Format(time.RFC3339)+" until "+until+
			"); no decision can be made for it")
}

// The exemptions that no claim names: a corona certificate, and age.
const (
	exemptionProtected = "protected"
	exemptionMinor     = "minor"
)

// evaluation is the state of one decision in the making.
type evaluation struct {
	b       *Book
	v       *Version
	p       *params
	r       *beredskap.Registration
	at      int64
	l       int
	age     int
	y       int
	m       time.Month
	d       int
	s       *scratch
	out     beredskap.Decision
	red     bool
	scope   int // scopeFull or scopeLeisure when required
	hotelOK bool
	noHotel *message // why the hotel does not apply, when hotelOK is false
	applied string   // the claim whose exemption applied, if any
	// tripFailed is set when a hotel exemption group failed because the
	// trip abroad was not shown to be necessary.
	tripFailed bool
	// unknown is set when no country visited is known red but one's
	// classification at the arrival is not encoded; needClass when the
	// decision then asked whether a red area was visited, so that it
	// cannot be made. protected is set when the traveller's corona
	// certificate exempts.
	unknown   bool
	needClass bool
	protected bool
	// certified is set when the traveller shows a certificate the version
	// accepts, even where a stay excludes its exemption from quarantine:
	// the duties of those without a valid certificate are not theirs.
	certified bool
	// hotelByClass is set when a stay in a dark red or grey area requires
	// the hotel.
	hotelByClass bool
}

// redArea reports whether a red country or area was visited, noting
// when the answer rests on a classification that is not encoded.
func (e *evaluation) redArea() bool {
	if e.unknown {
		e.needClass = true
	}
	return e.red
}

func (e *evaluation) reason(m *message) { e.out.Reasons = append(e.out.Reasons, m.reason(e.l)) }

func (e *evaluation) warn(m *message) {
	e.out.Warnings = append(e.out.Warnings, m.warning(e.l))
	e.reason(m)
}

func (e *evaluation) claimed(c string) bool { return slices.Contains(e.r.ExemptionsClaimed, c) }

func (e *evaluation) holds(req []string) bool {
	for _, d := range req {
		if slices.Contains(e.r.Documents, d) {
			return true
		}
	}
	return false
}

func (e *evaluation) addDocs(reqs [][]string) {
	for _, req := range reqs {
		n := len(e.s.docNames)
		var names []string
		if k := countDocNames(e.out.DocumentsRequired); k+len(req) <= n {
			names = e.s.docNames[k : k+len(req) : k+len(req)]
			copy(names, req)
		} else {
			names = slices.Clone(req)
		}
		e.out.DocumentsRequired = append(e.out.DocumentsRequired, beredskap.DocumentRequirement{AnyOf: names})
	}
}

func countDocNames(rs []beredskap.DocumentRequirement) int {
	n := 0
	for _, r := range rs {
		n += len(r.AnyOf)
	}
	return n
}

func (e *evaluation) run() beredskap.Decision {
	s, p := e.s, e.p
	e.out = beredskap.Decision{
		RuleSet:           e.v.ruleSet,
		Language:          e.b.texts.langs[e.l],
		DocumentsRequired: s.docs[:0],
		Restrictions:      s.restrictions[:0],
		TestsRequired:     s.tests[:0],
		Reasons:           s.reasons[:0],
		Warnings:          s.warnings[:0],
		Quarantine:        beredskap.Quarantine{Scope: beredskap.ScopeNone},
		Hotel:             beredskap.Hotel{Payer: beredskap.PayerNone},
	}
	if p.ended != nil {
		e.reason(p.ended)
		return e.out
	}
	for _, c := range e.r.CountriesVisited {
		red, unknown := e.b.red.isRed(c, e.at)
		e.red = e.red || red
		e.unknown = e.unknown || unknown
	}
	e.unknown = e.unknown && !e.red
	e.certified = p.protected.accepts(e.r.CovidCertificate)
	e.protected = e.certified && !p.protected.hotelOnly() && !e.visitedAny(p.protected.excluded())
	if p.abolished != nil {
		e.reason(p.abolished)
		e.tests(false)
		e.notices(p.notices, false)
		return e.out
	}
	for _, c := range e.r.ExemptionsClaimed {
		if m := p.notAvailable[c]; m != nil {
			e.warn(m)
		}
	}
	if e.r.CovidCertificate.Status != "" && !e.protected && !(e.certified && p.protected.hotelOnly()) {
		e.warn(p.certNotAccepted)
	}
	switch {
	case !e.red && !e.unknown:
		e.reason(p.noRed)
		e.tests(false)
		e.notices(p.notices, false)
		return e.out
	case e.protected:
		e.applied = exemptionProtected
		e.reason(p.protected.msg)
		e.tests(false)
		e.notices(p.notices, false)
		return e.out
	case e.unknown:
		e.needClass = true
		return e.out
	case p.minors != nil && e.age <= p.minors.maxAge && !e.visitedAny(p.minors.notIf):
		e.applied = exemptionMinor
		e.reason(p.minors.msg)
		e.tests(false)
		e.notices(p.notices, false)
		return e.out
	}
	required := e.quarantine()
	if required {
		e.hotel()
		e.svalbard()
		e.earlyEnd()
	}
	e.tests(required)
	e.notices(p.notices, required)
	return e.out
}

func (e *evaluation) tests(required bool) {
	var freed *exemption
	for i := range e.p.tests {
		t := &e.p.tests[i]
		if e.applies(t, required) {
			e.out.TestsRequired = append(e.out.TestsRequired, t.code)
			e.reason(t.msg)
			continue
		}
		if freed != nil || len(t.unless) == 0 || slices.Contains(t.unless, e.applied) {
			continue
		}
		// A claim the quarantine decision did not rest on may have waived
		// the test: say so, once.
		u := *t
		u.unless = nil
		if e.applies(&u, required) {
			freed = e.met(t.unless)
		}
	}
	if freed != nil {
		e.reason(freed.fromTests)
	}
}

// conditionsOK reports whether the traveller meets x's conditions on
// residence and countries visited, warning when not.
func (e *evaluation) conditionsOK(x *exemption) bool {
	if len(x.residence) > 0 && !slices.Contains(x.residence, e.r.Residence) {
		e.warn(x.notResident)
		return false
	}
	if !e.visitedOK(x) {
		e.warn(x.notVisited)
		return false
	}
	return true
}

// visitedOK reports whether the countries visited meet x's conditions.
func (e *evaluation) visitedOK(x *exemption) bool {
	if len(x.requires) > 0 {
		found := false
		for _, c := range e.r.CountriesVisited {
			if inAreas(c, x.requires) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	for _, c := range e.r.CountriesVisited {
		if len(x.only) > 0 && !inAreas(c, x.only) {
			return false
		}
	}
	return true
}

// met returns the first exemption among claims that the traveller claimed
// and meets the conditions of, nil when none: a test waived for it is
// waived whatever decided the quarantine (a certificate, age, no stay in
// a red area, another exemption, or a version without quarantine).
func (e *evaluation) met(claims []string) *exemption {
	for _, c := range claims {
		if !e.claimed(c) {
			continue
		}
		for _, xs := range [][]exemption{e.p.full, e.p.leisure, e.p.testOnly} {
			for i := range xs {
				x := &xs[i]
				if x.claim != c || (len(x.sectors) > 0 && !slices.Contains(x.sectors, e.r.CriticalFunctionSector)) ||
					(len(x.residence) > 0 && !slices.Contains(x.residence, e.r.Residence)) || !e.visitedOK(x) || !e.exemptionHolds(x) {
					continue
				}
				return x
			}
		}
	}
	return nil
}

// earlyRule returns the early end that applies to the traveller, nil when
// the version has none.
func (e *evaluation) earlyRule() *earlyEnd {
	x := e.p.early
	if x != nil && x.instead != nil && (e.visitedAny(x.ifVisited) || e.age <= x.ifMaxAge) {
		return x.instead
	}
	return x
}

// visitedAny reports whether a country visited is, or lies in, one of
// areas.
func (e *evaluation) visitedAny(areas []string) bool {
	for _, c := range e.r.CountriesVisited {
		if inAreas(c, areas) {
			return true
		}
	}
	return false
}

func inAreas(c string, areas []string) bool {
	for _, a := range areas {
		if matchesArea(c, a) {
			return true
		}
	}
	return false
}

// quarantine decides the scope, and reports whether quarantine is required.
func (e *evaluation) quarantine() bool {
	p := e.p
	// Full exemptions: the first claimed one whose documents are held.
	var missing bool
	for i := range p.full {
		x := &p.full[i]
		if !e.claimed(x.claim) {
			continue
		}
		if !e.conditionsOK(x) {
			continue
		}
		if e.exemptionHolds(x) {
			e.applied = x.claim
			e.reason(x.applied)
			for _, m := range x.extra {
				e.reason(m)
			}
			e.addDocs(x.docs)
			return false
		}
		missing = true
	}
	if missing {
		for i := range p.full {
			x := &p.full[i]
			if !e.claimed(x.claim) || !e.visitedOK(x) || (len(x.residence) > 0 && !slices.Contains(x.residence, e.r.Residence)) {
				continue
			}
			for j, req := range x.docs {
				if !e.holds(req) {
					e.warn(x.missing[j])
				}
			}
		}
	}
	e.scope = scopeFull
	e.hotelOK = true
	for i := range p.leisure {
		x := &p.leisure[i]
		if !e.claimed(x.claim) {
			continue
		}
		if len(x.sectors) > 0 && !slices.Contains(x.sectors, e.r.CriticalFunctionSector) {
			e.warn(p.sectorDenied)
			continue
		}
		if !e.conditionsOK(x) {
			continue
		}
		if !e.exemptionHolds(x) {
			for j, req := range x.docs {
				if !e.holds(req) {
					e.warn(x.missing[j])
				}
			}
			continue
		}
		e.scope = scopeLeisure
		e.applied = x.claim
		e.hotelOK = x.hotel
		e.noHotel = x.noHotel
		e.reason(x.applied)
		for _, m := range x.extra {
			e.reason(m)
		}
		e.addDocs(x.docs)
		break
	}
	q := &e.out.Quarantine
	q.Required = true
	q.Scope = beredskap.ScopeFull
	if e.scope == scopeLeisure {
		q.Scope = beredskap.ScopeLeisure
	}
	e.reason(p.quarantine[e.scope])
	last := time.Date(e.y, e.m, e.d+p.days, 12, 0, 0, 0, time.UTC)
	ly, lm, ld := last.Date()
	var buf [30]byte
	b := appendDate(buf[:0], e.y, e.m, e.d)
	b = appendDate(b, ly, lm, ld)
	n := 20
	if early := e.earlyRule(); early != nil {
		ey, em, ed := time.Date(e.y, e.m, e.d+early.day, 12, 0, 0, 0, time.UTC).Date()
		b = appendDate(b, ey, em, ed)
		n = 30
	}
	days := string(b[:n])
	e.s.first, e.s.last = days[:10], days[10:20]
	q.FirstDay, q.LastDay = &e.s.first, &e.s.last
	if n == 30 {
		e.s.early.EarliestDay = days[20:30]
	}
	r := &p.restrict[e.scope]
	e.out.Restrictions = append(e.out.Restrictions, r.codes...)
	e.reason(r.msg)
	return true
}

func (e *evaluation) exemptionHolds(x *exemption) bool {
	for _, req := range x.docs {
		if !e.holds(req) {
			return false
		}
	}
	return true
}

// failure is why a hotel exemption group did not apply.
type failure struct {
	g         *group
	wrongType bool
	svalbard  bool
	lacking   [6]string
	nLacking  int
	docs      uint8 // bit i: requirement i unmet (first 8)
	trip      bool  // the trip was not of a purpose the group is for
	tripDocs  uint8 // bit i: requirement i of the trip purpose unmet
	visited   bool  // a stay in an area the group excludes
	outside   bool  // a stay outside the areas the group is for
}

func (e *evaluation) hotel() {
	h := e.p.hotel
	if h == nil {
		return
	}
	if len(h.ifVisited) > 0 && !e.visitedAny(h.ifVisited) {
		return
	}
	if !e.hotelOK {
		if e.noHotel != nil {
			e.reason(e.noHotel)
		} else {
			e.reason(h.notApplicable)
		}
		return
	}
	if e.certified && e.p.protected.hotelOnly() {
		e.reason(e.p.protected.msg)
		return
	}
	e.hotelByClass = h.classified && e.hotelArea()
	if e.needClass {
		return
	}
	local := e.onSvalbard()
	var fails [6]failure
	nf := 0
	for i := range h.groups {
		g := &h.groups[i]
		if (e.hotelByClass && !g.darkRed) || !e.eligible(g) {
			continue
		}
		f := failure{g: g}
		if len(g.places) > 0 {
			pl := e.place(g)
			switch {
			case pl == nil:
				f.wrongType = true
			case local:
				f.svalbard = true
			default:
				for _, feat := range pl.features {
					if !e.hasFeature(feat) && f.nLacking < len(f.lacking) {
						f.lacking[f.nLacking] = feat
						f.nLacking++
					}
				}
			}
		}
		for j, req := range g.docs {
			if j < 8 && !e.holds(req) {
				f.docs |= 1 << j
			}
		}
		e.tripConditions(g, &f)
		if !f.wrongType && !f.svalbard && f.nLacking == 0 && f.docs == 0 && !f.trip && f.tripDocs == 0 && !f.visited && !f.outside {
			n := g.n
			e.s.group = n
			e.out.Hotel.ExemptionGroup = &e.s.group
			e.reason(g.applied)
			e.addDocs(g.docs)
			e.addDocs(g.tripDocs[e.r.TripPurpose])
			return
		}
		if nf < len(fails) {
			fails[nf] = f
			nf++
		}
	}
	e.out.Hotel.Required = true
	if e.hotelByClass {
		e.reason(h.requiredClass)
	} else {
		e.reason(h.required)
	}
	for i := range fails[:nf] {
		f := &fails[i]
		switch {
		case f.wrongType:
			e.warn(f.g.placeType)
		case f.svalbard:
			e.warn(f.g.notOnMainlandMsg)
		case f.nLacking > 0:
			e.warn(f.g.placeUnsuitable)
			for _, feat := range f.lacking[:f.nLacking] {
				e.warn(h.lacks[feat])
			}
		}
		for j := range f.g.docs {
			if j < 8 && f.docs&(1<<j) != 0 {
				e.warn(f.g.missing[j])
			}
		}
		switch {
		case f.outside:
			e.warn(f.g.outsideMsg)
		case f.visited:
			e.warn(f.g.visitedMsg)
		case f.trip:
			e.tripFailed = true
			e.warn(f.g.tripFailed)
		}
		for j, m := range f.g.tripMissing[e.r.TripPurpose] {
			if j < 8 && f.tripDocs&(1<<j) != 0 {
				e.warn(m)
			}
		}
	}
	e.hotelFee(h)
}

// hotelArea reports whether a country visited means the quarantine hotel
// under a version whose hotel duty follows the classification, setting
// needClass when none is known to but one's classification is not encoded.
func (e *evaluation) hotelArea() bool {
	unknown := false
	for _, c := range e.r.CountriesVisited {
		hotel, u := e.b.red.isHotel(c, e.at)
		if hotel {
			return true
		}
		unknown = unknown || u
	}
	if unknown {
		e.needClass = true
	}
	return false
}

// hotelFee sets the fee and payer of a required stay at the hotel.
func (e *evaluation) hotelFee(h *hotel) {
	fee := e.fee(h)
	e.out.Hotel.FeeNOKPerNight = fee.perNight
	if fee.perNight > 0 {
		e.out.Hotel.Payer = beredskap.PayerTraveller
		if fee == &h.employer {
			e.out.Hotel.Payer = beredskap.PayerEmployer
		}
	}
	if fee.msg != nil {
		e.reason(fee.msg)
	}
}

// tripConditions checks g's conditions on the trip abroad into f: the
// areas it excludes, the purpose of the trip and that purpose's documents.
func (e *evaluation) tripConditions(g *group, f *failure) {
	for _, c := range e.r.CountriesVisited {
		if inAreas(c, g.notIf) {
			f.visited = true
		}
		if len(g.only) > 0 && !inAreas(c, g.only) {
			f.outside = true
		}
	}
	if len(g.trip) > 0 && !slices.Contains(g.trip, e.r.TripPurpose) {
		f.trip = true
		return
	}
	for j, req := range g.tripDocs[e.r.TripPurpose] {
		if j < 8 && !e.holds(req) {
			f.tripDocs |= 1 << j
		}
	}
}

func (e *evaluation) fee(h *hotel) *feeRule {
	if e.r.Purpose == beredskap.PurposeWork {
		return &h.employer
	}
	for i := range h.traveller {
		f := &h.traveller[i]
		if e.age < f.minAge || e.age > f.maxAge {
			continue
		}
		if f.guardian >= 0 && (f.guardian == 1) != e.r.RoomWithGuardian {
			continue
		}
		return f
	}
	return &feeRule{} // no rule matches: no fee (load requires rules, so rare)
}

func (e *evaluation) eligible(g *group) bool {
	r := e.r
	if len(g.residence) > 0 && !slices.Contains(g.residence, r.Residence) {
		return false
	}
	if g.family && !r.FamilyOfResident {
		return false
	}
	if len(g.purpose) > 0 && !slices.Contains(g.purpose, r.Purpose) {
		return false
	}
	if len(g.claims) > 0 {
		for _, c := range g.claims {
			if e.claimed(c) {
				return true
			}
		}
		return false
	}
	return true
}

func (e *evaluation) place(g *group) *place {
	for i := range g.places {
		if g.places[i].accommodation == e.r.Accommodation.Type {
			return &g.places[i]
		}
	}
	return nil
}

func (e *evaluation) hasFeature(f string) bool {
	a := &e.r.Accommodation
	switch f {
	case "single_room":
		return a.SingleRoom
	case "single_room_unless_household":
		return a.SingleRoom || a.HouseholdTravellingTogether
	case "own_bathroom":
		return a.OwnBathroom
	case "own_kitchen_or_meals":
		return a.OwnKitchenOrMeals
	case "tv_and_internet":
		return a.TVAndInternet
	case "close_contact_avoidable":
		return a.CloseContactAvoidable
	}
	return false
}

// onSvalbard reports whether the place of quarantine lies on Svalbard or
// Jan Mayen, not on the mainland, whatever destination was given.
func (e *evaluation) onSvalbard() bool {
	s := e.p.svalbard
	if s == nil {
		return false
	}
	addr := &e.r.Accommodation.Address
	if addr.Municipality != "" && slices.Contains(s.municipalities, addr.Municipality) {
		return true
	}
	for _, pre := range s.postal {
		if len(addr.PostalCode) >= len(pre) && addr.PostalCode[:len(pre)] == pre {
			return true
		}
	}
	return false
}

func (e *evaluation) svalbard() {
	s := e.p.svalbard
	if s == nil || (!slices.Contains(s.destinations, e.r.Destination) && !e.onSvalbard()) {
		return
	}
	e.out.Restrictions = append(e.out.Restrictions, s.restriction)
	e.reason(s.msg)
}

func (e *evaluation) earlyEnd() {
	x := e.earlyRule()
	if x == nil {
		return
	}
	for _, c := range e.r.CountriesVisited {
		for _, a := range x.notIf {
			if matchesArea(c, a) {
				e.warn(x.excluded)
				return
			}
		}
	}
	e.s.early.Condition = x.condition
	e.out.Quarantine.EarlyEnd = &e.s.early
	e.reason(x.msg)
}

func (e *evaluation) applies(n *notice, required bool) bool {
	if e.age < n.minAge || e.age > n.maxAge {
		return false
	}
	if n.exemption != "" && n.exemption != e.applied {
		return false
	}
	if e.applied != "" && slices.Contains(n.unless, e.applied) {
		return false
	}
	if len(n.unless) > 0 && e.met(n.unless) != nil {
		return false
	}
	if n.foreign && (e.r.Traveller.Nationality == "NO" || e.r.Residence != beredskap.ResidenceNone) {
		return false
	}
	if n.unlessProtected && e.certified {
		return false
	}
	if len(n.ifVisited) > 0 && !e.visitedAny(n.ifVisited) {
		return false
	}
	switch n.when {
	case whenAlways:
		return true
	case whenRedArea:
		return e.redArea()
	case whenQuarantine:
		return required
	case whenHotel:
		return e.out.Hotel.Required
	case whenNoContactLanguage:
		return e.r.Traveller.Language == ""
	case whenUnnecessaryTrip:
		return e.out.Hotel.Required && e.tripFailed
	case whenHotelClassified:
		return e.hotelByClass && e.out.Hotel.Required
	}
	return false
}

func (e *evaluation) notices(ns []notice, required bool) {
	for i := range ns {
		n := &ns[i]
		if !e.applies(n, required) {
			continue
		}
		if n.warning {
			e.warn(n.msg)
		} else {
			e.reason(n.msg)
		}
	}
}
