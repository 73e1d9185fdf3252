package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

// scanBatch is how many audit entries ScanAudit reads per query.
const scanBatch = 1000

// errReadOnlyAudit is returned by Audit inside View.
var errReadOnlyAudit = errors.New("audit: the transaction is read-only")

// Audit appends rec to the audit trail, chained to the entry before it, and
// returns the stored entry. It locks the head of the trail until the
// transaction ends, so that appends are numbered 1, 2, 3... without gaps in
// commit order; At is the clock's time once the lock is held. Inside View
// it fails.
func (t *staffTx) Audit(ctx context.Context, rec beredskap.AuditRecord) (*beredskap.AuditEntry, error) {
	if t.readOnly {
		return nil, errReadOnlyAudit
	}
	e := &beredskap.AuditEntry{AuditRecord: rec}
	if len(e.Subjects) == 0 {
		e.Subjects = nil
	}
	var head int64
	if err := t.tx.QueryRow(ctx, `SELECT seq, hash FROM audit_head FOR UPDATE`).Scan(&head, &e.PrevHash); err != nil {
		return nil, fmt.Errorf("audit %s: lock head: %w", rec.Action, err)
	}
	e.Seq = head + 1
	e.At = t.now()
	e.Hash = e.ChainHash()
	subjects := e.Subjects
	if subjects == nil {
		subjects = []string{}
	}
	_, err := t.tx.Exec(ctx, `INSERT INTO audit (seq, at, actor, user_id, role, scope, action, object, subjects,
	outcome, detail, address, request_id, prev_hash, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		e.Seq, e.At, e.Actor, e.UserID, string(e.Role), e.Scope, e.Action, e.Object, subjects,
		e.Outcome, e.Detail, e.Address, e.RequestID, e.PrevHash, e.Hash)
	if err != nil {
		return nil, fmt.Errorf("audit %s: %w", rec.Action, err)
	}
	if len(subjects) > 0 {
		_, err := t.tx.Exec(ctx, `INSERT INTO audit_subjects (receipt, seq)
SELECT DISTINCT r, $2::bigint FROM unnest($1::text[]) AS r`, subjects, e.Seq)
		if err != nil {
			return nil, fmt.Errorf("audit %s: subjects: %w", rec.Action, err)
		}
	}
	if _, err := t.tx.Exec(ctx, `UPDATE audit_head SET seq = $1, hash = $2`, e.Seq, e.Hash); err != nil {
		return nil, fmt.Errorf("audit %s: move head: %w", rec.Action, err)
	}
	return e, nil
}

const auditColumns = `seq, at, actor, user_id, role, scope, action, object, subjects, outcome, detail,
	address, request_id, prev_hash, hash`

func scanAudit(row pgx.Row) (*beredskap.AuditEntry, error) {
	var (
		e    beredskap.AuditEntry
		role string
	)
	err := row.Scan(&e.Seq, &e.At, &e.Actor, &e.UserID, &role, &e.Scope, &e.Action, &e.Object, &e.Subjects,
		&e.Outcome, &e.Detail, &e.Address, &e.RequestID, &e.PrevHash, &e.Hash)
	if err != nil {
		return nil, err
	}
	e.Role = beredskap.Role(role)
	e.At = e.At.UTC()
	if len(e.Subjects) == 0 {
		e.Subjects = nil
	}
	return &e, nil
}

// SearchAudit returns the entries f selects, oldest first, at most f.Limit
// (50 when unset, never more than beredskap.MaxPageSize), and the next
// page's token or "". From is inclusive and To exclusive. A malformed page
// token is EINVALID on page_token.
func (t *staffTx) SearchAudit(ctx context.Context, f beredskap.AuditFilter) ([]*beredskap.AuditEntry, string, error) {
	limit := pageLimit(f.Limit)
	query := `SELECT ` + auditColumns + ` FROM audit WHERE true`
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Receipt != "" {
		receipt := f.Receipt
		if r, ok := beredskap.NormalizeReceipt(receipt); ok {
			receipt = r
		}
		query += ` AND seq IN (SELECT seq FROM audit_subjects WHERE receipt = ` + arg(receipt) + `)`
	}
	if f.Actor != "" {
		query += ` AND actor = ` + arg(f.Actor)
	}
	if f.Action != "" {
		query += ` AND action = ` + arg(f.Action)
	}
	if f.Object != "" {
		query += ` AND object = ` + arg(f.Object)
	}
	if !f.From.IsZero() {
		query += ` AND at >= ` + arg(f.From.UTC())
	}
	if !f.To.IsZero() {
		query += ` AND at < ` + arg(f.To.UTC())
	}
	if f.PageToken != "" {
		after, err := beredskap.DecodeSeqToken(f.PageToken)
		if err != nil {
			return nil, "", fmt.Errorf("search audit: %w", err)
		}
		query += ` AND seq > ` + arg(after)
	}
	query += ` ORDER BY seq LIMIT ` + arg(limit+1)
	rows, err := t.tx.Query(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("search audit: %w", err)
	}
	entries, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.AuditEntry, error) { return scanAudit(row) })
	if err != nil {
		return nil, "", fmt.Errorf("search audit: %w", err)
	}
	var next string
	if len(entries) > limit {
		entries = entries[:limit]
		next = beredskap.EncodeSeqToken(entries[limit-1].Seq)
	}
	return entries, next, nil
}

// ScanAudit calls fn with every audit entry in sequence order, as stored,
// and stops at fn's first error, which it returns. It reads one snapshot
// of the trail in batches, so that memory stays small however long the
// trail is.
func (s *StaffStore) ScanAudit(ctx context.Context, fn func(*beredskap.AuditEntry) error) error {
	tx, err := s.db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("scan audit: %w", err)
	}
	defer tx.Rollback(context.Background())
	after := int64(-1 << 63)
	for {
		rows, err := tx.Query(ctx, `SELECT `+auditColumns+` FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2`,
			after, scanBatch)
		if err != nil {
			return fmt.Errorf("scan audit: %w", err)
		}
		batch, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.AuditEntry, error) { return scanAudit(row) })
		if err != nil {
			return fmt.Errorf("scan audit: %w", err)
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(batch) < scanBatch {
			return nil
		}
		after = batch[len(batch)-1].Seq
	}
}
