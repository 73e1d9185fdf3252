package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"beredskap"
)

// ReplaceRecoveryCodes replaces the user's recovery codes with the given
// SHA-256 hashes, all unused.
func (t *staffTx) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("replace recovery codes: %w", err)
	}
	if len(hashes) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(hashes))
	for _, h := range hashes {
		args = append(args, userID, h)
	}
	values := strings.Repeat("(?, ?), ", len(hashes)-1) + "(?, ?)"
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, hash) VALUES `+values, args...); err != nil {
		return fmt.Errorf("replace recovery codes: %w", translate(err))
	}
	return nil
}

// UseRecoveryCode marks the user's unused code with the hash used at at, and
// reports false when there is no such code.
func (t *staffTx) UseRecoveryCode(ctx context.Context, userID int64, hash string, at time.Time) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND hash = ? AND used_at IS NULL`,
		fmtTime(at), userID, hash)
	if err != nil {
		return false, fmt.Errorf("use recovery code: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("use recovery code: %w", err)
	}
	return n == 1, nil
}

// CreateEnrolment stores e, setting CreatedAt from the clock when zero. A
// hash stored before is ECONFLICT.
func (t *staffTx) CreateEnrolment(ctx context.Context, e *beredskap.Enrolment) error {
	if e.CreatedAt.IsZero() {
		e.CreatedAt = t.now()
	}
	e.CreatedAt, e.ExpiresAt, e.UsedAt = stamp(e.CreatedAt), stamp(e.ExpiresAt), stampOpt(e.UsedAt)
	_, err := t.tx.ExecContext(ctx, `INSERT INTO enrolments (hash, user_id, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?)`,
		e.Hash, e.UserID, fmtTime(e.CreatedAt), fmtTime(e.ExpiresAt), fmtOpt(e.UsedAt))
	if err != nil {
		return fmt.Errorf("create enrolment: %w", translate(err))
	}
	return nil
}

// FindEnrolment returns the enrolment with the hash, used or not, or
// ENOTFOUND.
func (t *staffTx) FindEnrolment(ctx context.Context, hash string) (*beredskap.Enrolment, error) {
	var (
		e                beredskap.Enrolment
		created, expires string
		used             sql.NullString
	)
	err := t.tx.QueryRowContext(ctx, `SELECT hash, user_id, created_at, expires_at, used_at FROM enrolments WHERE hash = ?`, hash).
		Scan(&e.Hash, &e.UserID, &created, &expires, &used)
	if err != nil {
		return nil, fmt.Errorf("find enrolment: %w", noRows(err, "enrolment"))
	}
	if e.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("find enrolment: %w", err)
	}
	if e.ExpiresAt, err = parseTime(expires); err != nil {
		return nil, fmt.Errorf("find enrolment: %w", err)
	}
	if e.UsedAt, err = parseOpt(used); err != nil {
		return nil, fmt.Errorf("find enrolment: %w", err)
	}
	return &e, nil
}

// UseEnrolment sets UsedAt of an unused enrolment. A used one is ECONFLICT,
// an unknown one ENOTFOUND.
func (t *staffTx) UseEnrolment(ctx context.Context, hash string, at time.Time) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE enrolments SET used_at = ? WHERE hash = ? AND used_at IS NULL`, fmtTime(at), hash)
	if err != nil {
		return fmt.Errorf("use enrolment: %w", err)
	}
	if err := t.changedOrWhy(ctx, res, "enrolments", "hash", hash, "the enrolment link was used already"); err != nil {
		return fmt.Errorf("use enrolment: %w", err)
	}
	return nil
}

// RevokeEnrolments marks every unused enrolment of the user used at at, and
// returns how many there were.
func (t *staffTx) RevokeEnrolments(ctx context.Context, userID int64, at time.Time) (int, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE enrolments SET used_at = ? WHERE user_id = ? AND used_at IS NULL`,
		fmtTime(stamp(at)), userID)
	if err != nil {
		return 0, fmt.Errorf("revoke enrolments of user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("revoke enrolments of user %d: %w", userID, err)
	}
	return int(n), nil
}

const sessionColumns = `id, user_id, grant_id, stage, csrf_token, created_at, last_seen_at, expires_at, address, totp_pending`

