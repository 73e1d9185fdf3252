package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"beredskap"
)

// The login and request counters: attempts made at once are all counted,
// a window ends and the count starts again, a block is kept until it
// ends and never shortened, and a key can be forgotten.
func testThrottles(t *testing.T, h StaffHarness) {
	const key, attempts = "account:0123@192.0.2.7", 12
	window := 10 * time.Minute
	hit := func(at time.Time) (int, time.Time) {
		t.Helper()
		var n int
		var until time.Time
		update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
			var err error
			n, until, err = tx.HitThrottle(ctx, key, at, window)
			return err
		})
		return n, until
	}
	var wg sync.WaitGroup
	for range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := h.Store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
				_, _, err := tx.HitThrottle(ctx, key, staffStart, window)
				return err
			})
			if err != nil {
				t.Errorf("HitThrottle: %v", err)
			}
		}()
	}
	wg.Wait()
	if n, until := hit(staffStart.Add(window - time.Second)); n != attempts+1 || !until.IsZero() {
		t.Errorf("after %d attempts at once: count %d blocked until %v; want %d, not blocked", attempts, n, until, attempts+1)
	}

	blockedUntil := func() time.Time {
		t.Helper()
		var until time.Time
		update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
			var err error
			until, err = tx.ThrottleBlockedUntil(ctx, key)
			return err
		})
		return until
	}
	long, short := staffStart.Add(time.Hour), staffStart.Add(time.Minute)
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error { return tx.BlockThrottle(ctx, key, long) })
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error { return tx.BlockThrottle(ctx, key, short) })
	if got := blockedUntil(); !got.Equal(long) || got.Location() != time.UTC {
		t.Errorf("blocked until %v; want the longer block %v in UTC", got, long)
	}
	// A new window starts the count again; the block stays.
	if n, until := hit(staffStart.Add(window)); n != 1 || !until.Equal(long) {
		t.Errorf("in a new window: count %d blocked until %v; want 1, %v", n, until, long)
	}

	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error { return tx.ClearThrottle(ctx, key) })
	if got := blockedUntil(); !got.IsZero() {
		t.Errorf("after clearing: blocked until %v; want not blocked", got)
	}
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
		if err := tx.BlockThrottle(ctx, "account:unknown@192.0.2.8", long); err != nil {
			return err
		}
		if until, err := tx.ThrottleBlockedUntil(ctx, "account:unknown@192.0.2.8"); err != nil || !until.IsZero() {
			t.Errorf("blocking an unknown key: blocked until %v, %v; want not blocked", until, err)
		}
		return nil
	})
	if n, until := hit(staffStart); n != 1 || !until.IsZero() {
		t.Errorf("a forgotten key: count %d blocked until %v; want 1, not blocked", n, until)
	}
}
