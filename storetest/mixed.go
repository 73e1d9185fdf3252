package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"beredskap"
)

// testConcurrentMixed writes many registrations at once, half of them
// reusing a stored idempotency key with another body. The conflicting ones
// must fail with ECONFLICT and every other one must be stored: a store that
// writes concurrent registrations together (group commit) must not let one
// failure undo or fail the others.
func testConcurrentMixed(t *testing.T, open Opener) {
	s := open(t, NewClock(start, time.Millisecond).Now)
	ctx := context.Background()
	mustCreate(t, s, newRegistration(0, "0301", "taken", "hash-a"))
	const n = 24
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nr := newRegistration(i+1, "4601", "", "")
			if i%2 == 1 {
				nr = newRegistration(i+1, "4601", "taken", fmt.Sprintf("hash-other-%d", i))
			}
			_, _, errs[i] = s.CreateRegistration(ctx, nr)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		var want beredskap.Code
		if i%2 == 1 {
			want = beredskap.ECONFLICT
		}
		if got := beredskap.ErrorCode(err); got != want {
			t.Errorf("registration %d: code %q (%v); want %q", i, got, err, want)
		}
	}
	if got := len(listAll(t, s, beredskap.RegistrationFilter{Municipality: "4601"})); got != n/2 {
		t.Errorf("stored %d registrations in 4601; want %d", got, n/2)
	}
}
