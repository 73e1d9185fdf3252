package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"beredskap"
)

const userColumns = `id, email, first_name, last_name, mobile, national_id, organisation, position, status,
	password_hash, totp_secret, totp_last_step, created_at`

const grantColumns = `id, user_id, role, scope_kind, scope_code, valid_from, valid_to, ended_at,
	provenance, ordered_by, approved_by, created_at`

// findUserByIDQuery and userGrantsQuery read a user and their grants, as
// every request authenticated by a session or token does; they are
// prepared at Open.
const (
	findUserByIDQuery = `SELECT ` + userColumns + ` FROM users WHERE id = ?`
	userGrantsQuery   = `SELECT ` + grantColumns + ` FROM grants WHERE user_id IN (?) ORDER BY id`
)

// userSearch returns the text ListUsers searches: e-mail and names in lower
// case.
func userSearch(u *beredskap.User) string {
	return strings.ToLower(u.Email + "\n" + u.FirstName + " " + u.LastName)
}

// CreateUser stores u without its grants, with the e-mail in lower case, and
// sets its ID (and CreatedAt, when zero, from the clock). A taken e-mail is
// ECONFLICT.
func (t *staffTx) CreateUser(ctx context.Context, u *beredskap.User) error {
	u.Email = strings.ToLower(u.Email)
	if u.CreatedAt.IsZero() {
		u.CreatedAt = t.now()
	}
	u.CreatedAt = stamp(u.CreatedAt)
	err := t.tx.QueryRowContext(ctx, `INSERT INTO users (
	email, first_name, last_name, mobile, national_id, organisation, position, status,
	password_hash, totp_secret, totp_last_step, failed_logins, created_at, search
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id`,
		u.Email, u.FirstName, u.LastName, u.Mobile, u.NationalID, u.Organisation, u.Position, string(u.Status),
		u.PasswordHash, u.TOTPSecret, u.TOTPLastStep, fmtTime(u.CreatedAt),
		userSearch(u)).Scan(&u.ID)
	if err != nil {
		return fmt.Errorf("create user: %w", translate(err))
	}
	return nil
}

// UpdateUser stores every field of u except ID, Email, CreatedAt and
// Grants, or returns ENOTFOUND.
func (t *staffTx) UpdateUser(ctx context.Context, u *beredskap.User) error {
	err := t.execOne(ctx, "user", `UPDATE users SET
	first_name = ?, last_name = ?, mobile = ?, national_id = ?, organisation = ?, position = ?, status = ?,
	password_hash = ?,
	totp_last_step = CASE WHEN totp_secret = ? THEN max(totp_last_step, ?) ELSE ? END,
	totp_secret = ?,
	search = email || char(10) || ?
WHERE id = ?`,
		u.FirstName, u.LastName, u.Mobile, u.NationalID, u.Organisation, u.Position, string(u.Status),
		u.PasswordHash, u.TOTPSecret, u.TOTPLastStep, u.TOTPLastStep, u.TOTPSecret,
		strings.ToLower(u.FirstName+" "+u.LastName), u.ID)
	if err != nil {
		return fmt.Errorf("update user %d: %w", u.ID, err)
	}
	return nil
}

