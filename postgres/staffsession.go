package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

// CreateEnrolment stores e, with its times in UTC to the microsecond
// (CreatedAt is the clock's time when zero). A hash stored already is
// ECONFLICT.
func (t *staffTx) CreateEnrolment(ctx context.Context, e *beredskap.Enrolment) error {
	if e.CreatedAt.IsZero() {
		e.CreatedAt = t.now()
	}
	e.CreatedAt, e.ExpiresAt, e.UsedAt = stamp(e.CreatedAt), stamp(e.ExpiresAt), stampPtr(e.UsedAt)
	tag, err := t.tx.Exec(ctx, `INSERT INTO enrolments (hash, user_id, created_at, expires_at, used_at)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, e.Hash, e.UserID, e.CreatedAt, e.ExpiresAt, e.UsedAt)
	if err != nil {
		return fmt.Errorf("create enrolment: %w", translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("create enrolment: %w", beredskap.Errorf(beredskap.ECONFLICT, "the enrolment exists already"))
	}
	return nil
}

// FindEnrolment returns the enrolment with the hash, used or not, or
// ENOTFOUND.
func (t *staffTx) FindEnrolment(ctx context.Context, hash string) (*beredskap.Enrolment, error) {
	var e beredskap.Enrolment
	err := t.tx.QueryRow(ctx, `SELECT hash, user_id, created_at, expires_at, used_at FROM enrolments WHERE hash = $1`,
		hash).Scan(&e.Hash, &e.UserID, &e.CreatedAt, &e.ExpiresAt, &e.UsedAt)
	if err != nil {
		return nil, fmt.Errorf("find enrolment: %w", noRows(err, "enrolment"))
	}
	e.CreatedAt, e.ExpiresAt, e.UsedAt = e.CreatedAt.UTC(), e.ExpiresAt.UTC(), utcPtr(e.UsedAt)
	return &e, nil
}

// UseEnrolment sets UsedAt of the unused enrolment with the hash. A used
// one is ECONFLICT, an unknown one ENOTFOUND.
func (t *staffTx) UseEnrolment(ctx context.Context, hash string, at time.Time) error {
	var usedBefore bool
	// The row lock of the UPDATE makes a concurrent use wait and then see
	// the link used.
	err := t.tx.QueryRow(ctx, `WITH used AS (
	UPDATE enrolments SET used_at = $2 WHERE hash = $1 AND used_at IS NULL RETURNING hash
)
SELECT NOT EXISTS (SELECT 1 FROM used) FROM enrolments WHERE hash = $1`, hash, stamp(at)).Scan(&usedBefore)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("use enrolment: %w", notFound("enrolment"))
	case err != nil:
		return fmt.Errorf("use enrolment: %w", err)
	case usedBefore:
		return fmt.Errorf("use enrolment: %w", beredskap.Errorf(beredskap.ECONFLICT, "the enrolment link was used already"))
	}
	return nil
}

// RevokeEnrolments marks every unused enrolment of the user used at at, and
// returns how many there were.
func (t *staffTx) RevokeEnrolments(ctx context.Context, userID int64, at time.Time) (int, error) {
	tag, err := t.tx.Exec(ctx, `UPDATE enrolments SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL`,
		userID, stamp(at))
	if err != nil {
		return 0, fmt.Errorf("revoke enrolments of user %d: %w", userID, err)
	}
	return int(tag.RowsAffected()), nil
}

const sessionColumns = `id, user_id, COALESCE(grant_id, 0), stage, csrf_token, created_at, last_seen_at, expires_at, address,
	totp_pending`

// CreateSession stores s, with its times in UTC to the microsecond
// (CreatedAt and LastSeenAt are the clock's time when zero). A session id
// stored already is ECONFLICT.
func (t *staffTx) CreateSession(ctx context.Context, s *beredskap.Session) error {
	if s.CreatedAt.IsZero() {
		s.CreatedAt = t.now()
	}
	if s.LastSeenAt.IsZero() {
		s.LastSeenAt = s.CreatedAt
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = stamp(s.CreatedAt), stamp(s.LastSeenAt), stamp(s.ExpiresAt)
	tag, err := t.tx.Exec(ctx, `INSERT INTO sessions (id, user_id, grant_id, stage, csrf_token, created_at,
	last_seen_at, expires_at, address, totp_pending)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
		s.ID, s.UserID, nullID(s.GrantID), string(s.Stage), s.CSRFToken, s.CreatedAt, s.LastSeenAt, s.ExpiresAt,
		s.Address, s.PendingTOTP)
	if err != nil {
		return fmt.Errorf("create session: %w", translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("create session: %w", beredskap.Errorf(beredskap.ECONFLICT, "the session exists already"))
	}
	return nil
}

// FindSession returns the session with the id, or ENOTFOUND.
func (t *staffTx) FindSession(ctx context.Context, id string) (*beredskap.Session, error) {
	var (
		s     beredskap.Session
		stage string
	)
	err := t.tx.QueryRow(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = $1`, id).Scan(
		&s.ID, &s.UserID, &s.GrantID, &stage, &s.CSRFToken, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt, &s.Address,
		&s.PendingTOTP)
	if err != nil {
		return nil, fmt.Errorf("find session: %w", noRows(err, "session"))
	}
	s.Stage = beredskap.SessionStage(stage)
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = s.CreatedAt.UTC(), s.LastSeenAt.UTC(), s.ExpiresAt.UTC()
	return &s, nil
}

// UpdateSession stores GrantID, Stage, CSRFToken, LastSeenAt and
// PendingTOTP of s. An unknown session is ENOTFOUND.
func (t *staffTx) UpdateSession(ctx context.Context, s *beredskap.Session) error {
	s.LastSeenAt = stamp(s.LastSeenAt)
	tag, err := t.tx.Exec(ctx, `UPDATE sessions SET grant_id = $2, stage = $3, csrf_token = $4, last_seen_at = $5,
	totp_pending = $6 WHERE id = $1`, s.ID, nullID(s.GrantID), string(s.Stage), s.CSRFToken, s.LastSeenAt, s.PendingTOTP)
	if err != nil {
		return fmt.Errorf("update session: %w", translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update session: %w", notFound("session"))
	}
	return nil
}

// DeleteSession removes the session with the id. An unknown session is
// ENOTFOUND.
func (t *staffTx) DeleteSession(ctx context.Context, id string) error {
	tag, err := t.tx.Exec(ctx, `DELETE FROM sessions WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete session: %w", notFound("session"))
	}
	return nil
}

// DeleteUserSessions removes every session of the user and returns how
// many there were.
func (t *staffTx) DeleteUserSessions(ctx context.Context, userID int64) (int, error) {
	tag, err := t.tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	if err != nil {
		return 0, fmt.Errorf("delete sessions of user %d: %w", userID, err)
	}
	return int(tag.RowsAffected()), nil
}

// DeleteOtherSessions removes every session of the user but keep, and
// returns how many there were.
func (t *staffTx) DeleteOtherSessions(ctx context.Context, userID int64, keep string) (int, error) {
	tag, err := t.tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, userID, keep)
	if err != nil {
		return 0, fmt.Errorf("delete other sessions of user %d: %w", userID, err)
	}
	return int(tag.RowsAffected()), nil
}

