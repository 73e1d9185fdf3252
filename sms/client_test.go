package sms_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"beredskap/sms"
	"beredskap/sms/smstest"
)

func sendErr(t *testing.T, err error) *sms.SendError {
	t.Helper()
	var se *sms.SendError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *SendError", err, err)
	}
	return se
}

func TestClientAccepts(t *testing.T) {
	p := smstest.Start(t, smstest.Options{})
	c := p.Client()
	ctx := context.Background()
	id, err := c.Send(ctx, sms.Message{ID: "17", To: "+4791234567", Body: "Hei Ola"})
	if err != nil || id == "" {
		t.Fatalf("Send = %q, %v", id, err)
	}
	got := p.Accepted()
	if len(got) != 1 || got[0].ID != id || got[0].IdempotencyKey != "17" || got[0].Reference != "17" ||
		got[0].To != "+4791234567" || got[0].Body != "Hei Ola" {
		t.Errorf("provider took %+v", got)
	}
}

// A message sent again with the same id gets the same provider id and is
// taken once; another id is another message.
func TestClientIdempotent(t *testing.T) {
	p := smstest.Start(t, smstest.Options{})
	c := p.Client()
	ctx := context.Background()
	m := sms.Message{ID: "42", To: "+4791234567", Body: "Hei"}
	first, err := c.Send(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Send(ctx, m)
	if err != nil || again != first {
		t.Fatalf("second send = %q, %v; want %q", again, err, first)
	}
	other, err := c.Send(ctx, sms.Message{ID: "43", To: m.To, Body: m.Body})
	if err != nil || other == first {
		t.Fatalf("other message = %q, %v", other, err)
	}
	if n := len(p.Accepted()); n != 2 {
		t.Errorf("provider took %d messages, want 2", n)
	}
	if s := p.Stats(); s.Duplicates != 1 {
		t.Errorf("duplicates = %d, want 1", s.Duplicates)
	}
}

// A 500 after the provider took the message is temporary; the retry with
// the same key gets the id of the message taken, which is not taken twice.
func TestClientLostAnswer(t *testing.T) {
	p := smstest.Start(t, smstest.Options{LoseRate: 1})
	c := p.Client()
	ctx := context.Background()
	m := sms.Message{ID: "7", To: "+4791234567", Body: "Hei"}
	_, err := c.Send(ctx, m)
	if se := sendErr(t, err); !se.Temporary {
		t.Fatalf("lost answer: %v is permanent", err)
	}
	p.SetFailures(0, 0)
	id, err := c.Send(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	acc := p.Accepted()
	if len(acc) != 1 || acc[0].ID != id {
		t.Errorf("provider took %+v, want one message %s", acc, id)
	}
}

func TestClientRateLimited(t *testing.T) {
	p := smstest.Start(t, smstest.Options{RateLimitEvery: 2, RetryAfter: 3 * time.Second})
	c := p.Client()
	ctx := context.Background()
	if _, err := c.Send(ctx, sms.Message{ID: "1", To: "+4791234567", Body: "a"}); err != nil {
		t.Fatal(err)
	}
	_, err := c.Send(ctx, sms.Message{ID: "2", To: "+4791234567", Body: "b"})
	se := sendErr(t, err)
	if !se.Temporary || se.RetryAfter != 3*time.Second {
		t.Errorf("429: temporary %v, retry after %v; want true, 3s", se.Temporary, se.RetryAfter)
	}
	if n := len(p.Accepted()); n != 1 {
		t.Errorf("provider took %d messages, want 1", n)
	}
}

func TestClientServerError(t *testing.T) {
	p := smstest.Start(t, smstest.Options{FailRate: 1})
	_, err := p.Client().Send(context.Background(), sms.Message{ID: "1", To: "+4791234567", Body: "a"})
	if se := sendErr(t, err); !se.Temporary || se.RetryAfter != 0 {
		t.Errorf("503: %+v, want temporary without retry-after", se)
	}
	if n := len(p.Accepted()); n != 0 {
		t.Errorf("provider took %d messages, want 0", n)
	}
}

// A message the provider refuses (400) is permanent, and the error names
// the provider's code but not the number.
func TestClientRefused(t *testing.T) {
	p := smstest.Start(t, smstest.Options{})
	_, err := p.Client().Send(context.Background(), sms.Message{ID: "1", To: "91234567", Body: "a"})
	se := sendErr(t, err)
	if se.Temporary {
		t.Errorf("400 is temporary: %v", err)
	}
	if got, want := err.Error(), "sms: provider answered 400 (invalid_number)"; got != want {
		t.Errorf("error %q, want %q", got, want)
	}
}

// A refused API key is a fault of the configuration: the message waits.
func TestClientBadKey(t *testing.T) {
	p := smstest.Start(t, smstest.Options{})
	c := sms.NewClient(p.URL(), "wrong", nil)
	_, err := c.Send(context.Background(), sms.Message{ID: "1", To: "+4791234567", Body: "a"})
	if se := sendErr(t, err); !se.Temporary {
		t.Errorf("401 is permanent: %v", err)
	}
}

func TestClientUnreachableProvider(t *testing.T) {
	p := smstest.Start(t, smstest.Options{})
	url := p.URL()
	p.Close()
	_, err := sms.NewClient(url, smstest.APIKey, nil).Send(context.Background(), sms.Message{ID: "1", To: "+4791234567", Body: "a"})
	if se := sendErr(t, err); !se.Temporary {
		t.Errorf("connection refused is permanent: %v", err)
	}
	if msg := err.Error(); len(url) > 0 && strings.Contains(msg, url) {
		t.Errorf("error %q holds the URL", msg)
	}
}

func TestRecorder(t *testing.T) {
	r := sms.NewRecorder(nil)
	ctx := context.Background()
	a, _ := r.Send(ctx, sms.Message{ID: "1", To: "+4791234567", Body: "Hei"})
	b, _ := r.Send(ctx, sms.Message{ID: "1", To: "+4791234567", Body: "Hei"})
	c, _ := r.Send(ctx, sms.Message{ID: "2", To: "+4791234567", Body: "Hå"})
	if a == "" || a != b || c == a {
		t.Errorf("ids %q %q %q", a, b, c)
	}
	got := r.Messages()
	if len(got) != 2 || got[0].ID != "1" || got[1].Body != "Hå" || got[1].ProviderID != c {
		t.Errorf("recorded %+v", got)
	}
}
