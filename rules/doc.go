// Package rules holds the entry-quarantine rules as versioned data and the
// evaluator that applies them. Each rule version is one YAML file under
// versions/ with its in-force instant (Europe/Oslo), its source, its
// provenance, its parameters and the example cases it must decide correctly;
// the dated red / not-red classification of countries and areas lives under
// countries/, and the reason texts in one file per language under texts/.
// A Book is the loaded, validated set; its Evaluate is pure (no I/O, no
// clock): the instant that selects the rule version is the registration's
// arrival_time. A new rule version that changes parameters or switches
// exemptions on or off needs no code change: the evaluator reads parameters
// and never switches on version ids.
package rules
