package beredskap

// RuleChange is a rule version that takes effect while a traveller's
// quarantine runs and changes what is asked of them: from InForceFrom
// (an RFC 3339 instant) Decision applies, decided by that version as if it
// had been in force at the arrival. Changes names what differs from the
// decision before it, as the change codes of a rule-change impact
// (hotel_lifted, hotel_required, last_day_changed, scope_changed,
// quarantine_lifted, fee_changed).
type RuleChange struct {
	InForceFrom string   `json:"in_force_from"`
	Changes     []string `json:"changes"`
	Decision    Decision `json:"decision"`
}

// RuleChangeForecaster is an Evaluator that also knows the rule versions
// after the one that decided: ComingChanges returns, in the order they
// take effect, those that change decision d of r during its quarantine,
// with texts in lang, and none when there are none.
type RuleChangeForecaster interface {
	ComingChanges(r *Registration, d *Decision, lang string) []RuleChange
}
