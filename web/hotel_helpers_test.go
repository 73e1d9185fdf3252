package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/hotel"
)

// hotelRegistration registers, through the public API, a traveller whose
// quarantine the rules send to a quarantine hotel: arriving at arrival
// (RFC 3339) by mode, with no suitable place of their own, staying in
// municipality A (Oslo). It returns the receipt.
func hotelRegistration(tb testing.TB, ts *testServer, arrival, mode, lastName string) string {
	tb.Helper()
	body := contractWith(tb, func(m map[string]any) {
		m["arrival_time"] = arrival
		m["arrival"] = map[string]any{"mode": mode, "point": "OSL"}
		m["traveller"].(map[string]any)["last_name"] = lastName
		acc := m["accommodation"].(map[string]any)
		acc["type"] = beredskap.AccommodationQuarantineHotel
		m["documents"] = []any{}
	})
	resp := ts.post(tb, "/api/v1/registrations", body)
	var created struct {
		Receipt  string             `json:"receipt"`
		Decision beredskap.Decision `json:"decision"`
	}
	decodeJSON(tb, resp, &created)
	if resp.StatusCode != http.StatusCreated || created.Receipt == "" {
		tb.Fatalf("register %s: status %d", lastName, resp.StatusCode)
	}
	if !created.Decision.Hotel.Required {
		tb.Fatalf("register %s: the decision does not require a hotel: %+v", lastName, created.Decision.Hotel)
	}
	return created.Receipt
}

// mustHotel adds a hotel of municipality A with rooms as the coordinator.
func mustHotel(tb testing.TB, ts *testServer, coord *staffUser, name string, rooms int, isolation bool) *beredskap.QuarantineHotel {
	tb.Helper()
	h, err := ts.Hotels.CreateHotel(actorOf(tb, ts, coord), hotel.HotelInput{
		Name: name, Address: "Karl Johans gate 1", PostalCode: "0154", ContactName: "Kari Kontakt",
		ContactEmail: "kontakt@oslo.test", ContactPhone: "+4722000000", Rooms: rooms, Isolation: isolation, Active: true,
	})
	if err != nil {
		tb.Fatalf("add hotel %s: %v", name, err)
	}
	return h
}

// mustStay allocates the receipt a room at h as the coordinator.
func mustStay(tb testing.TB, ts *testServer, coord *staffUser, receipt string, h *beredskap.QuarantineHotel) *beredskap.Stay {
	tb.Helper()
	st, err := ts.Hotels.Allocate(actorOf(tb, ts, coord), hotel.AllocateRequest{Receipt: receipt, HotelID: h.ID})
	if err != nil {
		tb.Fatalf("allocate %s to %s: %v", receipt, h.Name, err)
	}
	return st
}

// hotelSession sends requests as a logged-in staff user: the session
// cookie on every request and the CSRF token on every form.
type hotelSession struct {
	tb     testing.TB
	ts     *testServer
	u      *staffUser
	client *http.Client
}

// sessionOf logs u in and returns their session.
func sessionOf(tb testing.TB, ts *testServer, u *staffUser) *hotelSession {
	tb.Helper()
	mustLogIn(tb, ts, u)
	c := *ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &hotelSession{tb: tb, ts: ts, u: u, client: &c}
}

// do sends a request with the session's cookies and returns the status,
// the Location and the body.
func (s *hotelSession) do(method, path string, form url.Values) (int, string, string) {
	s.tb.Helper()
	var req *http.Request
	var err error
	if form != nil {
		form.Set("csrf", s.u.CSRF)
		req, err = http.NewRequest(method, s.ts.URL+path, strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		req, err = http.NewRequest(method, s.ts.URL+path, nil)
	}
	if err != nil {
		s.tb.Fatal(err)
	}
	req.AddCookie(s.u.sessionCookie())
	req.AddCookie(&http.Cookie{Name: "beredskap_csrf", Value: s.u.CSRF})
	resp, err := s.client.Do(req)
	if err != nil {
		s.tb.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Location"), string(readBody(s.tb, resp))
}

// get fetches a page.
func (s *hotelSession) get(path string) (int, string) {
	s.tb.Helper()
	code, _, body := s.do(http.MethodGet, path, nil)
	return code, body
}

// post sends a form.
func (s *hotelSession) post(path string, form url.Values) (int, string, string) {
	s.tb.Helper()
	return s.do(http.MethodPost, path, form)
}

// apiPost sends body as JSON with u's bearer token.
func apiPost(tb testing.TB, ts *testServer, u *staffUser, path string, body any) (*http.Response, apiError) {
	tb.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		tb.Fatal(err)
	}
	resp := ts.post(tb, path, data, "Authorization", "Bearer "+u.Token)
	var e apiError
	if resp.StatusCode >= 400 {
		decodeJSON(tb, resp, &e)
	}
	return resp, e
}

// osloTime returns the instant of a wall-clock time in Europe/Oslo.
func osloTime(tb testing.TB, s string) time.Time {
	tb.Helper()
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		tb.Fatal(err)
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", s, loc)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// staysOf returns the stays of receipt, as the system sees them.
func staysOf(tb testing.TB, ts *testServer, receipt string) []*beredskap.Stay {
	tb.Helper()
	stays, err := ts.Hotels.StaysOf(beredskap.WithActor(tb.Context(), beredskap.SystemActor()), receipt)
	if err != nil {
		tb.Fatal(err)
	}
	return stays
}
