// Package audithead holds a store's hint of the audit trail's last entry,
// so that an append need not read it first. A hint is only ever a guess:
// the stores append with a statement that checks, itself, that the entry
// it follows is still the last one, and read the head when it is not (as
// when another process or server appended in between, or a transaction
// that appended rolled back before the hint learnt of it).
package audithead

import "sync"

// Head is the seq and hash of an audit trail's last entry.
type Head struct {
	Seq  int64
	Hash string
}

// Hint is the last Head a store committed or read. The zero Hint knows
// none.
type Hint struct {
	mu    sync.Mutex
	known bool
	head  Head
}

// Get returns the head and whether one is known.
func (h *Hint) Get() (Head, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.head, h.known
}

// Set records the head a committed transaction left.
func (h *Hint) Set(head Head) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.head, h.known = head, true
}
