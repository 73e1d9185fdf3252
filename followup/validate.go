package followup

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"beredskap"
	"beredskap/norway"
)

// Lengths of a call report's free-text fields, in characters.
const (
	MaxStayingAt    = 200
	MaxBreachText   = 500
	MaxEmployerName = 200
	MaxEmployerText = 500
)

// Validate checks a call report and returns an EINVALID error naming every
// bad field (JSON-path-like: "outcome", "breaches[1]", "employer_org"), or
// nil. It also trims the text fields and writes the organisation number
// as nine digits.
//
// The rules: outcome is reached, not_reached or wrong_number; language is
// one of Enumerations["traveller.language"] (the language the call was held
// in, or tried in). Only a reached traveller answers: understood (yes,
// partly, no) is then required, and otherwise empty, like interpreter and
// staying_at. Breaches are known kinds, each once; when the traveller was
// not reached only not_at_address may be given (someone else answered and
// said so), and after a wrong number none. breach_text is required for the
// kind other, allowed with any breach, and empty without. An employer
// breach needs a reached traveller, a valid organisation number, the
// employer's name and what was suspected of the employer: one or more of
// beredskap.EmployerSuspicions, each once ("employer_suspected[0]"). These
// go to the labour inspectorate; the operator's note (employer_text) is
// optional and stays with the report. Neither the name nor the note may
// hold an identity or phone number ("personal_national_id",
// "personal_phone"). Without an employer breach all of these are empty.
func (in *ReportInput) Validate() error {
	in.StayingAt = strings.TrimSpace(in.StayingAt)
	in.BreachText = strings.TrimSpace(in.BreachText)
	in.EmployerOrg = strings.Join(strings.Fields(in.EmployerOrg), "")
	in.EmployerName = strings.TrimSpace(in.EmployerName)
	in.EmployerText = strings.TrimSpace(in.EmployerText)
	if len(in.EmployerSuspected) == 0 {
		in.EmployerSuspected = nil
	}

	var ps beredskap.Problems
	reached := in.Outcome == beredskap.CallReached
	switch in.Outcome {
	case beredskap.CallReached, beredskap.CallNotReached, beredskap.CallWrongNumber:
	case "":
		ps.Add("outcome", "required", "is required")
	default:
		ps.Add("outcome", "unknown_value", "must be one of reached, not_reached, wrong_number")
	}
	switch {
	case in.Language == "":
		ps.Add("language", "required", "is required")
	case !slices.Contains(beredskap.Enumerations["traveller.language"], in.Language):
		ps.Add("language", "unknown_value", "must be one of "+strings.Join(beredskap.Enumerations["traveller.language"], ", "))
	}
	switch {
	case reached && in.Understood == "":
		ps.Add("understood", "required", "is required when the traveller was reached")
	case reached && !slices.Contains([]beredskap.Understood{beredskap.UnderstoodYes, beredskap.UnderstoodPartly, beredskap.UnderstoodNo}, in.Understood):
		ps.Add("understood", "unknown_value", "must be one of yes, partly, no")
	case !reached && in.Understood != "":
		ps.Add("understood", "not_reached", "must be empty when the traveller was not reached")
	}
	if !reached && in.Interpreter {
		ps.Add("interpreter", "not_reached", "must be false when the traveller was not reached")
	}
	if !reached && in.StayingAt != "" {
		ps.Add("staying_at", "not_reached", "must be empty when the traveller was not reached")
	}
	text(&ps, "staying_at", in.StayingAt, false, MaxStayingAt)
	breaches(&ps, in)
	employer(&ps, in, reached)
	return ps.Err()
}

