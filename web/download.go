package web

import (
	"net/http"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// downloadName returns the name of a file to save, in the words of the
// locale key (such as file.fee_statement: "egenandel-opphold-{stay}-{date}")
// with args filled in, {date} the day it is made (YYYY-MM-DD, Europe/Oslo,
// so that a folder of downloads sorts by day), and ext (".csv"). Anything
// but letters, digits, '-', '_' and '.' in the name becomes '-', so that a
// value filled in never makes a path or breaks the header.
func downloadName(l *Locale, key string, now time.Time, ext string, args ...any) string {
	name := l.T(key, append([]any{"date", now.In(oslo).Format(time.DateOnly)}, args...)...)
	name = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '-'
	}, norm.NFC.String(name))
	for strings.Contains(name, "--") {
		name = strings.ReplaceAll(name, "--", "-")
	}
	return strings.Trim(name, "-.") + ext
}

// downloadLocale returns the texts a download's name is made of: the
// staff page's language, English for the API.
func downloadLocale(r *http.Request) *Locale {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return staffLocales.get("en")
	}
	return staffLocales.get(staffLocales.pageLanguage(r))
}

// setAttachment marks the answer as a file to save under name: the
// Content-Disposition of RFC 6266 with the UTF-8 name in filename*
// (RFC 8187) and, for clients that know only filename, the name in ASCII
// (æ, ø, å written ae, o, a; other letters without their accents).
func setAttachment(h http.Header, name string) {
	h.Set("Content-Disposition", `attachment; filename="`+asciiName(name)+`"; filename*=UTF-8''`+encodeExtValue(name))
}

// asciiNames are the letters of Norwegian that have no ASCII letter under
// their marks.
var asciiNames = strings.NewReplacer("æ", "ae", "Æ", "Ae", "ø", "o", "Ø", "O", "å", "a", "Å", "A")

// asciiName returns name in printable ASCII without quotes or
// backslashes, for the filename parameter.
func asciiName(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(asciiNames.Replace(name)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r > 0x20 && r < 0x7f && r != '"' && r != '\\' && r != '/':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// encodeExtValue percent-encodes s as the value of an RFC 8187
// parameter: every byte but the attr-chars.
func encodeExtValue(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)) || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
