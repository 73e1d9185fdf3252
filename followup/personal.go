package followup

import (
	"regexp"
	"strings"
	"time"
	"unicode"

	"beredskap"
	"beredskap/norway"
)

// numberRun matches a run of digits as people write numbers: an optional
// leading +, digits, and single spaces, dots, dashes or slashes between
// them.
var numberRun = regexp.MustCompile(`\+?\d(?:[ .\-/]?\d)*`)

// personalNumber returns why s, written for the labour inspectorate, may
// not be sent: "national_id" when it holds a run of 11 digits (an identity
// or D-number, however grouped, unless it is a phone number written with
// its country code), "phone_number" when it holds a run the phone helpers
// take for a valid number (Norwegian without a country code), or "" when
// neither.
func personalNumber(s string) string {
	for _, run := range numberRun.FindAllString(s, -1) {
		digits := strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) {
				return r
			}
			return -1
		}, run)
		_, notPhone := norway.NormalizePhone(run, "NO")
		phone := len(digits) >= 8 && len(digits) <= 15 && notPhone == nil
		switch {
		case phone && strings.HasPrefix(run, "+"):
			return "phone_number"
		case len(digits) == 11:
			return "national_id"
		case phone:
			return "phone_number"
		}
	}
	return ""
}

// checkPersonalNumbers adds a problem for each employer field of in that
// holds an identity or phone number: the labour notice carries the
// employer and what was suspected, never a person's numbers.
func checkPersonalNumbers(ps *beredskap.Problems, in *ReportInput) {
	for _, f := range []struct{ field, v string }{
		{"employer_name", in.EmployerName}, {"employer_text", in.EmployerText},
	} {
		switch personalNumber(f.v) {
		case "national_id":
			ps.Add(f.field, "personal_national_id", "must not hold an identity number: the notice names the employer, not a person")
		case "phone_number":
			ps.Add(f.field, "personal_phone", "must not hold a phone number: the notice names the employer, not a person")
		}
	}
}

// namesTraveller reports whether text holds the traveller's first or last
// name (as a word) or birth date (as 1990-05-17, 17.05.1990, 17.05.90 or
// 170590).
func namesTraveller(text string, r *beredskap.Registration) bool {
	lower := strings.ToLower(text)
	words := strings.FieldsFunc(lower, func(c rune) bool { return !unicode.IsLetter(c) && c != '-' })
	for _, name := range strings.Fields(strings.ToLower(r.Traveller.FirstName + " " + r.Traveller.LastName)) {
		for _, w := range words {
			if len([]rune(name)) >= 2 && w == name {
				return true
			}
		}
	}
	if b, err := time.Parse(time.DateOnly, r.Traveller.BirthDate); err == nil {
		compact := strings.NewReplacer(" ", "", ".", "", "-", "", "/", "").Replace(lower)
		for _, layout := range []string{"2006-01-02", "02.01.2006", "02.01.06", "020106", "02012006"} {
			form := b.Format(layout)
			if strings.Contains(lower, form) || strings.Contains(compact, strings.NewReplacer(".", "", "-", "").Replace(form)) {
				return true
			}
		}
	}
	return false
}
