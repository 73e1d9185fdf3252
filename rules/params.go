package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"beredskap"
)

// params are a version's parameters, compiled at load time: every text is
// prepared in every language, so that evaluation only copies.
type params struct {
	// ended is the reason given to every arrival once the entry measures
	// have ended; nothing else is set then.
	ended *message
	// abolished is the reason given when entry quarantine no longer
	// applies; tests and notices still do.
	abolished  *message
	days       int
	noRed      *message
	quarantine [2]*message // by scope index: full, leisure
	restrict   [2]restrictions
	full       []exemption
	leisure    []exemption
	// testOnly are the exemptions of a version without quarantine: they
	// only free from the tests that name them in unless.
	testOnly     []exemption
	known        map[string]bool     // claims this version knows
	notAvailable map[string]*message // by claim, for claims it does not know
	sectorDenied *message
	hotel        *hotel
	// protected exempts from quarantine whoever shows a corona certificate
	// it accepts, minors the young; certNotAccepted warns that a
	// certificate given does not exempt under this version.
	protected       *protected
	minors          *minors
	certNotAccepted *message
	svalbard        *svalbard
	early           *earlyEnd
	tests           []notice
	notices         []notice
}

// Scope indexes.
const (
	scopeFull    = 0
	scopeLeisure = 1
)

// protected is a version's exemption for holders of a corona certificate.
type protected struct {
	statuses []string
	systems  []string
	unknown  []string // systems whose acceptance is not encoded
	hotel    bool     // the certificate exempts from the hotel only
	notIf    []string
	msg      *message
}

// unknownSystem reports whether c is a certificate of a system whose
// acceptance under p is not encoded.
func (p *protected) unknownSystem(c beredskap.CovidCertificate) bool {
	return p != nil && slices.Contains(p.unknown, c.System)
}

// accepts reports whether the certificate c is one p exempts.
func (p *protected) accepts(c beredskap.CovidCertificate) bool {
	return p != nil && slices.Contains(p.statuses, c.Status) && slices.Contains(p.systems, c.System)
}

// hotelOnly reports whether p exempts from the quarantine hotel only.
func (p *protected) hotelOnly() bool { return p != nil && p.hotel }

// excluded returns the areas a stay in which excludes p's exemption.
func (p *protected) excluded() []string {
	if p == nil {
		return nil
	}
	return p.notIf
}

// minors is a version's exemption for children and young people.
type minors struct {
	maxAge int
	notIf  []string
	msg    *message
}

type restrictions struct {
	codes []string
	msg   *message
}

type exemption struct {
	// requires lists areas of which one must have been visited; only the
	// areas outside which no stay is allowed; notVisited is the warning
	// when either condition fails.
	requires    []string
	only        []string
	notVisited  *message
	residence   []string
	notResident *message
	claim       string
	docs        [][]string
	missing     []*message // by document requirement
	sectors     []string
	hotel       bool
	applied     *message
	// fromTests is the reason given when the exemption frees from a test
	// without having exempted from quarantine.
	fromTests *message
	extra     []*message
	noHotel   *message // why the hotel does not apply, when hotel is false; nil: the default
}

type hotel struct {
	ifVisited     []string // the hotel is only for those who stayed there, when set
	classified    bool     // a stay in a dark red or grey area means the hotel
	required      *message
	requiredClass *message // the reason when a dark red or grey area requires it
	notApplicable *message
	groups        []group
	lacks         map[string]*message // by feature
	employer      feeRule
	traveller     []feeRule
}

type group struct {
	n                int
	darkRed          bool // applies also after a stay in a dark red or grey area
	residence        []string
	family           bool
	purpose          []string
	claims           []string
	places           []place
	docs             [][]string
	applied          *message
	missing          []*message // by document requirement
	placeType        *message
	placeUnsuitable  *message
	notOnMainlandMsg *message
	// trip lists the trip purposes the group is for (none: any);
	// tripDocs and tripMissing the documents each purpose asks for.
	trip        []string
	tripDocs    map[string][][]string
	tripMissing map[string][]*message
	tripFailed  *message
	tripDiff    *message
	notIf       []string
	visitedMsg  *message
	only        []string
	outsideMsg  *message
	// requires states each document requirement, and notResidents that
	// the group is not for people who live in Norway, for rules diff.
	requires     []*message
	notResidents *message
}

