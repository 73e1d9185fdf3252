package auth_test

import (
	"bytes"
	"image/png"
	"net/url"
	"testing"
	"time"

	"beredskap/auth"
)

// rfcSecret is the SHA-1 seed of RFC 6238 appendix B,
// "12345678901234567890", in base32.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestTOTPCodeRFC6238(t *testing.T) {
	// The RFC's eight-digit values, of which authenticators show the last six.
	for _, tc := range []struct {
		unix int64
		want string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
	} {
		got, err := auth.TOTPCode(rfcSecret, time.Unix(tc.unix, 0))
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("TOTPCode at %d = %s, want %s", tc.unix, got, tc.want)
		}
	}
	if _, err := auth.TOTPCode("not base32!", time.Unix(59, 0)); err == nil {
		t.Error("TOTPCode with a bad secret: no error")
	}
}

func TestValidateTOTP(t *testing.T) {
	secret, _, err := auth.NewTOTPKey("beredskap", "kari@example.test")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 12, 0, 15, 0, time.UTC)
	step := now.Unix() / 30
	code := func(d time.Duration) string {
		c, err := auth.TOTPCode(secret, now.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, tc := range []struct {
		name     string
		code     string
		lastStep int64
		want     int64 // 0: refused
	}{
		{"current", code(0), 0, step},
		{"with a space", code(0)[:3] + " " + code(0)[3:], 0, step},
		{"one step behind", code(-30 * time.Second), 0, step - 1},
		{"one step ahead", code(30 * time.Second), 0, step + 1},
		{"two steps behind", code(-60 * time.Second), 0, 0},
		{"two steps ahead", code(60 * time.Second), 0, 0},
		{"already used", code(0), step, 0},
		{"older than the last used", code(-30 * time.Second), step - 1, 0},
		{"next after the last used", code(30 * time.Second), step, step + 1},
		{"five digits", code(0)[:5], 0, 0},
		{"letters", "12345a", 0, 0},
		{"empty", "", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := auth.ValidateTOTP(tc.code, secret, now, tc.lastStep)
			if ok != (tc.want != 0) || got != tc.want {
				t.Errorf("ValidateTOTP = %d, %v; want %d, %v", got, ok, tc.want, tc.want != 0)
			}
		})
	}
	// A code works once: feeding back the step matched refuses it.
	got, ok := auth.ValidateTOTP(code(0), secret, now, 0)
	if !ok {
		t.Fatal("current code refused")
	}
	if _, ok := auth.ValidateTOTP(code(0), secret, now.Add(10*time.Second), got); ok {
		t.Error("a code was accepted twice")
	}
	if _, ok := auth.ValidateTOTP(code(0), "not base32!", now, 0); ok {
		t.Error("a bad secret was accepted")
	}
}

func TestNewTOTPKey(t *testing.T) {
	secret, raw, err := auth.NewTOTPKey("beredskap", "kari@example.test")
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != 32 {
		t.Errorf("secret has %d characters, want 32 (160 bits)", len(secret))
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || q.Get("secret") != secret || q.Get("issuer") != "beredskap" ||
		q.Get("digits") != "6" || q.Get("period") != "30" || q.Get("algorithm") != "SHA1" {
		t.Errorf("url = %s", raw)
	}
	if u.Path != "/beredskap:kari@example.test" {
		t.Errorf("label = %q", u.Path)
	}
	other, _, err := auth.NewTOTPKey("beredskap", "kari@example.test")
	if err != nil || other == secret {
		t.Errorf("second key = %q, %v; want a different secret", other, err)
	}
	if _, _, err := auth.NewTOTPKey("", "kari@example.test"); err == nil {
		t.Error("empty issuer: no error")
	}
}

func TestQRCodePNG(t *testing.T) {
	_, raw, err := auth.NewTOTPKey("beredskap", "kari@example.test")
	if err != nil {
		t.Fatal(err)
	}
	b, err := auth.QRCodePNG(raw)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r := img.Bounds(); r.Dx() != 256 || r.Dy() != 256 {
		t.Errorf("image is %v, want 256×256", r)
	}
	if _, err := auth.QRCodePNG(string(make([]byte, 4000))); err == nil {
		t.Error("content too long for a QR code: no error")
	}
}
