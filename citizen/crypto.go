package citizen

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"beredskap"
)

// deriveKey returns a key for one purpose, derived from the attachment key
// so that one secret configures the service.
func deriveKey(key []byte, purpose string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// seal encrypts plain with AES-256-GCM under a fresh random nonce, bound
// to the additional data ad.
func (s *Service) seal(plain []byte, ad string) (nonce, ciphertext []byte) {
	nonce = make([]byte, s.aead.NonceSize())
	rand.Read(nonce) // never fails (crypto/rand panics rather)
	return nonce, s.aead.Seal(nil, nonce, plain, []byte(ad))
}

// open decrypts what seal encrypted with the same additional data.
func (s *Service) open(nonce, ciphertext []byte, ad string) ([]byte, error) {
	if len(nonce) != s.aead.NonceSize() {
		return nil, errors.New("decrypt: wrong nonce size")
	}
	plain, err := s.aead.Open(nil, nonce, ciphertext, []byte(ad))
	if err != nil {
		return nil, fmt.Errorf("decrypt: %w", err)
	}
	return plain, nil
}

// attachmentAD is the additional data of a case's attachment: the case's
// id is not known before it is stored, so the person and kind bind it.
func attachmentAD(c *beredskap.AccessCase) string {
	return "attachment\x00" + c.NationalID + "\x00" + string(c.Kind)
}

// letterAD is the additional data of a case's print letter.
func letterAD(caseID int64) string { return "print letter\x00" + strconv.FormatInt(caseID, 10) }

// codeDigits is the length of a reopen letter's one-time code.
const codeDigits = 8

// newCode returns a fresh one-time code of eight digits from crypto/rand.
func newCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(100_000_000))
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return fmt.Sprintf("%0*d", codeDigits, n.Int64())
}

// normalizeCode removes the spaces and dashes a code may be typed with.
func normalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, code)
}

// codeHash returns the keyed hash (HMAC-SHA256) of a case's code: an
// eight-digit code is too short for a plain hash to protect it in a copy
// of the database.
func (s *Service) codeHash(caseNumber, code string) string {
	m := hmac.New(sha256.New, s.codeKey)
	m.Write([]byte(caseNumber))
	m.Write([]byte{0})
	m.Write([]byte(code))
	return hex.EncodeToString(m.Sum(nil))
}

// citizenObject returns the audit object of a person, "citizen:" and a
// keyed hash of their national identity number, so that the audit trail
// never holds the number in clear text yet a person's entries match.
func (s *Service) citizenObject(nationalID string) string {
	m := hmac.New(sha256.New, s.objectKey)
	m.Write([]byte(nationalID))
	return "citizen:" + hex.EncodeToString(m.Sum(nil))[:20]
}

// newReference returns a reference for a receipt, such as
// "SAMTYKKE-20261123-9f2c41d07a".
func newReference(prefix, date string) string {
	b := make([]byte, 5)
	rand.Read(b)
	return prefix + "-" + date + "-" + hex.EncodeToString(b)
}
