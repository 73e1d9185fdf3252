package postgres

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

const userColumns = `id, email, first_name, last_name, mobile, national_id, organisation, position, status,
	password_hash, totp_secret, totp_last_step, created_at`

// CreateUser stores u with no grants and sets its ID. The e-mail is stored
// in lower case, and u.Email and u.CreatedAt are set to what was stored
// (CreatedAt is the clock's time when zero). A taken e-mail or national
// identity number is ECONFLICT.
func (t *staffTx) CreateUser(ctx context.Context, u *beredskap.User) error {
	email := strings.ToLower(u.Email)
	created := u.CreatedAt
	if created.IsZero() {
		created = t.now()
	}
	created = stamp(created)
	status := u.Status
	if status == "" {
		status = beredskap.UserActive
	}
	var id int64
	err := t.tx.QueryRow(ctx, `INSERT INTO users (email, first_name, last_name, mobile, national_id, organisation,
	position, status, password_hash, totp_secret, totp_last_step, failed_logins, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12)
ON CONFLICT DO NOTHING RETURNING id`,
		email, u.FirstName, u.LastName, u.Mobile, u.NationalID, u.Organisation, u.Position, string(status),
		u.PasswordHash, u.TOTPSecret, u.TOTPLastStep, created).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("create user: %w", beredskap.Errorf(beredskap.ECONFLICT, "a user with that e-mail exists already"))
	}
	if err != nil {
		return fmt.Errorf("create user: %w", translate(err))
	}
	u.ID, u.Email, u.Status, u.CreatedAt = id, email, status, created
	return nil
}