type place struct {
	accommodation string
	features      []string
}

type feeRule struct {
	perNight int
	minAge   int
	maxAge   int
	guardian int // -1 either, 0 no, 1 yes
	msg      *message
}

type svalbard struct {
	destinations   []string
	restriction    string
	msg            *message
	municipalities []string
	postal         []string
}

type earlyEnd struct {
	day       int
	condition string
	notIf     []string
	msg       *message
	excluded  *message
	// instead is the early end of those who stayed in one of ifVisited,
	// or are at most ifMaxAge years old (when ifMaxAge >= 0).
	instead   *earlyEnd
	ifVisited []string
	ifMaxAge  int
}

// Conditions of a notice.
const (
	whenAlways = iota
	whenRedArea
	whenQuarantine
	whenHotel
	whenNoContactLanguage
	whenUnnecessaryTrip
	whenHotelClassified
)

var whenNames = map[string]int{
	"always": whenAlways, "red_area": whenRedArea, "quarantine_required": whenQuarantine,
	"hotel_required": whenHotel, "no_contact_language": whenNoContactLanguage,
	"hotel_unnecessary_trip": whenUnnecessaryTrip, "hotel_classified": whenHotelClassified,
}

type notice struct {
	// exemption, when set, is the claim whose exemption must have applied;
	// unless lists claims whose exemption, when applied, excludes the
	// notice; foreign asks for a foreign national not resident in Norway.
	exemption string
	unless    []string
	foreign   bool
	// unlessProtected excludes a traveller who shows a certificate the
	// version's protected block accepts.
	unlessProtected bool
	ifVisited       []string
	code            string
	when            int
	warning         bool
	minAge          int
	maxAge          int
	msg             *message
}

// Features a place of quarantine may be required to have.
var features = []string{"single_room", "single_room_unless_household", "own_bathroom", "own_kitchen_or_meals",
	"tv_and_internet", "close_contact_avoidable"}

// compiler turns one version file into params, remembering the first error.
type compiler struct {
	file  string
	c     *catalogue
	err   error
	base  vars
	codes map[string]bool
	cites *citer
	refs  map[string][]string // rendered refs by ref
}

func (k *compiler) fail(field, format string, args ...any) {
	if k.err == nil {
		k.err = &FileError{File: k.file, Field: field, Message: fmt.Sprintf(format, args...)}
	}
}

func (k *compiler) msg(field, code, key, ref string, extra vars) *message {
	if ref == "" {
		k.fail(field+".ref", "is required")
	}
	refs, ok := k.refs[ref]
	if !ok && ref != "" {
		var err error
		if refs, err = k.cites.cite(ref); err != nil {
			k.fail(field+".ref", "%v", err)
		}
		k.refs[ref] = refs
	}
	if refs == nil {
		refs = make([]string, len(k.c.langs))
	}
	k.codes[code] = true
	vs := vars{}
	for n, v := range k.base {
		vs[n] = v
	}
	for n, v := range extra {
		vs[n] = v
	}
	m, err := k.c.messageOf(code, key, refs, vs)
	if err != nil {
		k.fail(field, "%v", err)
		return &message{code: code, ref: refs, text: make([]string, len(k.c.langs))}
	}
	return m
}

func (k *compiler) oneOf(field, v, enum string) {
	if !slices.Contains(beredskap.Enumerations[enum], v) {
		k.fail(field, "%q is not one of %s", v, strings.Join(beredskap.Enumerations[enum], ", "))
	}
}

