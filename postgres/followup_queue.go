package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

// queueOrder is the work queue's priority: not reached before reached,
// suspected breach first, fewest days left, then oldest.
const queueOrder = `reached, breach_suspected DESC, last_day, id`

// queueWhere returns the conditions of the queue at now that f selects,
// with their arguments numbered after args.
func queueWhere(f beredskap.QueueFilter, now time.Time, args []any) (string, []any) {
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := `status = 'active' AND next_call_at <= ` + arg(stamp(now))
	if f.Language != "" {
		where += ` AND language = ` + arg(f.Language)
	}
	if f.Municipality != "" {
		where += ` AND municipality = ` + arg(f.Municipality)
	}
	return where, args
}

// ClaimNext gives operator the first plan of the queue that f selects and
// nobody holds at now, holding it until until, and returns it; an empty
// queue is ENOTFOUND.
//
// The plan is chosen and locked with FOR UPDATE SKIP LOCKED, so that
// concurrent claims pass over the plans other transactions are taking. In
// read committed a plan that another transaction claimed and committed
// after this statement's snapshot is locked in its new version and its
// conditions checked again, so it is passed over too: two claims never get
// the same plan while its hold lasts. The conditions are keys of the queue
// index (held_until is the generated end of the hold), so plans held or not
// yet due are passed over without reading their rows.
func (t *followUpTx) ClaimNext(ctx context.Context, f beredskap.QueueFilter, operator string, now, until time.Time) (*beredskap.FollowUpPlan, error) {
	now, until = stamp(now), stamp(until)
	where, args := queueWhere(f, now, []any{operator, until, t.now()})
	p, err := scanPlan(t.tx.QueryRow(ctx, `UPDATE followup_plans SET claimed_by = $1, lease_until = $2, updated_at = $3
WHERE id = (
	SELECT id FROM followup_plans
	WHERE `+where+` AND held_until <= $`+strconv.Itoa(len(args)+1)+`
	ORDER BY `+queueOrder+`
	LIMIT 1
	FOR UPDATE SKIP LOCKED
)
RETURNING `+planColumns, append(args, now)...))
	if err != nil {
		return nil, fmt.Errorf("claim next plan: %w", noRows(err, "plan in the queue"))
	}
	return p, nil
}

// Claim holds the plan for operator until until. A plan held by someone
// else at now, or ended, is ECONFLICT; an unknown one ENOTFOUND. The holder
// may claim again to extend the hold. Concurrent claims of one plan wait
// for each other on the row's lock, so exactly one of them wins.
func (t *followUpTx) Claim(ctx context.Context, planID int64, operator string, now, until time.Time) (*beredskap.FollowUpPlan, error) {
	now, until = stamp(now), stamp(until)
	p, err := scanPlan(t.tx.QueryRow(ctx, `UPDATE followup_plans SET claimed_by = $2, lease_until = $3, updated_at = $5
WHERE id = $1 AND status = 'active'
	AND (claimed_by = $2 OR held_until <= $4)
RETURNING `+planColumns, planID, operator, until, now, t.now()))
	if err == nil {
		return p, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("claim plan %d: %w", planID, translate(err))
	}
	var status string
	err = t.tx.QueryRow(ctx, `SELECT status FROM followup_plans WHERE id = $1`, planID).Scan(&status)
	if err != nil {
		return nil, fmt.Errorf("claim plan %d: %w", planID, noRows(err, "plan"))
	}
	if status != string(beredskap.PlanActive) {
		return nil, fmt.Errorf("claim plan %d: %w", planID, beredskap.Errorf(beredskap.ECONFLICT, "the plan has ended"))
	}
	return nil, fmt.Errorf("claim plan %d: %w", planID, beredskap.Errorf(beredskap.ECONFLICT, "another operator holds the plan"))
}

// Release frees the plan if operator holds it; otherwise nothing happens.
func (t *followUpTx) Release(ctx context.Context, planID int64, operator string) error {
	_, err := t.tx.Exec(ctx, `UPDATE followup_plans SET claimed_by = '', lease_until = NULL, updated_at = $3
WHERE id = $1 AND claimed_by = $2`, planID, operator, t.now())
	if err != nil {
		return fmt.Errorf("release plan %d: %w", planID, err)
	}
	return nil
}

// ListQueue returns the queue as ClaimNext orders it, held plans included,
// at most f.Limit (MaxPageSize when 0).
func (t *followUpTx) ListQueue(ctx context.Context, f beredskap.QueueFilter, now time.Time) ([]*beredskap.FollowUpPlan, error) {
	limit := f.Limit
	if limit <= 0 || limit > beredskap.MaxPageSize {
		limit = beredskap.MaxPageSize
	}
	where, args := queueWhere(f, now, nil)
	ps, err := queryPlans(ctx, t.tx, `SELECT `+planColumns+` FROM followup_plans WHERE `+where+`
ORDER BY `+queueOrder+` LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(max(f.Offset, 0)), args...)
	if err != nil {
		return nil, fmt.Errorf("list queue: %w", err)
	}
	return ps, nil
}

// CountQueue returns how many plans the queue f holds at now.
func (t *followUpTx) CountQueue(ctx context.Context, f beredskap.QueueFilter, now time.Time) (int, error) {
	where, args := queueWhere(f, now, nil)
	var n int
	if err := t.tx.QueryRow(ctx, `SELECT count(*) FROM followup_plans WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count queue: %w", err)
	}
	return n, nil
}
