package norway

import "time"

// IDKind tells which kind of national identity number a NationalID is.
type IDKind int

// The kinds of national identity number.
const (
	// FNumber is a fødselsnummer, given to everyone registered as resident.
	FNumber IDKind = iota + 1
	// DNumber is a D-nummer, given to people who are not resident; the first
	// digit of the day is raised by 4 (day 41–71).
	DNumber
	// HNumber is an H-nummer (hjelpenummer), an auxiliary number used in the
	// health services; the first digit of the month is raised by 4 (month 41–52).
	HNumber
)

// String returns "fnr", "dnr" or "hnr", and "unknown" for any other value.
func (k IDKind) String() string {
	switch k {
	case FNumber:
		return "fnr"
	case DNumber:
		return "dnr"
	case HNumber:
		return "hnr"
	default:
		return "unknown"
	}
}

// NationalID is a checked national identity number and what it encodes.
type NationalID struct {
	// Number holds the 11 digits as given.
	Number string
	Kind   IDKind
	// BirthDate is the date of birth at midnight UTC. It is zero when it
	// cannot be known: numbers of the 2032 scheme carry no century.
	BirthDate time.Time
	// Synthetic reports a test number: month + 80 (Skatteetaten's Tenor) or,
	// for D-numbers, month + 40 (NAV). See ParseNationalID for the overlap
	// of NAV's month + 40 with H-numbers.
	Synthetic bool
	// NewForm reports a number that can only be read under the scheme used
	// from 2032: its first control digit is one that only the new rule
	// allows, or its individual number gives no century under the classic
	// table. Such numbers encode neither sex nor century.
	NewForm bool
}

// IDOptions configures ParseNationalID.
type IDOptions struct {
	// AllowSynthetic accepts test numbers (Tenor and NAV synthetic numbers).
	AllowSynthetic bool
}

// ParseNationalID checks an 11-digit number and returns what it encodes. It
// follows RULES.md § Identifiers:
//
//   - Digits 1–6 are DDMMYY, 7–9 the individual number, 10–11 control digits.
//   - The classic first control digit k1 makes the weighted sum of digits
//     1–10 (weights 3 7 6 1 8 9 4 5 2 1) divisible by 11. From 2032 new
//     numbers may leave a remainder of 0, 1, 2 or 3 instead (Skatteetaten,
//     "Nytt fødselsnummer fra 2032"); both forms are accepted. The second
//     control digit k2 always follows the classic rule.
//   - The century comes from the individual number (000–499 → 1900s;
//     500–749 with year > 54 → 1855–1899; 900–999 with year ≥ 40 →
//     1940–1999; 500–999 with year < 40 → 2000–2039). A number whose
//     individual number fits no row can only be a 2032-scheme number and is
//     read as one (NewForm, no BirthDate).
//   - Day 41–71 marks a D-number, month 41–52 an H-number, month 81–92 a
//     Tenor synthetic number (of any kind). NAV's synthetic numbers add 40
//     to the month, which cannot be told apart from an H-number; so month
//     41–52 is read as an H-number, except when the day also carries + 40:
//     an H-number is never a D-number, so that combination is read as a NAV
//     synthetic D-number.
//   - The date must exist. For 2032-scheme numbers, whose century is
//     unknown, 29 February is accepted in years divisible by four.
//
// The error is an *IDError with reason "format_national_id" when s is not 11
// ASCII digits, "invalid_national_id" when the control digits or the date are
// wrong, and "synthetic_not_allowed" for a valid synthetic number when
// opt.AllowSynthetic is false.
func ParseNationalID(s string, opt IDOptions) (NationalID, error) {
	if !isDigits(s, 11) {
		return NationalID{}, &IDError{Reason: ReasonFormatNationalID, Message: "national identity number must be 11 digits"}
	}
	var d [11]int
	for i := range d {
		d[i] = int(s[i] - '0')
	}
	rest := (k1Sum(&d) + d[9]) % 11
	if rest > 3 || (k2Sum(&d)+d[10])%11 != 0 {
		return NationalID{}, invalidID("national identity number has wrong control digits")
	}
	id := NationalID{Number: s, Kind: FNumber, NewForm: rest != 0}

	day, month, yy := d[0]*10+d[1], d[2]*10+d[3], d[4]*10+d[5]
	if day >= 41 && day <= 71 {
		id.Kind = DNumber
		day -= 40
	}
	switch {
	case month >= 81 && month <= 92:
		id.Synthetic = true
		month -= 80
	case month >= 41 && month <= 52:
		month -= 40
		if id.Kind == DNumber {
			id.Synthetic = true
		} else {
			id.Kind = HNumber
		}
	}
	if month < 1 || month > 12 || day < 1 {
		return NationalID{}, invalidID("national identity number holds no valid date")
	}

	century, ok := centuryOf(d[6]*100+d[7]*10+d[8], yy)
	if !ok {
		id.NewForm = true
	}
	if id.NewForm {
		// Any century may apply; 29 February exists in some century for
		// every year divisible by four (2000 is a leap year).
		leapYear := 2000 + yy
		if yy%4 != 0 {
			leapYear = 2001
		}
		if day > daysIn(leapYear, month) {
			return NationalID{}, invalidID("national identity number holds no valid date")
		}
	} else {
		year := century + yy
		if day > daysIn(year, month) {
			return NationalID{}, invalidID("national identity number holds no valid date")
		}
		id.BirthDate = time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	}

	if id.Synthetic && !opt.AllowSynthetic {
		return NationalID{}, &IDError{Reason: ReasonSyntheticNotAllowed, Message: "synthetic (test) national identity numbers are not accepted"}
	}
	return id, nil
}

