package norway

// ValidOrgNumber reports whether s is a valid organisation number
// (organisasjonsnummer) of the Central Coordinating Register for Legal
// Entities: 9 ASCII digits whose last is a modulus-11 check digit over the
// first 8 with weights 3 2 7 6 5 4 3 2 (RULES.md § Identifiers). A
// remainder of 0 gives check digit 0; a remainder of 1 makes the number
// invalid; otherwise the check digit is 11 minus the remainder.
func ValidOrgNumber(s string) bool {
	if !isDigits(s, 9) {
		return false
	}
	check, ok := orgCheckDigit(s[:8])
	return ok && int(s[8]-'0') == check
}

// GenerateOrgNumber returns the organisation number made of prefix8 and its
// check digit. It reports false when prefix8 is not 8 ASCII digits or when
// no check digit exists for it (remainder 1).
func GenerateOrgNumber(prefix8 string) (string, bool) {
	if !isDigits(prefix8, 8) {
		return "", false
	}
	check, ok := orgCheckDigit(prefix8)
	if !ok {
		return "", false
	}
	return prefix8 + string(rune('0'+check)), true
}

// orgCheckDigit returns the check digit for 8 digits, and false when the
// remainder is 1.
func orgCheckDigit(digits string) (int, bool) {
	weights := [8]int{3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, w := range weights {
		sum += w * int(digits[i]-'0')
	}
	switch r := sum % 11; r {
	case 0:
		return 0, true
	case 1:
		return 0, false
	default:
		return 11 - r, true
	}
}
