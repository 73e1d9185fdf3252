package testwait_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"beredskap/internal/testwait"
)

// passed is a test whose deadline has passed; it records how it failed
// instead of failing the test that runs it.
type passed struct {
	*testing.T
	failure string
}

func (p *passed) Deadline() (time.Time, bool) { return time.Now(), true }

func (p *passed) Fatalf(format string, args ...any) {
	p.failure = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run runs wait with a test whose deadline has passed, in a goroutine of
// its own as the testing package runs a test, and returns its failure.
func run(t *testing.T, wait func(tb *passed)) string {
	p := &passed{T: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		wait(p)
	}()
	<-done
	return p.failure
}

// A wait whose condition never comes fails at the deadline and says what
// it waited for; one whose condition holds returns at once.
func TestForFailsAtTheDeadline(t *testing.T) {
	got := run(t, func(tb *passed) { testwait.For(tb, func() bool { return false }, "the %s", "receipt") })
	if !strings.Contains(got, "for the receipt") {
		t.Errorf("For with a condition that never holds failed with %q; want it to name what it waited for", got)
	}
	if got := run(t, func(tb *passed) { testwait.For(tb, func() bool { return true }, "nothing") }); got != "" {
		t.Errorf("For with a condition that holds failed with %q", got)
	}
}

func TestReceiveFailsAtTheDeadline(t *testing.T) {
	got := run(t, func(tb *passed) { testwait.Receive(tb, make(chan int), "a number") })
	if !strings.Contains(got, "for a number") {
		t.Errorf("Receive on a silent channel failed with %q; want it to name what it waited for", got)
	}
	ch := make(chan int, 1)
	ch <- 7
	var v int
	if got := run(t, func(tb *passed) { v = testwait.Receive(tb, ch, "a number") }); got != "" || v != 7 {
		t.Errorf("Receive of a sent value = %d, failure %q; want 7", v, got)
	}
}

// A test's own deadline, from go test -timeout, is moved earlier so that
// a wait gives up before the binary is killed.
func TestDeadlineComesBeforeTheTestsDeadline(t *testing.T) {
	end, ok := t.Deadline()
	got, gotOK := testwait.Deadline(t)
	if ok != gotOK || (ok && !got.Before(end)) {
		t.Errorf("Deadline = %v, %v; the test's is %v, %v", got, gotOK, end, ok)
	}
}