func (k *compiler) allOf(field string, vs []string, enum string) {
	for i, v := range vs {
		k.oneOf(fmt.Sprintf("%s[%d]", field, i), v, enum)
	}
}

func (k *compiler) docs(field string, reqs [][]string) {
	for i, req := range reqs {
		if len(req) == 0 {
			k.fail(fmt.Sprintf("%s[%d]", field, i), "is empty (a requirement needs at least one document)")
		}
		k.allOf(fmt.Sprintf("%s[%d]", field, i), req, "documents")
	}
}

func (k *compiler) docNames(req []string) func(int) string {
	return k.c.names("document.", req, "list_or")
}

func (b *Book) loadVersion(fsys fs.FS, name string, base map[string]any) (*Version, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, &FileError{File: name, Message: err.Error()}
	}
	var f versionFile
	if err := yaml.UnmarshalWithOptions(data, &f, yaml.Strict()); err != nil {
		return nil, &FileError{File: name, Message: yamlMessage(err)}
	}
	sum := sha256.Sum256(data)
	v := &Version{ID: f.ID, Source: f.Source, Provenance: f.Provenance, Hash: hex.EncodeToString(sum[:]), File: name}
	switch {
	case f.ID == "":
		return nil, &FileError{File: name, Field: "id", Message: "is required"}
	case f.Source.Title == "":
		return nil, &FileError{File: name, Field: "source.title", Message: "is required"}
	case strings.TrimSpace(f.Provenance) == "":
		return nil, &FileError{File: name, Field: "provenance", Message: "is required"}
	}
	v.InForceFrom, err = parseLocal(f.InForceFrom, b.oslo)
	if err != nil {
		return nil, &FileError{File: name, Field: "in_force_from", Message: err.Error()}
	}
	v.ruleSet = beredskap.RuleSetRef{ID: v.ID, InForceFrom: v.InForceFrom.Format(time.RFC3339),
		Source: f.Source.String(), Hash: v.Hash}
	if field, msg := checkSource(f.Source); field != "" {
		return nil, &FileError{File: name, Field: field, Message: msg}
	}
	cites, err := newCiter(b.texts, v.InForceFrom, f.Source, b.amendments)
	if err != nil {
		return nil, &FileError{File: name, Field: "source", Message: err.Error()}
	}
	k := &compiler{file: name, c: b.texts, codes: b.codes, cites: cites, refs: map[string][]string{}}
	if f.CoveredUntil != "" {
		t, err := parseLocal(f.CoveredUntil, b.oslo)
		if err != nil || !t.After(v.InForceFrom) {
			return nil, &FileError{File: name, Field: "covered_until", Message: "must be an instant after in_force_from"}
		}
		v.CoveredUntil = t
	}
	if f.Ended != nil {
		v.p = &params{known: map[string]bool{}, notAvailable: map[string]*message{},
			ended: k.msg("ended", "no_entry_measures", "", f.Ended.Ref, nil)}
		if f.Quarantine != nil || f.Hotel != nil || len(f.Tests) > 0 || len(f.Notices) > 0 {
			k.fail("ended", "a version without entry measures has no quarantine, hotel, tests or notices")
		}
	} else {
		v.p = k.params(&f)
	}
	v.followUp = k.followUp(f.FollowUp, v.p.days)
	v.dispensation = k.dispensation(f.Dispensation)
	if k.err != nil {
		return nil, k.err
	}
	if v.cases, err = compileCases(name, f.Cases, base); err != nil {
		return nil, err
	}
	return v, nil
}