// CreateSession stores s, setting CreatedAt and LastSeenAt from the clock
// when zero. An id stored before is ECONFLICT.
func (t *staffTx) CreateSession(ctx context.Context, s *beredskap.Session) error {
	if s.CreatedAt.IsZero() {
		s.CreatedAt = t.now()
	}
	if s.LastSeenAt.IsZero() {
		s.LastSeenAt = s.CreatedAt
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = stamp(s.CreatedAt), stamp(s.LastSeenAt), stamp(s.ExpiresAt)
	_, err := t.tx.ExecContext(ctx, `INSERT INTO sessions (`+sessionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.UserID, s.GrantID, string(s.Stage), s.CSRFToken, fmtTime(s.CreatedAt), fmtTime(s.LastSeenAt),
		fmtTime(s.ExpiresAt), s.Address, s.PendingTOTP)
	if err != nil {
		return fmt.Errorf("create session: %w", translate(err))
	}
	return nil
}

// FindSession returns the session with the id, expired or not, or
// ENOTFOUND.
func (t *staffTx) FindSession(ctx context.Context, id string) (*beredskap.Session, error) {
	var (
		s                      beredskap.Session
		stage                  string
		created, seen, expires string
	)
	err := t.tx.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = ?`, id).
		Scan(&s.ID, &s.UserID, &s.GrantID, &stage, &s.CSRFToken, &created, &seen, &expires, &s.Address, &s.PendingTOTP)
	if err != nil {
		return nil, fmt.Errorf("find session: %w", noRows(err, "session"))
	}
	s.Stage = beredskap.SessionStage(stage)
	if s.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	if s.LastSeenAt, err = parseTime(seen); err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	if s.ExpiresAt, err = parseTime(expires); err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	return &s, nil
}

// UpdateSession stores GrantID, Stage, CSRFToken, LastSeenAt and
// PendingTOTP, or returns ENOTFOUND.
func (t *staffTx) UpdateSession(ctx context.Context, s *beredskap.Session) error {
	s.LastSeenAt = stamp(s.LastSeenAt)
	err := t.execOne(ctx, "session", `UPDATE sessions SET grant_id = ?, stage = ?, csrf_token = ?, last_seen_at = ?, totp_pending = ? WHERE id = ?`,
		s.GrantID, string(s.Stage), s.CSRFToken, fmtTime(s.LastSeenAt), s.PendingTOTP, s.ID)
	if err != nil {
		return fmt.Errorf("update session: %w", err)
	}
	return nil
}

// DeleteSession removes the session with the id, or returns ENOTFOUND.
func (t *staffTx) DeleteSession(ctx context.Context, id string) error {
	if err := t.execOne(ctx, "session", `DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions removes every session of the user and returns how many
// there were.
func (t *staffTx) DeleteUserSessions(ctx context.Context, userID int64) (int, error) {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	if err != nil {
		return 0, fmt.Errorf("delete sessions of user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete sessions of user %d: %w", userID, err)
	}
	return int(n), nil
}

// DeleteOtherSessions removes every session of the user but keep, and
// returns how many there were.
func (t *staffTx) DeleteOtherSessions(ctx context.Context, userID int64, keep string) (int, error) {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, keep)
	if err != nil {
		return 0, fmt.Errorf("delete other sessions of user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete other sessions of user %d: %w", userID, err)
	}
	return int(n), nil
}

const tokenColumns = `id, user_id, grant_id, name, hash, created_at, expires_at, revoked_at, last_used_at`

// findTokenQuery finds a token by its hash, on every API request; it is
// prepared at Open.
const findTokenQuery = `SELECT ` + tokenColumns + ` FROM api_tokens WHERE hash = ?`

// authEpochQuery reads the count of auth_epoch (migration 0007), on every
// API request; it is prepared at Open.
const authEpochQuery = `SELECT epoch FROM auth_epoch WHERE id = 1`

// AuthEpoch returns the count of changes that can end what a token grants,
// read on the read pool in a statement of its own.
func (s *StaffStore) AuthEpoch(ctx context.Context) (int64, error) {
	var epoch int64
	if err := s.db.stmts.read[authEpochQuery].QueryRowContext(ctx).Scan(&epoch); err != nil {
		return 0, fmt.Errorf("auth epoch: %w", err)
	}
	return epoch, nil
}

// CreateToken stores tok and sets its ID (and CreatedAt, when zero, from the
// clock). A hash stored before is ECONFLICT.
func (t *staffTx) CreateToken(ctx context.Context, tok *beredskap.APIToken) error {
	if tok.CreatedAt.IsZero() {
		tok.CreatedAt = t.now()
	}
	tok.CreatedAt = stamp(tok.CreatedAt)
	tok.ExpiresAt, tok.RevokedAt, tok.LastUsedAt = stampOpt(tok.ExpiresAt), stampOpt(tok.RevokedAt), stampOpt(tok.LastUsedAt)
	err := t.tx.QueryRowContext(ctx, `INSERT INTO api_tokens (
	user_id, grant_id, name, hash, created_at, expires_at, revoked_at, last_used_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		tok.UserID, tok.GrantID, tok.Name, tok.Hash, fmtTime(tok.CreatedAt), fmtOpt(tok.ExpiresAt),
		fmtOpt(tok.RevokedAt), fmtOpt(tok.LastUsedAt)).Scan(&tok.ID)
	if err != nil {
		return fmt.Errorf("create token: %w", translate(err))
	}
	return nil
}

// FindTokenByHash returns the token with the hash, revoked or expired or
// not, or ENOTFOUND.
func (t *staffTx) FindTokenByHash(ctx context.Context, hash string) (*beredskap.APIToken, error) {
	tok, err := scanToken(t.queryRow(ctx, findTokenQuery, hash))
	if err != nil {
		return nil, fmt.Errorf("find token: %w", noRows(err, "token"))
	}
	return tok, nil
}

// scanToken reads a row of tokenColumns.
func scanToken(row interface{ Scan(...any) error }) (*beredskap.APIToken, error) {
	var (
		tok                    beredskap.APIToken
		created                string
		expires, revoked, used sql.NullString
	)
	err := row.Scan(&tok.ID, &tok.UserID, &tok.GrantID, &tok.Name, &tok.Hash, &created, &expires, &revoked, &used)
	if err != nil {
		return nil, err
	}
	if tok.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("token %d: %w", tok.ID, err)
	}
	if tok.ExpiresAt, err = parseOpt(expires); err != nil {
		return nil, fmt.Errorf("token %d: %w", tok.ID, err)
	}
	if tok.RevokedAt, err = parseOpt(revoked); err != nil {
		return nil, fmt.Errorf("token %d: %w", tok.ID, err)
	}
	if tok.LastUsedAt, err = parseOpt(used); err != nil {
		return nil, fmt.Errorf("token %d: %w", tok.ID, err)
	}
	return &tok, nil
}

// TouchToken sets LastUsedAt of the token, or returns ENOTFOUND.
func (t *staffTx) TouchToken(ctx context.Context, id int64, at time.Time) error {
	if err := t.execOne(ctx, "token", `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, fmtTime(at), id); err != nil {
		return fmt.Errorf("touch token %d: %w", id, err)
	}
	return nil
}

// RevokeToken sets RevokedAt of an unrevoked token. An unknown token is
// ENOTFOUND; a revoked one keeps its first RevokedAt.
func (t *staffTx) RevokeToken(ctx context.Context, id int64, at time.Time) error {
	err := t.execOne(ctx, "token", `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`, fmtTime(at), id)
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	return nil
}

// RevokeUserTokens revokes every unrevoked token of the user and returns how
// many there were.
func (t *staffTx) RevokeUserTokens(ctx context.Context, userID int64, at time.Time) (int, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`,
		fmtTime(at), userID)
	if err != nil {
		return 0, fmt.Errorf("revoke tokens of user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("revoke tokens of user %d: %w", userID, err)
	}
	return int(n), nil
}

// ListTokens returns every token of the user, revoked ones too, by id.
func (t *staffTx) ListTokens(ctx context.Context, userID int64) ([]*beredskap.APIToken, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens of user %d: %w", userID, err)
	}
	defer rows.Close()
	var toks []*beredskap.APIToken
	for rows.Next() {
		tok, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list tokens of user %d: %w", userID, err)
		}
		toks = append(toks, tok)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tokens of user %d: %w", userID, err)
	}
	return toks, nil
}
