// Package mailboxtest runs a local digital-mailbox provider for tests: an
// HTTP server speaking the API that mailbox.Client calls, with a set of
// people who have mailboxes, the letters delivered to them, and failures
// on demand.
package mailboxtest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"beredskap/internal/testwait"
	"beredskap/mailbox"
)

// APIKey is the key the server accepts unless a test sets another.
const APIKey = "test-mailbox-key"

// Letter is a letter the server received.
type Letter struct {
	mailbox.Letter
	IdempotencyKey string
	At             time.Time
}

// Server is a running test provider.
type Server struct {
	srv *httptest.Server

	mu         sync.Mutex
	key        string
	people     map[string]bool
	letters    []Letter
	seen       map[string]bool // idempotency keys stored
	failStatus int
	failLeft   int
	calls      int
	delivered  chan struct{}
}

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{key: APIKey, people: map[string]bool{}, seen: map[string]bool{}, delivered: make(chan struct{}, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/recipients/{nid}", s.recipient)
	mux.HandleFunc("POST /v1/letters", s.deliver)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

// URL returns the server's base URL.
func (s *Server) URL() string { return s.srv.URL }

// Client returns a mailbox.Client of the server with its key and short
// backoff.
func (s *Server) Client() *mailbox.Client {
	c := mailbox.NewClient(s.srv.URL, APIKey, s.srv.Client())
	c.Backoff = 5 * time.Millisecond
	return c
}

// SetAPIKey changes the key the server accepts.
func (s *Server) SetAPIKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.key = key
}

// Add gives the person a mailbox.
func (s *Server) Add(nationalID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.people[nationalID] = true
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

// Letters returns the letters delivered so far, oldest first.
func (s *Server) Letters() []Letter {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Letter(nil), s.letters...)
}

// WaitFor returns the latest letter to the person, waiting for one to
// arrive; the test fails when none does by its deadline (see testwait).
func (s *Server) WaitFor(t testing.TB, nationalID string) Letter {
	t.Helper()
	gaveUp := testwait.Context(t).Done()
	for {
		s.mu.Lock()
		for i := len(s.letters) - 1; i >= 0; i-- {
			if s.letters[i].NationalID == nationalID {
				l := s.letters[i]
				s.mu.Unlock()
				return l
			}
		}
		s.mu.Unlock()
		select {
		case <-s.delivered:
		case <-gaveUp:
			t.Fatalf("mailboxtest: no letter delivered to the person's mailbox by the test's deadline")
			return Letter{}
		}
	}
}

// admit counts the call, checks the key and any failure asked for, and
// reports whether the handler should go on.
func (s *Server) admit(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if r.Header.Get("Authorization") != "Bearer "+s.key {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid api key"})
		return false
	}
	if s.failLeft > 0 {
		s.failLeft--
		if s.failStatus == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "0")
		}
		writeJSON(w, s.failStatus, map[string]string{"error": "try again"})
		return false
	}
	return true
}

func (s *Server) recipient(w http.ResponseWriter, r *http.Request) {
	if !s.admit(w, r) {
		return
	}
	s.mu.Lock()
	has := s.people[r.PathValue("nid")]
	s.mu.Unlock()
	if !has {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown recipient"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"has_mailbox": true})
}

func (s *Server) deliver(w http.ResponseWriter, r *http.Request) {
	if !s.admit(w, r) {
		return
	}
	var req struct {
		Recipient string `json:"recipient"`
		Subject   string `json:"subject"`
		PDF       string `json:"pdf"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 20<<20)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad json"})
		return
	}
	pdf, err := base64.StdEncoding.DecodeString(req.PDF)
	if err != nil || req.Recipient == "" || len(pdf) == 0 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "recipient and pdf are required"})
		return
	}
	key := r.Header.Get("Idempotency-Key")
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.people[req.Recipient] {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown recipient"})
		return
	}
	if key != "" && s.seen[key] {
		writeJSON(w, http.StatusOK, map[string]string{"status": "duplicate"})
		return
	}
	if key != "" {
		s.seen[key] = true
	}
	s.letters = append(s.letters, Letter{
		Letter:         mailbox.Letter{NationalID: req.Recipient, Subject: req.Subject, PDF: pdf},
		IdempotencyKey: key, At: time.Now(),
	})
	select {
	case s.delivered <- struct{}{}:
	default:
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "accepted"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