func (k *compiler) params(f *versionFile) *params {
	p := &params{known: map[string]bool{}, notAvailable: map[string]*message{}}
	q := f.Quarantine
	if q == nil {
		k.fail("quarantine", "is required")
		return p
	}
	if q.Abolished {
		p.abolished = k.msg("quarantine", "quarantine_abolished", "", q.Ref, nil)
		if len(f.Full)+len(f.Leisure) > 0 || f.Hotel != nil || f.EarlyEnd != nil || q.Days != 0 {
			k.fail("quarantine.abolished", "a version without quarantine has no days, exemptions, hotel or early end")
		}
		p.protected = k.protected(f.Protected)
		p.testOnly = k.exemptions("test_exemptions", f.TestExemptions, false)
		p.tests = k.notices("tests", f.Tests)
		p.notices = k.notices("notices", f.Notices)
		k.unlessKnown(p)
		return p
	}
	if len(f.TestExemptions) > 0 {
		k.fail("test_exemptions", "are for a version without quarantine; list the exemption under full_exemptions or leisure_exemptions")
	}
	if q.Days < 1 {
		k.fail("quarantine.days", "must be at least 1")
	}
	p.days = q.Days
	k.base = vars{"days": strconv.Itoa(q.Days)}
	p.noRed = k.msg("quarantine.no_red_area_ref", "no_red_area", "", q.NoRedAreaRef, nil)
	p.quarantine[scopeFull] = k.msg("quarantine", "quarantine_full", "", q.Ref, nil)
	p.quarantine[scopeLeisure] = k.msg("quarantine", "quarantine_leisure", "", q.Ref, nil)
	for name := range q.Restrictions {
		if name != "full" && name != "leisure" {
			k.fail("quarantine.restrictions."+name, "is not a scope (full or leisure)")
		}
	}
	for i, scope := range []string{"full", "leisure"} {
		r, ok := q.Restrictions[scope]
		field := "quarantine.restrictions." + scope
		if !ok {
			k.fail(field, "is required")
			continue
		}
		if r.Reason == "" {
			k.fail(field+".reason", "is required")
			continue
		}
		p.restrict[i] = restrictions{codes: r.Codes, msg: k.msg(field, r.Reason, "", r.Ref, nil)}
	}
	p.full = k.exemptions("full_exemptions", f.Full, false)
	p.leisure = k.exemptions("leisure_exemptions", f.Leisure, true)
	for _, e := range append(slices.Clone(p.full), p.leisure...) {
		if p.known[e.claim] {
			k.fail("exemptions", "claim %q is listed twice", e.claim)
		}
		p.known[e.claim] = true
	}
	if f.Hotel != nil {
		p.hotel = k.hotel(f.Hotel, p)
	}
	for _, claim := range beredskap.Enumerations["exemptions_claimed"] {
		if !p.known[claim] {
			p.notAvailable[claim] = k.msg("exemptions", "exemption_not_available", "", q.Ref,
				vars{"exemption": k.c.names("exemption.", []string{claim}, "list_or")})
		}
	}
	p.sectorDenied = k.msg("leisure_exemptions", "sector_not_accepted", "", q.Ref, nil)
	p.protected = k.protected(f.Protected)
	p.certNotAccepted = k.msg("quarantine", "certificate_not_accepted", "", q.Ref, nil)
	if m := f.Minors; m != nil {
		if m.MaxAge < 0 || m.MaxAge > 17 {
			k.fail("minors.max_age", "must be between 0 and 17")
		}
		k.areas("minors.not_if_visited", m.NotIfVisited)
		p.minors = &minors{maxAge: m.MaxAge, notIf: m.NotIfVisited, msg: k.msg("minors", "exemption_minor", "", m.Ref,
			vars{"age": strconv.Itoa(m.MaxAge + 1)})}
	}
	if s := f.Svalbard; s != nil {
		k.allOf("svalbard.destinations", s.Destinations, "destination")
		if s.Restriction == "" || s.Reason == "" {
			k.fail("svalbard", "restriction and reason are required")
		}
		p.svalbard = &svalbard{destinations: s.Destinations, restriction: s.Restriction,
			msg:            k.msg("svalbard", s.Reason, "", s.Ref, nil),
			municipalities: s.LocalMunicipalities, postal: s.LocalPostalPrefixes}
		if p.hotel != nil {
			m := k.msg("svalbard", "svalbard_place_not_mainland", "", s.Ref, nil)
			for i := range p.hotel.groups {
				p.hotel.groups[i].notOnMainlandMsg = m
			}
		}
	}
	if e := f.EarlyEnd; e != nil {
		p.early = k.earlyEnd("early_end", e, p.days)
		if e.Instead != nil {
			if len(e.Instead.IfVisited) == 0 && e.Instead.IfMaxAge == nil {
				k.fail("early_end.instead", "if_visited or if_max_age is required")
			}
			k.areas("early_end.instead.if_visited", e.Instead.IfVisited)
			p.early.instead = k.earlyEnd("early_end.instead", e.Instead, p.days)
			p.early.ifVisited = e.Instead.IfVisited
			p.early.ifMaxAge = -1
			if e.Instead.IfMaxAge != nil {
				p.early.ifMaxAge = *e.Instead.IfMaxAge
			}
		}
	}
	p.tests = k.notices("tests", f.Tests)
	p.notices = k.notices("notices", f.Notices)
	k.unlessKnown(p)
	return p
}

