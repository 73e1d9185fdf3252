package folkeregister_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/folkeregister"
	"beredskap/folkeregister/folkeregistertest"
)

const nid = "01017012345"

var home = folkeregister.Address{
	Lines: []string{"c/o Kari Nordmann", "Storgata 1 H0201"}, PostalCode: "0155", PostalPlace: "OSLO", Country: "NO",
}

func TestClientAddress(t *testing.T) {
	srv := folkeregistertest.Start(t)
	srv.Add(nid, home)
	got, err := srv.Client().Address(context.Background(), nid)
	if err != nil {
		t.Fatalf("Address: %v", err)
	}
	if !reflect.DeepEqual(*got, home) {
		t.Errorf("Address = %+v, want %+v", *got, home)
	}
	want := []string{"c/o Kari Nordmann", "Storgata 1 H0201", "0155 OSLO"}
	if env := got.Envelope(); !reflect.DeepEqual(env, want) {
		t.Errorf("Envelope = %q, want %q", env, want)
	}
}

func TestClientNotFound(t *testing.T) {
	srv := folkeregistertest.Start(t)
	srv.Add("02027012345", folkeregister.Address{}) // registered without an address
	for _, person := range []string{nid, "02027012345"} {
		_, err := srv.Client().Address(context.Background(), person)
		if code := beredskap.ErrorCode(err); code != beredskap.ENOTFOUND {
			t.Errorf("Address of %s: %v (%s), want ENOTFOUND", person, err, code)
		}
	}
}

func TestClientRetries(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusTooManyRequests} {
		srv := folkeregistertest.Start(t)
		srv.Add(nid, home)
		srv.FailNext(2, status)
		got, err := srv.Client().Address(context.Background(), nid)
		if err != nil || got.PostalCode != "0155" {
			t.Fatalf("Address after %d twice: %+v, %v", status, got, err)
		}
		if calls := srv.Calls(); calls != 3 {
			t.Errorf("status %d: %d calls, want 3", status, calls)
		}
	}
}

func TestClientGivesUp(t *testing.T) {
	srv := folkeregistertest.Start(t)
	srv.Add(nid, home)
	srv.FailNext(100, http.StatusBadGateway)
	c := srv.Client()
	_, err := c.Address(context.Background(), nid)
	se, ok := errors.AsType[*folkeregister.StatusError](err)
	if !ok || se.Status != http.StatusBadGateway {
		t.Fatalf("Address while failing: %v, want a StatusError 502", err)
	}
	if calls := srv.Calls(); calls != c.MaxAttempts {
		t.Errorf("%d calls, want %d", calls, c.MaxAttempts)
	}
	if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
		t.Error("a failing register reads as no address")
	}
}

func TestClientBadKey(t *testing.T) {
	srv := folkeregistertest.Start(t)
	srv.Add(nid, home)
	c := folkeregister.NewClient(srv.URL(), "wrong", nil)
	if _, err := c.Address(context.Background(), nid); !errors.Is(err, folkeregister.ErrUnauthorized) {
		t.Errorf("Address with a bad key: %v, want ErrUnauthorized", err)
	}
	if calls := srv.Calls(); calls != 1 {
		t.Errorf("a refused key was tried %d times, want once", calls)
	}
}

// No error holds the national identity number: not a transport error,
// whose text would name the URL, nor a body that echoes it.
func TestClientErrorsHideNationalID(t *testing.T) {
	c := folkeregister.NewClient("http://127.0.0.1:1", "k", &http.Client{Timeout: time.Second})
	c.MaxAttempts, c.Backoff = 2, time.Millisecond
	_, err := c.Address(context.Background(), nid)
	if err == nil || strings.Contains(err.Error(), nid) {
		t.Errorf("transport error %v: want an error without the national identity number", err)
	}

	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such path: "+r.URL.Path, http.StatusBadRequest)
	}))
	defer echo.Close()
	_, err = folkeregister.NewClient(echo.URL, "k", echo.Client()).Address(context.Background(), nid)
	if se, ok := errors.AsType[*folkeregister.StatusError](err); !ok || strings.Contains(err.Error(), nid) {
		t.Errorf("status error %v (%+v): want a StatusError without the national identity number", err, se)
	}
}
