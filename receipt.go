package beredskap

import (
	"crypto/rand"
	"strings"
)

// The receipt alphabet is Crockford's base 32: no I, L, O or U, so a code
// read aloud or typed by a border officer is not mistaken.
const receiptAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// checkAlphabet adds Crockford's five check symbols for values 32–36.
const checkAlphabet = receiptAlphabet + "*~$=U"

// receiptBody is the number of random symbols: 10 × 5 bits = 50 bits.
const receiptBody = 10

// NewReceipt returns a fresh receipt code: ten random symbols (50 bits from
// crypto/rand) and a Crockford mod-37 check symbol, written XXXXX-XXXXX-C.
// Bodies whose check symbol would be one of the five extra symbols (*~$=U)
// are drawn again, so that every code is letters and digits only and safe in
// a URL, on paper and read aloud; typos are still caught by the mod-37 check.
func NewReceipt() string {
	var b [receiptBody]byte
	body := make([]byte, receiptBody)
	for {
		if _, err := rand.Read(b[:]); err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		for i, x := range b {
			body[i] = receiptAlphabet[x&31]
		}
		if c := checkSymbol(string(body)); strings.IndexByte(receiptAlphabet, c) >= 0 {
			return format(string(body) + string(c))
		}
	}
}

// NormalizeReceipt accepts a receipt as a person may type it (lower case,
// spaces or hyphens anywhere, O for 0, I and L for 1) and returns it in its
// written form, or false when it is malformed or its check symbol is wrong.
func NormalizeReceipt(s string) (string, bool) {
	s = strings.ToUpper(s)
	var b strings.Builder
	for _, c := range s {
		switch c {
		case ' ', '-':
			continue
		case 'O':
			c = '0'
		case 'I', 'L':
			c = '1'
		}
		b.WriteRune(c)
	}
	raw := b.String()
	if len(raw) != receiptBody+1 {
		return "", false
	}
	for i := 0; i < len(raw); i++ {
		if strings.IndexByte(receiptAlphabet, raw[i]) < 0 {
			return "", false // never issued: see NewReceipt
		}
	}
	body := raw[:receiptBody]
	if raw[receiptBody] != checkSymbol(body) {
		return "", false
	}
	return format(raw), true
}

func checkSymbol(body string) byte {
	var n int
	for i := 0; i < len(body); i++ {
		n = (n*32 + strings.IndexByte(receiptAlphabet, body[i])) % 37
	}
	return checkAlphabet[n]
}

func format(raw string) string {
	return raw[:5] + "-" + raw[5:10] + "-" + raw[10:]
}
