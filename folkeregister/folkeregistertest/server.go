// Package folkeregistertest runs a local population register for tests:
// an HTTP server speaking the API that folkeregister.Client calls, with
// the registered addresses a test adds and failures on demand.
package folkeregistertest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"beredskap/folkeregister"
)

// APIKey is the key the server accepts unless a test sets another.
const APIKey = "test-folkeregister-key"

// Server is a running test register.
type Server struct {
	srv *httptest.Server

	mu         sync.Mutex
	key        string
	addresses  map[string]folkeregister.Address
	failStatus int
	failLeft   int
	calls      int
}

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{key: APIKey, addresses: map[string]folkeregister.Address{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/persons/{nid}/address", s.address)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

// URL returns the server's base URL.
func (s *Server) URL() string { return s.srv.URL }

// Client returns a folkeregister.Client of the server with its key and a
// short backoff.
func (s *Server) Client() *folkeregister.Client {
	c := folkeregister.NewClient(s.srv.URL, APIKey, s.srv.Client())
	c.Backoff = 5 * time.Millisecond
	return c
}

// SetAPIKey changes the key the server accepts.
func (s *Server) SetAPIKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.key = key
}

// Add registers the person's address, replacing any earlier one.
func (s *Server) Add(nationalID string, a folkeregister.Address) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addresses[nationalID] = a
}

// FailNext makes the next n calls answer status (such as 500 or 429).
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failLeft, s.failStatus = n, status
}

// Calls returns how many calls the server has answered.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// address answers an address lookup: 401 for a wrong key, a failure
// asked for by FailNext, 404 for a person without an address, else the
// address.
func (s *Server) address(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if r.Header.Get("Authorization") != "Bearer "+s.key {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid api key"})
		return
	}
	if s.failLeft > 0 {
		s.failLeft--
		if s.failStatus == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "0")
		}
		writeJSON(w, s.failStatus, map[string]string{"error": "unavailable"})
		return
	}
	a, ok := s.addresses[r.PathValue("nid")]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no registered address"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"address_lines": a.Lines, "postal_code": a.PostalCode, "postal_place": a.PostalPlace, "country": a.Country,
	})
}

// writeJSON writes v as the JSON body of an answer with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