// UpdateUser stores every field of u except ID, Email, CreatedAt and
// Grants. An unknown user is ENOTFOUND; a national identity number another
// user has is ECONFLICT.
func (t *staffTx) UpdateUser(ctx context.Context, u *beredskap.User) error {
	tag, err := t.execSavepoint(ctx, `UPDATE users SET first_name = $2, last_name = $3, mobile = $4, national_id = $5,
	organisation = $6, position = $7, status = $8, password_hash = $9,
	totp_last_step = CASE WHEN totp_secret = $10 THEN GREATEST(totp_last_step, $11) ELSE $11 END,
	totp_secret = $10
WHERE id = $1`,
		u.ID, u.FirstName, u.LastName, u.Mobile, u.NationalID, u.Organisation, u.Position, string(u.Status),
		u.PasswordHash, u.TOTPSecret, u.TOTPLastStep)
	if err != nil {
		return fmt.Errorf("update user %d: %w", u.ID, translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update user %d: %w", u.ID, notFound("user"))
	}
	return nil
}

// UseTOTPStep records step as the user's last used TOTP step when it is
// after the recorded one, and reports whether it was.
func (t *staffTx) UseTOTPStep(ctx context.Context, userID int64, step int64) (bool, error) {
	tag, err := t.tx.Exec(ctx, `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2`, userID, step)
	if err != nil {
		return false, fmt.Errorf("use totp step of user %d: %w", userID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// FindUser returns the user with the id and all their grants, or
// ENOTFOUND.
func (t *staffTx) FindUser(ctx context.Context, id int64) (*beredskap.User, error) {
	u, err := t.findUser(ctx, `id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("find user %d: %w", id, err)
	}
	return u, nil
}

// FindUserByEmail returns the user with the e-mail, matched
// case-insensitively, and all their grants, or ENOTFOUND.
func (t *staffTx) FindUserByEmail(ctx context.Context, email string) (*beredskap.User, error) {
	u, err := t.findUser(ctx, `email = lower($1)`, email)
	if err != nil {
		return nil, fmt.Errorf("find user by e-mail: %w", err)
	}
	return u, nil
}

// FindUserByNationalID returns the user with the national identity number
// and all their grants, or ENOTFOUND. An empty number matches no one.
func (t *staffTx) FindUserByNationalID(ctx context.Context, nationalID string) (*beredskap.User, error) {
	u, err := t.findUser(ctx, `national_id = $1 AND national_id <> ''`, nationalID)
	if err != nil {
		return nil, fmt.Errorf("find user by national id: %w", err)
	}
	return u, nil
}

func (t *staffTx) findUser(ctx context.Context, where string, arg any) (*beredskap.User, error) {
	u, err := scanUser(t.tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if err != nil {
		return nil, noRows(err, "user")
	}
	if err := t.loadGrants(ctx, []*beredskap.User{u}); err != nil {
		return nil, err
	}
	return u, nil
}

func scanUser(row pgx.Row) (*beredskap.User, error) {
	var (
		u      beredskap.User
		status string
	)
	err := row.Scan(&u.ID, &u.Email, &u.FirstName, &u.LastName, &u.Mobile, &u.NationalID, &u.Organisation,
		&u.Position, &status, &u.PasswordHash, &u.TOTPSecret, &u.TOTPLastStep, &u.CreatedAt)
	if err != nil {
		return nil, err
	}
	u.Status = beredskap.UserStatus(status)
	u.CreatedAt = u.CreatedAt.UTC()
	return &u, nil
}

const grantColumns = `id, user_id, role, scope_kind, scope_code, valid_from, valid_to, ended_at,
	provenance, ordered_by, approved_by, created_at`

// loadGrants sets the Grants of every user, ordered by id.
func (t *staffTx) loadGrants(ctx context.Context, users []*beredskap.User) error {
	if len(users) == 0 {
		return nil
	}
	byID := make(map[int64]*beredskap.User, len(users))
	ids := make([]int64, 0, len(users))
	for _, u := range users {
		byID[u.ID] = u
		ids = append(ids, u.ID)
		u.Grants = nil
	}
	rows, err := t.tx.Query(ctx, `SELECT `+grantColumns+` FROM grants WHERE user_id = ANY($1) ORDER BY id`, ids)
	if err != nil {
		return fmt.Errorf("load grants: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			g           beredskap.Grant
			role, scope string
		)
		err := rows.Scan(&g.ID, &g.UserID, &role, &scope, &g.Scope.Code, &g.ValidFrom, &g.ValidTo, &g.EndedAt,
			&g.Provenance, &g.OrderedBy, &g.ApprovedBy, &g.CreatedAt)
		if err != nil {
			return fmt.Errorf("load grants: %w", err)
		}
		g.Role, g.Scope.Kind = beredskap.Role(role), beredskap.ScopeKind(scope)
		g.ValidFrom, g.CreatedAt = g.ValidFrom.UTC(), g.CreatedAt.UTC()
		g.ValidTo, g.EndedAt = utcPtr(g.ValidTo), utcPtr(g.EndedAt)
		u := byID[g.UserID]
		u.Grants = append(u.Grants, g)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load grants: %w", err)
	}
	return nil
}

// ListUsers returns users ordered by e-mail, with their grants, at most
// f.Limit (50 when unset, never more than beredskap.MaxPageSize), and the
// next page's token or "". Query matches part of the e-mail or the name,
// case-insensitively; Municipality selects users with a grant (ended or
// not) scoped to that municipality. A malformed page token is EINVALID on
// page_token.
func (t *staffTx) ListUsers(ctx context.Context, f beredskap.UserFilter) ([]*beredskap.User, string, error) {
	limit := pageLimit(f.Limit)
	query := `SELECT ` + userColumns + ` FROM users WHERE true`
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Query != "" {
		q := arg(strings.ToLower(f.Query))
		query += ` AND (strpos(email, ` + q + `) > 0 OR strpos(lower(first_name || ' ' || last_name), ` + q + `) > 0)`
	}
	if f.Municipality != "" {
		query += ` AND EXISTS (SELECT 1 FROM grants g WHERE g.user_id = users.id AND g.scope_kind = 'municipality'
	AND g.scope_code = ` + arg(f.Municipality) + `)`
	}
	if f.PageToken != "" {
		after, err := decodeEmailToken(f.PageToken)
		if err != nil {
			return nil, "", fmt.Errorf("list users: %w", err)
		}
		query += ` AND email > ` + arg(after)
	}
	query += ` ORDER BY email LIMIT ` + arg(limit+1)
	rows, err := t.tx.Query(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list users: %w", err)
	}
	users, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.User, error) { return scanUser(row) })
	if err != nil {
		return nil, "", fmt.Errorf("list users: %w", err)
	}
	var next string
	if len(users) > limit {
		users = users[:limit]
		next = base64.RawURLEncoding.EncodeToString([]byte(users[limit-1].Email))
	}
	if err := t.loadGrants(ctx, users); err != nil {
		return nil, "", fmt.Errorf("list users: %w", err)
	}
	return users, next, nil
}

// decodeEmailToken returns the e-mail a ListUsers page token names, or
// EINVALID on page_token.
func decodeEmailToken(token string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) == 0 {
		return "", beredskap.Invalid("page_token", "malformed", "is not a page token this list returned")
	}
	return string(b), nil
}

// AddGrant stores g and sets its ID and CreatedAt (the clock's time). Its
// times are stored in UTC to the microsecond. An unknown user is
// ENOTFOUND.
func (t *staffTx) AddGrant(ctx context.Context, g *beredskap.Grant) error {
	created := t.now()
	from, to, ended := stamp(g.ValidFrom), stampPtr(g.ValidTo), stampPtr(g.EndedAt)
	var id int64
	err := t.tx.QueryRow(ctx, `INSERT INTO grants (user_id, role, scope_kind, scope_code, valid_from, valid_to,
	ended_at, provenance, ordered_by, approved_by, created_at)
SELECT id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM users WHERE id = $1
RETURNING id`,
		g.UserID, string(g.Role), string(g.Scope.Kind), g.Scope.Code, from, to, ended,
		g.Provenance, g.OrderedBy, g.ApprovedBy, created).Scan(&id)
	if err != nil {
		return fmt.Errorf("add grant: %w", noRows(err, "user"))
	}
	g.ID, g.CreatedAt, g.ValidFrom, g.ValidTo, g.EndedAt = id, created, from, to, ended
	return nil
}

// EndGrant sets the EndedAt of a grant that has none. An unknown grant is
// ENOTFOUND; one ended already is ECONFLICT and keeps its end.
func (t *staffTx) EndGrant(ctx context.Context, grantID int64, at time.Time) error {
	var endedBefore bool
	err := t.tx.QueryRow(ctx, `WITH ended AS (
	UPDATE grants SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL RETURNING id
)
SELECT NOT EXISTS (SELECT 1 FROM ended) FROM grants WHERE id = $1`, grantID, stamp(at)).Scan(&endedBefore)
	switch {
	case err != nil:
		return fmt.Errorf("end grant %d: %w", grantID, noRows(err, "grant"))
	case endedBefore:
		return fmt.Errorf("end grant %d: %w", grantID, beredskap.Errorf(beredskap.ECONFLICT, "the grant has ended already"))
	}
	return nil
}

// ReplaceRecoveryCodes replaces the user's recovery codes with the given
// SHA-256 hashes.
func (t *staffTx) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string) error {
	if _, err := t.tx.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("replace recovery codes: %w", err)
	}
	_, err := t.tx.Exec(ctx, `INSERT INTO recovery_codes (user_id, hash)
SELECT $1, h FROM unnest($2::text[]) AS h ON CONFLICT DO NOTHING`, userID, hashes)
	if err != nil {
		return fmt.Errorf("replace recovery codes: %w", translate(err))
	}
	return nil
}

// UseRecoveryCode marks the user's unused code with the hash used at at,
// and reports false when there is no such unused code.
func (t *staffTx) UseRecoveryCode(ctx context.Context, userID int64, hash string, at time.Time) (bool, error) {
	tag, err := t.tx.Exec(ctx, `UPDATE recovery_codes SET used_at = $3
WHERE user_id = $1 AND hash = $2 AND used_at IS NULL`, userID, hash, stamp(at))
	if err != nil {
		return false, fmt.Errorf("use recovery code: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}
