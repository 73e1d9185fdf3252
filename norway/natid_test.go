package norway

import (
	"errors"
	"strconv"
	"testing"
	"time"
)

// The rules tested here are those of RULES.md § Identifiers, with the 2032
// control-digit rule as Skatteetaten describes it in "Nytt fødselsnummer fra
// 2032" (folkeregisteret-api-dokumentasjon, nyttfnr2032.md).

// withControls appends two control digits to nine digits, written
// independently of natid.go: k1 is chosen so that the k1-weighted sum plus k1
// leaves remainder rest mod 11 (0 is the classic rule), k2 by the classic
// rule. It fails the test when a control digit would be 10.
func withControls(t testing.TB, nine string, rest int) string {
	t.Helper()
	w1 := []int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	w2 := []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
	s1 := 0
	for i, w := range w1 {
		s1 += w * int(nine[i]-'0')
	}
	k1 := ((rest-s1)%11 + 11) % 11
	if k1 == 10 {
		t.Fatalf("withControls(%s, %d): k1 would be 10", nine, rest)
	}
	ten := nine + strconv.Itoa(k1)
	s2 := 0
	for i, w := range w2 {
		s2 += w * int(ten[i]-'0')
	}
	k2 := (11 - s2%11) % 11
	if k2 == 10 {
		t.Fatalf("withControls(%s, %d): k2 would be 10", nine, rest)
	}
	return ten + strconv.Itoa(k2)
}

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func TestParseNationalID(t *testing.T) {
	type want struct {
		kind      IDKind
		birth     time.Time
		synthetic bool
		newForm   bool
		reason    string // "" when the number is accepted
	}
	ok := func(kind IDKind, birth time.Time) want { return want{kind: kind, birth: birth} }
	newForm := func(kind IDKind) want { return want{kind: kind, newForm: true} }
	fails := func(reason string) want { return want{reason: reason} }
	synth := func(kind IDKind, birth time.Time) want { return want{kind: kind, birth: birth, synthetic: true} }

	tests := []struct {
		name  string
		in    string
		allow bool
		want  want
	}{
		// Public examples, checked by hand (RULES.md § Identifiers):
		// 02013299997 (Skatteetaten, 2032 example, classic digits):
		//   k1: 0·3+2·7+0·6+1·1+3·8+2·9+9·4+9·5+9·2 = 156, 156 mod 11 = 2, 11−2 = 9.
		//   k2: 0·5+2·4+0·3+1·2+3·7+2·6+9·5+9·4+9·3+9·2 = 169, 169 mod 11 = 4, 11−4 = 7.
		//   Individual 999 with year 32 < 40 → 2032.
		{"skatteetaten 2032 classic", "02013299997", false, ok(FNumber, date(2032, 1, 2))},
		// 30108299920: k1 sum 196, 196 mod 11 = 9, k1 = 2; k2 sum
		//   3·5+0+1·3+0+8·7+2·6+9·5+9·4+9·3+2·2 = 198 = 18·11, k2 = 0.
		//   Individual 999 with year 82 ≥ 40 → 1982.
		{"skatteetaten 1982 classic", "30108299920", false, ok(FNumber, date(1982, 10, 30))},
		// 30108299939: k1 = 3 gives (196+3) mod 11 = 1, allowed only by the
		//   2032 rule; k2 sum 198−2·2+2·3 = 200, 200 mod 11 = 2, 11−2 = 9.
		{"skatteetaten 2032 new form", "30108299939", false, newForm(FNumber)},
		// 31129956715 (fnrinfo.no worked example): k1 sum 241, 241 mod 11 =
		//   10, k1 = 1; k2 sum 215, 215 mod 11 = 6, k2 = 5. Individual 567 with
		//   year 99 > 54 → 1899.
		{"fnrinfo 1899", "31129956715", false, ok(FNumber, date(1899, 12, 31))},

		// Century table.
		{"1900s low individual", withControls(t, "010100001", 0), false, ok(FNumber, date(1900, 1, 1))},
		{"1900s 499", withControls(t, "150575499", 0), false, ok(FNumber, date(1975, 5, 15))},
		{"1855 first year", withControls(t, "010155500", 0), false, ok(FNumber, date(1855, 1, 1))},
		{"1800s 749", withControls(t, "311299748", 0), false, ok(FNumber, date(1899, 12, 31))},
		{"900 series 1940", withControls(t, "010140900", 0), false, ok(FNumber, date(1940, 1, 1))},
		{"2000s 500", withControls(t, "010100500", 0), false, ok(FNumber, date(2000, 1, 1))},
		{"2039 last year", withControls(t, "311239999", 0), false, ok(FNumber, date(2039, 12, 31))},
		{"500 with year 54 has no century", withControls(t, "010154500", 0), false, newForm(FNumber)},
		{"800 with year 45 has no century", withControls(t, "010145800", 0), false, newForm(FNumber)},

		// Leap days.
		{"29 Feb 2000", withControls(t, "290200500", 0), false, ok(FNumber, date(2000, 2, 29))},
		{"29 Feb 1900", withControls(t, "290200100", 0), false, fails(ReasonInvalidNationalID)},
		{"29 Feb 1996", withControls(t, "290296124", 0), false, ok(FNumber, date(1996, 2, 29))},
		{"29 Feb 1997", withControls(t, "290297123", 0), false, fails(ReasonInvalidNationalID)},
		{"29 Feb 2032 new form", withControls(t, "290232999", 1), false, newForm(FNumber)},
		{"29 Feb 2033 new form", withControls(t, "290233999", 3), false, fails(ReasonInvalidNationalID)},

		// D- and H-numbers.
		{"D-number", withControls(t, "410175123", 0), false, ok(DNumber, date(1975, 1, 1))},
		{"D-number day 71", withControls(t, "711275123", 0), false, ok(DNumber, date(1975, 12, 31))},
		{"D-number day 72", withControls(t, "721275123", 0), false, fails(ReasonInvalidNationalID)},
		{"D-number new form", withControls(t, "450332999", 2), false, newForm(DNumber)},
		{"H-number", withControls(t, "154175123", 0), false, ok(HNumber, date(1975, 1, 15))},
		{"H-number month 52", withControls(t, "155275123", 0), false, ok(HNumber, date(1975, 12, 15))},
		{"H-number month 53", withControls(t, "155375123", 0), false, fails(ReasonInvalidNationalID)},

		// Synthetic numbers: Tenor (month + 80), NAV D-numbers (day and month + 40).
		{"Tenor rejected", withControls(t, "158175123", 0), false, fails(ReasonSyntheticNotAllowed)},
		{"Tenor allowed", withControls(t, "158175123", 0), true, synth(FNumber, date(1975, 1, 15))},
		{"Tenor month 92", withControls(t, "159275123", 0), true, synth(FNumber, date(1975, 12, 15))},
		{"Tenor month 93", withControls(t, "159375123", 0), true, fails(ReasonInvalidNationalID)},
		{"Tenor D-number", withControls(t, "558175123", 0), true, synth(DNumber, date(1975, 1, 15))},
		{"NAV D-number rejected", withControls(t, "554175123", 0), false, fails(ReasonSyntheticNotAllowed)},
		{"NAV D-number allowed", withControls(t, "554175123", 0), true, synth(DNumber, date(1975, 1, 15))},
		{"NAV fnr reads as H-number", withControls(t, "154175123", 0), true, ok(HNumber, date(1975, 1, 15))},
		{"synthetic with a bad date", withControls(t, "318475123", 0), true, fails(ReasonInvalidNationalID)},

		// Bad dates and control digits.
		{"day 00", withControls(t, "000175125", 0), false, fails(ReasonInvalidNationalID)},
		{"day 32", withControls(t, "320175124", 0), false, fails(ReasonInvalidNationalID)},
		{"month 00", withControls(t, "150075123", 0), false, fails(ReasonInvalidNationalID)},
		{"month 13", withControls(t, "151375123", 0), false, fails(ReasonInvalidNationalID)},
		{"31 April", withControls(t, "310475123", 0), false, fails(ReasonInvalidNationalID)},
		{"remainder 4", withControls(t, "150175123", 4), false, fails(ReasonInvalidNationalID)},
		{"wrong k2", "02013299998", false, fails(ReasonInvalidNationalID)},
		{"wrong k1", "02013299987", false, fails(ReasonInvalidNationalID)},
		{"all zeros", "00000000000", false, fails(ReasonInvalidNationalID)},

		// Format.
		{"empty", "", false, fails(ReasonFormatNationalID)},
		{"10 digits", "0201329999", false, fails(ReasonFormatNationalID)},
		{"12 digits", "020132999970", false, fails(ReasonFormatNationalID)},
		{"space", "020132 99997", false, fails(ReasonFormatNationalID)},
		{"letter", "0201329999a", false, fails(ReasonFormatNationalID)},
		{"Arabic-Indic digit", "0201329999٧", false, fails(ReasonFormatNationalID)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseNationalID(tt.in, IDOptions{AllowSynthetic: tt.allow})
			if tt.want.reason != "" {
				var ie *IDError
				if !errors.As(err, &ie) || ie.Reason != tt.want.reason {
					t.Fatalf("ParseNationalID(%q) = %+v, %v; want reason %q", tt.in, got, err, tt.want.reason)
				}
				if ie.Message == "" {
					t.Errorf("ParseNationalID(%q): empty message", tt.in)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseNationalID(%q): %v", tt.in, err)
			}
			w := NationalID{Number: tt.in, Kind: tt.want.kind, BirthDate: tt.want.birth, Synthetic: tt.want.synthetic, NewForm: tt.want.newForm}
			if got != w {
				t.Errorf("ParseNationalID(%q)\n got %+v\nwant %+v", tt.in, got, w)
			}
		})
	}
}