// earlyEnd compiles an early end of the quarantine.
func (k *compiler) earlyEnd(field string, e *earlyEndFile, days int) *earlyEnd {
	if e.Day < 1 || e.Day > days {
		k.fail(field+".day", "must be between 1 and quarantine.days")
	}
	if e.Condition == "" {
		k.fail(field+".condition", "is required")
	}
	k.areas(field+".not_if_visited", e.NotIfVisited)
	ev := vars{"day": strconv.Itoa(e.Day), "areas": strings.Join(e.NotIfVisited, ", ")}
	return &earlyEnd{day: e.Day, condition: e.Condition, notIf: e.NotIfVisited,
		msg:      k.msg(field, e.Condition, "", e.Ref, ev),
		excluded: k.msg(field, "early_end_excluded", "", e.Ref, ev)}
}

// protected compiles a version's exemption for certificate holders.
func (k *compiler) protected(f *protectedFile) *protected {
	if f == nil {
		return nil
	}
	if len(f.Statuses) == 0 || len(f.Systems) == 0 {
		k.fail("protected", "status and systems are required")
	}
	k.allOf("protected.status", f.Statuses, "covid_certificate.status")
	k.allOf("protected.systems", f.Systems, "covid_certificate.system")
	k.allOf("protected.unknown_systems", f.UnknownSystems, "covid_certificate.system")
	for i, sys := range f.UnknownSystems {
		if slices.Contains(f.Systems, sys) {
			k.fail(fmt.Sprintf("protected.unknown_systems[%d]", i), "%q is also among systems", sys)
		}
	}
	k.areas("protected.not_if_visited", f.NotIfVisited)
	out := &protected{statuses: f.Statuses, systems: f.Systems, unknown: f.UnknownSystems, notIf: f.NotIfVisited,
		hotel: f.HotelOnly}
	if f.HotelOnly {
		out.msg = k.msg("protected", "hotel_not_applicable_certificate", "", f.Ref, nil)
	} else {
		out.msg = k.msg("protected", "exemption_protected", "", f.Ref, nil)
	}
	return out
}

// areas checks that each of as is a country or area code.
func (k *compiler) areas(field string, as []string) {
	for i, a := range as {
		if !isAreaCode(a) {
			k.fail(fmt.Sprintf("%s[%d]", field, i), "%q is not a country or area code", a)
		}
	}
}

