package auth_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"regexp"
	"testing"

	"beredskap/auth"
)

func TestNewSecret(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok, hash := auth.NewSecret()
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(b) != 32 {
			t.Fatalf("token %q: %d bytes, %v; want 32 bytes of base64url", tok, len(b), err)
		}
		sum := sha256.Sum256([]byte(tok))
		if hash != hex.EncodeToString(sum[:]) || hash != auth.HashSecret(tok) {
			t.Fatalf("hash %q is not the hex SHA-256 of the token", hash)
		}
		if seen[tok] {
			t.Fatal("a token came twice")
		}
		seen[tok] = true
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes, hashes := auth.NewRecoveryCodes(10)
	if len(codes) != 10 || len(hashes) != 10 {
		t.Fatalf("got %d codes and %d hashes, want 10 and 10", len(codes), len(hashes))
	}
	format := regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$`)
	seen := map[string]bool{}
	for i, c := range codes {
		if !format.MatchString(c) {
			t.Errorf("code %q is not three groups of four Crockford base32 characters", c)
		}
		if hashes[i] != auth.HashRecoveryCode(c) {
			t.Errorf("hash %d does not match its code", i)
		}
		if seen[c] {
			t.Errorf("code %q came twice", c)
		}
		seen[c] = true
	}
	if none, _ := auth.NewRecoveryCodes(0); len(none) != 0 {
		t.Errorf("NewRecoveryCodes(0) = %v", none)
	}
}

func TestHashRecoveryCode(t *testing.T) {
	want := auth.HashRecoveryCode("7k2m-q9xd-4hnp")
	for _, typed := range []string{"7K2M-Q9XD-4HNP", "7k2m q9xd 4hnp", " 7k2mq9xd4hnp ", "7k2m-q9xd-4hnp"} {
		if got := auth.HashRecoveryCode(typed); got != want {
			t.Errorf("HashRecoveryCode(%q) differs from the canonical form", typed)
		}
	}
	if auth.HashRecoveryCode("7k2m-q9xd-4hnq") == want {
		t.Error("different codes hash alike")
	}
	if want != auth.HashSecret("7k2mq9xd4hnp") {
		t.Error("the hash is not the SHA-256 of the normalised code")
	}
}
