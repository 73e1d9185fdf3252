package mailbox_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"beredskap/mailbox"
	"beredskap/mailbox/mailboxtest"
)

const nid = "01017012345"

func TestClientHas(t *testing.T) {
	srv := mailboxtest.Start(t)
	srv.Add(nid)
	c := srv.Client()
	ctx := context.Background()
	for _, tc := range []struct {
		nid  string
		want bool
	}{{nid, true}, {"02027012345", false}} {
		got, err := c.Has(ctx, tc.nid)
		if err != nil || got != tc.want {
			t.Errorf("Has(%s) = %v, %v; want %v, nil", tc.nid, got, err, tc.want)
		}
	}
}

func TestClientDeliver(t *testing.T) {
	srv := mailboxtest.Start(t)
	srv.Add(nid)
	c := srv.Client()
	l := mailbox.Letter{NationalID: nid, Subject: "Svar", PDF: []byte("%PDF-1.3 test")}
	if err := c.Deliver(context.Background(), l); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	got := srv.WaitFor(t, nid)
	if got.Subject != "Svar" || string(got.PDF) != string(l.PDF) || got.IdempotencyKey != mailbox.IdempotencyKey(l) {
		t.Errorf("delivered %+v", got)
	}
	// The same letter again is stored once.
	if err := c.Deliver(context.Background(), l); err != nil {
		t.Fatalf("Deliver again: %v", err)
	}
	if n := len(srv.Letters()); n != 1 {
		t.Errorf("%d letters stored, want 1", n)
	}
}

func TestClientRetries(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusTooManyRequests} {
		srv := mailboxtest.Start(t)
		srv.Add(nid)
		srv.FailNext(2, status)
		c := srv.Client()
		if err := c.Deliver(context.Background(), mailbox.Letter{NationalID: nid, Subject: "s", PDF: []byte("x")}); err != nil {
			t.Fatalf("Deliver after %d twice: %v", status, err)
		}
		if calls := srv.Calls(); calls != 3 {
			t.Errorf("status %d: %d calls, want 3", status, calls)
		}
	}
}

func TestClientGivesUp(t *testing.T) {
	srv := mailboxtest.Start(t)
	srv.Add(nid)
	srv.FailNext(100, http.StatusInternalServerError)
	c := srv.Client()
	_, err := c.Has(context.Background(), nid)
	var se *mailbox.StatusError
	if !errors.As(err, &se) || se.Status != http.StatusInternalServerError {
		t.Fatalf("Has while failing: %v, want a StatusError 500", err)
	}
	if calls := srv.Calls(); calls != c.MaxAttempts {
		t.Errorf("%d calls, want %d", calls, c.MaxAttempts)
	}
}

func TestClientBadKey(t *testing.T) {
	srv := mailboxtest.Start(t)
	srv.Add(nid)
	c := mailbox.NewClient(srv.URL(), "wrong", nil)
	if _, err := c.Has(context.Background(), nid); !errors.Is(err, mailbox.ErrUnauthorized) {
		t.Errorf("Has with a bad key: %v, want ErrUnauthorized", err)
	}
	if err := c.Deliver(context.Background(), mailbox.Letter{NationalID: nid, PDF: []byte("x")}); !errors.Is(err, mailbox.ErrUnauthorized) {
		t.Errorf("Deliver with a bad key: %v, want ErrUnauthorized", err)
	}
	if n := len(srv.Letters()); n != 0 {
		t.Errorf("%d letters stored with a bad key", n)
	}
}

func TestNone(t *testing.T) {
	var mb mailbox.Mailbox = mailbox.None{}
	if has, err := mb.Has(context.Background(), nid); has || err != nil {
		t.Errorf("None.Has = %v, %v", has, err)
	}
}
