package auth

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func allowed(l *Limiter, key string, now time.Time, n int) int {
	got := 0
	for range n {
		if l.Allow(key, now) {
			got++
		}
	}
	return got
}

func TestLimiterBurstAndRefill(t *testing.T) {
	l := NewLimiter(6, 3) // one token every 10 s
	if got := allowed(l, "10.0.0.1", t0, 5); got != 3 {
		t.Fatalf("burst: %d allowed, want 3", got)
	}
	if got := allowed(l, "10.0.0.2", t0, 5); got != 3 {
		t.Errorf("another key: %d allowed, want its own 3", got)
	}
	if l.Allow("10.0.0.1", t0.Add(9*time.Second)) {
		t.Error("allowed after 9 s, before a token was back")
	}
	if !l.Allow("10.0.0.1", t0.Add(10*time.Second)) {
		t.Error("refused after 10 s, when one token was back")
	}
	if l.Allow("10.0.0.1", t0.Add(11*time.Second)) {
		t.Error("allowed twice on one token")
	}
	if got := allowed(l, "10.0.0.1", t0.Add(time.Hour), 5); got != 3 {
		t.Errorf("after an hour: %d allowed, want a full burst of 3", got)
	}
}

func TestLimiterForgetsIdleKeys(t *testing.T) {
	l := NewLimiter(60, 5) // full again 5 s after the last use
	for i := range 100 {
		l.Allow(fmt.Sprint("key", i), t0)
	}
	if l.Len() != 100 {
		t.Fatalf("Len = %d, want 100", l.Len())
	}
	l.Allow("busy", t0.Add(4*time.Second))
	if l.Len() != 101 {
		t.Errorf("after 4 s Len = %d, want 101 (nobody idle yet)", l.Len())
	}
	l.Allow("busy", t0.Add(5*time.Second))
	if l.Len() != 1 {
		t.Errorf("after 5 s Len = %d, want 1", l.Len())
	}
	// A key that was refused is not forgotten before its bucket is full.
	for range 10 {
		l.Allow("greedy", t0.Add(6*time.Second))
	}
	if l.Allow("greedy", t0.Add(7*time.Second)) != true {
		t.Error("one token should be back after 1 s")
	}
	if l.Allow("greedy", t0.Add(7*time.Second)) {
		t.Error("allowed beyond the rate")
	}
}

func TestLimiterCap(t *testing.T) {
	l := NewLimiter(1, 1)
	l.max = 50
	for i := range 200 {
		l.Allow(fmt.Sprint("key", i), t0)
		if l.Len() > 50 {
			t.Fatalf("Len = %d after %d keys, want at most 50", l.Len(), i+1)
		}
	}
	// The least recently used keys went first; the newest are remembered.
	if l.Allow("key199", t0) {
		t.Error("key199 was forgotten although it was used last")
	}
	if !l.Allow("key0", t0) {
		t.Error("key0 should have been forgotten and start with a full bucket")
	}
}

func TestLimiterConcurrent(t *testing.T) {
	l := NewLimiter(60, 10)
	var ok atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				if l.Allow(fmt.Sprint("k", i%4), t0) {
					ok.Add(1)
				}
				l.Allow(fmt.Sprint("g", g, "-", i), t0)
			}
		})
	}
	wg.Wait()
	if got := ok.Load(); got != 40 {
		t.Errorf("%d allowed across 4 shared keys, want 4 × burst 10 = 40", got)
	}
}
