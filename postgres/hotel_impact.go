package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

// defaultImpactPage is how many changes ImpactChanges returns when asked
// for none or fewer.
const defaultImpactPage = 50

const impactRunColumns = `id, rule_id, at, computed_at, evaluated, changed, notified_at, swept_to, added,
	final_at, final_evaluated`

// scanImpactRun reads a row of impactRunColumns.
func scanImpactRun(row pgx.Row) (*beredskap.ImpactRun, error) {
	var (
		r     beredskap.ImpactRun
		swept *time.Time
	)
	if err := row.Scan(&r.ID, &r.RuleID, &r.At, &r.ComputedAt, &r.Evaluated, &r.Changed, &r.NotifiedAt, &swept,
		&r.Added, &r.FinalAt, &r.FinalEvaluated); err != nil {
		return nil, err
	}
	r.At, r.ComputedAt, r.NotifiedAt, r.FinalAt = r.At.UTC(), r.ComputedAt.UTC(), utcPtr(r.NotifiedAt), utcPtr(r.FinalAt)
	r.SweptTo = r.ComputedAt
	if swept != nil {
		r.SweptTo = swept.UTC()
	}
	return &r, nil
}

// CreateImpactRun stores r with its changes and sets r's ID, ComputedAt
// from the clock when it is zero, and SweptTo to ComputedAt when it is
// zero; r's instants are written back UTC to the microsecond. A run of the
// same RuleID and At is ECONFLICT, stores nothing and leaves the
// transaction usable. The changes are copied in with the COPY protocol,
// however many there are; two of one receipt are ECONFLICT.
func (t *hotelTx) CreateImpactRun(ctx context.Context, r *beredskap.ImpactRun, changes []*beredskap.ImpactChange) error {
	if r.ComputedAt.IsZero() {
		r.ComputedAt = t.now()
	}
	if r.SweptTo.IsZero() {
		r.SweptTo = r.ComputedAt
	}
	r.At, r.ComputedAt, r.NotifiedAt = stamp(r.At), stamp(r.ComputedAt), stampPtr(r.NotifiedAt)
	r.SweptTo, r.FinalAt = stamp(r.SweptTo), stampPtr(r.FinalAt)
	var id int64
	err := t.tx.QueryRow(ctx, `INSERT INTO impact_runs (rule_id, at, computed_at, evaluated, changed, notified_at,
	swept_to, added, final_at, final_evaluated)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (rule_id, at) DO NOTHING
RETURNING id`, r.RuleID, r.At, r.ComputedAt, r.Evaluated, r.Changed, r.NotifiedAt, r.SweptTo, r.Added, r.FinalAt,
		r.FinalEvaluated).Scan(&id)
	if isNoRows(err) {
		return fmt.Errorf("create impact run: %w", conflict("the impact of %s at %s has been computed already",
			r.RuleID, r.At.Format(time.RFC3339)))
	}
	if err != nil {
		return fmt.Errorf("create impact run: %w", translate(err))
	}
	rows, err := changeRows(id, changes)
	if err != nil {
		return fmt.Errorf("create impact run: %w", err)
	}
	if len(rows) > 0 {
		_, err = t.tx.CopyFrom(ctx, pgx.Identifier{"impact_changes"}, impactChangeColumns, pgx.CopyFromRows(rows))
		if err != nil {
			return fmt.Errorf("create impact run: %w", translate(err))
		}
	}
	r.ID = id
	return nil
}

// impactChangeColumns are the columns changeRows fills, in order.
var impactChangeColumns = []string{"run_id", "receipt", "municipality", "changes", "exemption_group", "old_last_day",
	"new_last_day", "language"}

// changeRows returns the rows of impactChangeColumns of changes of run id.
func changeRows(id int64, changes []*beredskap.ImpactChange) ([][]any, error) {
	rows := make([][]any, len(changes))
	for i, c := range changes {
		oldDay, err := optionalDate("old_last_day", c.OldLastDay)
		if err != nil {
			return nil, err
		}
		newDay, err := optionalDate("new_last_day", c.NewLastDay)
		if err != nil {
			return nil, err
		}
		rows[i] = []any{id, c.Receipt, c.Municipality, strs(c.Changes), c.Group, oldDay, newDay, c.Language}
	}
	return rows, nil
}