// UseTOTPStep records step as the user's last used TOTP step when it is
// after the recorded one, and reports whether it was.
func (t *staffTx) UseTOTPStep(ctx context.Context, userID int64, step int64) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, userID, step)
	if err != nil {
		return false, fmt.Errorf("use totp step of user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FindUser returns the user with the id and all their grants, or ENOTFOUND.
func (t *staffTx) FindUser(ctx context.Context, id int64) (*beredskap.User, error) {
	u, err := t.findUser(ctx, `id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("find user %d: %w", id, err)
	}
	return u, nil
}

// FindUserByEmail returns the user with the e-mail, in any case, and all
// their grants, or ENOTFOUND.
func (t *staffTx) FindUserByEmail(ctx context.Context, email string) (*beredskap.User, error) {
	u, err := t.findUser(ctx, `email = ?`, strings.ToLower(email))
	if err != nil {
		return nil, fmt.Errorf("find user by e-mail: %w", err)
	}
	return u, nil
}

// FindUserByNationalID returns the user with the national identity number
// and all their grants, or ENOTFOUND. An empty number matches no one.
func (t *staffTx) FindUserByNationalID(ctx context.Context, nationalID string) (*beredskap.User, error) {
	if nationalID == "" {
		return nil, fmt.Errorf("find user by national id: %w", notFound("user"))
	}
	u, err := t.findUser(ctx, `national_id = ? ORDER BY id LIMIT 1`, nationalID)
	if err != nil {
		return nil, fmt.Errorf("find user by national id: %w", err)
	}
	return u, nil
}

func (t *staffTx) findUser(ctx context.Context, where string, arg any) (*beredskap.User, error) {
	u, err := scanUser(t.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if err != nil {
		return nil, noRows(err, "user")
	}
	if err := t.loadGrants(ctx, []*beredskap.User{u}); err != nil {
		return nil, err
	}
	return u, nil
}

// scanUser reads a row of userColumns.
func scanUser(row interface{ Scan(...any) error }) (*beredskap.User, error) {
	var (
		u                 beredskap.User
		status, createdAt string
	)
	err := row.Scan(&u.ID, &u.Email, &u.FirstName, &u.LastName, &u.Mobile, &u.NationalID, &u.Organisation,
		&u.Position, &status, &u.PasswordHash, &u.TOTPSecret, &u.TOTPLastStep, &createdAt)
	if err != nil {
		return nil, err
	}
	u.Status = beredskap.UserStatus(status)
	if u.CreatedAt, err = parseTime(createdAt); err != nil {
		return nil, fmt.Errorf("user %d: %w", u.ID, err)
	}
	return &u, nil
}

// loadGrants sets the Grants of each user, ordered by id, in one query.
func (t *staffTx) loadGrants(ctx context.Context, users []*beredskap.User) error {
	if len(users) == 0 {
		return nil
	}
	byID := make(map[int64]*beredskap.User, len(users))
	args := make([]any, len(users))
	for i, u := range users {
		byID[u.ID] = u
		u.Grants = nil
		args[i] = u.ID
	}
	marks := strings.Repeat("?, ", len(users)-1) + "?"
	rows, err := t.query(ctx, `SELECT `+grantColumns+` FROM grants WHERE user_id IN (`+marks+`) ORDER BY id`, args...)
	if err != nil {
		return fmt.Errorf("load grants: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		g, err := scanGrant(rows)
		if err != nil {
			return fmt.Errorf("load grants: %w", err)
		}
		u := byID[g.UserID]
		u.Grants = append(u.Grants, *g)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load grants: %w", err)
	}
	return nil
}

// scanGrant reads a row of grantColumns.
func scanGrant(row interface{ Scan(...any) error }) (*beredskap.Grant, error) {
	var (
		g                              beredskap.Grant
		role, kind, validFrom, created string
		validTo, endedAt               sql.NullString
	)
	err := row.Scan(&g.ID, &g.UserID, &role, &kind, &g.Scope.Code, &validFrom, &validTo, &endedAt,
		&g.Provenance, &g.OrderedBy, &g.ApprovedBy, &created)
	if err != nil {
		return nil, err
	}
	g.Role, g.Scope.Kind = beredskap.Role(role), beredskap.ScopeKind(kind)
	if g.ValidFrom, err = parseTime(validFrom); err != nil {
		return nil, fmt.Errorf("grant %d: %w", g.ID, err)
	}
	if g.ValidTo, err = parseOpt(validTo); err != nil {
		return nil, fmt.Errorf("grant %d: %w", g.ID, err)
	}
	if g.EndedAt, err = parseOpt(endedAt); err != nil {
		return nil, fmt.Errorf("grant %d: %w", g.ID, err)
	}
	if g.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("grant %d: %w", g.ID, err)
	}
	return &g, nil
}

// ListUsers returns users ordered by e-mail, with their grants, at most
// f.Limit (50 when unset, never more than beredskap.MaxPageSize), and the
// next page's token or "". Query matches part of the e-mail or the name,
// case-insensitively; Municipality keeps users with a grant, ended or not,
// scoped to that municipality. A malformed page token is EINVALID.
func (t *staffTx) ListUsers(ctx context.Context, f beredskap.UserFilter) ([]*beredskap.User, string, error) {
	limit := pageLimit(f.Limit)
	query := `SELECT ` + userColumns + ` FROM users WHERE 1 = 1`
	var args []any
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		query += ` AND instr(search, ?) > 0`
		args = append(args, q)
	}
	if f.Municipality != "" {
		query += ` AND id IN (SELECT user_id FROM grants WHERE scope_kind = 'municipality' AND scope_code = ?)`
		args = append(args, f.Municipality)
	}
	if f.PageToken != "" {
		after, err := decodeEmailToken(f.PageToken)
		if err != nil {
			return nil, "", fmt.Errorf("list users: %w", err)
		}
		query += ` AND email > ?`
		args = append(args, after)
	}
	query += ` ORDER BY email LIMIT ?`
	args = append(args, limit+1)
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var users []*beredskap.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list users: %w", err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list users: %w", err)
	}
	rows.Close()
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
	if err != nil || len(b) == 0 || !strings.Contains(string(b), "@") {
		return "", beredskap.Invalid("page_token", "malformed", "is not a page token this list returned")
	}
	return string(b), nil
}

// AddGrant stores g and sets its ID and CreatedAt, from the clock.
func (t *staffTx) AddGrant(ctx context.Context, g *beredskap.Grant) error {
	g.CreatedAt = t.now()
	g.ValidFrom = stamp(g.ValidFrom)
	g.ValidTo, g.EndedAt = stampOpt(g.ValidTo), stampOpt(g.EndedAt)
	err := t.tx.QueryRowContext(ctx, `INSERT INTO grants (
	user_id, role, scope_kind, scope_code, valid_from, valid_to, ended_at, provenance, ordered_by, approved_by, created_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		g.UserID, string(g.Role), string(g.Scope.Kind), g.Scope.Code, fmtTime(g.ValidFrom), fmtOpt(g.ValidTo),
		fmtOpt(g.EndedAt), g.Provenance, g.OrderedBy, g.ApprovedBy, fmtTime(g.CreatedAt)).Scan(&g.ID)
	if err != nil {
		return fmt.Errorf("add grant: %w", translate(err))
	}
	return nil
}

// EndGrant sets the EndedAt of a grant that has none. An unknown grant is
// ENOTFOUND; one ended already is ECONFLICT.
func (t *staffTx) EndGrant(ctx context.Context, grantID int64, at time.Time) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE grants SET ended_at = ? WHERE id = ? AND ended_at IS NULL`,
		fmtTime(at), grantID)
	if err != nil {
		return fmt.Errorf("end grant %d: %w", grantID, err)
	}
	if err := t.changedOrWhy(ctx, res, "grants", "id", grantID, "the grant has ended already"); err != nil {
		return fmt.Errorf("end grant %d: %w", grantID, err)
	}
	return nil
}

// changedOrWhy returns nil when res changed a row, and otherwise ECONFLICT
// with the message when the row with key in table exists, ENOTFOUND when it
// does not.
func (t *staffTx) changedOrWhy(ctx context.Context, res sql.Result, table, column string, key any, conflict string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	var one int
	err = t.tx.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE `+column+` = ?`, key).Scan(&one)
	if err != nil {
		return noRows(err, strings.TrimSuffix(table, "s"))
	}
	return beredskap.Errorf(beredskap.ECONFLICT, "%s", conflict)
}