const tokenColumns = `id, user_id, COALESCE(grant_id, 0), name, hash, created_at, expires_at, revoked_at, last_used_at`

// CreateToken stores tok and sets its ID, with its times in UTC to the
// microsecond (CreatedAt is the clock's time when zero). A hash stored
// already is ECONFLICT.
func (t *staffTx) CreateToken(ctx context.Context, tok *beredskap.APIToken) error {
	if tok.CreatedAt.IsZero() {
		tok.CreatedAt = t.now()
	}
	tok.CreatedAt = stamp(tok.CreatedAt)
	tok.ExpiresAt, tok.RevokedAt, tok.LastUsedAt = stampPtr(tok.ExpiresAt), stampPtr(tok.RevokedAt), stampPtr(tok.LastUsedAt)
	var id int64
	err := t.tx.QueryRow(ctx, `INSERT INTO api_tokens (user_id, grant_id, name, hash, created_at, expires_at,
	revoked_at, last_used_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING id`,
		tok.UserID, nullID(tok.GrantID), tok.Name, tok.Hash, tok.CreatedAt, tok.ExpiresAt, tok.RevokedAt,
		tok.LastUsedAt).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("create token: %w", beredskap.Errorf(beredskap.ECONFLICT, "a token with that hash exists already"))
	}
	if err != nil {
		return fmt.Errorf("create token: %w", translate(err))
	}
	tok.ID = id
	return nil
}