// AddImpactChanges adds changes to the run, skipping receipts it holds
// already (also when a concurrent transaction adds one first: the insert
// waits for it and then skips), adds their number to the run's added, and
// returns it. The changes go through a temporary table filled by COPY.
func (t *hotelTx) AddImpactChanges(ctx context.Context, runID int64, changes []*beredskap.ImpactChange) (int, error) {
	added := 0
	if len(changes) > 0 {
		rows, err := changeRows(runID, changes)
		if err != nil {
			return 0, fmt.Errorf("add impact changes: %w", err)
		}
		_, err = t.tx.Exec(ctx, `CREATE TEMPORARY TABLE IF NOT EXISTS impact_changes_new
	(LIKE impact_changes INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`)
		if err != nil {
			return 0, fmt.Errorf("add impact changes: %w", err)
		}
		if _, err := t.tx.Exec(ctx, `TRUNCATE impact_changes_new`); err != nil {
			return 0, fmt.Errorf("add impact changes: %w", err)
		}
		if _, err := t.tx.CopyFrom(ctx, pgx.Identifier{"impact_changes_new"}, impactChangeColumns, pgx.CopyFromRows(rows)); err != nil {
			return 0, fmt.Errorf("add impact changes: %w", translate(err))
		}
		tag, err := t.tx.Exec(ctx, `INSERT INTO impact_changes SELECT * FROM impact_changes_new ORDER BY receipt
ON CONFLICT (run_id, receipt) DO NOTHING`)
		if err != nil {
			return 0, fmt.Errorf("add impact changes: %w", translate(err))
		}
		added = int(tag.RowsAffected())
	}
	tag, err := t.tx.Exec(ctx, `UPDATE impact_runs SET added = added + $2 WHERE id = $1`, runID, added)
	if err != nil {
		return 0, fmt.Errorf("add impact changes: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return 0, fmt.Errorf("add impact changes: %w", notFound("impact run"))
	}
	return added, nil
}

// FindImpactRun returns the run of the rule version at the instant, or
// ENOTFOUND.
func (t *hotelTx) FindImpactRun(ctx context.Context, ruleID string, at time.Time) (*beredskap.ImpactRun, error) {
	r, err := scanImpactRun(t.tx.QueryRow(ctx, `SELECT `+impactRunColumns+` FROM impact_runs
WHERE rule_id = $1 AND at = $2`, ruleID, stamp(at)))
	if err != nil {
		return nil, fmt.Errorf("find impact run: %w", noRows(err, "impact run"))
	}
	return r, nil
}

// ListImpactRuns returns the runs by ComputedAt then id, newest first.
func (t *hotelTx) ListImpactRuns(ctx context.Context) ([]*beredskap.ImpactRun, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+impactRunColumns+` FROM impact_runs ORDER BY computed_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list impact runs: %w", err)
	}
	rs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.ImpactRun, error) { return scanImpactRun(row) })
	if err != nil {
		return nil, fmt.Errorf("list impact runs: %w", err)
	}
	return rs, nil
}

// ImpactChanges returns a run's changes of a municipality ("" for all) by
// receipt (byte order), those after the receipt after, at most limit (50
// when 0 or less).
func (t *hotelTx) ImpactChanges(ctx context.Context, runID int64, municipality, after string, limit int) ([]*beredskap.ImpactChange, error) {
	if limit <= 0 {
		limit = defaultImpactPage
	}
	query := `SELECT run_id, receipt, municipality, changes, exemption_group, old_last_day, new_last_day, language
FROM impact_changes WHERE run_id = $1 AND receipt > $2`
	args := []any{runID, after}
	if municipality != "" {
		query += ` AND municipality = $4`
		args = append(args, limit, municipality)
	} else {
		args = append(args, limit)
	}
	rows, err := t.tx.Query(ctx, query+` ORDER BY receipt LIMIT $3`, args...)
	if err != nil {
		return nil, fmt.Errorf("impact changes: %w", err)
	}
	cs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.ImpactChange, error) {
		var (
			c              beredskap.ImpactChange
			oldDay, newDay *time.Time
		)
		err := row.Scan(&c.RunID, &c.Receipt, &c.Municipality, &c.Changes, &c.Group, &oldDay, &newDay, &c.Language)
		if err != nil {
			return nil, err
		}
		c.OldLastDay, c.NewLastDay = dayString(oldDay), dayString(newDay)
		return &c, nil
	})
	if err != nil {
		return nil, fmt.Errorf("impact changes: %w", err)
	}
	return cs, nil
}

// FindImpactRunByID returns the run with the id, or ENOTFOUND.
func (t *hotelTx) FindImpactRunByID(ctx context.Context, id int64) (*beredskap.ImpactRun, error) {
	r, err := scanImpactRun(t.tx.QueryRow(ctx, `SELECT `+impactRunColumns+` FROM impact_runs WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("find impact run: %w", noRows(err, "impact run"))
	}
	return r, nil
}

// SweepImpact moves the run's swept_to forward to sweptTo and, with final,
// sets final_at and final_evaluated once; ENOTFOUND for an unknown run.
func (t *hotelTx) SweepImpact(ctx context.Context, runID int64, sweptTo time.Time, final *time.Time, finalEvaluated int) error {
	tag, err := t.tx.Exec(ctx, `UPDATE impact_runs SET
	swept_to = GREATEST(swept_to, $2),
	final_evaluated = CASE WHEN final_at IS NULL AND $3::timestamptz IS NOT NULL THEN $4 ELSE final_evaluated END,
	final_at = COALESCE(final_at, $3)
WHERE id = $1`, runID, stamp(sweptTo), stampPtr(final), finalEvaluated)
	if err != nil {
		return fmt.Errorf("sweep impact run: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("sweep impact run: %w", notFound("impact run"))
	}
	return nil
}

// MarkImpactNotified sets NotifiedAt of the run unless it is set, and
// reports whether it did; ENOTFOUND for an unknown run. Of two concurrent
// calls the second waits for the first's row lock and then finds it set.
func (t *hotelTx) MarkImpactNotified(ctx context.Context, runID int64, at time.Time) (bool, error) {
	tag, err := t.tx.Exec(ctx, `UPDATE impact_runs SET notified_at = $2 WHERE id = $1 AND notified_at IS NULL`,
		runID, stamp(at))
	if err != nil {
		return false, fmt.Errorf("mark impact notified: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return true, nil
	}
	if _, err := t.FindImpactRunByID(ctx, runID); err != nil {
		return false, fmt.Errorf("mark impact notified: %w", err)
	}
	return false, nil
}
