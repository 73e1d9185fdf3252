// Package testwait lets a test wait for something that happens in another
// goroutine or process (a message arriving, a background round ending)
// for as long as the test itself may run, not for a fixed time: a fixed
// bound that is generous on a quiet machine fails on a loaded one, and
// the race detector makes everything several times slower. A wait that
// never ends still fails the test with a clear message, shortly before
// the deadline of `go test -timeout` would kill the whole test binary
// without saying what was awaited.
package testwait

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// poll is how often For looks at its condition again. It paces the
// looking only; nothing asserts on how often the condition was seen.
const poll = 5 * time.Millisecond

// Context returns a context that ends shortly before the test's deadline
// (see Deadline). A test without a deadline (a benchmark, or `go test
// -timeout 0`) gets one that never ends. Unlike tb.Context, it still runs
// in the test's cleanups, which may wait too.
func Context(tb testing.TB) context.Context {
	return Within(tb, context.Background())
}

// Within returns parent, ended also shortly before the test's deadline:
// for a context that must carry parent's values, such as a browser tab's.
func Within(tb testing.TB, parent context.Context) context.Context {
	d, ok := Deadline(tb)
	if !ok {
		return parent
	}
	ctx, cancel := context.WithDeadline(parent, d)
	tb.Cleanup(cancel)
	return ctx
}

// Deadline returns when a wait of the test must give up so that the test
// can still fail with its own message: shortly before `go test -timeout`
// ends the binary, leaving a tenth of the time that remains, at most 30
// seconds, to report it. ok is false when the test has no deadline.
func Deadline(tb testing.TB) (deadline time.Time, ok bool) {
	t, hasDeadline := tb.(interface{ Deadline() (time.Time, bool) })
	if !hasDeadline {
		return time.Time{}, false
	}
	end, ok := t.Deadline()
	if !ok {
		return time.Time{}, false
	}
	margin := min(time.Until(end)/10, 30*time.Second)
	return end.Add(-margin), true
}

// For waits until cond returns true and fails the test, saying that it
// was still waiting for what (a format with args), when the test's
// deadline comes first or the test ends. cond runs in the test's
// goroutine, every few milliseconds.
func For(tb testing.TB, cond func() bool, what string, args ...any) {
	tb.Helper()
	if !Until(tb, cond) {
		tb.Fatalf("gave up waiting, at the test's deadline, for %s", fmt.Sprintf(what, args...))
	}
}

// Until waits until cond returns true, as For does, but reports false
// instead of failing when the test's deadline comes first, for a caller
// that says itself what went missing.
func Until(tb testing.TB, cond func() bool) bool {
	ctx := Context(tb)
	t := time.NewTicker(poll)
	defer t.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return cond()
		case <-t.C:
		}
	}
	return true
}

// Receive waits for a value on ch, or for ch to be closed, and returns
// what it received, failing the test as For does when nothing comes
// before the test's deadline.
func Receive[T any](tb testing.TB, ch <-chan T, what string, args ...any) T {
	tb.Helper()
	select {
	case v := <-ch:
		return v
	default:
	}
	select {
	case v := <-ch:
		return v
	case <-Context(tb).Done():
		tb.Fatalf("gave up waiting, at the test's deadline, for %s", fmt.Sprintf(what, args...))
		var zero T
		return zero
	}
}
