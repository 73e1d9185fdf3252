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
// hash (NULL on an empty trail) and how far audit_subjects reaches.
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

// indexBatch is how many audit entries wait before the background indexer
// copies their subjects into audit_subjects, and indexChunk how many
// entries one of its transactions indexes at most: few enough that a
// request waiting for the writer waits briefly (a few milliseconds), many
// enough that the pages of audit_subjects a transaction rewrites are shared
// by many entries. A list request names 50 receipts, mostly the same ones
// as the requests before it, so each transaction touches about as many
// pages whether it indexes 16 entries or 64.
const (
	indexBatch = 64
	indexChunk = 64
)

// wakeIndexer starts the indexer unless it runs already, in which case it
// looks again once it is done. The indexer copies the subjects of the
// entries after audit_indexed into audit_subjects, up to indexChunk entries
// per write transaction, while at least indexBatch are waiting, and stops
// when the database closes. Searches read the subjects of entries it has
// not reached directly, so an indexer that is behind, or has failed, leaves
// them complete; the next wake retries after a failure.
func (s *StaffStore) wakeIndexer() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.again = true
	if s.indexing {
		return
	}
	s.indexing = s.db.goBackground(s.runIndexer)
}

// runIndexer indexes until no Update has asked for it since it last looked.
func (s *StaffStore) runIndexer(ctx context.Context) {
	for {
		s.mu.Lock()
		if !s.again || ctx.Err() != nil {
			s.indexing = false
			s.mu.Unlock()
			return
		}
		s.again = false
		s.mu.Unlock()
		for {
			left, err := s.indexChunk(ctx)
			if err != nil || left < indexBatch {
				break
			}
		}
	}
}

// Statements of the indexer, prepared at Open.
const (
	// indexHeadQuery reads the last indexed entry and the last entry.
	indexHeadQuery = `SELECT i.seq, COALESCE((SELECT MAX(seq) FROM audit), 0)
FROM audit_indexed i WHERE i.id = 1`
	// indexSubjectsQuery copies the subjects of the entries after the
	// first argument up to the second into audit_subjects. The rows go in
	// in key order, which keeps the B-tree's inserts together when the
	// receipts are scattered.
	indexSubjectsQuery = `INSERT OR IGNORE INTO audit_subjects (receipt, seq)
SELECT j.value, a.seq FROM audit a, json_each(a.subjects) j
WHERE a.seq > ? AND a.seq <= ? AND j.type = 'text' AND j.value <> ''
ORDER BY j.value`
	// indexMarkQuery records how far audit_subjects reaches.
	indexMarkQuery = `UPDATE audit_indexed SET seq = ? WHERE id = 1`
)

// indexChunk indexes the subjects of up to indexChunk entries after the
// last indexed one in one write transaction, when at least indexBatch are
// waiting, and returns how many entries are left unindexed.
func (s *StaffStore) indexChunk(ctx context.Context) (int64, error) {
	var left int64
	err := s.db.inWriteTx(ctx, func(tx *sql.Tx) error {
		var indexed, last int64
		err := tx.StmtContext(ctx, s.db.stmts.write[indexHeadQuery]).QueryRowContext(ctx).Scan(&indexed, &last)
		if err != nil {
			return err
		}
		if last-indexed < indexBatch {
			left = last - indexed
			return nil
		}
		seq := min(last, indexed+indexChunk)
		left = last - seq
		return indexSubjects(ctx, tx, s.db, indexed, seq)
	})
	if err != nil {
		return 0, fmt.Errorf("index audit subjects: %w", err)
	}
	return left, nil
}

// indexSubjects copies the subjects of the entries after indexed, the last
// indexed one, up to seq into audit_subjects and records seq as indexed.
func indexSubjects(ctx context.Context, tx *sql.Tx, db *DB, indexed, seq int64) error {
	if _, err := tx.StmtContext(ctx, db.stmts.write[indexSubjectsQuery]).ExecContext(ctx, indexed, seq); err != nil {
		return err
	}
	_, err := tx.StmtContext(ctx, db.stmts.write[indexMarkQuery]).ExecContext(ctx, seq)
	return err
}

// SearchAudit returns the entries the filter selects, oldest first, at most
// f.Limit (50 when unset, never more than beredskap.MaxPageSize), and the
// next page's token or "". From is inclusive and To exclusive. A malformed
// page token is EINVALID.
func (t *staffTx) SearchAudit(ctx context.Context, f beredskap.AuditFilter) ([]*beredskap.AuditEntry, string, error) {
	limit := pageLimit(f.Limit)
	query := `SELECT ` + auditColumns + ` FROM audit WHERE 1 = 1`
	var args []any
	if f.Receipt != "" {
		receipt := f.Receipt
		if r, ok := beredskap.NormalizeReceipt(receipt); ok {
			receipt = r
		}
		// Indexed entries through audit_subjects, the few later ones by
		// their own subjects.
		query += ` AND seq IN (
	SELECT seq FROM audit_subjects WHERE receipt = ?
	UNION ALL
	SELECT a.seq FROM audit a, json_each(a.subjects) j
	WHERE a.seq > (SELECT seq FROM audit_indexed WHERE id = 1) AND j.value = ?)`
		args = append(args, receipt, receipt)
	}
	for _, c := range []struct{ column, value string }{
		{"actor", f.Actor}, {"action", f.Action}, {"object", f.Object},
	} {
		if c.value != "" {
			query += ` AND ` + c.column + ` = ?`
			args = append(args, c.value)
		}
	}
	if !f.From.IsZero() {
		query += ` AND at >= ?`
		args = append(args, fmtTime(ceilMicro(f.From)))
	}
	if !f.To.IsZero() {
		query += ` AND at < ?`
		args = append(args, fmtTime(ceilMicro(f.To)))
	}
	if f.PageToken != "" {
		after, err := beredskap.DecodeSeqToken(f.PageToken)
		if err != nil {
			return nil, "", fmt.Errorf("search audit: %w", err)
		}
		query += ` AND seq > ?`
		args = append(args, after)
	}
	query += ` ORDER BY seq LIMIT ?`
	args = append(args, limit+1)
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("search audit: %w", err)
	}
	defer rows.Close()
	var entries []*beredskap.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, "", fmt.Errorf("search audit: %w", err)
		}
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("search audit: %w", err)
	}
	var next string
	if len(entries) > limit {
		entries = entries[:limit]
		next = beredskap.EncodeSeqToken(entries[limit-1].Seq)
	}
	return entries, next, nil
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
