package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"beredskap"
	"beredskap/sms"
	"beredskap/web"
)

// TestSMSReceiptsWebhook posts delivery receipts to the server: a
// correctly signed one marks the SMS delivered, one with a bad signature is
// refused and changes nothing (issue 4, points 3 and 8), and a server
// without a receipt handler does not serve the route at all.
func TestSMSReceiptsWebhook(t *testing.T) {
	secret := []byte("webhook-secret-of-the-test-provider")
	ts := startServerWith(t, web.Config{}, serverOptions{staff: manyLogins,
		configure: func(tb testing.TB, ts *testServer, cfg *web.Config) {
			cfg.SMSReceipts = sms.NewReceiptHandler(secret, ts.StaffStore.(beredskap.FollowUpStore), time.Now, nil, nil)
		}})
	centre := mustAddStaffUser(t, ts, "operator@kontrollsenter.test", beredskap.RoleControlCentre, national)
	p := mustPlan(t, ts, mustRegistration(t, ts, municipalityA, "Kowalska"), municipalityA, "Kowalska")
	mustClaim(t, ts, centre, p.ID)
	m, err := ts.FollowUp.SendSMS(actorOf(t, ts, centre), p.ID, sms.TemplateNotReached, "")
	if err != nil {
		t.Fatal(err)
	}
	receipt := func(signature string) int {
		body := []byte(fmt.Sprintf(`{"id": "prov-%d", "reference": "%d", "status": "delivered", "at": %q}`,
			m.ID, m.ID, time.Now().UTC().Format(time.RFC3339)))
		if signature == "" {
			signature = sms.Sign(secret, time.Now(), body)
		}
		req, err := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/sms/receipts", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(sms.SignatureHeader, signature)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		readBody(t, resp)
		return resp.StatusCode
	}
	status := func() beredskap.SMSStatus {
		var got *beredskap.SMSMessage
		err := followUpStore(t, ts).ViewFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
			var err error
			got, err = tx.FindSMS(ctx, m.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return got.Status
	}

	if got := receipt("t=1,v1=00"); got != http.StatusUnauthorized {
		t.Errorf("bad signature: status %d; want 401", got)
	}
	if got := status(); got == beredskap.SMSDelivered {
		t.Errorf("a receipt with a bad signature marked the SMS delivered")
	}
	if got := receipt(""); got != http.StatusNoContent {
		t.Errorf("signed receipt: status %d; want 204", got)
	}
	if got := status(); got != beredskap.SMSDelivered {
		t.Errorf("SMS status %s after the receipt; want delivered", got)
	}

	plain := mustServer(t, web.Config{})
	resp := plain.post(t, "/api/v1/sms/receipts", []byte(`{}`))
	readBody(t, resp)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("without a receipt handler: status %d; want 404", resp.StatusCode)
	}
}
