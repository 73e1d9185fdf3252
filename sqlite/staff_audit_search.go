package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"beredskap"
)

// auditColumnsOfA are auditColumns of the audit table named a.
const auditColumnsOfA = `a.seq, a.at, a.actor, a.user_id, a.role, a.scope, a.action, a.object, a.subjects,
	a.outcome, a.detail, a.address, a.request_id, a.prev_hash, a.hash`

// SearchAudit returns the entries the filter selects, oldest first, at most
// f.Limit (50 when unset, never more than beredskap.MaxPageSize), and the
// next page's token or "". From is inclusive and To exclusive. A malformed
// page token is EINVALID. Entries up to audit_indexed are found through the
// search indexes of migration 0006, the later ones by reading them all.
func (t *staffTx) SearchAudit(ctx context.Context, f beredskap.AuditFilter) ([]*beredskap.AuditEntry, string, error) {
	limit := pageLimit(f.Limit)
	var after int64
	if f.PageToken != "" {
		var err error
		if after, err = beredskap.DecodeSeqToken(f.PageToken); err != nil {
			return nil, "", fmt.Errorf("search audit: %w", err)
		}
	}
	var indexed int64
	if err := t.tx.QueryRowContext(ctx, `SELECT seq FROM audit_indexed WHERE id = 1`).Scan(&indexed); err != nil {
		return nil, "", fmt.Errorf("search audit: %w", err)
	}
	s := newAuditSearch(f)
	var entries []*beredskap.AuditEntry
	var err error
	if after < indexed {
		entries, err = t.auditRows(ctx, s.indexed(after, indexed, limit+1))
	}
	if err == nil && len(entries) <= limit {
		var tail []*beredskap.AuditEntry
		tail, err = t.auditRows(ctx, s.tail(max(after, indexed), limit+1-len(entries)))
		entries = append(entries, tail...)
	}
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

// auditQuery is a query of auditColumnsOfA and its arguments.
type auditQuery struct {
	sql  string
	args []any
}

// auditRows runs q and reads its entries.
func (t *staffTx) auditRows(ctx context.Context, q auditQuery) ([]*beredskap.AuditEntry, error) {
	rows, err := t.tx.QueryContext(ctx, q.sql, q.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var entries []*beredskap.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	return entries, rows.Err()
}

// auditSearch builds the queries of one search. conds are the filter's
// conditions on an entry (the audit table named a), exact in themselves,
// and args their arguments; every query applies them, whatever index it
// finds its candidates through.
type auditSearch struct {
	f       beredskap.AuditFilter
	receipt string
	from    string
	to      string
	conds   []string
	args    []any
}

func newAuditSearch(f beredskap.AuditFilter) *auditSearch {
	s := &auditSearch{f: f}
	if f.Receipt != "" {
		s.receipt = f.Receipt
		if r, ok := beredskap.NormalizeReceipt(f.Receipt); ok {
			s.receipt = r
		}
		// The substring test, on the receipt as the subjects' JSON writes
		// it, passes over most entries cheaply; json_each decides.
		quoted, _ := json.Marshal(s.receipt)
		s.where(`instr(a.subjects, ?) > 0`, string(quoted))
		s.where(`EXISTS (SELECT 1 FROM json_each(a.subjects) j WHERE j.value = ?)`, s.receipt)
	}
	for _, c := range []struct{ column, value string }{
		{"actor", f.Actor}, {"action", f.Action}, {"object", f.Object},
	} {
		if c.value != "" {
			s.where(`a.`+c.column+` = ?`, c.value)
		}
	}
	if !f.From.IsZero() {
		s.from = fmtTime(ceilMicro(f.From))
		s.where(`a.at >= ?`, s.from)
	}
	if !f.To.IsZero() {
		s.to = fmtTime(ceilMicro(f.To))
		s.where(`a.at < ?`, s.to)
	}
	return s
}

func (s *auditSearch) where(cond string, arg any) {
	s.conds = append(s.conds, cond)
	s.args = append(s.args, arg)
}

// query returns the query of at most n entries from the tables in from,
// under the conditions in where (whose arguments are args) and the
// search's, in the order given.
func (s *auditSearch) query(from string, where []string, args []any, order string, n int) auditQuery {
	where = append(where, s.conds...)
	args = append(append(args, s.args...), n)
	return auditQuery{
		sql:  `SELECT ` + auditColumnsOfA + ` FROM ` + from + ` WHERE ` + strings.Join(where, ` AND `) + ` ORDER BY ` + order + ` LIMIT ?`,
		args: args,
	}
}

// tail returns the query of the first n entries after seq after, read
// one by one: the entries the indexes do not reach.
func (s *auditSearch) tail(after int64, n int) auditQuery {
	return s.query(`audit a`, []string{`a.seq > ?`}, []any{after}, `a.seq`, n)
}

// indexed returns the query of the first n entries after seq after, up to
// seq indexed, found through the most selective index the filter allows:
// the receipt's blocks, then the object, actor or action key, then the
// time keys; with none of them, the audit table in order.
func (s *auditSearch) indexed(after, indexed int64, n int) auditQuery {
	span := []any{after, indexed}
	if s.receipt != "" {
		// Blocks in order, and each block's entries in order, are the
		// entries in order, which the index and the rowid give unsorted.
		return s.query(`audit_subject_blocks b JOIN audit a ON a.seq >= b.block * ? AND a.seq < (b.block + 1) * ?`,
			[]string{`b.receipt = ?`, `b.block >= ?`, `a.seq > ?`, `a.seq <= ?`},
			[]any{subjectBlock, subjectBlock, s.receipt, after / subjectBlock, after, indexed},
			`b.block, a.seq`, n)
	}
	for _, k := range []struct{ prefix, value string }{
		{"object:", s.f.Object}, {"actor:", s.f.Actor}, {"action:", s.f.Action},
	} {
		if k.value != "" {
			return s.query(`audit_keys k JOIN audit a ON a.seq = k.seq`,
				[]string{`k.key = ?`, `k.seq > ?`, `k.seq <= ?`},
				append([]any{k.prefix + k.value}, span...), `k.seq`, n)
		}
	}
	if s.from != "" || s.to != "" {
		// The time keys lie between "at:" and "at;", ';' being the
		// character after ':'. They are in time order, which is sorted
		// into sequence order.
		low, high := "at:"+s.from, "at;"
		if s.to != "" {
			high = "at:" + s.to
		}
		return s.query(`audit_keys k JOIN audit a ON a.seq = k.seq`,
			[]string{`k.key >= ?`, `k.key < ?`, `k.seq > ?`, `k.seq <= ?`},
			append([]any{low, high}, span...), `a.seq`, n)
	}
	return s.query(`audit a`, []string{`a.seq > ?`, `a.seq <= ?`}, span, `a.seq`, n)
}
