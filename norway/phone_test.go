package norway

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		in, region, want string
	}{
		{"91234567", "NO", "+4791234567"},
		{"912 34 567", "", "+4791234567"},
		{"+47 912 34 567", "NO", "+4791234567"},
		{"0047 91234567", "NO", "+4791234567"},
		{"+47 91234567", "SE", "+4791234567"},
		{"22 22 22 22", "no", "+4722222222"},
		{"070-123 45 67", "SE", "+46701234567"},
		{"+46 70 123 45 67", "", "+46701234567"},
		{"+44 20 7946 0958", "NO", "+442079460958"},
		// Invalid numbers.
		{"", "NO", ""},
		{"   ", "NO", ""},
		{"123", "NO", ""},
		{"abcdefgh", "NO", ""},
		{"+47 1234", "NO", ""},
		{"91234567", "XX", ""},
		{"+999 1234567", "NO", ""},
		{strings.Repeat("9", 100), "NO", ""},
	}
	for _, tt := range tests {
		got, err := NormalizePhone(tt.in, tt.region)
		if tt.want == "" {
			var ie *IDError
			if !errors.As(err, &ie) || ie.Reason != ReasonInvalidPhone {
				t.Errorf("NormalizePhone(%q, %q) = %q, %v; want reason %s", tt.in, tt.region, got, err, ReasonInvalidPhone)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizePhone(%q, %q) = %q, %v; want %q", tt.in, tt.region, got, err, tt.want)
		}
	}
}

// TestNormalizePhoneFirstCall normalises a number of a region that no
// other test uses, so that the library builds that region's metadata on
// this call, and then again from the built metadata: both answers agree.
// How long the first call takes is the machine's business, not the test's.
func TestNormalizePhoneFirstCall(t *testing.T) {
	for i := range 2 {
		got, err := NormalizePhone("+354 611 1234", "NO") // Iceland
		if err != nil || got != "+3546111234" {
			t.Fatalf("call %d: NormalizePhone(+354 611 1234) = %q, %v", i+1, got, err)
		}
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"91234567", "+47 912 34 567", "0047 22222222", "+46701234567", "", "+", "tel:+4791234567"} {
		f.Add(s, "NO")
	}
	f.Add("070-123 45 67", "SE")
	f.Add("12345", "")
	f.Fuzz(func(t *testing.T, s, region string) {
		got, err := NormalizePhone(s, region)
		if err != nil {
			var ie *IDError
			if !errors.As(err, &ie) || ie.Reason != ReasonInvalidPhone {
				t.Fatalf("NormalizePhone(%q, %q): error %v", s, region, err)
			}
			return
		}
		if !strings.HasPrefix(got, "+") || len(got) < 3 {
			t.Fatalf("NormalizePhone(%q, %q) = %q", s, region, got)
		}
		// E.164 output normalises to itself.
		if again, err := NormalizePhone(got, "NO"); err != nil || again != got {
			t.Fatalf("NormalizePhone(%q) = %q, %v; want it unchanged", got, again, err)
		}
	})
}
