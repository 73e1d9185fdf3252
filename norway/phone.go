package norway

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// maxPhoneLength bounds the input NormalizePhone hands to the library, well
// above any real number written with spaces, dashes and an extension.
const maxPhoneLength = 64

// NormalizePhone returns a phone number in E.164 form, such as
// "+4791234567". A number without a leading + (or 00 international prefix)
// is read as a number of defaultRegion, an ISO 3166-1 alpha-2 code; an empty
// defaultRegion means "NO". Numbers that github.com/nyaruka/phonenumbers
// does not hold to be valid are rejected with an *IDError whose reason is
// "invalid_phone".
//
// The library (v1.8.1) parses its metadata for all regions when the program
// starts, in package init (about 18 ms and 2.5 MB on the development
// machine), not on the first call. The first call in a process compiles the
// patterns it needs and caches them, about 1 ms; later calls take tens of
// microseconds (see TestNormalizePhoneFirstCall).
func NormalizePhone(s, defaultRegion string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxPhoneLength {
		return "", &IDError{Reason: ReasonInvalidPhone, Message: "phone number is empty or too long"}
	}
	if defaultRegion == "" {
		defaultRegion = "NO"
	}
	num, err := phonenumbers.Parse(s, strings.ToUpper(defaultRegion))
	if err != nil {
		return "", &IDError{Reason: ReasonInvalidPhone, Message: "phone number cannot be read: " + err.Error()}
	}
	if !phonenumbers.IsValidNumber(num) {
		return "", &IDError{Reason: ReasonInvalidPhone, Message: "phone number is not a valid number"}
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}
