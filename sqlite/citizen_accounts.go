package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"beredskap"
)

// FindCitizen returns the account of the national identity number, or
// ENOTFOUND.
func (t *citizenTx) FindCitizen(ctx context.Context, nationalID string) (*beredskap.CitizenAccount, error) {
	var (
		c                    beredskap.CitizenAccount
		blockedAt, withdrawn sql.NullString
		updated              string
	)
	err := t.tx.QueryRowContext(ctx, `SELECT national_id, blocked, blocked_at, block_case_id, language,
	consent_withdrawn_at, updated_at
FROM citizen_accounts WHERE national_id = ?`, nationalID).Scan(&c.NationalID, &c.Blocked, &blockedAt,
		&c.BlockCaseID, &c.Language, &withdrawn, &updated)
	if err != nil {
		return nil, fmt.Errorf("find citizen account: %w", noRows(err, "citizen account"))
	}
	if c.BlockedAt, err = parseOpt(blockedAt); err != nil {
		return nil, fmt.Errorf("find citizen account: %w", err)
	}
	if c.ConsentWithdrawnAt, err = parseOpt(withdrawn); err != nil {
		return nil, fmt.Errorf("find citizen account: %w", err)
	}
	if c.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, fmt.Errorf("find citizen account: %w", err)
	}
	return &c, nil
}

// SaveCitizen creates the account or replaces every field of the one with
// the same national identity number. UpdatedAt is the clock's time when
// zero.
func (t *citizenTx) SaveCitizen(ctx context.Context, c *beredskap.CitizenAccount) error {
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = t.now()
	}
	c.UpdatedAt = stamp(c.UpdatedAt)
	c.BlockedAt, c.ConsentWithdrawnAt = stampOpt(c.BlockedAt), stampOpt(c.ConsentWithdrawnAt)
	_, err := t.tx.ExecContext(ctx, `INSERT INTO citizen_accounts (national_id, blocked, blocked_at, block_case_id,
	language, consent_withdrawn_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (national_id) DO UPDATE SET blocked = excluded.blocked, blocked_at = excluded.blocked_at,
	block_case_id = excluded.block_case_id, language = excluded.language,
	consent_withdrawn_at = excluded.consent_withdrawn_at, updated_at = excluded.updated_at`,
		c.NationalID, c.Blocked, fmtOpt(c.BlockedAt), c.BlockCaseID, c.Language, fmtOpt(c.ConsentWithdrawnAt),
		fmtTime(c.UpdatedAt))
	if err != nil {
		return fmt.Errorf("save citizen account: %w", translate(err))
	}
	return nil
}

const citizenSessionColumns = `id, national_id, name, csrf_token, created_at, last_seen_at, expires_at`

