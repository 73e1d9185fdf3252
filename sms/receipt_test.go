package sms_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"beredskap/sms"
)

var secret = []byte("webhook-secret-for-tests")

// receiptRequest returns a POST of body with header as its signature; a
// header of "" is left out.
func receiptRequest(body string, header string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/webhooks/sms", strings.NewReader(body))
	if header != "" {
		r.Header.Set(sms.SignatureHeader, header)
	}
	return r
}

func TestParseReceipt(t *testing.T) {
	now := time.Date(2021, 2, 17, 9, 0, 0, 0, time.UTC)
	good := `{"id":"msg-1","reference":"12","status":"delivered","at":"2021-02-17T08:59:58Z"}`
	tests := []struct {
		name   string
		body   string
		header string
		want   error
	}{
		{"good", good, sms.Sign(secret, now, []byte(good)), nil},
		{"four minutes old", good, sms.Sign(secret, now.Add(-4*time.Minute), []byte(good)), nil},
		{"old signature among new ones", good, sms.Sign(secret, now, []byte(good)) + ",v1=00ff", nil},
		{"no signature", good, "", sms.ErrBadSignature},
		{"wrong secret", good, sms.Sign([]byte("other"), now, []byte(good)), sms.ErrBadSignature},
		{"tampered body", strings.Replace(good, "delivered", "failed", 1), sms.Sign(secret, now, []byte(good)), sms.ErrBadSignature},
		{"replayed after six minutes", good, sms.Sign(secret, now.Add(-6*time.Minute), []byte(good)), sms.ErrBadSignature},
		{"from the future", good, sms.Sign(secret, now.Add(6*time.Minute), []byte(good)), sms.ErrBadSignature},
		{"timestamp changed", good, strings.Replace(sms.Sign(secret, now, []byte(good)), "t=", "t=1", 1), sms.ErrBadSignature},
		{"garbage header", good, "v1=zz,t=x", sms.ErrBadSignature},
		{"signed but not JSON", "hello", sms.Sign(secret, now, []byte("hello")), sms.ErrMalformedReceipt},
		{"signed, no id", `{"status":"delivered"}`, sms.Sign(secret, now, []byte(`{"status":"delivered"}`)), sms.ErrMalformedReceipt},
		{"signed, unknown status", `{"id":"x","status":"read"}`, sms.Sign(secret, now, []byte(`{"id":"x","status":"read"}`)), sms.ErrMalformedReceipt},
		{"too large", strings.Repeat(" ", sms.MaxReceiptBody+1), "t=1,v1=00", sms.ErrReceiptTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc, err := sms.ParseReceipt(secret, receiptRequest(tt.body, tt.header), now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseReceipt = %+v, %v; want %v", rc, err, tt.want)
			}
			if tt.want == nil && (rc.ID != "msg-1" || rc.Reference != "12" || rc.Status != sms.ReceiptDelivered || !rc.At.Equal(now.Add(-2*time.Second))) {
				t.Errorf("receipt %+v", rc)
			}
		})
	}
	if _, err := sms.ParseReceipt(nil, receiptRequest(good, sms.Sign(nil, now, []byte(good))), now); !errors.Is(err, sms.ErrBadSignature) {
		t.Errorf("an empty secret accepts: %v", err)
	}
}
