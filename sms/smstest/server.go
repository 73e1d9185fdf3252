// Package smstest runs a local SMS provider for tests: an HTTP server
// speaking the API that sms.Client calls, which accepts messages, keeps
// each idempotency key's message once and answers a repeat with the same
// id, rate-limits with 429 and Retry-After every Nth request, fails a
// seeded fraction of requests with 5xx (some after taking the message, as
// when an answer is lost), and posts signed delivery receipts to a
// webhook.
package smstest

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"beredskap/sms"
)

// APIKey is the key the server accepts unless Options say otherwise.
const APIKey = "test-sms-key"

// Options shape the server's behaviour. Zero values take the defaults
// named.
type Options struct {
	APIKey string // APIKey when ""
	// Seed drives the failure injection: the same seed and the same order
	// of requests give the same failures.
	Seed uint64
	// FailRate is the fraction of requests answered 503 without taking
	// the message; LoseRate the fraction answered 500 after taking it,
	// as when the provider's answer is lost on its way back.
	FailRate float64
	LoseRate float64
	// RateLimitEvery answers every Nth request 429 with RetryAfter (1 s
	// when 0) in the Retry-After header; 0 never.
	RateLimitEvery int
	RetryAfter     time.Duration
	// Webhook is where receipts go, signed with WebhookSecret; no
	// receipts when "". ReceiptDelay is the wait before each receipt.
	Webhook       string
	WebhookSecret []byte
	ReceiptDelay  time.Duration
	// Unreachable numbers are accepted and then get a failed receipt.
	Unreachable []string
	// Clock stamps receipts and signatures; time.Now when nil.
	Clock func() time.Time
}

// Accepted is a message the provider took, once per idempotency key.
type Accepted struct {
	ID             string // the provider's id
	IdempotencyKey string
	To             string
	Body           string
	Reference      string
	At             time.Time
}

// Stats counts the server's requests by what it did with them.
type Stats struct {
	Requests    int // every POST /v1/messages
	Accepted    int // distinct messages taken
	Duplicates  int // requests for a key already taken, answered with its id
	RateLimited int // answered 429
	Failed      int // answered 503 without taking the message
	Lost        int // took the message, answered 500
	Refused     int // answered 4xx other than 429
	Receipts    int // receipts the webhook answered 2xx
	ReceiptErrs int // receipt posts that failed or were answered otherwise
}

// Server is a running test provider.
type Server struct {
	srv  *httptest.Server
	opts Options

	mu       sync.Mutex
	rng      *rand.Rand
	accepted []Accepted
	byKey    map[string]int // idempotency key → index in accepted
	stats    Stats

	receipts chan sms.Receipt
	pending  sync.WaitGroup
	// stopped is closed, and stop cancels ctx, when the server closes: a
	// receipt's post waits for the webhook's answer until then, however
	// long a loaded machine makes it take.
	stopped chan struct{}
	ctx     context.Context
	stop    context.CancelFunc
	workers sync.WaitGroup
	hc      *http.Client
}

// Start runs a server until the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	s := New(o)
	t.Cleanup(s.Close)
	return s
}

// New runs a server until Close; for benchmarks and programs that are not
// tests.
func New(o Options) *Server {
	if o.APIKey == "" {
		o.APIKey = APIKey
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = time.Second
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	s := &Server{
		opts:     o,
		rng:      rand.New(rand.NewPCG(o.Seed, o.Seed^0x5eed)),
		byKey:    map[string]int{},
		receipts: make(chan sms.Receipt, 1<<16),
		stopped:  make(chan struct{}),
		hc:       &http.Client{},
	}
	s.ctx, s.stop = context.WithCancel(context.Background())
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/messages", s.send)
	s.srv = httptest.NewServer(mux)
	for range 4 {
		s.workers.Go(s.deliverReceipts)
	}
	return s
}

// URL returns the server's base URL.
func (s *Server) URL() string { return s.srv.URL }

// Client returns an sms.Client of the server with its key.
//
// Its requests have no time limit of their own (sms.NewClient's default is
// 15 seconds), which a loaded machine can pass: the worker's SendTimeout,
// or the test's end, bounds them.
func (s *Server) Client() *sms.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return sms.NewClient(s.srv.URL, s.opts.APIKey, &http.Client{Transport: tr})
}

// SetFailures changes the fractions of requests answered 503 without
// taking the message and 500 after taking it (see Options).
func (s *Server) SetFailures(failRate, loseRate float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.FailRate, s.opts.LoseRate = failRate, loseRate
}

// SetWebhook sends the receipts of messages taken from now on to url,
// signed with secret.
func (s *Server) SetWebhook(url string, secret []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.Webhook, s.opts.WebhookSecret = url, secret
}

// Close stops the server and the receipts not yet sent.
func (s *Server) Close() {
	s.srv.Close()
	select {
	case <-s.stopped:
	default:
		close(s.stopped)
	}
	s.stop()
	s.workers.Wait()
}

// Accepted returns the messages taken so far, once each, oldest first.
func (s *Server) Accepted() []Accepted {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Accepted(nil), s.accepted...)
}

