// Package norway holds Norwegian identifiers and reference data: national
// identity numbers (fødselsnummer, D- and H-numbers), organisation numbers,
// phone numbers in E.164 form, and the municipalities, counties and postal
// codes that Statistics Norway (SSB) and Posten Norge publish. The reference
// data is embedded in the binary and parsed once; its sources and licences
// are in data/SOURCES.md, and Attribution must be shown wherever it is used.
// The identifier rules follow RULES.md § Identifiers.
package norway

// Reasons carried by IDError. User interfaces translate them.
const (
	ReasonFormatNationalID    = "format_national_id"    // not 11 digits
	ReasonInvalidNationalID   = "invalid_national_id"   // control digits or date wrong
	ReasonSyntheticNotAllowed = "synthetic_not_allowed" // a test number where none is accepted
	ReasonInvalidPhone        = "invalid_phone"         // not a valid phone number
)

// IDError reports why an identifier was rejected: a stable reason key (one
// of the Reason constants) and an English message for logs and API clients.
type IDError struct {
	Reason  string
	Message string
}

// Error returns the English message.
func (e *IDError) Error() string { return e.Message }
