package auth

import (
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
	qrcode "github.com/skip2/go-qrcode"
)

// TOTP settings of RFC 6238 as authenticator apps expect them: HMAC-SHA1,
// six digits, a 30-second time step.
const (
	TOTPPeriod = 30
	totpDigits = otp.DigitsSix
)

// NewTOTPKey returns a fresh random TOTP secret (base32, 160 bits) for
// account at issuer, and the otpauth:// URL an authenticator app enrols
// from. It returns an error when issuer or account is empty or the random
// source fails.
func NewTOTPKey(issuer, account string) (secret, url string, err error) {
	return totpKey(issuer, account, nil)
}

// TOTPURL returns the otpauth:// URL of a secret NewTOTPKey made, for
// showing the same secret again. It returns "" when issuer or account is
// empty or secret is not base32.
func TOTPURL(issuer, account, secret string) string {
	raw, err := decodeSecret(secret)
	if err != nil {
		return ""
	}
	_, url, err := totpKey(issuer, account, raw)
	if err != nil {
		return ""
	}
	return url
}

// totpKey returns the secret and otpauth:// URL of raw, or of 160 fresh
// random bits when raw is nil.
func totpKey(issuer, account string, raw []byte) (secret, url string, err error) {
	if issuer == "" || account == "" {
		return "", "", errors.New("new totp key: issuer and account are required")
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: account,
		Period:      TOTPPeriod,
		SecretSize:  20,
		Secret:      raw,
		Digits:      totpDigits,
		Algorithm:   otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", "", fmt.Errorf("new totp key: %w", err)
	}
	return key.Secret(), key.URL(), nil
}

// TOTPSecretStrong reports whether secret is base32 (padded or not) of at
// least minBytes bytes.
func TOTPSecretStrong(secret string, minBytes int) bool {
	raw, err := decodeSecret(secret)
	return err == nil && len(raw) >= minBytes
}

// decodeSecret decodes a base32 TOTP secret, with or without padding, as
// authenticator apps accept it.
func decodeSecret(secret string) ([]byte, error) {
	s := strings.ToUpper(strings.TrimRight(strings.TrimSpace(secret), "="))
	if s == "" {
		return nil, errors.New("empty TOTP secret")
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
}

// TOTPStep returns the RFC 6238 time step of t: Unix seconds over 30.
func TOTPStep(t time.Time) int64 { return t.Unix() / TOTPPeriod }

// ValidateTOTP checks code against secret at now. It accepts the code of
// the current time step and of one step either side (for clock drift), but
// only of steps after lastStep, so that a code works once. It returns the
// step matched and true, or 0 and false when the code is wrong, reused, or
// not six digits, or the secret is not base32. Spaces in code are ignored.
func ValidateTOTP(code, secret string, now time.Time, lastStep int64) (step int64, ok bool) {
	code = strings.ReplaceAll(code, " ", "")
	if len(code) != int(totpDigits) || strings.Trim(code, "0123456789") != "" {
		return 0, false
	}
	cur := TOTPStep(now)
	for s := cur - 1; s <= cur+1; s++ {
		if s <= lastStep || s < 0 {
			continue
		}
		want, err := stepCode(secret, s)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(code), []byte(want)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// TOTPCode returns the code an authenticator app shows for secret at now,
// for tests and the demo. It returns an error when secret is not base32.
func TOTPCode(secret string, now time.Time) (string, error) {
	c, err := stepCode(secret, TOTPStep(now))
	if err != nil {
		return "", fmt.Errorf("totp code: %w", err)
	}
	return c, nil
}

func stepCode(secret string, step int64) (string, error) {
	return hotp.GenerateCodeCustom(secret, uint64(step), hotp.ValidateOpts{
		Digits:    totpDigits,
		Algorithm: otp.AlgorithmSHA1,
	})
}

// QRCodePNG returns content as a 256×256 PNG QR code with medium error
// recovery, for showing an otpauth:// URL on the enrolment page. It returns
// an error when content is too long for a QR code.
func QRCodePNG(content string) ([]byte, error) {
	png, err := qrcode.Encode(content, qrcode.Medium, 256)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	return png, nil
}