// breaches checks the suspected breaches and their text.
func breaches(ps *beredskap.Problems, in *ReportInput) {
	if len(in.Breaches) > len(beredskap.BreachKinds) {
		ps.Add("breaches", "too_many", fmt.Sprintf("must hold at most %d values", len(beredskap.BreachKinds)))
		return
	}
	for i, b := range in.Breaches {
		field := "breaches[" + strconv.Itoa(i) + "]"
		switch {
		case !slices.Contains(beredskap.BreachKinds, b):
			ps.Add(field, "unknown_value", "is not a kind of breach")
		case slices.Index(in.Breaches, b) < i:
			ps.Add(field, "duplicate", "is given twice")
		case in.Outcome == beredskap.CallWrongNumber:
			ps.Add(field, "wrong_number", "no breach can be reported after a wrong number")
		case in.Outcome == beredskap.CallNotReached && b != beredskap.BreachNotAtAddress:
			ps.Add(field, "not_reached", "only not_at_address may be reported when the traveller was not reached")
		}
	}
	switch {
	case slices.Contains(in.Breaches, beredskap.BreachOther) && in.BreachText == "":
		ps.Add("breach_text", "required", "is required when the breach is other")
	case len(in.Breaches) == 0 && in.BreachText != "":
		ps.Add("breach_text", "no_breach", "must be empty when no breach is suspected")
	default:
		text(ps, "breach_text", in.BreachText, false, MaxBreachText)
	}
}

// employer checks the employer breach and the employer's details.
func employer(ps *beredskap.Problems, in *ReportInput, reached bool) {
	if !in.EmployerBreach {
		for _, f := range []struct{ field, v string }{
			{"employer_org", in.EmployerOrg}, {"employer_name", in.EmployerName}, {"employer_text", in.EmployerText},
		} {
			if f.v != "" {
				ps.Add(f.field, "no_employer_breach", "must be empty when no employer breach is suspected")
			}
		}
		if len(in.EmployerSuspected) > 0 {
			ps.Add("employer_suspected", "no_employer_breach", "must be empty when no employer breach is suspected")
		}
		return
	}
	if !reached {
		ps.Add("employer_breach", "not_reached", "can be reported only when the traveller was reached")
	}
	switch {
	case in.EmployerOrg == "":
		ps.Add("employer_org", "required", "is required for an employer breach")
	case !norway.ValidOrgNumber(in.EmployerOrg):
		ps.Add("employer_org", "invalid_org_number", "is not a valid organisation number")
	}
	text(ps, "employer_name", in.EmployerName, true, MaxEmployerName)
	suspected(ps, in.EmployerSuspected)
	text(ps, "employer_text", in.EmployerText, false, MaxEmployerText)
	checkPersonalNumbers(ps, in)
}

// suspected checks what was suspected of an employer: one or more kinds
// of the fixed list, each once.
func suspected(ps *beredskap.Problems, ss []beredskap.EmployerSuspicion) {
	switch {
	case len(ss) == 0:
		ps.Add("employer_suspected", "required", "is required for an employer breach: choose what was suspected")
		return
	case len(ss) > len(beredskap.EmployerSuspicions):
		ps.Add("employer_suspected", "too_many", fmt.Sprintf("must hold at most %d values", len(beredskap.EmployerSuspicions)))
		return
	}
	for i, s := range ss {
		field := "employer_suspected[" + strconv.Itoa(i) + "]"
		switch {
		case !slices.Contains(beredskap.EmployerSuspicions, s):
			ps.Add(field, "unknown_value", "is not one of the listed suspicions of an employer")
		case slices.Index(ss, s) < i:
			ps.Add(field, "duplicate", "is given twice")
		}
	}
}

// text checks length, valid UTF-8 and the absence of control characters
// other than line breaks.
func text(ps *beredskap.Problems, field, v string, required bool, max int) {
	control := func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' }
	switch {
	case v == "" && required:
		ps.Add(field, "required", "is required")
	case !utf8.ValidString(v) || strings.IndexFunc(v, control) >= 0:
		ps.Add(field, "format_text", "must be text without control characters")
	case utf8.RuneCountInString(v) > max:
		ps.Add(field, "too_long", fmt.Sprintf("must be at most %d characters", max))
	}
}
