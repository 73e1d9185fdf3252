package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"beredskap"
)

// errReadOnlyAudit is the error of Audit in View.
var errReadOnlyAudit = errors.New("audit entries are written only in an update transaction")

const auditColumns = `seq, at, actor, user_id, role, scope, action, object, subjects, outcome, detail,
	address, request_id, prev_hash, hash`

// auditHeadQuery reads, in one statement, the last audit entry's seq and
// hash (NULL on an empty trail) and how far the search indexes reach.
// auditInsertQuery appends an entry. Both are prepared at Open, like the
// indexer's statements.
const (
	auditHeadQuery = `SELECT a.seq, a.hash, i.seq FROM audit_indexed i
LEFT JOIN (SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1) a WHERE i.id = 1`
	auditInsertQuery = `INSERT INTO audit (` + auditColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// Audit appends rec to the audit trail as the entry after the last one,
// chained to it, stamped with the clock's time, and returns the stored
// entry. It fails in a View transaction. The single writer connection
// makes the read of the last entry and the append one step.
func (t *staffTx) Audit(ctx context.Context, rec beredskap.AuditRecord) (*beredskap.AuditEntry, error) {
	if !t.write {
		return nil, fmt.Errorf("audit %s: %w", rec.Action, errReadOnlyAudit)
	}
	e := &beredskap.AuditEntry{AuditRecord: rec, PrevHash: beredskap.GenesisHash}
	if e.Subjects == nil {
		e.Subjects = []string{}
	}
	var (
		last     sql.NullInt64
		lastHash sql.NullString
		indexed  int64
	)
	err := t.queryRow(ctx, auditHeadQuery).Scan(&last, &lastHash, &indexed)
	if err != nil {
		return nil, fmt.Errorf("audit %s: %w", rec.Action, err)
	}
	if last.Valid {
		e.PrevHash = lastHash.String
	}
	e.Seq = last.Int64 + 1
	e.At = t.now()
	e.Hash = e.ChainHash()
	subjects, err := json.Marshal(e.Subjects)
	if err != nil {
		return nil, fmt.Errorf("audit %s: %w", rec.Action, err)
	}
	_, err = t.exec(ctx, auditInsertQuery,
		e.Seq, fmtTime(e.At), e.Actor, e.UserID, string(e.Role), e.Scope, e.Action, e.Object, string(subjects),
		e.Outcome, e.Detail, e.Address, e.RequestID, e.PrevHash, e.Hash)
	if err != nil {
		return nil, fmt.Errorf("audit %s: %w", rec.Action, err)
	}
	t.unindexed = e.Seq - indexed
	return e, nil
}

// ceilMicro returns t rounded up to the microsecond, the precision entries
// are stored with, so that bounds finer than that select the right entries.
func ceilMicro(t time.Time) time.Time {
	if c := t.Truncate(time.Microsecond); !c.Equal(t) {
		return c.Add(time.Microsecond)
	}
	return t
}

// scanAudit reads a row of auditColumns.
func scanAudit(row interface{ Scan(...any) error }) (*beredskap.AuditEntry, error) {
	var (
		e        beredskap.AuditEntry
		at, role string
		subjects []byte
	)
	err := row.Scan(&e.Seq, &at, &e.Actor, &e.UserID, &role, &e.Scope, &e.Action, &e.Object, &subjects,
		&e.Outcome, &e.Detail, &e.Address, &e.RequestID, &e.PrevHash, &e.Hash)
	if err != nil {
		return nil, err
	}
	e.Role = beredskap.Role(role)
	if e.At, err = parseTime(at); err != nil {
		return nil, fmt.Errorf("audit entry %d: %w", e.Seq, err)
	}
	if err := json.Unmarshal(subjects, &e.Subjects); err != nil {
		return nil, fmt.Errorf("audit entry %d: subjects: %w", e.Seq, err)
	}
	if e.Subjects == nil {
		e.Subjects = []string{}
	}
	return &e, nil
}

// ScanAudit calls fn with every audit entry in sequence order, as stored,
// from one snapshot of the read pool, streaming rows rather than loading
// them. It stops at fn's first error and returns it as it is.
func (s *StaffStore) ScanAudit(ctx context.Context, fn func(*beredskap.AuditEntry) error) error {
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("scan audit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return fmt.Errorf("scan audit: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("scan audit: %w", err)
	}
	return nil
}

// FindRegistration returns the registration with the receipt when its
// quarantine municipality is municipality ("" matches any), else ENOTFOUND.
// The scope is part of the query, so a registration of another
// municipality is never read.
func (t *staffTx) FindRegistration(ctx context.Context, receipt, municipality string) (*beredskap.StoredRegistration, error) {
	if r, ok := beredskap.NormalizeReceipt(receipt); ok {
		receipt = r
	}
	query, args := selectRegistration+` WHERE receipt = ?`, []any{receipt}
	if municipality != "" {
		query += ` AND municipality = ?`
		args = append(args, municipality)
	}
	reg, err := scanRegistration(t.tx.QueryRowContext(ctx, query, args...))
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			err = beredskap.Errorf(beredskap.ENOTFOUND, "no registration has that receipt")
		}
		return nil, fmt.Errorf("find registration: %w", err)
	}
	return reg, nil
}

// ListRegistrations is RegistrationService.ListRegistrations within this
// transaction.
func (t *staffTx) ListRegistrations(ctx context.Context, f beredskap.RegistrationFilter) ([]*beredskap.StoredRegistration, string, error) {
	return listRegistrations(ctx, t.tx, f)
}
