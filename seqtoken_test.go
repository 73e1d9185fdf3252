package beredskap_test

import (
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"beredskap"
)

func TestSeqTokenRoundTrip(t *testing.T) {
	for _, seq := range []int64{0, 1, 42, 1 << 40, 9223372036854775807} {
		tok := beredskap.EncodeSeqToken(seq)
		got, err := beredskap.DecodeSeqToken(tok)
		if err != nil {
			t.Fatalf("DecodeSeqToken(EncodeSeqToken(%d)): %v", seq, err)
		}
		if got != seq {
			t.Errorf("round trip of %d gave %d", seq, got)
		}
	}
}

func TestSeqTokenMalformed(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	for _, tok := range []string{
		"", "!!!", enc([]byte("")), enc([]byte("-1")), enc([]byte("+1")),
		enc([]byte("12a")), enc([]byte("1.5")), enc([]byte("99999999999999999999")),
		beredskap.EncodePageToken(time.Unix(0, 0), "ABC"),
	} {
		_, err := beredskap.DecodeSeqToken(tok)
		var e *beredskap.Error
		if err == nil {
			t.Errorf("DecodeSeqToken(%q) = nil error", tok)
			continue
		}
		if beredskap.ErrorCode(err) != beredskap.EINVALID {
			t.Errorf("DecodeSeqToken(%q) code %q", tok, beredskap.ErrorCode(err))
		}
		if errors.As(err, &e) && e.Field != "page_token" {
			t.Errorf("DecodeSeqToken(%q) field %q", tok, e.Field)
		}
	}
}
