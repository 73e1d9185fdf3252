package gsm

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// The default alphabet has 128 positions, one of them the escape to the
// extension table, which is no character.
func TestGSMTables(t *testing.T) {
	if got := utf8.RuneCountInString(gsmBasic); got != 127 {
		t.Errorf("basic alphabet has %d characters, want 127", got)
	}
	if got := utf8.RuneCountInString(gsmExtension); got != 10 {
		t.Errorf("extension table has %d characters, want 10", got)
	}
	if len(septets) != 137 {
		t.Errorf("septets maps %d characters, want 137 (a character twice?)", len(septets))
	}
}

func TestCount(t *testing.T) {
	a := strings.Repeat
	tests := []struct {
		name     string
		body     string
		encoding string
		segments int
	}{
		{"empty", "", GSM7, 0},
		{"short", "Hello", GSM7, 1},
		{"Norwegian letters are GSM-7", "Hei Ærlig Øystein på Åsen, æøå", GSM7, 1},
		{"160 septets fit one", a("a", 160), GSM7, 1},
		{"161 septets take two", a("a", 161), GSM7, 2},
		{"306 septets take two", a("a", 306), GSM7, 2},
		{"307 septets take three", a("a", 307), GSM7, 3},
		{"extension characters take two septets", a("€", 80), GSM7, 1},
		{"81 euro signs are 162 septets", a("€", 81), GSM7, 2},
		{"all extension characters", "^{}\\[~]|€\f", GSM7, 1},
		{"an escape is not split from its character", a("a", 152) + "€" + a("a", 152), GSM7, 3},
		{"newline and carriage return are GSM-7", "a\r\nb", GSM7, 1},
		{"lower-case c cedilla is not GSM-7", "ç", UCS2, 1},
		{"backtick is not GSM-7", "`", UCS2, 1},
		{"Polish needs UCS-2", "Dzień dobry", UCS2, 1},
		{"70 units fit one", a("ł", 70), UCS2, 1},
		{"71 units take two", a("ł", 71), UCS2, 2},
		{"134 units take two", a("ł", 134), UCS2, 2},
		{"135 units take three", a("ł", 135), UCS2, 3},
		{"one GSM letter among UCS-2 counts one unit", "a" + a("ł", 69), UCS2, 1},
		{"an emoji takes two units", "😀", UCS2, 1},
		{"35 emoji are 70 units", a("😀", 35), UCS2, 1},
		{"36 emoji are 72 units in parts of 33", a("😀", 36), UCS2, 2},
		{"a surrogate pair is not split", a("a", 66) + "😀" + a("a", 66), UCS2, 3},
		{"Arabic", "مرحبًا", UCS2, 1},
		{"invalid UTF-8 is sent as U+FFFD", "\xff", UCS2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, segs := Count(tt.body)
			if enc != tt.encoding || segs != tt.segments {
				t.Errorf("Count = %s, %d; want %s, %d", enc, segs, tt.encoding, tt.segments)
			}
		})
	}
}

// FuzzCount checks Count's invariants: the encoding is GSM-7 exactly when
// every character is in the tables; one segment exactly when the units fit
// a single message; otherwise at least the units over the part size, and
// at most the units over the part size less one (no character straddles a
// boundary); and appending a character never lowers the count within an
// encoding.
func FuzzCount(f *testing.F) {
	for _, s := range []string{"", "a", "€", "ł", "😀", strings.Repeat("a", 161), strings.Repeat("€", 81), strings.Repeat("😀", 36)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc, segs := Count(s)
		if s == "" {
			if segs != 0 {
				t.Fatalf("empty body: %d segments", segs)
			}
			return
		}
		gsm := true
		septetsTotal, units := 0, 0
		for _, r := range s {
			n, ok := septets[r]
			if !ok {
				gsm = false
			}
			septetsTotal += n
			if r == utf8.RuneError {
				units++
			} else {
				units += utf16.RuneLen(r)
			}
		}
		total, single, part := units, ucsSingle, ucsPart
		if gsm {
			total, single, part = septetsTotal, gsmSingle, gsmPart
			if enc != GSM7 {
				t.Fatalf("%q: encoding %s, want GSM-7", s, enc)
			}
		} else if enc != UCS2 {
			t.Fatalf("%q: encoding %s, want UCS-2", s, enc)
		}
		switch {
		case total <= single && segs != 1:
			t.Fatalf("%q: %d units in %d segments, want 1", s, total, segs)
		case total > single && segs < 2:
			t.Fatalf("%q: %d units in %d segment", s, total, segs)
		case total > single && (segs < ceil(total, part) || segs > ceil(total, part-1)):
			t.Fatalf("%q: %d units in %d segments, want %d..%d", s, total, segs, ceil(total, part), ceil(total, part-1))
		}
		enc2, segs2 := Count(s + "a")
		if enc2 == enc && segs2 < segs {
			t.Fatalf("%q: appending a letter lowered the segments from %d to %d", s, segs, segs2)
		}
	})
}

func ceil(a, b int) int { return (a + b - 1) / b }
