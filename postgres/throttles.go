package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// HitThrottle counts one attempt of key in one statement (see
// beredskap.ThrottleTx).
func (t *staffTx) HitThrottle(ctx context.Context, key string, now time.Time, window time.Duration) (int, time.Time, error) {
	var (
		hits    int
		blocked *time.Time
	)
	now = stamp(now)
	err := t.tx.QueryRow(ctx, `INSERT INTO login_throttles AS l (key, hits, window_start, expires_at)
VALUES ($1, 1, $2, $4)
ON CONFLICT (key) DO UPDATE SET
	hits = CASE WHEN l.window_start <= $3 THEN 1 ELSE l.hits + 1 END,
	window_start = CASE WHEN l.window_start <= $3 THEN $2 ELSE l.window_start END,
	expires_at = GREATEST(l.expires_at, $4)
RETURNING hits, blocked_until`, key, now, now.Add(-window), now.Add(window)).Scan(&hits, &blocked)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("count attempt: %w", translate(err))
	}
	if blocked == nil {
		return hits, time.Time{}, nil
	}
	return hits, blocked.UTC(), nil
}

// ThrottleBlockedUntil returns until when key is blocked.
func (t *staffTx) ThrottleBlockedUntil(ctx context.Context, key string) (time.Time, error) {
	var blocked *time.Time
	err := t.tx.QueryRow(ctx, `SELECT blocked_until FROM login_throttles WHERE key = $1`, key).Scan(&blocked)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && blocked == nil) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read attempt block: %w", translate(err))
	}
	return blocked.UTC(), nil
}

// BlockThrottle blocks key until until, keeping a longer block.
func (t *staffTx) BlockThrottle(ctx context.Context, key string, until time.Time) error {
	_, err := t.tx.Exec(ctx, `UPDATE login_throttles SET
	blocked_until = GREATEST(blocked_until, $1),
	expires_at = GREATEST(expires_at, $1)
WHERE key = $2`, stamp(until), key)
	if err != nil {
		return fmt.Errorf("block attempts: %w", translate(err))
	}
	return nil
}

// ClearThrottle forgets key.
func (t *staffTx) ClearThrottle(ctx context.Context, key string) error {
	if _, err := t.tx.Exec(ctx, `DELETE FROM login_throttles WHERE key = $1`, key); err != nil {
		return fmt.Errorf("clear attempts: %w", translate(err))
	}
	return nil
}
