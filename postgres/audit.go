package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"beredskap"
	"beredskap/internal/audithead"
)

// scanBatch is how many audit entries ScanAudit reads per query.
const scanBatch = 1000

// errReadOnlyAudit is returned by Audit inside View.
var errReadOnlyAudit = errors.New("audit: the transaction is read-only")

// auditAppend appends an entry ($1 its seq, $14 its prev_hash, $15 its
// hash) and moves the head to it, in one statement and so one round trip,
// only if the head is still the entry it follows; it affects no row
// otherwise. The UPDATE takes the head's row lock, which serialises
// appends in commit order: an append that waited for another finds the
// head moved.
const auditAppend = `WITH h AS (
	UPDATE audit_head SET seq = $1, hash = $15 WHERE seq = $1 - 1 AND hash = $14 RETURNING seq
)
INSERT INTO audit (seq, at, actor, user_id, role, scope, action, object, subjects,
	outcome, detail, address, request_id, prev_hash, hash)
SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15 FROM h`

// auditAppendOrFail is auditAppend that fails, instead of affecting no
// row, when the head moved: the entry's seq is then NULL (from the empty
// h), which audit.seq refuses (headMoved). It travels with COMMIT, which
// must not run without the entry.
const auditAppendOrFail = `WITH h AS (
	UPDATE audit_head SET seq = $1, hash = $15 WHERE seq = $1 - 1 AND hash = $14 RETURNING seq
)
INSERT INTO audit (seq, at, actor, user_id, role, scope, action, object, subjects,
	outcome, detail, address, request_id, prev_hash, hash)
SELECT h.seq, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15 FROM (VALUES (1)) AS one LEFT JOIN h ON true`

// notNullViolation is the SQLSTATE of a NULL in a NOT NULL column.
const notNullViolation = "23502"

// headMoved reports whether err is auditAppendOrFail's failure for a head
// that moved.
func headMoved(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == notNullViolation &&
		pgErr.TableName == "audit" && pgErr.ColumnName == "seq"
}

// Audit appends rec as the entry after the head, chained to it, stamped
// with the clock's time, and returns the entry. The head is taken from the
// transaction's earlier appends or the database's hint and read (locked)
// only when neither knows it or it proves stale, as it does when another
// server appended in between. An entry chained to a known head is held
// back to travel with COMMIT, or with the transaction's next statement,
// in the same round trip: its Seq, At and Hash are final when Update
// returns (they change if the head moved meanwhile). It fails in a View
// transaction.
func (t *staffTx) Audit(ctx context.Context, rec beredskap.AuditRecord) (*beredskap.AuditEntry, error) {
	if t.readOnly {
		return nil, errReadOnlyAudit
	}
	if err := t.sendAudit(ctx); err != nil {
		return nil, err
	}
	e := &beredskap.AuditEntry{AuditRecord: rec}
	head, known := t.head, t.head != nil
	if !known {
		h, ok := t.db.head.Get()
		head, known = &h, ok
	}
	if known {
		t.chain(e, *head)
		t.held = e
	} else if err := t.append(ctx, e, head, known); err != nil {
		return nil, err
	}
	t.head = &audithead.Head{Seq: e.Seq, Hash: e.Hash}
	return e, nil
}

// chain makes e the entry after head, stamped now.
func (t *staffTx) chain(e *beredskap.AuditEntry, head audithead.Head) {
	e.Seq, e.PrevHash = head.Seq+1, head.Hash
	e.At = t.now()
	e.Hash = e.ChainHash()
	if len(e.Subjects) == 0 {
		e.Subjects = nil
	}
}

// auditArgs are the arguments of auditAppend and auditAppendOrFail for e.
func auditArgs(e *beredskap.AuditEntry) []any {
	subjects := e.Subjects
	if subjects == nil {
		subjects = []string{}
	}
	return []any{e.Seq, e.At, e.Actor, e.UserID, string(e.Role), e.Scope, e.Action, e.Object, subjects,
		e.Outcome, e.Detail, e.Address, e.RequestID, e.PrevHash, e.Hash}
}

// append appends e after head, when known, and after the head it reads
// and locks when not, or when head proves stale.
func (t *staffTx) append(ctx context.Context, e *beredskap.AuditEntry, head *audithead.Head, known bool) error {
	for tries := 0; ; tries++ {
		if !known || tries > 0 {
			head = &audithead.Head{}
			if err := t.tx.QueryRow(ctx, `SELECT seq, hash FROM audit_head FOR UPDATE`).Scan(&head.Seq, &head.Hash); err != nil {
				return fmt.Errorf("audit %s: lock head: %w", e.Action, err)
			}
		}
		t.chain(e, *head)
		tag, err := t.tx.Exec(ctx, auditAppend, auditArgs(e)...)
		if err != nil {
			return fmt.Errorf("audit %s: %w", e.Action, err)
		}
		if tag.RowsAffected() == 1 {
			return nil
		}
		if tries > 0 {
			return fmt.Errorf("audit %s: the head moved while locked", e.Action)
		}
	}
}

// sendAudit appends the entry held back, if any, by itself, before
// another statement (the lazy transaction's before).
func (t *staffTx) sendAudit(ctx context.Context) error {
	e := t.held
	if e == nil {
		return nil
	}
	t.held = nil
	if err := t.append(ctx, e, &audithead.Head{Seq: e.Seq - 1, Hash: e.PrevHash}, true); err != nil {
		return err
	}
	t.head = &audithead.Head{Seq: e.Seq, Hash: e.Hash}
	return nil
}

// commit commits the transaction, with the entry held back, if any, in
// the same round trip, inside a savepoint: when the head moved, the
// transaction returns to the savepoint, appends the entry after the head
// it locks, and commits then.
func (t *staffTx) commit(ctx context.Context) error {
	e := t.held
	if e == nil {
		return t.lazy.Commit(ctx)
	}
	t.held = nil
	b := &pgx.Batch{}
	b.Queue(`SAVEPOINT audit_append`)
	b.Queue(auditAppendOrFail, auditArgs(e)...)
	b.Queue(`RELEASE SAVEPOINT audit_append`)
	b.Queue(`COMMIT`)
	err := t.lazy.commitWith(ctx, b)
	if err == nil || !headMoved(err) {
		return err
	}
	if _, err := t.tx.Exec(ctx, `ROLLBACK TO SAVEPOINT audit_append`); err != nil {
		return err
	}
	if err := t.append(ctx, e, nil, false); err != nil {
		return err
	}
	t.head = &audithead.Head{Seq: e.Seq, Hash: e.Hash}
	return t.lazy.Commit(ctx)
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
		query += ` AND subjects @> ARRAY[` + arg(receipt) + `]::text[]`
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
		return fmt.Errorf("scan audit: %w", s.db.unavailable(err))
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
