package sms_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"beredskap/sms"
)

// FuzzReceiptWebhook feeds the SMS provider's receipt webhook any body
// and signature header: ParseReceipt never panics, takes a receipt only
// when it is signed with the secret within the replay window, and takes
// only receipts with an id and a known status.
func FuzzReceiptWebhook(f *testing.F) {
	now := time.Date(2021, 2, 17, 9, 0, 0, 0, time.UTC)
	good := `{"id":"msg-1","reference":"12","status":"delivered","at":"2021-02-17T08:59:58Z"}`
	f.Add(good, sms.Sign(secret, now, []byte(good)))
	f.Add(good, "t=0,v1=00")
	f.Add(`{"id":"x","status":"failed","error":"expired"}`, sms.Sign(secret, now, []byte(`{"id":"x","status":"failed","error":"expired"}`)))
	f.Add("", "")
	f.Add(`{"id":"x","status":"delivered","extra":1}`, "t=1613552400,v1=,v1=zz")
	f.Fuzz(func(t *testing.T, body, header string) {
		parse := func(key []byte, h string) (sms.Receipt, error) {
			r := httptest.NewRequest(http.MethodPost, "/api/v1/sms/receipts", strings.NewReader(body))
			r.Header.Set(sms.SignatureHeader, h)
			return sms.ParseReceipt(key, r, now)
		}
		for _, h := range []string{header, sms.Sign(secret, now, []byte(body))} {
			rc, err := parse(secret, h)
			if err != nil {
				continue
			}
			if rc.ID == "" || (rc.Status != sms.ReceiptDelivered && rc.Status != sms.ReceiptFailed) {
				t.Fatalf("accepted %+v from %q", rc, body)
			}
			if _, err := parse([]byte("another secret"), h); err == nil {
				t.Fatalf("the signature %q of %q holds for another secret too", h, body)
			}
		}
	})
}
