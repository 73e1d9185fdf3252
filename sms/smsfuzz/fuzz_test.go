// Package smsfuzz holds the fuzz targets of package sms's parsers of
// outside input: SMS templates and the provider's signed delivery receipts.
// They are kept apart from package sms's own tests, which open databases,
// so that the fuzzing binary does not link SQLite and builds in seconds
// (scripts/fuzz.sh runs every target).
package smsfuzz_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/sms"
)

// secret signs the receipts.
var secret = []byte("webhook-secret-for-fuzzing")

// values fill the placeholders of a template.
var values = map[string]string{"name": "Ola", "last_day": "2021-02-25", "hotline": "+47 21 49 56 90"}

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

// FuzzTemplate checks that Render accepts exactly what CheckTemplate
// accepts, refusing the rest with the same error, and that a rendered
// template is the body with each placeholder replaced.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"Hei {name}", "{", "}", "{}", "{{name}}", "{last_day}{hotline}", "a{b}c", "{name", "\xff{name}"} {
		f.Add(s)
	}
	repl := strings.NewReplacer("{name}", values["name"], "{last_day}", values["last_day"], "{hotline}", values["hotline"])
	f.Fuzz(func(t *testing.T, body string) {
		checkErr := sms.CheckTemplate(body)
		got, err := sms.Render(body, values)
		if checkErr != nil {
			var e *beredskap.Error
			if err == nil || err.Error() != checkErr.Error() || !errors.As(checkErr, &e) || e.Field != "body" {
				t.Fatalf("%q: CheckTemplate %v but Render %q, %v", body, checkErr, got, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("%q: CheckTemplate passed but Render: %v", body, err)
		}
		if want := repl.Replace(body); got != want {
			t.Fatalf("%q: Render = %q, want %q", body, got, want)
		}
		if strings.ContainsAny(got, "{}") {
			t.Fatalf("%q: rendered %q still has braces", body, got)
		}
	})
}