// TestNewFormRemainders checks that each of the four remainders the 2032
// rule allows is accepted, and the fifth is not (RULES.md § Identifiers).
func TestNewFormRemainders(t *testing.T) {
	nine := "010150124" // no remainder gives k2 = 10 here
	for rest := range 5 {
		w1 := []int{3, 7, 6, 1, 8, 9, 4, 5, 2}
		s1 := 0
		for i, w := range w1 {
			s1 += w * int(nine[i]-'0')
		}
		if ((rest-s1)%11+11)%11 == 10 {
			continue
		}
		n := withControls(t, nine, rest)
		got, err := ParseNationalID(n, IDOptions{})
		if rest > 3 {
			if err == nil {
				t.Errorf("remainder %d: %s accepted", rest, n)
			}
			continue
		}
		if err != nil || got.NewForm != (rest != 0) {
			t.Errorf("remainder %d: ParseNationalID(%s) = %+v, %v", rest, n, got, err)
		}
	}
}

// TestGenerateFNumber checks generated numbers against the parser for every
// individual number on dates spread over the whole range (RULES.md §
// Identifiers).
func TestGenerateFNumber(t *testing.T) {
	dates := []time.Time{
		date(1855, 1, 1), date(1899, 12, 31), date(1900, 2, 28), date(1940, 6, 15),
		date(1999, 12, 31), date(2000, 2, 29), date(2020, 12, 13), date(2039, 12, 31),
	}
	for _, d := range dates {
		generated := 0
		for ind := range 1000 {
			n, ok := GenerateFNumber(d, ind)
			c, centuryOK := centuryOf(ind, d.Year()%100)
			if !centuryOK || c != d.Year()-d.Year()%100 {
				if ok {
					t.Errorf("GenerateFNumber(%s, %d) = %s; want false (wrong century)", d.Format(dateLayout), ind, n)
				}
				continue
			}
			if !ok {
				continue // a control digit of 10
			}
			generated++
			got, err := ParseNationalID(n, IDOptions{})
			if err != nil || got.Kind != FNumber || !got.BirthDate.Equal(d) || got.NewForm || got.Synthetic {
				t.Errorf("ParseNationalID(GenerateFNumber(%s, %d) = %s) = %+v, %v", d.Format(dateLayout), ind, n, got, err)
			}
		}
		if generated == 0 {
			t.Errorf("GenerateFNumber(%s, ...): no number", d.Format(dateLayout))
		}
	}
	for _, tt := range []struct {
		birth time.Time
		ind   int
	}{
		{date(1854, 12, 31), 600}, {date(2040, 1, 1), 600}, {date(1980, 1, 1), -1}, {date(1980, 1, 1), 1000},
		{date(1980, 1, 1), 600}, {date(2001, 1, 1), 100},
	} {
		if n, ok := GenerateFNumber(tt.birth, tt.ind); ok {
			t.Errorf("GenerateFNumber(%s, %d) = %s; want false", tt.birth.Format(dateLayout), tt.ind, n)
		}
	}
	// 31.12.99 with individual 567 is the fnrinfo.no example checked by hand above.
	if got, _ := GenerateFNumber(date(1899, 12, 31), 567); got != "31129956715" {
		t.Errorf("GenerateFNumber(1899-12-31, 567) = %q, want 31129956715", got)
	}
}