// CreateCitizenSession stores s, with CreatedAt from the clock when zero
// and LastSeenAt equal to CreatedAt when zero. A taken id is ECONFLICT.
func (t *citizenTx) CreateCitizenSession(ctx context.Context, s *beredskap.CitizenSession) error {
	if s.CreatedAt.IsZero() {
		s.CreatedAt = t.now()
	}
	if s.LastSeenAt.IsZero() {
		s.LastSeenAt = s.CreatedAt
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = stamp(s.CreatedAt), stamp(s.LastSeenAt), stamp(s.ExpiresAt)
	_, err := t.tx.ExecContext(ctx, `INSERT INTO citizen_sessions (`+citizenSessionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.NationalID, s.Name, s.CSRFToken, fmtTime(s.CreatedAt), fmtTime(s.LastSeenAt), fmtTime(s.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create citizen session: %w", translate(err))
	}
	return nil
}

// FindCitizenSession returns the session with the id, or ENOTFOUND.
func (t *citizenTx) FindCitizenSession(ctx context.Context, id string) (*beredskap.CitizenSession, error) {
	var (
		s                      beredskap.CitizenSession
		created, seen, expires string
	)
	err := t.tx.QueryRowContext(ctx, `SELECT `+citizenSessionColumns+` FROM citizen_sessions WHERE id = ?`, id).Scan(
		&s.ID, &s.NationalID, &s.Name, &s.CSRFToken, &created, &seen, &expires)
	if err != nil {
		return nil, fmt.Errorf("find citizen session: %w", noRows(err, "citizen session"))
	}
	for _, f := range []struct {
		text string
		to   *time.Time
	}{{created, &s.CreatedAt}, {seen, &s.LastSeenAt}, {expires, &s.ExpiresAt}} {
		if *f.to, err = parseTime(f.text); err != nil {
			return nil, fmt.Errorf("find citizen session: %w", err)
		}
	}
	return &s, nil
}

// TouchCitizenSession sets LastSeenAt of the session, or returns
// ENOTFOUND.
func (t *citizenTx) TouchCitizenSession(ctx context.Context, id string, at time.Time) error {
	err := t.execOne(ctx, "citizen session", `UPDATE citizen_sessions SET last_seen_at = ? WHERE id = ?`, fmtTime(at), id)
	if err != nil {
		return fmt.Errorf("touch citizen session: %w", err)
	}
	return nil
}

// DeleteCitizenSession removes the session, or returns ENOTFOUND.
func (t *citizenTx) DeleteCitizenSession(ctx context.Context, id string) error {
	if err := t.execOne(ctx, "citizen session", `DELETE FROM citizen_sessions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete citizen session: %w", err)
	}
	return nil
}

// DeleteCitizenSessions removes every session of the person and returns
// how many there were.
func (t *citizenTx) DeleteCitizenSessions(ctx context.Context, nationalID string) (int, error) {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM citizen_sessions WHERE national_id = ?`, nationalID)
	if err != nil {
		return 0, fmt.Errorf("delete citizen sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete citizen sessions: %w", err)
	}
	return int(n), nil
}

// CreatePrintLetter stores a letter to print for the case l.CaseID, with
// whether it carries the registered address, dated by the clock. A case
// with a letter already is ECONFLICT; an unknown case fails.
func (t *citizenTx) CreatePrintLetter(ctx context.Context, l *beredskap.PrintLetter) error {
	l.CreatedAt = stamp(t.now())
	_, err := t.tx.ExecContext(ctx, `INSERT INTO print_letters (case_id, media_type, size, nonce, ciphertext, created_at, address_known)
VALUES (?, ?, ?, ?, ?, ?, ?)`, l.CaseID, l.MediaType, l.Size, l.Nonce, l.Ciphertext, fmtTime(l.CreatedAt), l.AddressKnown)
	if err != nil {
		return fmt.Errorf("create print letter for case %d: %w", l.CaseID, translate(err))
	}
	return nil
}

// printLetterList selects the letters with their cases: the waiting ones
// (?1 = 0) oldest first, or the printed ones (?1 = 1) last printed first,
// at most ?2.
const printLetterList = `SELECT ` + caseColumns + `, letter_at, address_known, letter_printed_at, downloads
FROM access_cases JOIN (SELECT case_id, created_at AS letter_at, address_known, printed_at AS letter_printed_at, downloads
	FROM print_letters) AS letters ON letters.case_id = access_cases.id
WHERE (letter_printed_at IS NOT NULL) = ?1
ORDER BY CASE WHEN ?1 THEN letter_printed_at END DESC, letter_at, letters.case_id LIMIT ?2`

// ListPrintLetters returns the letters waiting, the oldest first, then at
// most beredskap.MaxPageSize printed ones, the last printed first.
func (t *citizenTx) ListPrintLetters(ctx context.Context) ([]*beredskap.PrintLetter, error) {
	var out []*beredskap.PrintLetter
	for _, printed := range []bool{false, true} {
		limit := -1
		if printed {
			limit = beredskap.MaxPageSize
		}
		rows, err := t.tx.QueryContext(ctx, printLetterList, printed, limit)
		if err != nil {
			return nil, fmt.Errorf("list print letters: %w", err)
		}
		for rows.Next() {
			l, err := scanPrintLetter(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("list print letters: %w", err)
			}
			out = append(out, l)
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("list print letters: %w", err)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("list print letters: %w", err)
		}
	}
	return out, nil
}

// scanPrintLetter reads a row of printLetterList.
func scanPrintLetter(rows *sql.Rows) (*beredskap.PrintLetter, error) {
	var (
		l       beredskap.PrintLetter
		created string
		printed sql.NullString
		err     error
	)
	l.Case, err = scanCase(scanWith{rows, []any{&created, &l.AddressKnown, &printed, &l.Downloads}})
	if err != nil {
		return nil, err
	}
	l.CaseID = l.Case.ID
	if l.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if l.PrintedAt, err = parseOpt(printed); err != nil {
		return nil, err
	}
	return &l, nil
}

// scanWith scans a row into the destinations given and then into more,
// so that a scan function of a table's columns reads a row with more.
type scanWith struct {
	row  interface{ Scan(...any) error }
	more []any
}

func (s scanWith) Scan(dest ...any) error { return s.row.Scan(append(dest, s.more...)...) }

// DownloadPrintLetter returns the case's letter with its PDF, counts the
// download and dates the first, or returns ENOTFOUND.
func (t *citizenTx) DownloadPrintLetter(ctx context.Context, caseID int64) (*beredskap.PrintLetter, error) {
	l := beredskap.PrintLetter{Attachment: beredskap.Attachment{CaseID: caseID}}
	var created, printed string
	err := t.tx.QueryRowContext(ctx, `UPDATE print_letters SET printed_at = COALESCE(printed_at, ?2), downloads = downloads + 1
WHERE case_id = ?1
RETURNING media_type, size, nonce, ciphertext, address_known, created_at, printed_at, downloads`, caseID, fmtTime(t.now())).Scan(
		&l.MediaType, &l.Size, &l.Nonce, &l.Ciphertext, &l.AddressKnown, &created, &printed, &l.Downloads)
	if err != nil {
		return nil, fmt.Errorf("download print letter of case %d: %w", caseID, noRows(err, "print letter"))
	}
	if l.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("download print letter of case %d: %w", caseID, err)
	}
	at, err := parseTime(printed)
	if err != nil {
		return nil, fmt.Errorf("download print letter of case %d: %w", caseID, err)
	}
	l.PrintedAt = &at
	return &l, nil
}

// registrationsOfQuery selects a person's registrations, newest first. Its
// expression is the one of the index registrations_national_id, so that
// SQLite searches the index.
const registrationsOfQuery = selectRegistration + `
WHERE json_extract(registration, '$.traveller.national_id') = ?
ORDER BY created_at DESC, receipt DESC LIMIT ?`

// RegistrationsOf returns the registrations whose traveller has the
// national identity number, newest first, at most beredskap.MaxPageSize,
// through the index on the number in the stored JSON. An empty number is
// EINVALID.
func (t *citizenTx) RegistrationsOf(ctx context.Context, nationalID string) ([]*beredskap.StoredRegistration, error) {
	if nationalID == "" {
		return nil, fmt.Errorf("registrations of a person: %w",
			beredskap.Invalid("national_id", "required", "is required"))
	}
	rows, err := t.tx.QueryContext(ctx, registrationsOfQuery, nationalID, beredskap.MaxPageSize)
	if err != nil {
		return nil, fmt.Errorf("registrations of a person: %w", err)
	}
	defer rows.Close()
	var regs []*beredskap.StoredRegistration
	for rows.Next() {
		reg, err := scanRegistration(rows)
		if err != nil {
			return nil, fmt.Errorf("registrations of a person: %w", err)
		}
		regs = append(regs, reg)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("registrations of a person: %w", err)
	}
	return regs, nil
}
