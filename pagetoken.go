package beredskap

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// A page token is the position of the last row of a page, (created_at,
// receipt), written as base64url of "<unix microseconds>.<receipt>". Clients
// treat it as opaque. Both stores use this form, so a token is portable.

// EncodePageToken returns the token of the position after (createdAt, receipt).
func EncodePageToken(createdAt time.Time, receipt string) string {
	s := strconv.FormatInt(createdAt.UnixMicro(), 10) + "." + receipt
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

// DecodePageToken returns the position a token names, or EINVALID on
// page_token.
func DecodePageToken(token string) (time.Time, string, error) {
	bad := Invalid("page_token", "malformed", "is not a page token this list returned")
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return time.Time{}, "", bad
	}
	micros, receipt, ok := strings.Cut(string(b), ".")
	if !ok {
		return time.Time{}, "", bad
	}
	us, err := strconv.ParseInt(micros, 10, 64)
	if err != nil || us < 0 {
		return time.Time{}, "", bad
	}
	if r, ok := NormalizeReceipt(receipt); !ok || r != receipt {
		return time.Time{}, "", bad
	}
	return time.UnixMicro(us).UTC(), receipt, nil
}

// A sequence token is the position after an entry numbered seq (the audit
// trail's), written as base64url of the decimal number. Both stores use this
// form.

// EncodeSeqToken returns the token of the position after seq.
func EncodeSeqToken(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(seq, 10)))
}

// DecodeSeqToken returns the sequence number a token names, or EINVALID on
// page_token when the token is malformed.
func DecodeSeqToken(token string) (int64, error) {
	bad := Invalid("page_token", "malformed", "is not a page token this list returned")
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) == 0 || len(b) > 19 {
		return 0, bad
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, bad
		}
	}
	seq, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || seq < 0 {
		return 0, bad
	}
	return seq, nil
}
