package auth

import (
	"container/list"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// MaxLimiterKeys bounds how many keys a Limiter remembers. When it is full
// the key used least recently is forgotten first.
const MaxLimiterKeys = 100_000

// Limiter is a token bucket per key, such as a client address: each key may
// take burst attempts at once and perMinute a minute after that. It forgets
// keys whose bucket has filled up again, which costs nothing because a full
// bucket is what a new key gets, and never holds more than MaxLimiterKeys.
// It is safe for concurrent use.
type Limiter struct {
	limit rate.Limit
	burst int
	idle  time.Duration // time after which an unused bucket is full again
	max   int

	mu   sync.Mutex
	keys map[string]*list.Element // values are *bucket
	lru  list.List                // most recently used at the front
}

type bucket struct {
	key  string
	lim  *rate.Limiter
	last time.Time
}

// NewLimiter returns a limiter that lets each key make burst attempts at
// once and perMinute attempts a minute. Values below 1 are taken as 1.
func NewLimiter(perMinute, burst int) *Limiter {
	perMinute = max(perMinute, 1)
	burst = max(burst, 1)
	l := &Limiter{
		limit: rate.Limit(float64(perMinute) / 60),
		burst: burst,
		idle:  time.Duration(float64(burst) / float64(perMinute) * float64(time.Minute)),
		max:   MaxLimiterKeys,
		keys:  make(map[string]*list.Element),
	}
	return l
}

// Allow reports whether key may make one attempt at now, and takes a token
// from its bucket when it may.
func (l *Limiter) Allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evictIdle(now)
	var b *bucket
	if e, ok := l.keys[key]; ok {
		b = e.Value.(*bucket)
		l.lru.MoveToFront(e)
	} else {
		for len(l.keys) >= l.max {
			l.remove(l.lru.Back())
		}
		b = &bucket{key: key, lim: rate.NewLimiter(l.limit, l.burst)}
		l.keys[key] = l.lru.PushFront(b)
	}
	if now.After(b.last) {
		b.last = now
	}
	return b.lim.AllowN(now, 1)
}

// Len returns how many keys the limiter remembers.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// evictIdle forgets keys, least recently used first, that have not been
// used for long enough for their bucket to be full again.
func (l *Limiter) evictIdle(now time.Time) {
	for e := l.lru.Back(); e != nil; e = l.lru.Back() {
		if now.Sub(e.Value.(*bucket).last) < l.idle {
			return
		}
		l.remove(e)
	}
}

func (l *Limiter) remove(e *list.Element) {
	delete(l.keys, e.Value.(*bucket).key)
	l.lru.Remove(e)
}
