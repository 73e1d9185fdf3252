package rules

// The types in this file mirror the YAML of a rule version file
// (versions/*.yaml). They are decoded strictly: an unknown field is an
// error. load.go turns them into a Version.

// versionFile is one rule version as written.
type versionFile struct {
	ID          string `yaml:"id"`
	InForceFrom string `yaml:"in_force_from"`
	// CoveredUntil, when set, is the instant (Europe/Oslo) from which the
	// version no longer describes the rules: a later amendment that is not
	// encoded took effect then. Arrivals from it until the next version are
	// refused, never decided under this version.
	CoveredUntil string `yaml:"covered_until"`
	Source       Source `yaml:"source"`
	// Ended, when set, says that the entry measures have ended: every
	// arrival gets "no entry measures" with Ended.Ref as the citation.
	Ended      *endedFile      `yaml:"ended"`
	Provenance string          `yaml:"provenance"`
	Quarantine *quarantineFile `yaml:"quarantine"`
	Full       []exemptionFile `yaml:"full_exemptions"`
	Leisure    []exemptionFile `yaml:"leisure_exemptions"`
	// TestExemptions are, in a version without quarantine, the exemptions
	// that only free from the tests whose unless_exemption names them.
	TestExemptions []exemptionFile   `yaml:"test_exemptions"`
	Hotel          *hotelFile        `yaml:"hotel"`
	Protected      *protectedFile    `yaml:"protected"`
	Minors         *minorsFile       `yaml:"minors"`
	Svalbard       *svalbardFile     `yaml:"svalbard"`
	EarlyEnd       *earlyEndFile     `yaml:"early_end"`
	Tests          []noticeFile      `yaml:"tests"`
	Notices        []noticeFile      `yaml:"notices"`
	FollowUp       *followUpFile     `yaml:"follow_up"`
	Dispensation   *dispensationFile `yaml:"dispensation"`
	Cases          []caseFile        `yaml:"cases"`
}

// Source names the document a rule version rests on: the amendment's
// title, the paragraphs it changed, the date it was made (YYYY-MM-DD), its
// number in Norsk Lovtidend (93 for FOR-2021-01-15-93) when verified, and
// a URL, which for a numbered amendment is its address at Lovdata (see
// checkSource).
type Source struct {
	Title     string `yaml:"title" json:"title"`
	Paragraph string `yaml:"paragraph" json:"paragraph"`
	Date      string `yaml:"date" json:"date"`
	Number    string `yaml:"number" json:"number,omitempty"`
	URL       string `yaml:"url" json:"url"`
}

// endedFile is the end of the entry measures.
type endedFile struct {
	Ref string `yaml:"ref"`
}

// String returns the source as one line: title, paragraph, date and URL.
func (s Source) String() string {
	out := s.Title
	if s.Paragraph != "" {
		out += ", " + s.Paragraph
	}
	if s.Date != "" {
		out += " (" + s.Date + ")"
	}
	if s.Number != "" {
		out += " FOR-" + s.Date + "-" + s.Number
	}
	if s.URL != "" {
		out += " " + s.URL
	}
	return out
}

type quarantineFile struct {
	// Abolished, when true, says that no entry quarantine applies in this
	// version (Ref cites the abolition); tests and notices still apply.
	Abolished    bool                       `yaml:"abolished"`
	Days         int                        `yaml:"days"`
	Ref          string                     `yaml:"ref"`
	NoRedAreaRef string                     `yaml:"no_red_area_ref"`
	Restrictions map[string]restrictionFile `yaml:"restrictions"`
}

// restrictionFile is the list of restrictions of one scope (full, leisure)
// and the reason code that explains them.
type restrictionFile struct {
	Codes  []string `yaml:"codes"`
	Reason string   `yaml:"reason"`
	Ref    string   `yaml:"ref"`
}

// exemptionFile is a full exemption (no quarantine) or a leisure exemption
// (quarantine outside work and commuting only).
type exemptionFile struct {
	Claim string `yaml:"claim"`
	Ref   string `yaml:"ref"`
	// Documents lists what must be held, each entry met by any one of its
	// documents. Without them the exemption does not apply.
	Documents [][]string `yaml:"documents"`
	// Sectors, when set, lists the critical-function sectors accepted.
	Sectors []string `yaml:"sectors"`
	// Hotel says whether the quarantine-hotel duty still applies to the
	// quarantine outside work (leisure exemptions only; default true).
	Hotel *bool `yaml:"hotel"`
	// Reasons are extra reason codes given when the exemption applies.
	Reasons []string `yaml:"reasons"`
	// RequiresVisited, when set, lists countries or areas of which at least
	// one must be among the countries visited (the border the exemption
	// is about, such as SE and FI for cross-border commuters).
	RequiresVisited []string `yaml:"requires_visited"`
	// OnlyVisited, when set, lists the countries or areas the traveller may
	// have stayed in: a stay anywhere else excludes the exemption.
	OnlyVisited []string `yaml:"only_visited"`
	// Residence, when set, lists the residence values the exemption is for.
	Residence []string `yaml:"residence"`
	// HotelText, when set with hotel false, is the code (and text key) of the reason
	// why the hotel duty does not apply (default: the time outside work is
	// spent at home abroad).
	HotelText string `yaml:"hotel_text"`
	// Text, when set, is the text key of the reason given when the
	// exemption applies (the code stays exemption_<claim>), for a version
	// whose exemption reads differently.
	Text string `yaml:"text"`
}

