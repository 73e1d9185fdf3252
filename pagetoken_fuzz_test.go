package beredskap_test

import (
	"testing"
	"time"

	"beredskap"
)

// FuzzPageToken feeds the page token decoders any token a client sends:
// they never panic, refuse with EINVALID on page_token, and what they
// accept encodes back to a token that decodes to the same position.
func FuzzPageToken(f *testing.F) {
	for _, seed := range []string{
		beredskap.EncodePageToken(time.Date(2021, 2, 16, 12, 0, 0, 0, time.UTC), "AB12-CD34-EF"),
		beredskap.EncodeSeqToken(42), "", "!!", "MTIz", "LTEuWA", "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, token string) {
		at, receipt, err := beredskap.DecodePageToken(token)
		if err != nil {
			wantPageTokenError(t, err)
		} else {
			at2, receipt2, err := beredskap.DecodePageToken(beredskap.EncodePageToken(at, receipt))
			if err != nil || !at2.Equal(at) || receipt2 != receipt {
				t.Fatalf("page token %q: %v %q re-encoded decodes to %v %q, %v", token, at, receipt, at2, receipt2, err)
			}
		}
		seq, err := beredskap.DecodeSeqToken(token)
		if err != nil {
			wantPageTokenError(t, err)
			return
		}
		if again, err := beredskap.DecodeSeqToken(beredskap.EncodeSeqToken(seq)); err != nil || again != seq {
			t.Fatalf("sequence token %q: %d re-encoded decodes to %d, %v", token, seq, again, err)
		}
	})
}

func wantPageTokenError(t *testing.T, err error) {
	t.Helper()
	e, ok := err.(*beredskap.Error)
	if !ok || e.Code != beredskap.EINVALID || e.Field != "page_token" {
		t.Fatalf("error %v; want EINVALID on page_token", err)
	}
}
