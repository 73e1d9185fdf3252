package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"beredskap"
	"beredskap/internal/audithead"
)

// errReadOnlyAudit is the error of Audit in View.
var errReadOnlyAudit = errors.New("audit entries are written only in an update transaction")

const auditColumns = `seq, at, actor, user_id, role, scope, action, object, subjects, outcome, detail,
	address, request_id, prev_hash, hash`

// auditHeadQuery reads, in one statement, the last audit entry's seq and
// hash (0 and "" on an empty trail) and how far the search indexes reach.
// auditAppendQuery appends an entry (seq ?1, prev_hash ?14) only if the
// entry before it is the last one and has the hash ?14 (on an empty trail,
// only if seq is 1), so that a stale hint of the head (DB.head) cannot
// fork the chain. Both are prepared at Open, like the indexer's
// statements.
const (
	auditHeadQuery = `SELECT COALESCE(a.seq, 0), COALESCE(a.hash, ''), i.seq FROM audit_indexed i
LEFT JOIN (SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1) a WHERE i.id = 1`
	auditAppendQuery = `INSERT INTO audit (` + auditColumns + `)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15
WHERE COALESCE((SELECT MAX(seq) FROM audit), 0) = ?1 - 1
	AND COALESCE((SELECT hash FROM audit WHERE seq = ?1 - 1), ?14) = ?14`
)

// Audit appends rec to the audit trail as the entry after the last one,
// chained to it, stamped with the clock's time, and returns the stored
// entry. It fails in a View transaction. The single writer connection
// makes finding the last entry and the append one step; the last entry is
// taken from the transaction's earlier appends or the database's hint
// (DB.head), and read only when neither knows it or it proves stale.
func (t *staffTx) Audit(ctx context.Context, rec beredskap.AuditRecord) (*beredskap.AuditEntry, error) {
	if !t.write {
		return nil, fmt.Errorf("audit %s: %w", rec.Action, errReadOnlyAudit)
	}
	e := &beredskap.AuditEntry{AuditRecord: rec}
	if e.Subjects == nil {
		e.Subjects = []string{}
	}
	subjects, err := json.Marshal(e.Subjects)
	if err != nil {
		return nil, fmt.Errorf("audit %s: %w", rec.Action, err)
	}
	head, known := t.head, t.head != nil
	if !known {
		h, ok := t.db.head.Get()
		head, known = &h, ok
	}
	for tries := 0; ; tries++ {
		if !known || tries > 0 {
			head = &audithead.Head{}
			var indexed int64
			if err := t.queryRow(ctx, auditHeadQuery).Scan(&head.Seq, &head.Hash, &indexed); err != nil {
				return nil, fmt.Errorf("audit %s: %w", rec.Action, err)
			}
			t.db.indexedUpTo(indexed)
		}
		e.Seq, e.PrevHash = head.Seq+1, head.Hash
		if head.Seq == 0 {
			e.PrevHash = beredskap.GenesisHash
		}
		e.At = t.now()
		e.Hash = e.ChainHash()
		res, err := t.exec(ctx, auditAppendQuery,
			e.Seq, fmtTime(e.At), e.Actor, e.UserID, string(e.Role), e.Scope, e.Action, e.Object, string(subjects),
			e.Outcome, e.Detail, e.Address, e.RequestID, e.PrevHash, e.Hash)
		if err != nil {
			return nil, fmt.Errorf("audit %s: %w", rec.Action, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, fmt.Errorf("audit %s: %w", rec.Action, err)
		} else if n == 1 {
			break
		} else if tries > 0 {
			return nil, fmt.Errorf("audit %s: the entry before seq %d changed while appending", rec.Action, e.Seq)
		}
	}
	t.head = &audithead.Head{Seq: e.Seq, Hash: e.Hash}
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

// FindRegistrations returns the registrations of receipts by receipt (see
// beredskap.StaffTx), in one query.
func (t *staffTx) FindRegistrations(ctx context.Context, receipts []string, municipality string) (map[string]*beredskap.StoredRegistration, error) {
	out := make(map[string]*beredskap.StoredRegistration, len(receipts))
	if len(receipts) == 0 {
		return out, nil
	}
	list, err := json.Marshal(receipts)
	if err != nil {
		return nil, err
	}
	rows, err := t.tx.QueryContext(ctx, selectRegistration+` WHERE receipt IN (SELECT value FROM json_each(?)) AND (? = '' OR municipality = ?)`,
		string(list), municipality, municipality)
	if err != nil {
		return nil, fmt.Errorf("find registrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		reg, err := scanRegistration(rows)
		if err != nil {
			return nil, fmt.Errorf("find registrations: %w", err)
		}
		out[reg.Receipt] = reg
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find registrations: %w", err)
	}
	return out, nil
}

// ListRegistrations is RegistrationService.ListRegistrations within this
// transaction.
func (t *staffTx) ListRegistrations(ctx context.Context, f beredskap.RegistrationFilter) ([]*beredskap.StoredRegistration, string, error) {
	return listRegistrations(ctx, t.tx, f)
}