// protectedFile exempts from entry quarantine whoever can show a
// verifiable corona certificate (the registration's covid_certificate)
// whose status and issuing system it lists.
type protectedFile struct {
	Ref      string   `yaml:"ref"`
	Statuses []string `yaml:"status"`
	Systems  []string `yaml:"systems"`
	// NotIfVisited lists countries or areas a stay in which (in the 10
	// days before arrival) excludes the exemption.
	NotIfVisited []string `yaml:"not_if_visited"`
	// UnknownSystems lists issuing systems whose acceptance in this
	// version is not known (the EU's system before every country had
	// joined it): a decision for a certificate of such a system is
	// refused on covid_certificate.system (reason
	// certificate_not_encoded).
	UnknownSystems []string `yaml:"unknown_systems"`
	// HotelOnly, when true, makes the certificate exempt from the
	// quarantine hotel only, not from quarantine, tests or registration.
	HotelOnly bool `yaml:"hotel_only"`
}

// minorsFile exempts children and young people up to MaxAge (their age at
// arrival) from entry quarantine; their tests and registration follow the
// version's tests and notices.
type minorsFile struct {
	Ref          string   `yaml:"ref"`
	MaxAge       int      `yaml:"max_age"`
	NotIfVisited []string `yaml:"not_if_visited"`
}

type hotelFile struct {
	Ref string `yaml:"ref"`
	// IfVisited, when set, limits the hotel duty to travellers who stayed
	// in one of these countries or areas; others in quarantine have none.
	IfVisited []string `yaml:"if_visited"`
	// Classified, when true, makes the hotel duty follow the country
	// classification: a traveller who stayed in a dark red area, or in an
	// area the classification does not list (grey), stays at the hotel
	// unless an exemption group marked dark_red applies (the notice
	// condition hotel_classified holds); others follow the groups. When no such stay
	// is known but a visited area's classification is not encoded, the
	// decision is refused.
	Classified bool `yaml:"classified"`
	// ClassifiedText is the text key of the reason given when a stay in a
	// dark red or grey area requires the hotel (required with Classified).
	ClassifiedText string `yaml:"classified_text"`
	// RequiredText, when set, is the text key of the reason given when the
	// hotel is required (the code stays hotel_required), for a version
	// whose hotel duty reads differently.
	RequiredText string      `yaml:"required_text"`
	Groups       []groupFile `yaml:"groups"`
	Fees         feesFile    `yaml:"fees"`
}

// groupFile is one exemption group from the quarantine hotel. Who it is for
// (residence, family_of_resident, purpose, claims: each, when set, must
// match) and what it asks (a place among places, documents).
type groupFile struct {
	Group            int         `yaml:"group"`
	Ref              string      `yaml:"ref"`
	Residence        []string    `yaml:"residence"`
	FamilyOfResident bool        `yaml:"family_of_resident"`
	Purpose          []string    `yaml:"purpose"`
	Claims           []string    `yaml:"claims"`
	Places           []placeFile `yaml:"places"`
	Documents        [][]string  `yaml:"documents"`
	// Text, when set, is the text key of the reason given when the group
	// applies (the code stays hotel_group_<n>), for a version whose group
	// reads differently.
	Text string `yaml:"text"`
	// TripPurpose, when set, lists the purposes of the trip abroad (the
	// registration's trip_purpose) for which the group applies: a
	// necessary trip. Anyone else eligible for the group is not exempt.
	TripPurpose []string `yaml:"trip_purpose"`
	// TripDocuments lists, by trip purpose, what must be shown that the
	// trip was of that purpose, besides Documents.
	TripDocuments map[string][][]string `yaml:"trip_documents"`
	// NotIfVisited lists countries or areas a stay in which (in the 10
	// days before arrival) excludes the group.
	NotIfVisited []string `yaml:"not_if_visited"`
	// OnlyVisited, when set, lists the countries or areas a stay outside
	// which (in the 10 days before arrival) excludes the group; the reason
	// then given is OnlyVisitedText (its code and text key), which names them.
	OnlyVisited     []string `yaml:"only_visited"`
	OnlyVisitedText string   `yaml:"only_visited_text"`
	// DarkRed, under a hotel duty that follows the classification, keeps
	// the group also for travellers who stayed in a dark red or grey area.
	DarkRed bool `yaml:"dark_red"`
}

// placeFile is an accommodation type a group accepts and the features it
// must have.
type placeFile struct {
	Accommodation string   `yaml:"accommodation"`
	Features      []string `yaml:"features"`
}

type feesFile struct {
	Ref       string        `yaml:"ref"`
	Employer  feeRuleFile   `yaml:"employer"`
	Traveller []feeRuleFile `yaml:"traveller"`
}