func (k *compiler) exemptions(field string, es []exemptionFile, leisure bool) []exemption {
	var out []exemption
	for i, e := range es {
		fld := fmt.Sprintf("%s[%d]", field, i)
		k.oneOf(fld+".claim", e.Claim, "exemptions_claimed")
		k.docs(fld+".documents", e.Documents)
		k.allOf(fld+".sectors", e.Sectors, "critical_function_sector")
		if e.Hotel != nil && !leisure {
			k.fail(fld+".hotel", "applies to leisure exemptions only")
		}
		if e.HotelText != "" && (e.Hotel == nil || *e.Hotel) {
			k.fail(fld+".hotel_text", "is for an exemption with hotel false")
		}
		x := exemption{claim: e.Claim, docs: e.Documents, sectors: e.Sectors, hotel: e.Hotel == nil || *e.Hotel,
			applied:  k.msg(fld, "exemption_"+e.Claim, e.Text, e.Ref, nil),
			requires: e.RequiresVisited, only: e.OnlyVisited, residence: e.Residence}
		k.allOf(fld+".residence", e.Residence, "residence")
		name := k.c.names("exemption.", []string{e.Claim}, "list_or")
		for j, a := range append(slices.Clone(e.RequiresVisited), e.OnlyVisited...) {
			if !isAreaCode(a) {
				k.fail(fmt.Sprintf("%s.visited[%d]", fld, j), "%q is not a country or area code", a)
			}
		}
		x.fromTests = k.msg(fld, "exemption_from_tests", "", e.Ref, vars{"exemption": name})
		if len(e.Residence) > 0 {
			x.notResident = k.msg(fld, "exemption_residence", "", e.Ref, vars{"exemption": name})
		}
		switch {
		case len(e.OnlyVisited) > 0:
			x.notVisited = k.msg(fld, "exemption_only_visited", "", e.Ref,
				vars{"exemption": name, "areas": k.c.names("area.", e.OnlyVisited, "list_or")})
		case len(e.RequiresVisited) > 0:
			x.notVisited = k.msg(fld, "exemption_requires_visited", "", e.Ref,
				vars{"exemption": name, "areas": k.c.names("area.", e.RequiresVisited, "list_or")})
		}
		for _, req := range e.Documents {
			x.missing = append(x.missing, k.msg(fld, "exemption_document_missing", "", e.Ref,
				vars{"exemption": name, "documents": k.docNames(req)}))
		}
		for _, code := range e.Reasons {
			x.extra = append(x.extra, k.msg(fld+".reasons", code, "", e.Ref, nil))
		}
		if e.HotelText != "" {
			x.noHotel = k.msg(fld+".hotel_text", e.HotelText, "", e.Ref, nil)
		}
		out = append(out, x)
	}
	return out
}

