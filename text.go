package beredskap

// Text returns the words of key in the language lang (nb, nn or en), with
// the {name} placeholders of args, given as name, value pairs, filled. The
// services that write mails and letters take one from the locale files of
// the web package (web.StaffText, web.CitizenText).
type Text func(lang, key string, args ...any) string

// UnknownReaderLanguages returns the languages, in order, of what is
// written to someone whose language the register does not know: bokmål,
// then English.
func UnknownReaderLanguages() []string { return []string{"nb", "en"} }
