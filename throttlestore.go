package beredskap

import (
	"context"
	"time"
)

// ThrottleTx keeps the counters that slow down logins and self-filed access
// requests: per client address, and per account (the e-mail typed, known
// or not) and address. They live in the database so that every instance
// serving it counts into the same rows, and each change is one statement,
// so that concurrent attempts are all counted.
type ThrottleTx interface {
	// HitThrottle counts one attempt of key at now and returns the count
	// in the current window and until when key is blocked (zero when it
	// is not). A window starts with the first attempt and lasts window;
	// an attempt after it ends starts a new one, counted from 1.
	HitThrottle(ctx context.Context, key string, now time.Time, window time.Duration) (count int, blockedUntil time.Time, err error)
	// ThrottleBlockedUntil returns until when key is blocked, zero when
	// it is not or is unknown.
	ThrottleBlockedUntil(ctx context.Context, key string) (time.Time, error)
	// BlockThrottle blocks key until until; an existing longer block
	// stays. An unknown key is no error and stays unknown.
	BlockThrottle(ctx context.Context, key string, until time.Time) error
	// ClearThrottle forgets key.
	ClearThrottle(ctx context.Context, key string) error
}
