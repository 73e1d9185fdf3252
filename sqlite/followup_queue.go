package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"beredskap"
)

// queueOrder is the queue's priority: not reached before reached, suspected
// breach first, fewest days left, then oldest. It is the order of the index
// followup_plans_queue.
const queueOrder = `ORDER BY reached, breach_suspected DESC, last_day, id`

// queueWhere returns the conditions and arguments that select the active
// plans of the queue f whose call is due at now.
func queueWhere(f beredskap.QueueFilter, now time.Time) (string, []any) {
	conds := []string{`status = 'active'`, `next_call_at <= ?`}
	args := []any{fmtTime(now)}
	// The unary + keeps SQLite from searching another index by language or
	// municipality and sorting: the queue index covers both columns.
	if f.Language != "" {
		conds, args = append(conds, `+language = ?`), append(args, f.Language)
	}
	if f.Municipality != "" {
		conds, args = append(conds, `+municipality = ?`), append(args, f.Municipality)
	}
	return strings.Join(conds, " AND "), args
}

// ClaimNext holds the first plan of the queue f that nobody holds at now
// for operator until until, and returns it; ENOTFOUND when there is none.
// It first frees the plans whose hold lapsed by now, through the index of
// holds, and then claims with one UPDATE whose subquery walks the index of
// free plans in priority order, so that held plans cost a claim nothing.
// SQLite runs one writer at a time, so two claims never see the same plan
// free.
func (t *followUpTx) ClaimNext(ctx context.Context, f beredskap.QueueFilter, operator string, now, until time.Time) (*beredskap.FollowUpPlan, error) {
	_, err := t.tx.ExecContext(ctx, freeLapsedQuery, fmtTime(now))
	if err != nil {
		return nil, fmt.Errorf("claim next plan: free lapsed holds: %w", err)
	}
	where, args := queueWhere(f, now)
	p, err := scanPlan(t.tx.QueryRowContext(ctx, claimNextQuery(where),
		append([]any{operator, fmtTime(until)}, args...)...))
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("claim next plan: %w", beredskap.Errorf(beredskap.ENOTFOUND, "no traveller in the queue is waiting"))
		}
		return nil, fmt.Errorf("claim next plan: %w", translate(err))
	}
	return p, nil
}

// freeLapsedQuery frees the active plans whose hold lapsed by its argument.
// (CreatePlan and UpdatePlan store no hold without an end.)
const freeLapsedQuery = `UPDATE followup_plans INDEXED BY followup_plans_holds SET claimed_by = '', lease_until = NULL
WHERE status = 'active' AND claimed_by <> '' AND lease_until <= ?`

// claimNextQuery returns the UPDATE of ClaimNext for the conditions of
// queueWhere; its arguments are the operator, the hold's end and those of
// queueWhere.
func claimNextQuery(where string) string {
	return `UPDATE followup_plans SET claimed_by = ?, lease_until = ?
WHERE id = (SELECT id FROM followup_plans WHERE ` + where + ` AND claimed_by = '' ` + queueOrder + ` LIMIT 1)
RETURNING ` + planColumns
}

// Claim holds the plan for operator until until. A plan another operator
// holds at now, or an ended plan, is ECONFLICT; an unknown one ENOTFOUND.
// The holder may claim again to extend the hold.
func (t *followUpTx) Claim(ctx context.Context, planID int64, operator string, now, until time.Time) (*beredskap.FollowUpPlan, error) {
	p, err := scanPlan(t.tx.QueryRowContext(ctx, `UPDATE followup_plans SET claimed_by = ?, lease_until = ?
WHERE id = ? AND status = 'active' AND (claimed_by = ? OR claimed_by = '' OR lease_until IS NULL OR lease_until <= ?)
RETURNING `+planColumns, operator, fmtTime(until), planID, operator, fmtTime(now)))
	if err == nil {
		return p, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("claim plan %d: %w", planID, translate(err))
	}
	cur, err := t.FindPlan(ctx, planID)
	if err != nil {
		return nil, fmt.Errorf("claim plan %d: %w", planID, err)
	}
	if cur.Status != beredskap.PlanActive {
		return nil, fmt.Errorf("claim plan %d: %w", planID, beredskap.Errorf(beredskap.ECONFLICT, "the follow-up has ended"))
	}
	return nil, fmt.Errorf("claim plan %d: %w", planID, beredskap.Errorf(beredskap.ECONFLICT, "another operator holds the traveller"))
}

// Release frees the plan if operator holds it; otherwise nothing happens.
func (t *followUpTx) Release(ctx context.Context, planID int64, operator string) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE followup_plans SET claimed_by = '', lease_until = NULL
WHERE id = ? AND claimed_by = ?`, planID, operator)
	if err != nil {
		return fmt.Errorf("release plan %d: %w", planID, err)
	}
	return nil
}

// ListQueue returns the queue f selects at now in ClaimNext's order, held
// plans included, at most f.Limit (MaxPageSize when 0).
func (t *followUpTx) ListQueue(ctx context.Context, f beredskap.QueueFilter, now time.Time) ([]*beredskap.FollowUpPlan, error) {
	limit := f.Limit
	if limit <= 0 || limit > beredskap.MaxPageSize {
		limit = beredskap.MaxPageSize
	}
	where, args := queueWhere(f, now)
	ps, err := t.queryPlans(ctx, listQueueQuery(where), append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, fmt.Errorf("list queue: %w", err)
	}
	return ps, nil
}

// CountQueue returns how many plans the queue f holds at now.
func (t *followUpTx) CountQueue(ctx context.Context, f beredskap.QueueFilter, now time.Time) (int, error) {
	where, args := queueWhere(f, now)
	var n int
	if err := t.tx.QueryRowContext(ctx, `SELECT count(*) FROM followup_plans WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count queue: %w", err)
	}
	return n, nil
}

// listQueueQuery returns the query of ListQueue for the conditions of
// queueWhere; its arguments are those of queueWhere, the limit and the
// offset.
func listQueueQuery(where string) string {
	return `SELECT ` + planColumns + ` FROM followup_plans WHERE ` + where + ` ` + queueOrder + ` LIMIT ? OFFSET ?`
}
