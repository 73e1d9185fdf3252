package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

var _ beredskap.CitizenStore = (*StaffStore)(nil)

// UpdateCitizen runs fn in a read committed transaction, as Update does,
// and commits when fn returns nil. The transaction serves the staff
// statements too, so that audit entries commit with the citizen's work.
func (s *StaffStore) UpdateCitizen(ctx context.Context, fn func(ctx context.Context, tx beredskap.CitizenTx) error) error {
	return s.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		return fn(ctx, &citizenTx{staffTx: tx.(*staffTx)})
	})
}

// ViewCitizen runs fn in a read-only transaction, as View does, and
// returns fn's error. Audit fails inside it.
func (s *StaffStore) ViewCitizen(ctx context.Context, fn func(ctx context.Context, tx beredskap.CitizenTx) error) error {
	return s.View(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		return fn(ctx, &citizenTx{staffTx: tx.(*staffTx)})
	})
}

// citizenTx is one CitizenStore transaction: a staff transaction with the
// citizen statements added.
type citizenTx struct {
	*staffTx
}

var _ beredskap.CitizenTx = (*citizenTx)(nil)

const caseColumns = `id, number, kind, status, national_id, name, channel, suspected_misuse, document_kind,
	document_expires, deadline, filed_by, decided_by, reason, code_hash, code_expires_at, code_attempts,
	created_at, updated_at, closed_at`

// CreateCase stores c, and a when not nil, and sets c's ID, Number,
// CreatedAt and UpdatedAt (from the clock when zero). An open case of the
// same kind for the same national identity number is ECONFLICT, and leaves
// the transaction usable.
func (t *citizenTx) CreateCase(ctx context.Context, c *beredskap.AccessCase, a *beredskap.Attachment) error {
	created, updated := c.CreatedAt, c.UpdatedAt
	if created.IsZero() {
		created = t.now()
	}
	if updated.IsZero() {
		updated = created
	}
	created, updated = stamp(created), stamp(updated)
	// The id is taken first, so that the number is written with the row.
	var id int64
	if err := t.tx.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('access_cases', 'id'))`).Scan(&id); err != nil {
		return fmt.Errorf("create access case: %w", err)
	}
	number := fmt.Sprintf("%d-%06d", created.Year(), id)
	deadline, codeExpires, closed := stamp(c.Deadline), stampPtr(c.CodeExpiresAt), stampPtr(c.ClosedAt)
	// The conflict target is the partial unique index of open cases; a
	// concurrent insert of the same pair waits for the other transaction
	// and then sees its row.
	err := t.tx.QueryRow(ctx, `INSERT INTO access_cases (`+caseColumns+`)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
ON CONFLICT (national_id, kind) WHERE status IN ('received', 'awaiting_code') DO NOTHING
RETURNING id`,
		id, number, string(c.Kind), string(c.Status), c.NationalID, c.Name, c.Channel, c.SuspectedMisuse,
		string(c.DocumentKind), c.DocumentExpires, deadline, c.FiledBy, c.DecidedBy, c.Reason, c.CodeHash,
		codeExpires, c.CodeAttempts, created, updated, closed).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("create access case: %w", beredskap.Errorf(beredskap.ECONFLICT,
			"an open %s case for that national identity number exists already", c.Kind))
	}
	if err != nil {
		return fmt.Errorf("create access case: %w", translate(err))
	}
	c.ID, c.Number, c.CreatedAt, c.UpdatedAt = id, number, created, updated
	c.Deadline, c.CodeExpiresAt, c.ClosedAt = deadline, codeExpires, closed
	if a != nil {
		a.CaseID = id
		_, err := t.tx.Exec(ctx, `INSERT INTO case_attachments (case_id, media_type, size, nonce, ciphertext)
VALUES ($1, $2, $3, $4, $5)`, id, a.MediaType, a.Size, a.Nonce, a.Ciphertext)
		if err != nil {
			return fmt.Errorf("create access case: attachment: %w", translate(err))
		}
	}
	return nil
}

// UpdateCase stores Status, DecidedBy, Reason, the code fields, UpdatedAt
// (the clock's time when zero) and ClosedAt, or returns ENOTFOUND.
// Reopening a case while another of its kind is open for the person is
// ECONFLICT, and leaves the transaction usable.
func (t *citizenTx) UpdateCase(ctx context.Context, c *beredskap.AccessCase) error {
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = t.now()
	}
	c.UpdatedAt = stamp(c.UpdatedAt)
	c.CodeExpiresAt, c.ClosedAt = stampPtr(c.CodeExpiresAt), stampPtr(c.ClosedAt)
	tag, err := t.execSavepoint(ctx, `UPDATE access_cases SET status = $2, decided_by = $3, reason = $4,
	code_hash = $5, code_expires_at = $6, code_attempts = $7, updated_at = $8, closed_at = $9