// Stats returns the counts so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// WaitReceipts waits until every receipt queued so far has been posted (or
// given up), or until ctx ends, and reports whether they all were.
func (s *Server) WaitReceipts(ctx context.Context) bool {
	done := make(chan struct{})
	go func() { s.pending.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

// sendRequest is the body of POST /v1/messages.
type sendRequest struct {
	To        string `json:"to"`
	Body      string `json:"body"`
	Reference string `json:"reference"`
}

// send answers POST /v1/messages.
func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.stats.Requests++
	n := s.stats.Requests
	roll := s.rng.Float64()
	failRate, loseRate := s.opts.FailRate, s.opts.LoseRate
	s.mu.Unlock()

	if r.Header.Get("Authorization") != "Bearer "+s.opts.APIKey {
		s.refuse(w, http.StatusUnauthorized, "unauthorized")
		return
	}
	if s.opts.RateLimitEvery > 0 && n%s.opts.RateLimitEvery == 0 {
		s.mu.Lock()
		s.stats.RateLimited++
		s.mu.Unlock()
		w.Header().Set("Retry-After", strconv.Itoa(int((s.opts.RetryAfter+time.Second-1)/time.Second)))
		answer(w, http.StatusTooManyRequests, map[string]string{"error": "rate_limited"})
		return
	}
	if roll < failRate {
		s.mu.Lock()
		s.stats.Failed++
		s.mu.Unlock()
		answer(w, http.StatusServiceUnavailable, map[string]string{"error": "unavailable"})
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		s.refuse(w, http.StatusBadRequest, "idempotency_key_required")
		return
	}
	var req sendRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		s.refuse(w, http.StatusBadRequest, "malformed_json")
		return
	}
	switch {
	case !e164(req.To):
		s.refuse(w, http.StatusBadRequest, "invalid_number")
		return
	case req.Body == "" || len(req.Body) > 1600:
		s.refuse(w, http.StatusBadRequest, "invalid_body")
		return
	}

	s.mu.Lock()
	if i, ok := s.byKey[key]; ok {
		s.stats.Duplicates++
		id := s.accepted[i].ID
		s.mu.Unlock()
		answer(w, http.StatusAccepted, map[string]string{"id": id})
		return
	}
	a := Accepted{
		ID: "msg-" + strconv.Itoa(len(s.accepted)+1), IdempotencyKey: key,
		To: req.To, Body: req.Body, Reference: req.Reference, At: s.opts.Clock(),
	}
	s.byKey[key] = len(s.accepted)
	s.accepted = append(s.accepted, a)
	s.stats.Accepted++
	lost := roll >= failRate && roll < failRate+loseRate
	if lost {
		s.stats.Lost++
	}
	s.mu.Unlock()

	s.queueReceipt(a)
	if lost {
		answer(w, http.StatusInternalServerError, map[string]string{"error": "internal"})
		return
	}
	answer(w, http.StatusAccepted, map[string]string{"id": a.ID})
}

// refuse answers a 4xx with an error code.
func (s *Server) refuse(w http.ResponseWriter, status int, code string) {
	s.mu.Lock()
	s.stats.Refused++
	s.mu.Unlock()
	answer(w, status, map[string]string{"error": code})
}

// answer writes v as JSON with status.
func answer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// e164 reports whether s looks like an E.164 number.
func e164(s string) bool {
	if len(s) < 8 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// queueReceipt queues the receipt of a, when there is a webhook.
func (s *Server) queueReceipt(a Accepted) {
	s.mu.Lock()
	hook := s.opts.Webhook
	s.mu.Unlock()
	if hook == "" {
		return
	}
	rc := sms.Receipt{ID: a.ID, Reference: a.Reference, Status: sms.ReceiptDelivered}
	for _, u := range s.opts.Unreachable {
		if u == a.To {
			rc.Status, rc.Error = sms.ReceiptFailed, "unreachable"
		}
	}
	s.pending.Add(1)
	select {
	case s.receipts <- rc:
	default:
		s.pending.Done() // the queue is full: this receipt is dropped
	}
}

// deliverReceipts posts queued receipts until the server stops, trying
// each up to five times.
func (s *Server) deliverReceipts() {
	for {
		select {
		case <-s.stopped:
			return
		case rc := <-s.receipts:
			s.post(rc)
			s.pending.Done()
		}
	}
}

// post posts one receipt, retrying failures with a short backoff.
func (s *Server) post(rc sms.Receipt) {
	if s.opts.ReceiptDelay > 0 {
		select {
		case <-s.stopped:
			return
		case <-time.After(s.opts.ReceiptDelay):
		}
	}
	s.mu.Lock()
	hook, secret := s.opts.Webhook, s.opts.WebhookSecret
	s.mu.Unlock()
	wait := 20 * time.Millisecond
	for range 5 {
		rc.At = s.opts.Clock().UTC()
		body, _ := json.Marshal(rc)
		req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, hook, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(sms.SignatureHeader, sms.Sign(secret, s.opts.Clock(), body))
		resp, err := s.hc.Do(req)
		ok := err == nil && resp.StatusCode/100 == 2
		if resp != nil {
			resp.Body.Close()
		}
		s.mu.Lock()
		if ok {
			s.stats.Receipts++
		} else {
			s.stats.ReceiptErrs++
		}
		s.mu.Unlock()
		if ok || (err == nil && resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusTooManyRequests) {
			return
		}
		select {
		case <-s.stopped:
			return
		case <-time.After(wait):
			wait *= 2
		}
	}
}