func (k *compiler) hotel(h *hotelFile, p *params) *hotel {
	out := &hotel{lacks: map[string]*message{}, ifVisited: h.IfVisited, classified: h.Classified}
	k.areas("hotel.if_visited", h.IfVisited)
	out.required = k.msg("hotel", "hotel_required", h.RequiredText, h.Ref, nil)
	if h.Classified {
		if h.ClassifiedText == "" {
			k.fail("hotel.classified_text", "is required with classified")
		}
		out.requiredClass = k.msg("hotel", "hotel_required", h.ClassifiedText, h.Ref, nil)
	}
	out.notApplicable = k.msg("hotel", "hotel_not_applicable_leisure", "", h.Ref, nil)
	for _, f := range features {
		out.lacks[f] = k.msg("hotel", "place_lacks_"+f, "", h.Ref, nil)
	}
	seen := map[int]bool{}
	for i, g := range h.Groups {
		fld := fmt.Sprintf("hotel.groups[%d]", i)
		if g.Group < 1 || g.Group > 6 {
			k.fail(fld+".group", "must be 1 to 6 (the exemption groups of 13 December 2020)")
		}
		if seen[g.Group] {
			k.fail(fld+".group", "group %d is listed twice", g.Group)
		}
		seen[g.Group] = true
		k.allOf(fld+".residence", g.Residence, "residence")
		k.allOf(fld+".purpose", g.Purpose, "purpose")
		k.allOf(fld+".claims", g.Claims, "exemptions_claimed")
		k.docs(fld+".documents", g.Documents)
		gv := vars{"group": strconv.Itoa(g.Group)}
		gr := group{n: g.Group, darkRed: g.DarkRed, residence: g.Residence, family: g.FamilyOfResident, purpose: g.Purpose,
			claims: g.Claims, docs: g.Documents,
			applied:         k.msg(fld, "hotel_group_"+strconv.Itoa(g.Group), g.Text, g.Ref, gv),
			placeUnsuitable: k.msg(fld, "hotel_group_place_unsuitable", "", g.Ref, gv)}
		var types []string
		for j, pl := range g.Places {
			pf := fmt.Sprintf("%s.places[%d]", fld, j)
			k.oneOf(pf+".accommodation", pl.Accommodation, "accommodation.type")
			for n, f := range pl.Features {
				if !slices.Contains(features, f) {
					k.fail(fmt.Sprintf("%s.features[%d]", pf, n), "%q is not one of %s", f, strings.Join(features, ", "))
				}
			}
			gr.places = append(gr.places, place{accommodation: pl.Accommodation, features: pl.Features})
			types = append(types, pl.Accommodation)
		}
		gr.placeType = k.msg(fld, "hotel_group_place_type", "", g.Ref,
			vars{"group": strconv.Itoa(g.Group), "accommodations": k.c.names("accommodation.", types, "list_or")})
		for _, req := range g.Documents {
			dv := vars{"group": strconv.Itoa(g.Group), "documents": k.docNames(req)}
			gr.missing = append(gr.missing, k.msg(fld, "hotel_group_documents_missing", "", g.Ref, dv))
			gr.requires = append(gr.requires, k.msg(fld, "diff_group_requires", "", g.Ref, dv))
		}
		if slices.Equal(g.Residence, []string{beredskap.ResidenceNone}) {
			gr.notResidents = k.msg(fld, "diff_group_not_residents", "", g.Ref, gv)
		}
		for _, c := range g.Claims {
			p.known[c] = true
		}
		k.trip(fld, g, &gr)
		out.groups = append(out.groups, gr)
	}
	fees := h.Fees
	out.employer = k.fee("hotel.fees.employer", fees.Employer, fees.Ref)
	if len(fees.Traveller) == 0 {
		k.fail("hotel.fees.traveller", "is required")
	}
	for i, r := range fees.Traveller {
		out.traveller = append(out.traveller, k.fee(fmt.Sprintf("hotel.fees.traveller[%d]", i), r, fees.Ref))
	}
	return out
}

// trip compiles a group's conditions on the trip abroad: its purpose and
// documents, and the areas whose visitors the group excludes.
func (k *compiler) trip(fld string, g groupFile, gr *group) {
	k.allOf(fld+".trip_purpose", g.TripPurpose, "trip_purpose")
	if len(g.TripPurpose) > 0 {
		gr.trip = g.TripPurpose
		gv := vars{"group": strconv.Itoa(g.Group)}
		gr.tripFailed = k.msg(fld, "hotel_group_trip_not_necessary", "", g.Ref, gv)
		gr.tripDiff = k.msg(fld, "diff_group_necessary_trip", "", g.Ref, gv)
	}
	for purpose, reqs := range g.TripDocuments {
		if !slices.Contains(g.TripPurpose, purpose) {
			k.fail(fld+".trip_documents."+purpose, "is not one of the group's trip_purpose")
		}
		k.docs(fld+".trip_documents."+purpose, reqs)
		if gr.tripDocs == nil {
			gr.tripDocs, gr.tripMissing = map[string][][]string{}, map[string][]*message{}
		}
		gr.tripDocs[purpose] = reqs
		for _, req := range reqs {
			gr.tripMissing[purpose] = append(gr.tripMissing[purpose], k.msg(fld, "hotel_group_trip_documents_missing", "", g.Ref,
				vars{"group": strconv.Itoa(g.Group), "documents": k.docNames(req)}))
		}
	}
	for i, a := range g.NotIfVisited {
		if !isAreaCode(a) {
			k.fail(fmt.Sprintf("%s.not_if_visited[%d]", fld, i), "%q is not a country or area code", a)
		}
	}
	for i, a := range g.OnlyVisited {
		if !isAreaCode(a) {
			k.fail(fmt.Sprintf("%s.only_visited[%d]", fld, i), "%q is not a country or area code", a)
		}
	}
	if len(g.OnlyVisited) > 0 {
		if g.OnlyVisitedText == "" {
			k.fail(fld+".only_visited_text", "is required with only_visited")
		}
		gr.only = g.OnlyVisited
		gr.outsideMsg = k.msg(fld, g.OnlyVisitedText, "", g.Ref, vars{"group": strconv.Itoa(g.Group)})
	}
	if len(g.NotIfVisited) > 0 {
		gr.notIf = g.NotIfVisited
		gr.visitedMsg = k.msg(fld, "hotel_group_visited_excluded", "", g.Ref,
			vars{"group": strconv.Itoa(g.Group), "areas": k.c.names("area.", g.NotIfVisited, "list_or")})
	}
}