func scanToken(row pgx.Row) (*beredskap.APIToken, error) {
	var tok beredskap.APIToken
	err := row.Scan(&tok.ID, &tok.UserID, &tok.GrantID, &tok.Name, &tok.Hash, &tok.CreatedAt, &tok.ExpiresAt,
		&tok.RevokedAt, &tok.LastUsedAt)
	if err != nil {
		return nil, err
	}
	tok.CreatedAt = tok.CreatedAt.UTC()
	tok.ExpiresAt, tok.RevokedAt, tok.LastUsedAt = utcPtr(tok.ExpiresAt), utcPtr(tok.RevokedAt), utcPtr(tok.LastUsedAt)
	return &tok, nil
}

// FindTokenByHash returns the token with the hash, revoked or expired ones
// too, or ENOTFOUND.
func (t *staffTx) FindTokenByHash(ctx context.Context, hash string) (*beredskap.APIToken, error) {
	tok, err := scanToken(t.tx.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE hash = $1`, hash))
	if err != nil {
		return nil, fmt.Errorf("find token: %w", noRows(err, "token"))
	}
	return tok, nil
}

// AuthEpoch returns the count of changes that can end what a token grants
// (migration 0006), in a statement of its own.
func (s *StaffStore) AuthEpoch(ctx context.Context) (int64, error) {
	var epoch int64
	if err := s.db.pool.QueryRow(ctx, authEpochQuery).Scan(&epoch); err != nil {
		return 0, fmt.Errorf("auth epoch: %w", s.db.unavailable(err))
	}
	return epoch, nil
}

// TouchToken sets LastUsedAt of the token. An unknown token is ENOTFOUND.
func (t *staffTx) TouchToken(ctx context.Context, id int64, at time.Time) error {
	tag, err := t.tx.Exec(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, id, stamp(at))
	if err != nil {
		return fmt.Errorf("touch token %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("touch token %d: %w", id, notFound("token"))
	}
	return nil
}

// RevokeToken sets RevokedAt of the token; a token revoked before keeps
// its first revocation time. An unknown token is ENOTFOUND.
func (t *staffTx) RevokeToken(ctx context.Context, id int64, at time.Time) error {
	tag, err := t.tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1`, id, stamp(at))
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("revoke token %d: %w", id, notFound("token"))
	}
	return nil
}

// RevokeUserTokens revokes every unrevoked token of the user and returns
// how many there were.
func (t *staffTx) RevokeUserTokens(ctx context.Context, userID int64, at time.Time) (int, error) {
	tag, err := t.tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`,
		userID, stamp(at))
	if err != nil {
		return 0, fmt.Errorf("revoke tokens of user %d: %w", userID, err)
	}
	return int(tag.RowsAffected()), nil
}

// ListTokens returns every token of the user, revoked ones too, oldest
// first.
func (t *staffTx) ListTokens(ctx context.Context, userID int64) ([]*beredskap.APIToken, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	toks, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.APIToken, error) { return scanToken(row) })
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return toks, nil
}
