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

const impactRunColumns = `id, rule_id, at, computed_at, evaluated, changed, notified_at`

// scanImpactRun reads a row of impactRunColumns.
func scanImpactRun(row pgx.Row) (*beredskap.ImpactRun, error) {
	var r beredskap.ImpactRun
	if err := row.Scan(&r.ID, &r.RuleID, &r.At, &r.ComputedAt, &r.Evaluated, &r.Changed, &r.NotifiedAt); err != nil {
		return nil, err
	}
	r.At, r.ComputedAt, r.NotifiedAt = r.At.UTC(), r.ComputedAt.UTC(), utcPtr(r.NotifiedAt)
	return &r, nil
}

// CreateImpactRun stores r with its changes and sets r's ID, and
// ComputedAt from the clock when it is zero; r's instants are written back
// UTC to the microsecond. A run of the same RuleID and At is ECONFLICT,
// stores nothing and leaves the transaction usable. The changes are copied
// in with the COPY protocol, however many there are; two of one receipt
// are ECONFLICT.
func (t *hotelTx) CreateImpactRun(ctx context.Context, r *beredskap.ImpactRun, changes []*beredskap.ImpactChange) error {
	if r.ComputedAt.IsZero() {
		r.ComputedAt = t.now()
	}
	r.At, r.ComputedAt, r.NotifiedAt = stamp(r.At), stamp(r.ComputedAt), stampPtr(r.NotifiedAt)
	var id int64
	err := t.tx.QueryRow(ctx, `INSERT INTO impact_runs (rule_id, at, computed_at, evaluated, changed, notified_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (rule_id, at) DO NOTHING
RETURNING id`, r.RuleID, r.At, r.ComputedAt, r.Evaluated, r.Changed, r.NotifiedAt).Scan(&id)
	if isNoRows(err) {
		return fmt.Errorf("create impact run: %w", conflict("the impact of %s at %s has been computed already",
			r.RuleID, r.At.Format(time.RFC3339)))
	}
	if err != nil {
		return fmt.Errorf("create impact run: %w", translate(err))
	}
	rows := make([][]any, len(changes))
	for i, c := range changes {
		oldDay, err := optionalDate("old_last_day", c.OldLastDay)
		if err != nil {
			return fmt.Errorf("create impact run: %w", err)
		}
		newDay, err := optionalDate("new_last_day", c.NewLastDay)
		if err != nil {
			return fmt.Errorf("create impact run: %w", err)
		}
		rows[i] = []any{id, c.Receipt, c.Municipality, strs(c.Changes), c.Group, oldDay, newDay, c.Language}
	}
	if len(rows) > 0 {
		_, err = t.tx.CopyFrom(ctx, pgx.Identifier{"impact_changes"},
			[]string{"run_id", "receipt", "municipality", "changes", "exemption_group", "old_last_day",
				"new_last_day", "language"},
			pgx.CopyFromRows(rows))
		if err != nil {
			return fmt.Errorf("create impact run: %w", translate(err))
		}
	}
	r.ID = id
	return nil
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

// MarkImpactNotified sets NotifiedAt of the run, or returns ENOTFOUND.
func (t *hotelTx) MarkImpactNotified(ctx context.Context, runID int64, at time.Time) error {
	tag, err := t.tx.Exec(ctx, `UPDATE impact_runs SET notified_at = $2 WHERE id = $1`, runID, stamp(at))
	if err != nil {
		return fmt.Errorf("mark impact notified: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("mark impact notified: %w", notFound("impact run"))
	}
	return nil
}
