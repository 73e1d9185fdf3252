package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"beredskap"
)

var _ beredskap.CitizenStore = (*StaffStore)(nil)

// UpdateCitizen runs fn in an immediate write transaction, as Update does,
// and commits when fn returns nil. The transaction serves the staff
// statements too, so that audit entries commit with the citizen's work.
func (s *StaffStore) UpdateCitizen(ctx context.Context, fn func(ctx context.Context, tx beredskap.CitizenTx) error) error {
	return s.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		return fn(ctx, &citizenTx{staffTx: tx.(*staffTx)})
	})
}

// ViewCitizen runs fn in a read transaction, as View does. Writes in it
// fail, Audit included.
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
// same kind for the same national identity number is ECONFLICT.
func (t *citizenTx) CreateCase(ctx context.Context, c *beredskap.AccessCase, a *beredskap.Attachment) error {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = t.now()
	}
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	c.CreatedAt, c.UpdatedAt, c.Deadline = stamp(c.CreatedAt), stamp(c.UpdatedAt), stamp(c.Deadline)
	c.CodeExpiresAt, c.ClosedAt = stampOpt(c.CodeExpiresAt), stampOpt(c.ClosedAt)
	// Writes are serialised on the one writer connection and cases are
	// never removed, so the next id is free and the number can be written
	// with the row.
	var id int64
	if err := t.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM access_cases`).Scan(&id); err != nil {
		return fmt.Errorf("create access case: %w", err)
	}
	number := fmt.Sprintf("%d-%06d", c.CreatedAt.Year(), id)
	_, err := t.tx.ExecContext(ctx, `INSERT INTO access_cases (`+caseColumns+`)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, number, string(c.Kind), string(c.Status), c.NationalID, c.Name, c.Channel, c.SuspectedMisuse,
		string(c.DocumentKind), c.DocumentExpires, fmtTime(c.Deadline), c.FiledBy, c.DecidedBy, c.Reason,
		c.CodeHash, fmtOpt(c.CodeExpiresAt), c.CodeAttempts, fmtTime(c.CreatedAt), fmtTime(c.UpdatedAt),
		fmtOpt(c.ClosedAt))
	if err != nil {
		err = translate(err)
		if beredskap.ErrorCode(err) == beredskap.ECONFLICT {
			err = beredskap.Errorf(beredskap.ECONFLICT, "an open %s case for that national identity number exists already", c.Kind)
		}
		return fmt.Errorf("create access case: %w", err)
	}
	c.ID, c.Number = id, number
	if a != nil {
		a.CaseID = id
		_, err := t.tx.ExecContext(ctx, `INSERT INTO case_attachments (case_id, media_type, size, nonce, ciphertext)
VALUES (?, ?, ?, ?, ?)`, id, a.MediaType, a.Size, a.Nonce, a.Ciphertext)
		if err != nil {
			return fmt.Errorf("create access case: attachment: %w", translate(err))
		}
	}
	return nil
}

// UpdateCase stores Status, DecidedBy, Reason, the code fields, UpdatedAt
// (the clock's time when zero) and ClosedAt, or returns ENOTFOUND.
// Reopening a case while another of its kind is open for the person is
// ECONFLICT.
func (t *citizenTx) UpdateCase(ctx context.Context, c *beredskap.AccessCase) error {
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = t.now()
	}
	c.UpdatedAt = stamp(c.UpdatedAt)
	c.CodeExpiresAt, c.ClosedAt = stampOpt(c.CodeExpiresAt), stampOpt(c.ClosedAt)
	err := t.execOne(ctx, "access case", `UPDATE access_cases SET status = ?, decided_by = ?, reason = ?,
	code_hash = ?, code_expires_at = ?, code_attempts = ?, updated_at = ?, closed_at = ?
WHERE id = ?`,
		string(c.Status), c.DecidedBy, c.Reason, c.CodeHash, fmtOpt(c.CodeExpiresAt), c.CodeAttempts,
		fmtTime(c.UpdatedAt), fmtOpt(c.ClosedAt), c.ID)
	if err != nil {
		return fmt.Errorf("update access case %d: %w", c.ID, err)
	}
	return nil
}

// FindCase returns the case with the id, or ENOTFOUND.
func (t *citizenTx) FindCase(ctx context.Context, id int64) (*beredskap.AccessCase, error) {
	c, err := scanCase(t.tx.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM access_cases WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("find access case %d: %w", id, noRows(err, "access case"))
	}
	return c, nil
}