WHERE id = $1`, c.ID, string(c.Status), c.DecidedBy, c.Reason, c.CodeHash, c.CodeExpiresAt, c.CodeAttempts,
		c.UpdatedAt, c.ClosedAt)
	if err != nil {
		return fmt.Errorf("update access case %d: %w", c.ID, translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update access case %d: %w", c.ID, notFound("access case"))
	}
	return nil
}

// FindCase returns the case with the id, or ENOTFOUND. In a write
// transaction the case's row stays locked until the end, so that a change
// made from what was read (a wrong code counted) is not lost to a
// concurrent one.
func (t *citizenTx) FindCase(ctx context.Context, id int64) (*beredskap.AccessCase, error) {
	c, err := scanCase(t.tx.QueryRow(ctx, `SELECT `+caseColumns+` FROM access_cases WHERE id = $1`+t.forUpdate(), id))
	if err != nil {
		return nil, fmt.Errorf("find access case %d: %w", id, noRows(err, "access case"))
	}
	return c, nil
}

// FindCaseByNumber returns the case with the case number, or ENOTFOUND,
// locked as FindCase locks it.
func (t *citizenTx) FindCaseByNumber(ctx context.Context, number string) (*beredskap.AccessCase, error) {
	c, err := scanCase(t.tx.QueryRow(ctx, `SELECT `+caseColumns+` FROM access_cases WHERE number = $1`+t.forUpdate(), number))
	if err != nil {
		return nil, fmt.Errorf("find access case %q: %w", number, noRows(err, "access case"))
	}
	return c, nil
}

// scanCase reads a row of caseColumns.
func scanCase(row pgx.Row) (*beredskap.AccessCase, error) {
	var (
		c                     beredskap.AccessCase
		kind, status, docKind string
	)
	err := row.Scan(&c.ID, &c.Number, &kind, &status, &c.NationalID, &c.Name, &c.Channel, &c.SuspectedMisuse,
		&docKind, &c.DocumentExpires, &c.Deadline, &c.FiledBy, &c.DecidedBy, &c.Reason, &c.CodeHash,
		&c.CodeExpiresAt, &c.CodeAttempts, &c.CreatedAt, &c.UpdatedAt, &c.ClosedAt)
	if err != nil {
		return nil, err
	}
	c.Kind, c.Status, c.DocumentKind = beredskap.CaseKind(kind), beredskap.CaseStatus(status), beredskap.IDDocumentKind(docKind)
	c.Deadline, c.CreatedAt, c.UpdatedAt = c.Deadline.UTC(), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	c.CodeExpiresAt, c.ClosedAt = utcPtr(c.CodeExpiresAt), utcPtr(c.ClosedAt)
	return &c, nil
}

// ListCases returns cases earliest deadline first by (Deadline, ID), of the
// given statuses and national identity number when set, at most f.Limit (50
// when unset, never more than beredskap.MaxPageSize), and the next page's
// token or "". The token names the last case of the page; a malformed one
// is EINVALID on page_token.
func (t *citizenTx) ListCases(ctx context.Context, f beredskap.CaseFilter) ([]*beredskap.AccessCase, string, error) {
	limit := pageLimit(f.Limit)
	query := `SELECT ` + caseColumns + ` FROM access_cases WHERE true`
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(f.Statuses) > 0 {
		statuses := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			statuses[i] = string(s)
		}
		query += ` AND status = ANY(` + arg(statuses) + `)`
	}
	if f.NationalID != "" {
		query += ` AND national_id = ` + arg(f.NationalID)
	}
	if f.PageToken != "" {
		id, err := beredskap.DecodeSeqToken(f.PageToken)
		if err != nil {
			return nil, "", fmt.Errorf("list access cases: %w", err)
		}
		// Cases are never removed and their deadline never changes, so
		// the last one's position can be looked up.
		p := arg(id)
		query += ` AND (deadline, id) > ((SELECT deadline FROM access_cases WHERE id = ` + p + `), ` + p + `)`
	}
	query += ` ORDER BY deadline, id LIMIT ` + arg(limit+1)
	cases, err := queryCases(ctx, t.tx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list access cases: %w", err)
	}
	var next string
	if len(cases) > limit {
		cases = cases[:limit]
		next = beredskap.EncodeSeqToken(cases[limit-1].ID)
	}
	return cases, next, nil
}

// queryCases runs a query of caseColumns and reads every row.
func queryCases(ctx context.Context, tx pgx.Tx, query string, args ...any) ([]*beredskap.AccessCase, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.AccessCase, error) { return scanCase(row) })
}

// FindAttachment returns the attachment of the case, or ENOTFOUND.
func (t *citizenTx) FindAttachment(ctx context.Context, caseID int64) (*beredskap.Attachment, error) {
	a := beredskap.Attachment{CaseID: caseID}
	err := t.tx.QueryRow(ctx, `SELECT media_type, size, nonce, ciphertext FROM case_attachments WHERE case_id = $1`,
		caseID).Scan(&a.MediaType, &a.Size, &a.Nonce, &a.Ciphertext)
	if err != nil {
		return nil, fmt.Errorf("find attachment of case %d: %w", caseID, noRows(err, "attachment"))
	}
	return &a, nil
}

// DeleteAttachment removes the attachment of the case; none is no error.
func (t *citizenTx) DeleteAttachment(ctx context.Context, caseID int64) error {
	if _, err := t.tx.Exec(ctx, `DELETE FROM case_attachments WHERE case_id = $1`, caseID); err != nil {
		return fmt.Errorf("delete attachment of case %d: %w", caseID, err)
	}
	return nil
}
