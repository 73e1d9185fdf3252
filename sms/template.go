package sms

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"beredskap"
)

// Placeholders are the names templates may use, written {name}: the
// traveller's first name, the last day of quarantine (YYYY-MM-DD) and the
// control centre's hotline number.
var Placeholders = []string{"name", "last_day", "hotline"}

// maxTemplate bounds a template's length in bytes: ten UCS-2 segments of
// four-byte characters and then some.
const maxTemplate = 4096

// CheckTemplate returns an EINVALID error on "body" naming the first unknown
// or malformed placeholder of body, or nil. Braces serve placeholders only:
// a "{" without its "}", a "}" without its "{", an empty "{}" or a name
// other than those of Placeholders is refused with the reason
// "unknown_placeholder". An empty body is "required"; one over 4 096 bytes
// "too_long"; one that is not UTF-8 "format_text".
func CheckTemplate(body string) error {
	_, err := parse(body)
	return err
}

// Render fills body's placeholders from values and returns the text. Values
// are put in as they are, never read for placeholders themselves. A body
// that CheckTemplate refuses is refused with the same error; a placeholder
// with no value in values is EINVALID on "values.NAME" with the reason
// "required".
func Render(body string, values map[string]string) (string, error) {
	parts, err := parse(body)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(len(body) + 32)
	for _, p := range parts {
		if !p.placeholder {
			b.WriteString(p.text)
			continue
		}
		v, ok := values[p.text]
		if !ok {
			return "", beredskap.Invalid("values."+p.text, "required", fmt.Sprintf("the placeholder {%s} has no value", p.text))
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

// part is a piece of a template: literal text, or a placeholder's name.
type part struct {
	text        string
	placeholder bool
}

// parse splits body into literal text and placeholders.
func parse(body string) ([]part, error) {
	switch {
	case strings.TrimSpace(body) == "":
		return nil, beredskap.Invalid("body", "required", "is required")
	case len(body) > maxTemplate:
		return nil, beredskap.Invalid("body", "too_long", fmt.Sprintf("must be at most %d bytes", maxTemplate))
	case !utf8.ValidString(body):
		return nil, beredskap.Invalid("body", "format_text", "must be UTF-8 text")
	}
	var parts []part
	rest := body
	for rest != "" {
		open := strings.IndexAny(rest, "{}")
		if open < 0 {
			parts = append(parts, part{text: rest})
			break
		}
		if open > 0 {
			parts = append(parts, part{text: rest[:open]})
		}
		if rest[open] == '}' {
			return nil, unknownPlaceholder(`a "}" without its "{"`)
		}
		end := strings.IndexAny(rest[open+1:], "{}")
		if end < 0 || rest[open+1+end] == '{' {
			return nil, unknownPlaceholder(fmt.Sprintf(`%q has no closing "}"`, clip(rest[open:])))
		}
		name := rest[open+1 : open+1+end]
		if !slices.Contains(Placeholders, name) {
			return nil, unknownPlaceholder(fmt.Sprintf("{%s} is not one of {name}, {last_day}, {hotline}", clip(name)))
		}
		parts = append(parts, part{text: name, placeholder: true})
		rest = rest[open+1+end+1:]
	}
	return parts, nil
}

// unknownPlaceholder returns the error of a bad placeholder.
func unknownPlaceholder(what string) error {
	return beredskap.Invalid("body", "unknown_placeholder", "unknown or malformed placeholder: "+what)
}

// clip shortens s for an error message, at a character boundary.
func clip(s string) string {
	const max = 24
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
