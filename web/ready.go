package web

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// DefaultReadyGrace is how long /readyz stays ready while the database does
// not answer: a failover of a cluster with a ten-second leader lease takes
// about that long, and twice as long is a margin.
const DefaultReadyGrace = 30 * time.Second

// readyCheckTimeout bounds the database check of one /readyz request.
const readyCheckTimeout = 2 * time.Second

// readiness is what /readyz answers from: when the database last answered,
// and whether the server is draining before shutdown.
//
// Every instance shares the database, so a database that does not answer
// fails every instance at once: were /readyz to fail with it, the balancer
// would take all instances out and answer clients itself, without the
// Retry-After and idempotent replays the instances give. So /readyz fails
// only when the database has not answered this instance for longer than
// the grace (this instance alone may be cut off, or the outage is no
// failover), or when the instance is draining.
type readiness struct {
	mu       sync.Mutex
	since    time.Time // start, or the last answer of the database
	grace    time.Duration
	draining bool
}

// Drain makes /readyz fail from now on, so that the balancer stops sending
// new requests before the server shuts down.
func (s *Server) Drain() {
	s.health.mu.Lock()
	defer s.health.mu.Unlock()
	s.health.draining = true
}

// handleReady answers /readyz: 200 "ready" while the database answers, 200
// with how long it has not while that is within the grace, 503 otherwise
// and while draining.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(r.Context(), readyCheckTimeout)
	err := s.ready(ctx)
	cancel()
	now := time.Now()
	h := &s.health
	h.mu.Lock()
	if err == nil {
		h.since = now
	}
	down, draining := now.Sub(h.since), h.draining
	grace := h.grace
	h.mu.Unlock()
	if grace <= 0 {
		grace = DefaultReadyGrace
	}
	switch {
	case draining:
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("draining\n"))
	case err == nil:
		_, _ = w.Write([]byte("ready\n"))
	case down <= grace:
		s.logger.Warn("database not answering; still ready within the grace", "request_id", RequestID(r.Context()), "for", down.Round(time.Second), "err", err)
		fmt.Fprintf(w, "ready; the database has not answered for %s\n", down.Round(time.Second))
	default:
		s.logger.Warn("not ready", "request_id", RequestID(r.Context()), "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("not ready: no database\n"))
	}
}
