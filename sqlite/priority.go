package sqlite

import (
	"context"
	"sync"
	"time"
)

// priority counts the writes that go before bulk work such as the
// retention purge on SQLite's one writer connection: registrations queued
// for or in a group commit, and transactions waiting for the connection.
// The purge begins a batch only when none is counted, or when it has
// waited long enough not to starve (AwaitWriter), and ends a batch early
// when one comes (WritersWaiting). Without it the purge, waiting for the
// connection, took it between two registration batches, and every batch of
// registrations waited for a batch of the purge.
type priority struct {
	mu sync.Mutex
	n  int
	// idle is closed while n is 0.
	idle chan struct{}
}

func newPriority() *priority {
	p := &priority{idle: make(chan struct{})}
	close(p.idle)
	return p
}

// enter counts one more write.
func (p *priority) enter() {
	p.mu.Lock()
	if p.n == 0 {
		p.idle = make(chan struct{})
	}
	p.n++
	p.mu.Unlock()
}

// leave counts one write less.
func (p *priority) leave() {
	p.mu.Lock()
	p.n--
	if p.n == 0 {
		close(p.idle)
	}
	p.mu.Unlock()
}

// busy reports whether a write is counted.
func (p *priority) busy() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n > 0
}

// await returns when no write is counted, after most at the latest, or
// with ctx's error when ctx ends first.
func (p *priority) await(ctx context.Context, most time.Duration) error {
	p.mu.Lock()
	idle := p.idle
	p.mu.Unlock()
	t := time.NewTimer(most)
	defer t.Stop()
	select {
	case <-idle:
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}
