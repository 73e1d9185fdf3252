package postgres

import (
	"strings"
	"testing"
)

// TestPrefixBound checks the upper bound of the name search's range: every
// string that starts with the prefix sorts below it, byte by byte (the C
// collation), and the prefix's next string outside does not.
func TestPrefixBound(t *testing.T) {
	for _, c := range []struct {
		prefix, want string
		ok           bool
	}{
		{"an", "ao", true},
		{"øy", "øz", true},
		{"a\U0010FFFF", "b", true},
		{"a\uD7FF", "a\uE000", true},
		{"\U0010FFFF\U0010FFFF", "", false},
		{"", "", false},
	} {
		got, ok := prefixBound(c.prefix)
		if got != c.want || ok != c.ok {
			t.Errorf("prefixBound(%q) = %q, %v; want %q, %v", c.prefix, got, ok, c.want, c.ok)
		}
		if !ok {
			continue
		}
		for _, s := range []string{c.prefix, c.prefix + "\U0010FFFF", c.prefix + "zzz", c.prefix + "\x00"} {
			if strings.Compare(s, got) >= 0 {
				t.Errorf("prefixBound(%q) = %q; %q starts with the prefix and does not sort below it", c.prefix, got, s)
			}
		}
	}
}
