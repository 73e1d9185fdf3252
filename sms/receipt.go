package sms

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader carries a receipt's signature:
//
//	X-SMS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
//
// The HMAC is keyed with the webhook secret shared with the provider and
// taken over the timestamp, a ".", and the request body exactly as sent.
const SignatureHeader = "X-SMS-Signature"

// ReplayWindow is how far a receipt's timestamp may be from now, either
// way, before it is refused as a replay.
const ReplayWindow = 5 * time.Minute

// MaxReceiptBody bounds a receipt's body.
const MaxReceiptBody = 16 << 10

// Receipt statuses.
const (
	ReceiptDelivered = "delivered"
	ReceiptFailed    = "failed"
)

// Receipt is a provider's word on one message, posted to the webhook as
// JSON: {"id", "reference", "status", "error", "at"}.
type Receipt struct {
	ID        string    `json:"id"`        // the provider's id, as Send returned it
	Reference string    `json:"reference"` // the Message.ID sent with it
	Status    string    `json:"status"`    // ReceiptDelivered or ReceiptFailed
	Error     string    `json:"error,omitempty"`
	At        time.Time `json:"at"` // when the handset got it, or the provider gave up
}

// Errors of ParseReceipt.
var (
	// ErrBadSignature is a receipt whose signature is missing, malformed,
	// wrong, or whose timestamp is outside the replay window.
	ErrBadSignature = errors.New("sms receipt: bad signature")
	// ErrMalformedReceipt is a correctly signed receipt that cannot be read.
	ErrMalformedReceipt = errors.New("sms receipt: malformed")
	// ErrReceiptTooLarge is a body over MaxReceiptBody.
	ErrReceiptTooLarge = errors.New("sms receipt: body too large")
)

// Sign returns the SignatureHeader value for body sent at t.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

// mac returns the HMAC-SHA256 of ts "." body under secret.
func mac(secret []byte, ts string, body []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(ts))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}

// ParseReceipt reads a receipt from r, checking its signature against
// secret and its timestamp against now. It returns ErrReceiptTooLarge for a
// body over MaxReceiptBody, ErrBadSignature for a missing, wrong or stale
// signature (checked before the body is parsed, in constant time), and
// ErrMalformedReceipt for a signed body that is not a receipt.
func ParseReceipt(secret []byte, r *http.Request, now time.Time) (Receipt, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxReceiptBody+1))
	if err != nil {
		return Receipt{}, fmt.Errorf("%w: read body: %v", ErrMalformedReceipt, err)
	}
	if len(body) > MaxReceiptBody {
		return Receipt{}, ErrReceiptTooLarge
	}
	if err := verify(secret, r.Header.Get(SignatureHeader), body, now); err != nil {
		return Receipt{}, err
	}
	var rc Receipt
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rc); err != nil {
		return Receipt{}, fmt.Errorf("%w: %v", ErrMalformedReceipt, err)
	}
	switch {
	case rc.ID == "":
		return Receipt{}, fmt.Errorf("%w: no id", ErrMalformedReceipt)
	case rc.Status != ReceiptDelivered && rc.Status != ReceiptFailed:
		return Receipt{}, fmt.Errorf("%w: unknown status", ErrMalformedReceipt)
	}
	return rc, nil
}

// verify checks a SignatureHeader value: its timestamp lies within
// ReplayWindow of now and one of its v1 signatures matches.
func verify(secret []byte, header string, body []byte, now time.Time) error {
	if len(secret) == 0 {
		return ErrBadSignature
	}
	var ts string
	var sigs [][]byte
	for field := range strings.SplitSeq(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(field), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			if sig, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, sig)
			}
		}
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrBadSignature
	}
	if age := now.Sub(time.Unix(secs, 0)); age > ReplayWindow || age < -ReplayWindow {
		return ErrBadSignature
	}
	want := mac(secret, ts, body)
	ok := false
	for _, sig := range sigs {
		if hmac.Equal(sig, want) {
			ok = true
		}
	}
	if !ok {
		return ErrBadSignature
	}
	return nil
}