// feeRuleFile is one fee rule; traveller rules are tried in order and the
// first whose age range (and with_guardian, when set) matches applies.
type feeRuleFile struct {
	Code         string `yaml:"code"`
	PerNight     *int   `yaml:"per_night"`
	MinAge       int    `yaml:"min_age"`
	MaxAge       *int   `yaml:"max_age"`
	WithGuardian *bool  `yaml:"with_guardian"`
}

type svalbardFile struct {
	Ref                 string   `yaml:"ref"`
	Destinations        []string `yaml:"destinations"`
	Restriction         string   `yaml:"restriction"`
	Reason              string   `yaml:"reason"`
	LocalMunicipalities []string `yaml:"local_municipalities"`
	LocalPostalPrefixes []string `yaml:"local_postal_prefixes"`
}

type earlyEndFile struct {
	Ref string `yaml:"ref"`
	// Day is the day number (arrival = day 0) on which quarantine may end
	// at the earliest.
	Day int `yaml:"day"`
	// Condition is a stable code, also the reason code that explains it.
	Condition string `yaml:"condition"`
	// NotIfVisited lists countries or areas whose visitors may not end early.
	NotIfVisited []string `yaml:"not_if_visited"`
	// Instead, when set, is the early end of travellers who stayed in one
	// of its if_visited areas, in place of this one.
	Instead *earlyEndFile `yaml:"instead"`
	// IfVisited is the areas of an Instead early end.
	IfVisited []string `yaml:"if_visited"`
	// IfMaxAge, when set on an Instead early end, applies it also to
	// travellers of at most this age at arrival.
	IfMaxAge *int `yaml:"if_max_age"`
	// OnlyVisited, when set, lists the countries or areas a stay outside
	// which (in the 10 days before arrival) excludes the group; the reason
	// then given is OnlyVisitedText (its code and text key), which names them.
	OnlyVisited     []string `yaml:"only_visited"`
	OnlyVisitedText string   `yaml:"only_visited_text"`
}

// noticeFile is a reason (or, with kind warning, a warning) given when a
// condition holds: red_area (a red country or area was visited),
// quarantine_required, hotel_required, hotel_classified (the hotel is
// required by a stay in a dark red or grey area), hotel_unnecessary_trip (the hotel is
// required and a hotel exemption group failed because the trip abroad was
// not shown to be necessary), no_contact_language, always; and,
// when set, the traveller's age at arrival is within min_age..max_age,
// the exemption named by exemption applied, none of unless_exemption
// applied, (foreign_non_resident) the traveller is a foreign national
// not resident in Norway, and (unless_protected) the traveller shows no
// corona certificate the version's protected block accepts.
type noticeFile struct {
	Code               string   `yaml:"code"`
	Ref                string   `yaml:"ref"`
	When               string   `yaml:"when"`
	Kind               string   `yaml:"kind"`
	MinAge             *int     `yaml:"min_age"`
	MaxAge             *int     `yaml:"max_age"`
	Exemption          string   `yaml:"exemption"`
	UnlessExemption    []string `yaml:"unless_exemption"`
	ForeignNonResident bool     `yaml:"foreign_non_resident"`
	UnlessProtected    bool     `yaml:"unless_protected"`
	// IfVisited, when set, asks for a stay in one of these countries or
	// areas in the 10 days before arrival.
	IfVisited []string `yaml:"if_visited"`
	// Text, when set, is the text key of the reason (the code stays), for
	// a version whose duty reads differently.
	Text string `yaml:"text"`
}

// caseFile is an example case: a registration (merged over the base
// registration of versions/_base.yaml) and the decision fields expected.
type caseFile struct {
	Name string `yaml:"name"`
	// Source is the text the expected decision rests on (an amendment, a
	// press release, a seed document), required of every case.
	Source       string         `yaml:"source"`
	Lang         string         `yaml:"lang"`
	Registration map[string]any `yaml:"registration"`
	Expect       expectFile     `yaml:"expect"`
}

// expectFile lists the decision fields a case checks; a field left out is
// not checked. Group 0 and early_end "none" mean null.
type expectFile struct {
	RuleSet      *string     `yaml:"rule_set"`
	Scope        *string     `yaml:"scope"`
	FirstDay     *string     `yaml:"first_day"`
	LastDay      *string     `yaml:"last_day"`
	EarlyEnd     *string     `yaml:"early_end"`
	Hotel        *bool       `yaml:"hotel"`
	Group        *int        `yaml:"group"`
	Fee          *int        `yaml:"fee"`
	Payer        *string     `yaml:"payer"`
	Documents    *[][]string `yaml:"documents"`
	Restrictions *[]string   `yaml:"restrictions"`
	Tests        *[]string   `yaml:"tests"`
	Reasons      []string    `yaml:"reasons"`
	NoReasons    []string    `yaml:"no_reasons"`
	Warnings     []string    `yaml:"warnings"`
	NoWarnings   []string    `yaml:"no_warnings"`
	// Refused, when set, is the field and reason ("countries_visited
	// classification_not_encoded") of the error the case must get instead
	// of a decision.
	Refused *string `yaml:"refused"`
}
