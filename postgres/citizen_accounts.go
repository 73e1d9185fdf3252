package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

// FindCitizen returns the account of the national identity number, or
// ENOTFOUND.
func (t *citizenTx) FindCitizen(ctx context.Context, nationalID string) (*beredskap.CitizenAccount, error) {
	var c beredskap.CitizenAccount
	err := t.tx.QueryRow(ctx, `SELECT national_id, blocked, blocked_at, block_case_id, language,
	consent_withdrawn_at, updated_at
FROM citizen_accounts WHERE national_id = $1`, nationalID).Scan(&c.NationalID, &c.Blocked, &c.BlockedAt,
		&c.BlockCaseID, &c.Language, &c.ConsentWithdrawnAt, &c.UpdatedAt)
	if err != nil {
		return nil, fmt.Errorf("find citizen account: %w", noRows(err, "citizen account"))
	}
	c.BlockedAt, c.ConsentWithdrawnAt, c.UpdatedAt = utcPtr(c.BlockedAt), utcPtr(c.ConsentWithdrawnAt), c.UpdatedAt.UTC()
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
	c.BlockedAt, c.ConsentWithdrawnAt = stampPtr(c.BlockedAt), stampPtr(c.ConsentWithdrawnAt)
	_, err := t.tx.Exec(ctx, `INSERT INTO citizen_accounts (national_id, blocked, blocked_at, block_case_id,
	language, consent_withdrawn_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (national_id) DO UPDATE SET blocked = excluded.blocked, blocked_at = excluded.blocked_at,
	block_case_id = excluded.block_case_id, language = excluded.language,
	consent_withdrawn_at = excluded.consent_withdrawn_at, updated_at = excluded.updated_at`,
		c.NationalID, c.Blocked, c.BlockedAt, c.BlockCaseID, c.Language, c.ConsentWithdrawnAt, c.UpdatedAt)
	if err != nil {
		return fmt.Errorf("save citizen account: %w", translate(err))
	}
	return nil
}

const citizenSessionColumns = `id, national_id, name, csrf_token, created_at, last_seen_at, expires_at`