// GenerateFNumber returns the fødselsnummer for a birth date (its calendar
// date in birth's location) and an individual number, with classic control
// digits. It reports false when the individual number is outside 0–999 or
// does not encode the century of the birth year under the classic table, or
// when a control digit would be 10.
func GenerateFNumber(birth time.Time, individual int) (string, bool) {
	year, month, day := birth.Date()
	if individual < 0 || individual > 999 || year < 1855 || year > 2039 {
		return "", false
	}
	if c, ok := centuryOf(individual, year%100); !ok || c != year-year%100 {
		return "", false
	}
	d := [11]int{
		day / 10, day % 10, int(month) / 10, int(month) % 10, year % 100 / 10, year % 10,
		individual / 100, individual / 10 % 10, individual % 10,
	}
	d[9] = (11 - k1Sum(&d)%11) % 11
	d[10] = (11 - k2Sum(&d)%11) % 11
	if d[9] == 10 || d[10] == 10 {
		return "", false
	}
	b := make([]byte, 11)
	for i, v := range d {
		b[i] = byte('0' + v)
	}
	return string(b), true
}

// k1Sum returns the weighted sum of digits 1–9 for the first control digit
// (weights 3 7 6 1 8 9 4 5 2).
func k1Sum(d *[11]int) int {
	return 3*d[0] + 7*d[1] + 6*d[2] + d[3] + 8*d[4] + 9*d[5] + 4*d[6] + 5*d[7] + 2*d[8]
}

// k2Sum returns the weighted sum of digits 1–10 for the second control digit
// (weights 5 4 3 2 7 6 5 4 3 2).
func k2Sum(d *[11]int) int {
	return 5*d[0] + 4*d[1] + 3*d[2] + 2*d[3] + 7*d[4] + 6*d[5] + 5*d[6] + 4*d[7] + 3*d[8] + 2*d[9]
}

// centuryOf returns the first year of the century that the classic scheme
// gives an individual number and a two-digit year, and false when the
// combination fits no row of the table.
func centuryOf(individual, yy int) (int, bool) {
	switch {
	case individual <= 499:
		return 1900, true
	case individual <= 749 && yy > 54:
		return 1800, true
	case individual >= 900 && yy >= 40:
		return 1900, true
	case yy < 40:
		return 2000, true
	default:
		return 0, false
	}
}

func invalidID(msg string) *IDError {
	return &IDError{Reason: ReasonInvalidNationalID, Message: msg}
}

// daysIn returns the number of days in a month of the Gregorian calendar.
func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// isDigits reports whether s is exactly n ASCII digits.
func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