func TestIDKindString(t *testing.T) {
	for k, want := range map[IDKind]string{FNumber: "fnr", DNumber: "dnr", HNumber: "hnr", 0: "unknown"} {
		if got := k.String(); got != want {
			t.Errorf("IDKind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

func FuzzParseNationalID(f *testing.F) {
	for _, s := range []string{"02013299997", "30108299939", "31129956715", "41017512345", "", "abc", "99999999999"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, allow bool) {
		id, err := ParseNationalID(s, IDOptions{AllowSynthetic: allow})
		if err != nil {
			var ie *IDError
			if !errors.As(err, &ie) {
				t.Fatalf("ParseNationalID(%q): error %T, want *IDError", s, err)
			}
			switch ie.Reason {
			case ReasonFormatNationalID, ReasonInvalidNationalID, ReasonSyntheticNotAllowed:
			default:
				t.Fatalf("ParseNationalID(%q): reason %q", s, ie.Reason)
			}
			return
		}
		if id.Number != s || !isDigits(id.Number, 11) {
			t.Fatalf("ParseNationalID(%q).Number = %q", s, id.Number)
		}
		if id.Synthetic && !allow {
			t.Fatalf("ParseNationalID(%q): synthetic accepted without AllowSynthetic", s)
		}
		if id.NewForm != id.BirthDate.IsZero() {
			t.Fatalf("ParseNationalID(%q) = %+v: NewForm and BirthDate disagree", s, id)
		}
		if !id.NewForm {
			// The date must be real: the digits, less the D/H/synthetic
			// offsets, must be the birth date's day, month and year.
			b := id.BirthDate
			day, month := int(s[0]-'0')*10+int(s[1]-'0'), int(s[2]-'0')*10+int(s[3]-'0')
			if id.Kind == DNumber {
				day -= 40
			}
			if month > 80 {
				month -= 80
			} else if month > 40 {
				month -= 40
			}
			if b.Day() != day || int(b.Month()) != month || b.Year()%100 != int(s[4]-'0')*10+int(s[5]-'0') ||
				b.Year() < 1855 || b.Year() > 2039 || b.Location() != time.UTC || b.Hour() != 0 {
				t.Fatalf("ParseNationalID(%q).BirthDate = %v, not the encoded date", s, b)
			}
		}
	})
}

func BenchmarkParseNationalID(b *testing.B) {
	numbers := []string{"02013299997", "30108299939", "31129956715", "02013299998", "0201329999"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_, _ = ParseNationalID(numbers[i%len(numbers)], IDOptions{})
	}
}
