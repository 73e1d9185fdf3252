package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// NewSecret returns a fresh random token for a session cookie, an API
// token or an enrolment link: 32 bytes from crypto/rand written base64url
// without padding, and its hash (HashSecret) for storing. Only the hash is
// stored, so a copy of the database does not let anyone in.
func NewSecret() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b) // never returns an error; it crashes the program instead
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashSecret(token)
}

// HashSecret returns the hex SHA-256 of token. A plain hash is enough for
// tokens of 256 random bits; they cannot be guessed from it.
func HashSecret(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// crockford is Crockford's base32 alphabet in lower case: no i, l, o or u,
// so codes survive being read aloud or copied by hand.
var crockford = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewRecoveryCodes returns n fresh recovery codes such as "7k2m-q9xd-4hnp"
// (twelve Crockford base32 characters, 60 random bits) and their hashes
// (HashRecoveryCode) for storing, in the same order.
func NewRecoveryCodes(n int) (codes, hashes []string) {
	codes = make([]string, n)
	hashes = make([]string, n)
	for i := range n {
		b := make([]byte, 8) // 64 bits, of which the first 60 are used
		rand.Read(b)
		s := crockford.EncodeToString(b)[:12]
		codes[i] = s[0:4] + "-" + s[4:8] + "-" + s[8:12]
		hashes[i] = HashRecoveryCode(codes[i])
	}
	return codes, hashes
}

// HashRecoveryCode returns the hex SHA-256 of code after normalising it:
// lower case, with spaces and dashes removed, so that "7K2M Q9XD 4HNP"
// matches "7k2m-q9xd-4hnp".
func HashRecoveryCode(code string) string {
	code = strings.ToLower(code)
	code = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, code)
	return HashSecret(code)
}