// CreateCitizenSession stores s, with CreatedAt from the clock when zero
// and LastSeenAt equal to CreatedAt when zero. A taken id is ECONFLICT, and
// leaves the transaction usable.
func (t *citizenTx) CreateCitizenSession(ctx context.Context, s *beredskap.CitizenSession) error {
	if s.CreatedAt.IsZero() {
		s.CreatedAt = t.now()
	}
	if s.LastSeenAt.IsZero() {
		s.LastSeenAt = s.CreatedAt
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = stamp(s.CreatedAt), stamp(s.LastSeenAt), stamp(s.ExpiresAt)
	_, err := t.execSavepoint(ctx, `INSERT INTO citizen_sessions (`+citizenSessionColumns+`)
VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		s.ID, s.NationalID, s.Name, s.CSRFToken, s.CreatedAt, s.LastSeenAt, s.ExpiresAt)
	if err != nil {
		return fmt.Errorf("create citizen session: %w", translate(err))
	}
	return nil
}

// FindCitizenSession returns the session with the id, or ENOTFOUND.
func (t *citizenTx) FindCitizenSession(ctx context.Context, id string) (*beredskap.CitizenSession, error) {
	var s beredskap.CitizenSession
	err := t.tx.QueryRow(ctx, `SELECT `+citizenSessionColumns+` FROM citizen_sessions WHERE id = $1`, id).Scan(
		&s.ID, &s.NationalID, &s.Name, &s.CSRFToken, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt)
	if err != nil {
		return nil, fmt.Errorf("find citizen session: %w", noRows(err, "citizen session"))
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = s.CreatedAt.UTC(), s.LastSeenAt.UTC(), s.ExpiresAt.UTC()
	return &s, nil
}

// TouchCitizenSession sets LastSeenAt of the session, or returns
// ENOTFOUND.
func (t *citizenTx) TouchCitizenSession(ctx context.Context, id string, at time.Time) error {
	tag, err := t.tx.Exec(ctx, `UPDATE citizen_sessions SET last_seen_at = $2 WHERE id = $1`, id, stamp(at))
	if err != nil {
		return fmt.Errorf("touch citizen session: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("touch citizen session: %w", notFound("citizen session"))
	}
	return nil
}

// DeleteCitizenSession removes the session, or returns ENOTFOUND.
func (t *citizenTx) DeleteCitizenSession(ctx context.Context, id string) error {
	tag, err := t.tx.Exec(ctx, `DELETE FROM citizen_sessions WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete citizen session: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete citizen session: %w", notFound("citizen session"))
	}
	return nil
}

// DeleteCitizenSessions removes every session of the person and returns
// how many there were.
func (t *citizenTx) DeleteCitizenSessions(ctx context.Context, nationalID string) (int, error) {
	tag, err := t.tx.Exec(ctx, `DELETE FROM citizen_sessions WHERE national_id = $1`, nationalID)
	if err != nil {
		return 0, fmt.Errorf("delete citizen sessions: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// CreatePrintLetter stores a letter to print for the case l.CaseID, with
// whether it carries the registered address, dated by the clock. A case
// with a letter already is ECONFLICT, and leaves the transaction usable;
// an unknown case fails.
func (t *citizenTx) CreatePrintLetter(ctx context.Context, l *beredskap.PrintLetter) error {
	l.CreatedAt = t.now().UTC().Truncate(time.Microsecond)
	_, err := t.execSavepoint(ctx, `INSERT INTO print_letters (case_id, media_type, size, nonce, ciphertext, created_at, address_known)
VALUES ($1, $2, $3, $4, $5, $6, $7)`, l.CaseID, l.MediaType, l.Size, l.Nonce, l.Ciphertext, l.CreatedAt, l.AddressKnown)
	if err != nil {
		return fmt.Errorf("create print letter for case %d: %w", l.CaseID, translate(err))
	}
	return nil
}

// printLetterList selects the letters with their cases: the waiting ones
// ($1 false) oldest first, or the printed ones ($1 true) last printed
// first, at most $2 (all when NULL).
const printLetterList = `SELECT ` + caseColumns + `, letter_at, address_known, letter_printed_at, downloads
FROM access_cases JOIN (SELECT case_id, created_at AS letter_at, address_known, printed_at AS letter_printed_at, downloads
	FROM print_letters) AS letters ON letters.case_id = access_cases.id
WHERE (letter_printed_at IS NOT NULL) = $1
ORDER BY CASE WHEN $1 THEN letter_printed_at END DESC, letter_at, letters.case_id LIMIT $2`

// ListPrintLetters returns the letters waiting, the oldest first, then at
// most beredskap.MaxPageSize printed ones, the last printed first.
func (t *citizenTx) ListPrintLetters(ctx context.Context) ([]*beredskap.PrintLetter, error) {
	var out []*beredskap.PrintLetter
	for _, printed := range []bool{false, true} {
		var limit *int
		if printed {
			n := beredskap.MaxPageSize
			limit = &n
		}
		rows, err := t.tx.Query(ctx, printLetterList, printed, limit)
		if err != nil {
			return nil, fmt.Errorf("list print letters: %w", err)
		}
		letters, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.PrintLetter, error) {
			l := beredskap.PrintLetter{}
			c, err := scanCase(scanWith{row, []any{&l.CreatedAt, &l.AddressKnown, &l.PrintedAt, &l.Downloads}})
			if err != nil {
				return nil, err
			}
			l.Case, l.CaseID = c, c.ID
			l.CreatedAt, l.PrintedAt = l.CreatedAt.UTC(), utcPtr(l.PrintedAt)
			return &l, nil
		})
		if err != nil {
			return nil, fmt.Errorf("list print letters: %w", err)
		}
		out = append(out, letters...)
	}
	return out, nil
}

// scanWith scans a row into the destinations given and then into more,
// so that a scan function of a table's columns reads a row with more.
type scanWith struct {
	row  pgx.Row
	more []any
}

func (s scanWith) Scan(dest ...any) error { return s.row.Scan(append(dest, s.more...)...) }

// DownloadPrintLetter returns the case's letter with its PDF, counts the
// download and dates the first, or returns ENOTFOUND.
func (t *citizenTx) DownloadPrintLetter(ctx context.Context, caseID int64) (*beredskap.PrintLetter, error) {
	l := beredskap.PrintLetter{Attachment: beredskap.Attachment{CaseID: caseID}}
	err := t.tx.QueryRow(ctx, `UPDATE print_letters SET printed_at = COALESCE(printed_at, $2), downloads = downloads + 1
WHERE case_id = $1
RETURNING media_type, size, nonce, ciphertext, address_known, created_at, printed_at, downloads`, caseID, t.now()).Scan(
		&l.MediaType, &l.Size, &l.Nonce, &l.Ciphertext, &l.AddressKnown, &l.CreatedAt, &l.PrintedAt, &l.Downloads)
	if err != nil {
		return nil, fmt.Errorf("download print letter of case %d: %w", caseID, noRows(err, "print letter"))
	}
	l.CreatedAt, l.PrintedAt = l.CreatedAt.UTC(), utcPtr(l.PrintedAt)
	return &l, nil
}

// registrationsOfQuery selects a person's registrations, newest first. Its
// expression is the one of the index registrations_national_id, so that
// PostgreSQL can search the index.
const registrationsOfQuery = selectRegistration + `
WHERE registration -> 'traveller' ->> 'national_id' = $1
ORDER BY created_at DESC, receipt DESC LIMIT $2`

// RegistrationsOf returns the registrations whose traveller has the
// national identity number, newest first, at most beredskap.MaxPageSize,
// through the expression index on the number in the stored JSON. An empty
// number is EINVALID.
func (t *citizenTx) RegistrationsOf(ctx context.Context, nationalID string) ([]*beredskap.StoredRegistration, error) {
	if nationalID == "" {
		return nil, fmt.Errorf("registrations of a person: %w",
			beredskap.Invalid("national_id", "required", "is required"))
	}
	rows, err := t.tx.Query(ctx, registrationsOfQuery, nationalID, beredskap.MaxPageSize)
	if err != nil {
		return nil, fmt.Errorf("registrations of a person: %w", err)
	}
	regs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.StoredRegistration, error) {
		return scanRegistration(row)
	})
	if err != nil {
		return nil, fmt.Errorf("registrations of a person: %w", err)
	}
	return regs, nil
}
