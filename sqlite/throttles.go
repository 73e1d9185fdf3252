package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// HitThrottle counts one attempt of key in one statement (see
// beredskap.ThrottleTx).
func (t *staffTx) HitThrottle(ctx context.Context, key string, now time.Time, window time.Duration) (int, time.Time, error) {
	var (
		hits    int
		blocked sql.NullString
	)
	err := t.tx.QueryRowContext(ctx, `INSERT INTO login_throttles (key, hits, window_start, expires_at)
VALUES (?1, 1, ?2, ?4)
ON CONFLICT (key) DO UPDATE SET
	hits = CASE WHEN window_start <= ?3 THEN 1 ELSE hits + 1 END,
	window_start = CASE WHEN window_start <= ?3 THEN ?2 ELSE window_start END,
	expires_at = max(expires_at, ?4)
RETURNING hits, blocked_until`, key, fmtTime(now), fmtTime(now.Add(-window)), fmtTime(now.Add(window))).Scan(&hits, &blocked)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("count attempt: %w", translate(err))
	}
	until, err := parseOpt(blocked)
	if err != nil || until == nil {
		return hits, time.Time{}, err
	}
	return hits, *until, nil
}

// ThrottleBlockedUntil returns until when key is blocked.
func (t *staffTx) ThrottleBlockedUntil(ctx context.Context, key string) (time.Time, error) {
	var blocked sql.NullString
	err := t.tx.QueryRowContext(ctx, `SELECT blocked_until FROM login_throttles WHERE key = ?`, key).Scan(&blocked)
	if err == sql.ErrNoRows {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read attempt block: %w", translate(err))
	}
	until, err := parseOpt(blocked)
	if err != nil || until == nil {
		return time.Time{}, err
	}
	return *until, nil
}

// BlockThrottle blocks key until until, keeping a longer block.
func (t *staffTx) BlockThrottle(ctx context.Context, key string, until time.Time) error {
	u := fmtTime(until)
	_, err := t.tx.ExecContext(ctx, `UPDATE login_throttles SET
	blocked_until = CASE WHEN blocked_until IS NULL OR blocked_until < ?1 THEN ?1 ELSE blocked_until END,
	expires_at = max(expires_at, ?1)
WHERE key = ?2`, u, key)
	if err != nil {
		return fmt.Errorf("block attempts: %w", translate(err))
	}
	return nil
}

// ClearThrottle forgets key.
func (t *staffTx) ClearThrottle(ctx context.Context, key string) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM login_throttles WHERE key = ?`, key); err != nil {
		return fmt.Errorf("clear attempts: %w", translate(err))
	}
	return nil
}
