package beredskap

// Decision is what the rules in force at the arrival instant ask of a
// traveller: quarantine, quarantine hotel, documents, restrictions, and the
// reasons with the paragraphs they rest on. Its JSON is the public contract.
type Decision struct {
	RuleSet           RuleSetRef            `json:"rule_set"`
	Quarantine        Quarantine            `json:"quarantine"`
	Hotel             Hotel                 `json:"hotel"`
	DocumentsRequired []DocumentRequirement `json:"documents_required"`
	Restrictions      []string              `json:"restrictions"`
	// TestsRequired lists the covid-19 tests the rules in force ask for,
	// as stable codes (for example test_at_border); the reasons explain them.
	TestsRequired []string  `json:"tests_required"`
	Reasons       []Reason  `json:"reasons"`
	Warnings      []Warning `json:"warnings"`
	// Language is the language of the reason and warning texts.
	Language string `json:"language"`
}

// RuleSetRef names the rule version that made a decision. Hash is the
// SHA-256 of the rule file, so that the decision can be reproduced later.
type RuleSetRef struct {
	ID          string `json:"id"`
	InForceFrom string `json:"in_force_from"`
	Source      string `json:"source"`
	Hash        string `json:"hash"`
}

// Quarantine is the entry quarantine (innreisekarantene). Scope is one of the
// Scope constants; FirstDay (day 0, the arrival date in Europe/Oslo) and
// LastDay are YYYY-MM-DD, or nil when no quarantine is required.
type Quarantine struct {
	Required bool      `json:"required"`
	Scope    string    `json:"scope"`
	FirstDay *string   `json:"first_day"`
	LastDay  *string   `json:"last_day"`
	EarlyEnd *EarlyEnd `json:"early_end"`
}

// Values of Quarantine.Scope.
const (
	ScopeFull    = "full"
	ScopeLeisure = "leisure"
	ScopeNone    = "none"
)

// EarlyEnd is the earliest day a quarantine may end, and on what condition.
type EarlyEnd struct {
	EarliestDay string `json:"earliest_day"`
	Condition   string `json:"condition"`
}

// Hotel says whether the stay must be at a quarantine hotel (karantenehotell).
// ExemptionGroup is 1–6 (the groups of 13 December 2020) when an exemption
// applies; Payer is one of the Payer constants.
type Hotel struct {
	Required       bool   `json:"required"`
	ExemptionGroup *int   `json:"exemption_group"`
	FeeNOKPerNight int    `json:"fee_nok_per_night"`
	Payer          string `json:"payer"`
}

// Values of Hotel.Payer.
const (
	PayerTraveller = "traveller"
	PayerEmployer  = "employer"
	PayerNone      = "none"
)

// DocumentRequirement is met by holding any one of the named documents.
type DocumentRequirement struct {
	AnyOf []string `json:"any_of"`
}

// Reason explains one part of a decision: a stable code, the paragraph or
// document it rests on, and a text in the decision's language.
type Reason struct {
	Code string `json:"code"`
	Ref  string `json:"ref"`
	Text string `json:"text"`
}

// Warning tells the traveller about something that did not apply or needs
// attention, such as a claimed exemption without its document.
type Warning struct {
	Code string `json:"code"`
	Text string `json:"text"`
}
