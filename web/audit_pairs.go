package web

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// auditPair is one key=value pair of a detail, or a flag (a word alone,
// such as "breach" in a filter) when it has no value.
type auditPair struct {
	key, value string
	flag       bool
}

// auditPairToken finds the pairs and flags of a detail: key=value, where
// the value may be quoted, or a flag word.
var auditPairToken = regexp.MustCompile(`^([a-z][a-z0-9_]*)(?:=("(?:[^"\\]|\\.)*"|\S*))?(?:\s+|$)`)

// parseAuditPairs splits a clause into its pairs, and reports false when
// it is not made of pairs (flags alone are not enough).
func parseAuditPairs(c string) ([]auditPair, bool) {
	var out []auditPair
	pairs := 0
	for rest := strings.TrimSpace(c); rest != ""; {
		m := auditPairToken.FindStringSubmatchIndex(rest)
		if m == nil {
			return nil, false
		}
		p := auditPair{key: rest[m[2]:m[3]], flag: m[4] < 0}
		if !p.flag {
			p.value = rest[m[4]:m[5]]
			pairs++
		}
		out = append(out, p)
		rest = rest[m[1]:]
	}
	return out, pairs > 0
}

// auditValueCodes gives, for the keys whose values are codes, the key
// prefixes that name them, tried in turn.
var auditValueCodes = map[string][]string{
	"outcome":  {"centre.outcome."},
	"reason":   {"muni.end.", "staff.audit.value.reason."},
	"already":  {"muni.end."},
	"status":   {"muni.status.", "hotel.status."},
	"mode":     {"muni.digest.mode."},
	"key":      {"muni.template."},
	"format":   {"staff.audit.value.format."},
	"encoding": {"staff.audit.value.encoding."},
	"page":     {"staff.audit.value.page."},
}

// auditPairs writes a clause of key=value pairs as labelled values in the
// page's language ("Samtale: 2, Utfall: ikke nådd"), and reports false
// when the clause is not made of pairs.
func (f *staffFrame) auditPairs(c string) (string, bool) {
	pairs, ok := parseAuditPairs(c)
	if !ok {
		return "", false
	}
	parts := make([]string, 0, len(pairs))
	for _, p := range pairs {
		if p.flag {
			parts = append(parts, f.auditCode("staff.audit.flag.", p.key))
			continue
		}
		label := readableCode(p.key)
		if key := "staff.audit.field." + p.key; f.text.Has(key) {
			label = f.T(key)
		}
		parts = append(parts, label+": "+f.auditPairValue(p.key, p.value))
	}
	return strings.Join(parts, ", "), true
}

// auditPairsKnown reports whether the page's language has words for every
// key and flag of a clause of pairs.
func (f *staffFrame) auditPairsKnown(c string) bool {
	pairs, _ := parseAuditPairs(c)
	for _, p := range pairs {
		prefix := "staff.audit.field."
		if p.flag {
			prefix = "staff.audit.flag."
		}
		if !f.text.Own(prefix + p.key) {
			return false
		}
	}
	return true
}

// auditPairValue writes the value of a pair: a code in words, a language
// by its name, a municipality by its name, an object, an action, a quoted
// text unquoted, an instant or a day as a date, true and false as yes and
// no; anything else as it is. An empty value is a dash.
func (f *staffFrame) auditPairValue(key, v string) string {
	if v == "" {
		return "–"
	}
	if prefixes, ok := auditValueCodes[key]; ok {
		for _, prefix := range prefixes {
			if f.text.Has(prefix + v) {
				return f.T(prefix + v)
			}
		}
	}
	switch key {
	case "language":
		return autonym(v)
	case "municipality":
		return municipalityName(v)
	case "object":
		return f.auditObjectOf(v).Text
	case "action":
		return f.Action(v)
	}
	if s, err := strconv.Unquote(v); err == nil && strings.HasPrefix(v, `"`) {
		return s
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return f.Time(t)
	}
	if _, err := time.Parse(time.DateOnly, v); err == nil {
		return f.DateOf(v)
	}
	switch v {
	case "true":
		return f.T("staff.audit.value.true")
	case "false":
		return f.T("staff.audit.value.false")
	}
	return v
}
