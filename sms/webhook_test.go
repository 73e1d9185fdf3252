package sms_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/sms"
)

// markSent stores m as sent under providerID.
func markSent(t *testing.T, store beredskap.FollowUpStore, id int64, providerID string) {
	t.Helper()
	err := store.UpdateFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
		m, err := tx.FindSMS(ctx, id)
		if err != nil {
			return err
		}
		m.Status, m.ProviderID, m.Attempts = beredskap.SMSSent, providerID, 1
		return tx.SaveSMS(ctx, m)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestReceiptHandler covers issue 4 point 3 (receipts on a signed webhook)
// and point 8 (bad signatures rejected and logged).
func TestReceiptHandler(t *testing.T) {
	clk := newClock()
	store := openStore(t, clk.Now)
	var logs bytes.Buffer
	h := sms.NewReceiptHandler(secret, store, clk.Now, clk.Now, slog.New(slog.NewTextHandler(&logs, nil)))
	ids := enqueue(t, store, 3, clk.Now(), nil)
	markSent(t, store, ids[0], "msg-a")
	markSent(t, store, ids[1], "msg-b")

	post := func(body string, header string) int {
		r := receiptRequest(body, header)
		r.RemoteAddr = "192.0.2.7:4711"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	signed := func(body string) int { return post(body, sms.Sign(secret, clk.Now(), []byte(body))) }
	at := clk.Now().Add(-time.Second)
	delivered := `{"id":"msg-a","reference":"` + strconv.FormatInt(ids[0], 10) + `","status":"delivered","at":"` + at.Format(time.RFC3339) + `"}`

	if code := post(delivered, sms.Sign([]byte("guess"), clk.Now(), []byte(delivered))); code != http.StatusUnauthorized {
		t.Errorf("bad signature: %d, want 401", code)
	}
	if code := post(delivered, sms.Sign(secret, clk.Now().Add(-10*time.Minute), []byte(delivered))); code != http.StatusUnauthorized {
		t.Errorf("replay: %d, want 401", code)
	}
	if m := messages(t, store, ids[:1])[0]; m.Status != beredskap.SMSSent {
		t.Fatalf("refused receipts changed the message: %s", m.Status)
	}
	if !strings.Contains(logs.String(), "192.0.2.7") || strings.Contains(logs.String(), string(secret)) {
		t.Errorf("log %q: want the remote address and never the secret", logs.String())
	}

	if code := signed(delivered); code != http.StatusNoContent {
		t.Fatalf("good receipt: %d, want 204", code)
	}
	m := messages(t, store, ids[:1])[0]
	if m.Status != beredskap.SMSDelivered || m.DeliveredAt == nil || !m.DeliveredAt.Equal(at) {
		t.Errorf("after receipt: %s at %v, want delivered at %v", m.Status, m.DeliveredAt, at)
	}
	// A replay within the window, or a failure receipt after delivery,
	// changes nothing.
	failed := `{"id":"msg-a","status":"failed","error":"expired"}`
	if code := signed(delivered); code != http.StatusNoContent {
		t.Errorf("repeated receipt: %d", code)
	}
	if code := signed(failed); code != http.StatusNoContent {
		t.Errorf("late failure: %d", code)
	}
	if m := messages(t, store, ids[:1])[0]; m.Status != beredskap.SMSDelivered {
		t.Errorf("delivered message became %s", m.Status)
	}

	if code := signed(`{"id":"msg-b","status":"failed","error":"unreachable"}`); code != http.StatusNoContent {
		t.Errorf("failure receipt: %d", code)
	}
	if m := messages(t, store, ids[1:2])[0]; m.Status != beredskap.SMSFailed || m.LastError != "provider receipt: unreachable" {
		t.Errorf("after failure receipt: %s %q", m.Status, m.LastError)
	}

	// Unknown ids are answered 204 so that providers stop, and change
	// nothing; so is a reference to a message sent under another id.
	before := messages(t, store, ids)
	if code := signed(`{"id":"msg-zzz","status":"delivered"}`); code != http.StatusNoContent {
		t.Errorf("unknown id: %d, want 204", code)
	}
	if code := signed(`{"id":"msg-zzz","reference":"` + strconv.FormatInt(ids[1], 10) + `","status":"delivered"}`); code != http.StatusNoContent {
		t.Errorf("reference of another id: %d, want 204", code)
	}
	after := messages(t, store, ids)
	for i := range before {
		if before[i].Status != after[i].Status {
			t.Errorf("message %d changed from %s to %s", ids[i], before[i].Status, after[i].Status)
		}
	}

	// A receipt that overtakes the worker finds the message by reference.
	ref := `{"id":"msg-c","reference":"` + strconv.FormatInt(ids[2], 10) + `","status":"delivered"}`
	if code := signed(ref); code != http.StatusNoContent {
		t.Errorf("receipt by reference: %d", code)
	}
	if m := messages(t, store, ids[2:])[0]; m.Status != beredskap.SMSDelivered || m.ProviderID != "msg-c" {
		t.Errorf("by reference: %s %q", m.Status, m.ProviderID)
	}

	if code := signed(`{"id":`); code != http.StatusBadRequest {
		t.Errorf("malformed: %d, want 400", code)
	}
	if code := post(strings.Repeat("x", sms.MaxReceiptBody+1), "t=1,v1=00"); code != http.StatusRequestEntityTooLarge {
		t.Errorf("too large: %d, want 413", code)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/webhooks/sms", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d, want 405", w.Code)
	}
}

// Issue 13, item 10: with the follow-up clock shifted into the past (the
// demo's), signatures are still checked against the real time: a receipt
// the provider signs now is taken, one signed at the shifted time refused.
func TestReceiptSignaturesUseRealTime(t *testing.T) {
	clk := newClock() // the shifted follow-up clock
	if time.Since(clk.Now()) < time.Hour {
		t.Fatalf("the test clock %v is not in the past", clk.Now())
	}
	store := openStore(t, clk.Now)
	h := sms.NewReceiptHandler(secret, store, clk.Now, nil, nil)
	ids := enqueue(t, store, 1, clk.Now(), nil)
	markSent(t, store, ids[0], "msg-real")
	body := `{"id":"msg-real","status":"delivered"}`
	post := func(at time.Time) int {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, receiptRequest(body, sms.Sign(secret, at, []byte(body))))
		return w.Code
	}
	if code := post(clk.Now()); code != http.StatusUnauthorized {
		t.Errorf("signed at the shifted time: %d, want 401", code)
	}
	if code := post(time.Now()); code != http.StatusNoContent {
		t.Errorf("signed at the real time: %d, want 204", code)
	}
	if m := messages(t, store, ids)[0]; m.Status != beredskap.SMSDelivered {
		t.Errorf("message %s after the real receipt; want delivered", m.Status)
	}
}
