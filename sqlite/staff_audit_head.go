package sqlite

import "sync"

// auditHead is the last audit entry and the reach of the search indexes as
// this process last committed or read them, so that an append need not
// read them first. It is a hint only: the append's insert checks, in the
// same statement, that the entry it follows is still the last one, and
// when another process has appended since, Audit reads the head and tries
// again.
type auditHead struct {
	mu    sync.Mutex
	known bool
	head  chainHead
}

// chainHead is the seq and hash of the last audit entry (0 and "" when the
// trail is empty) and the last entry the search indexes reach.
type chainHead struct {
	seq     int64
	hash    string
	indexed int64
}

// get returns the head and whether one is known.
func (h *auditHead) get() (chainHead, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.head, h.known
}

// committed records the head a committed transaction left.
func (h *auditHead) committed(c chainHead) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.known && h.head.indexed > c.indexed {
		c.indexed = h.head.indexed
	}
	h.head, h.known = c, true
}

// indexedUpTo records that the search indexes reach seq.
func (h *auditHead) indexedUpTo(seq int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.head.indexed = max(h.head.indexed, seq)
}
