// Package gsm counts the segments an SMS body takes: in the GSM 03.38
// default alphabet (GSM-7) when every character is in it or its extension
// table, in UCS-2 otherwise. It imports nothing of the register, so that
// its fuzz target builds quickly with fuzzing instrumentation
// (scripts/fuzz.sh).
package gsm

import "unicode/utf16"

// Encodings.
const (
	GSM7 = "GSM-7"
	UCS2 = "UCS-2"
)

// Segment sizes. A single GSM-7 message holds 160 septets and a single UCS-2
// message 70 UTF-16 code units; a concatenated message loses room in every
// part to the user data header that joins the parts.
const (
	gsmSingle = 160
	gsmPart   = 153
	ucsSingle = 70
	ucsPart   = 67
)

// gsmBasic is the GSM 03.38 default alphabet: each of these takes one
// septet.
const gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsmExtension is the GSM 03.38 extension table: each of these takes two
// septets, an escape and the character.
const gsmExtension = "\f^{}\\[~]|€"

// septets maps every character GSM-7 can carry to the septets it takes.
var septets = func() map[rune]int {
	m := make(map[rune]int, 140)
	for _, r := range gsmBasic {
		m[r] = 1
	}
	for _, r := range gsmExtension {
		m[r] = 2
	}
	return m
}()

// Count returns the encoding body needs and how many segments it takes.
// The encoding is GSM7 when every character is in the GSM 03.38 default
// alphabet or its extension table (whose characters take two septets), and
// UCS2 otherwise. A GSM-7 message takes one segment up to 160 septets and
// parts of 153 septets beyond; a UCS-2 message one segment up to 70 UTF-16
// code units and parts of 67 beyond, a character outside the Basic
// Multilingual Plane taking two units. Neither an extension character's
// escape nor a surrogate pair is ever split between parts, so a part may
// hold one unit less than its size. An empty body takes no segment.
func Count(body string) (encoding string, segments int) {
	if body == "" {
		return GSM7, 0
	}
	if units, ok := gsmUnits(body); ok {
		return GSM7, split(units, gsmSingle, gsmPart)
	}
	// Ranging over a string yields U+FFFD, one unit, for invalid UTF-8,
	// and never a lone surrogate.
	units := make([]int, 0, len(body))
	for _, r := range body {
		units = append(units, utf16.RuneLen(r))
	}
	return UCS2, split(units, ucsSingle, ucsPart)
}

// gsmUnits returns the septets of each character of body, or false when a
// character is outside GSM-7.
func gsmUnits(body string) ([]int, bool) {
	units := make([]int, 0, len(body))
	for _, r := range body {
		n, ok := septets[r]
		if !ok {
			return nil, false
		}
		units = append(units, n)
	}
	return units, true
}

// split returns how many segments characters of the given sizes take: one
// when they fit in single, else parts of at most part, filled in order,
// with no character split between two parts.
func split(units []int, single, part int) int {
	total := 0
	for _, u := range units {
		total += u
	}
	if total <= single {
		return 1
	}
	segments, used := 1, 0
	for _, u := range units {
		if used+u > part {
			segments++
			used = 0
		}
		used += u
	}
	return segments
}