// FindCaseByNumber returns the case with the case number, or ENOTFOUND.
func (t *citizenTx) FindCaseByNumber(ctx context.Context, number string) (*beredskap.AccessCase, error) {
	c, err := scanCase(t.tx.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM access_cases WHERE number = ?`, number))
	if err != nil {
		return nil, fmt.Errorf("find access case %q: %w", number, noRows(err, "access case"))
	}
	return c, nil
}

// scanCase reads a row of caseColumns.
func scanCase(row interface{ Scan(...any) error }) (*beredskap.AccessCase, error) {
	var (
		c                          beredskap.AccessCase
		kind, status, docKind      string
		deadline, created, updated string
		codeExpires, closed        sql.NullString
	)
	err := row.Scan(&c.ID, &c.Number, &kind, &status, &c.NationalID, &c.Name, &c.Channel, &c.SuspectedMisuse,
		&docKind, &c.DocumentExpires, &deadline, &c.FiledBy, &c.DecidedBy, &c.Reason, &c.CodeHash, &codeExpires,
		&c.CodeAttempts, &created, &updated, &closed)
	if err != nil {
		return nil, err
	}
	c.Kind, c.Status, c.DocumentKind = beredskap.CaseKind(kind), beredskap.CaseStatus(status), beredskap.IDDocumentKind(docKind)
	if c.Deadline, err = parseTime(deadline); err != nil {
		return nil, fmt.Errorf("access case %d: %w", c.ID, err)
	}
	if c.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("access case %d: %w", c.ID, err)
	}
	if c.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, fmt.Errorf("access case %d: %w", c.ID, err)
	}
	if c.CodeExpiresAt, err = parseOpt(codeExpires); err != nil {
		return nil, fmt.Errorf("access case %d: %w", c.ID, err)
	}
	if c.ClosedAt, err = parseOpt(closed); err != nil {
		return nil, fmt.Errorf("access case %d: %w", c.ID, err)
	}
	return &c, nil
}

// ListCases returns cases earliest deadline first by (Deadline, ID), of the
// given statuses and national identity number when set, at most f.Limit (50
// when unset, never more than beredskap.MaxPageSize), and the next page's
// token or "". The token names the last case of the page; a malformed one
// is EINVALID.
func (t *citizenTx) ListCases(ctx context.Context, f beredskap.CaseFilter) ([]*beredskap.AccessCase, string, error) {
	limit := pageLimit(f.Limit)
	query := `SELECT ` + caseColumns + ` FROM access_cases WHERE 1 = 1`
	var args []any
	if len(f.Statuses) > 0 {
		query += ` AND status IN (` + strings.Repeat("?, ", len(f.Statuses)-1) + `?)`
		for _, s := range f.Statuses {
			args = append(args, string(s))
		}
	}
	if f.NationalID != "" {
		query += ` AND national_id = ?`
		args = append(args, f.NationalID)
	}
	if f.PageToken != "" {
		id, err := beredskap.DecodeSeqToken(f.PageToken)
		if err != nil {
			return nil, "", fmt.Errorf("list access cases: %w", err)
		}
		// Cases are never removed and their deadline never changes, so
		// the last one's position can be looked up.
		query += ` AND (deadline, id) > ((SELECT deadline FROM access_cases WHERE id = ?), ?)`
		args = append(args, id, id)
	}
	query += ` ORDER BY deadline, id LIMIT ?`
	args = append(args, limit+1)
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list access cases: %w", err)
	}
	cases, err := scanCases(rows)
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

// scanCases reads every row of caseColumns and closes rows.
func scanCases(rows *sql.Rows) ([]*beredskap.AccessCase, error) {
	defer rows.Close()
	var cases []*beredskap.AccessCase
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		cases = append(cases, c)
	}
	return cases, rows.Err()
}

// FindAttachment returns the attachment of the case, or ENOTFOUND.
func (t *citizenTx) FindAttachment(ctx context.Context, caseID int64) (*beredskap.Attachment, error) {
	a := beredskap.Attachment{CaseID: caseID}
	err := t.tx.QueryRowContext(ctx, `SELECT media_type, size, nonce, ciphertext FROM case_attachments WHERE case_id = ?`,
		caseID).Scan(&a.MediaType, &a.Size, &a.Nonce, &a.Ciphertext)
	if err != nil {
		return nil, fmt.Errorf("find attachment of case %d: %w", caseID, noRows(err, "attachment"))
	}
	return &a, nil
}

// DeleteAttachment removes the attachment of the case; none is no error.
func (t *citizenTx) DeleteAttachment(ctx context.Context, caseID int64) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM case_attachments WHERE case_id = ?`, caseID); err != nil {
		return fmt.Errorf("delete attachment of case %d: %w", caseID, err)
	}
	return nil
}