func (k *compiler) fee(field string, r feeRuleFile, ref string) feeRule {
	if r.PerNight == nil || *r.PerNight < 0 {
		k.fail(field+".per_night", "is required and must not be negative")
		return feeRule{}
	}
	if r.Code == "" {
		k.fail(field+".code", "is required")
	}
	out := feeRule{perNight: *r.PerNight, minAge: r.MinAge, maxAge: 1 << 30, guardian: -1,
		msg: k.msg(field, r.Code, "", ref, vars{"fee": strconv.Itoa(*r.PerNight)})}
	if r.MaxAge != nil {
		out.maxAge = *r.MaxAge
	}
	if r.WithGuardian != nil {
		out.guardian = 0
		if *r.WithGuardian {
			out.guardian = 1
		}
	}
	return out
}

// unlessKnown checks that every claim a test or notice is waived for is
// an exemption of the version, since only then can the claim be checked.
func (k *compiler) unlessKnown(p *params) {
	known := map[string]bool{}
	for _, xs := range [][]exemption{p.full, p.leisure, p.testOnly} {
		for _, x := range xs {
			known[x.claim] = true
		}
	}
	for field, ns := range map[string][]notice{"tests": p.tests, "notices": p.notices} {
		for i, n := range ns {
			for _, c := range n.unless {
				if !known[c] {
					k.fail(fmt.Sprintf("%s[%d].unless_exemption", field, i), "%q is not an exemption of this version, so the claim cannot be checked", c)
				}
			}
		}
	}
}

func (k *compiler) notices(field string, ns []noticeFile) []notice {
	var out []notice
	for i, n := range ns {
		fld := fmt.Sprintf("%s[%d]", field, i)
		when, ok := whenNames[n.When]
		if !ok {
			k.fail(fld+".when", "%q is not one of always, red_area, quarantine_required, hotel_required, hotel_classified, hotel_unnecessary_trip, no_contact_language", n.When)
		}
		if n.Kind != "" && n.Kind != "reason" && n.Kind != "warning" {
			k.fail(fld+".kind", "%q is not reason or warning", n.Kind)
		}
		if n.Code == "" {
			k.fail(fld+".code", "is required")
		}
		x := notice{code: n.Code, when: when, warning: n.Kind == "warning", maxAge: 1 << 30,
			msg:       k.msg(fld, n.Code, n.Text, n.Ref, nil),
			exemption: n.Exemption, unless: n.UnlessExemption, foreign: n.ForeignNonResident,
			unlessProtected: n.UnlessProtected, ifVisited: n.IfVisited}
		k.areas(fld+".if_visited", n.IfVisited)
		if n.Exemption != "" {
			k.oneOf(fld+".exemption", n.Exemption, "exemptions_claimed")
		}
		k.allOf(fld+".unless_exemption", n.UnlessExemption, "exemptions_claimed")
		if n.MinAge != nil {
			x.minAge = *n.MinAge
		}
		if n.MaxAge != nil {
			x.maxAge = *n.MaxAge
		}
		out = append(out, x)
	}
	return out
}
