package norway

import "testing"

// Organisation numbers follow RULES.md § Identifiers.
func TestValidOrgNumber(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		// 1·3+2·2+3·7+4·6+5·5+6·4+7·3+8·2 = 138, 138 mod 11 = 6, 11−6 = 5.
		{"123456785", true},
		{"123456784", false},
		// Brønnøysundregistrene: 9·3+7·2+4·7+7·6+6·5+0·4+6·3+7·2 = 173,
		// 173 mod 11 = 8, 11−8 = 3.
		{"974760673", true},
		{"974760674", false},
		{"000000000", true},  // remainder 0 → check digit 0
		{"000000060", false}, // 6·2 = 12, remainder 1: no check digit
		{"000000061", false},
		{"12345678", false},
		{"1234567850", false},
		{"12345678a", false},
		{" 123456785", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidOrgNumber(tt.in); got != tt.want {
			t.Errorf("ValidOrgNumber(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestGenerateOrgNumber(t *testing.T) {
	tests := []struct {
		prefix, want string
		ok           bool
	}{
		{"12345678", "123456785", true},
		{"97476067", "974760673", true},
		{"00000000", "000000000", true},
		{"00000006", "", false}, // remainder 1
		{"1234567", "", false},
		{"1234567x", "", false},
	}
	for _, tt := range tests {
		got, ok := GenerateOrgNumber(tt.prefix)
		if got != tt.want || ok != tt.ok {
			t.Errorf("GenerateOrgNumber(%q) = %q, %v; want %q, %v", tt.prefix, got, ok, tt.want, tt.ok)
		}
	}
	// Every generated number is valid, and exactly one check digit fits.
	for p := 0; p < 100000; p += 7 {
		prefix := string(appendDigits(nil, p, 8))
		n, ok := GenerateOrgNumber(prefix)
		valid := 0
		for c := byte('0'); c <= '9'; c++ {
			if ValidOrgNumber(prefix + string(c)) {
				valid++
			}
		}
		if ok && (!ValidOrgNumber(n) || valid != 1) || !ok && valid != 0 {
			t.Fatalf("prefix %s: GenerateOrgNumber = %q, %v; %d valid check digits", prefix, n, ok, valid)
		}
	}
}

// appendDigits appends v as width decimal digits.
func appendDigits(b []byte, v, width int) []byte {
	out := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		out[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, out...)
}

func FuzzValidOrgNumber(f *testing.F) {
	for _, s := range []string{"123456785", "123456784", "974760673", "", "abcdefghi"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !ValidOrgNumber(s) {
			return
		}
		if !isDigits(s, 9) {
			t.Fatalf("ValidOrgNumber(%q) = true for a non-number", s)
		}
		if n, ok := GenerateOrgNumber(s[:8]); !ok || n != s {
			t.Fatalf("ValidOrgNumber(%q) = true, but GenerateOrgNumber(%q) = %q, %v", s, s[:8], n, ok)
		}
	})
}
