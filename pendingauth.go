package beredskap

import (
	"context"
	"sync"
	"sync/atomic"
)

// PendingAuth is an authentication taken from memory under an auth epoch
// (StaffStore.AuthEpoch) that its request has still to confirm. A store
// that confirms auth epochs (AuthEpochConfirmer) reads the epoch with the
// first statement of each transaction of the request, in the same round
// trip, instead of the request reading it in a round trip of its own
// first: when it is the epoch the authentication was taken under, the
// authentication stands (Stand); when it moved, nothing of the
// transaction is kept, the authentication is confirmed again (Confirm) and
// the transaction runs anew, or fails with Confirm's error. What no
// transaction confirmed is confirmed before the request answers.
type PendingAuth struct {
	epoch   int64
	confirm func(context.Context) error
	state   atomic.Int32
	once    sync.Once
	err     error
}

// The states of a PendingAuth: still to confirm, standing (a transaction
// read its epoch), and being or having been confirmed again.
const (
	authOpen int32 = iota
	authStands
	authConfirming
)

// NewPendingAuth returns an authentication taken under epoch, which
// confirm confirms again against the store (reading the epoch, and what it
// covers when it moved) and ends with an error.
func NewPendingAuth(epoch int64, confirm func(context.Context) error) *PendingAuth {
	return &PendingAuth{epoch: epoch, confirm: confirm}
}

// Epoch returns the auth epoch the authentication was taken under.
func (p *PendingAuth) Epoch() int64 { return p.epoch }

// Open reports whether the authentication is still to be confirmed.
func (p *PendingAuth) Open() bool { return p.state.Load() == authOpen }

// Stand records that a transaction of the request read the epoch the
// authentication was taken under.
func (p *PendingAuth) Stand() { p.state.CompareAndSwap(authOpen, authStands) }

// Confirm returns nil when the authentication stands, and otherwise
// confirms it again, once, and returns the same answer on every call:
// nil when it still holds, else the error that ends it. While it runs,
// the authentication is no longer open, so that the stores it reads do
// not confirm it in turn.
func (p *PendingAuth) Confirm(ctx context.Context) error {
	if p.state.Load() == authStands {
		return nil
	}
	p.once.Do(func() {
		p.state.Store(authConfirming)
		p.err = p.confirm(ctx)
	})
	return p.err
}

type pendingAuthKey struct{}

// WithPendingAuth returns a context that carries p.
func WithPendingAuth(ctx context.Context, p *PendingAuth) context.Context {
	return context.WithValue(ctx, pendingAuthKey{}, p)
}

// PendingAuthFrom returns the pending authentication ctx carries, nil
// when it carries none.
func PendingAuthFrom(ctx context.Context) *PendingAuth {
	p, _ := ctx.Value(pendingAuthKey{}).(*PendingAuth)
	return p
}

// AuthEpochConfirmer is a StaffStore that confirms the PendingAuth of the
// context in every transaction, as PendingAuth describes, so that an
// authentication taken from memory may leave its epoch to the request's
// first transaction.
type AuthEpochConfirmer interface {
	StaffStore
	// ConfirmsAuthEpoch marks the store; it does nothing.
	ConfirmsAuthEpoch()
}
