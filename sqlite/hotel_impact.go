package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"beredskap"
)

// impactBatch is how many impact changes one INSERT writes.
const impactBatch = 200

const impactRunColumns = `id, rule_id, at, computed_at, evaluated, changed, notified_at`

// CreateImpactRun stores r with its changes and sets r's ID; ComputedAt is
// taken from the clock when zero, and r's instants are written back as
// stored. A run of the same RuleID and At is ECONFLICT and stores nothing.
// The changes are written impactBatch to a statement.
func (t *hotelTx) CreateImpactRun(ctx context.Context, r *beredskap.ImpactRun, changes []*beredskap.ImpactChange) error {
	if r.ComputedAt.IsZero() {
		r.ComputedAt = t.now()
	}
	r.At, r.ComputedAt, r.NotifiedAt = stamp(r.At), stamp(r.ComputedAt), stampOpt(r.NotifiedAt)
	err := t.tx.QueryRowContext(ctx, `INSERT INTO impact_runs (rule_id, at, computed_at, evaluated, changed,
	notified_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, r.RuleID, fmtTime(r.At), fmtTime(r.ComputedAt),
		r.Evaluated, r.Changed, fmtOpt(r.NotifiedAt)).Scan(&r.ID)
	if err != nil {
		err = translate(err)
		if beredskap.ErrorCode(err) == beredskap.ECONFLICT {
			err = beredskap.Errorf(beredskap.ECONFLICT, "the rule version's impact at that instant was computed already")
		}
		return fmt.Errorf("create impact run: %w", err)
	}
	var full *sql.Stmt
	for len(changes) > 0 {
		n := min(len(changes), impactBatch)
		args := make([]any, 0, 8*n)
		for _, c := range changes[:n] {
			args = append(args, r.ID, c.Receipt, c.Municipality, jsonStrings(c.Changes), c.Group, c.OldLastDay,
				c.NewLastDay, c.Language)
		}
		if n == impactBatch && full == nil {
			if full, err = t.tx.PrepareContext(ctx, insertImpactChanges(n)); err != nil {
				return fmt.Errorf("create impact run: %w", err)
			}
			defer full.Close()
		}
		if n == impactBatch {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = t.tx.ExecContext(ctx, insertImpactChanges(n), args...)
		}
		if err != nil {
			return fmt.Errorf("create impact run: changes: %w", translate(err))
		}
		changes = changes[n:]
	}
	return nil
}

// insertImpactChanges returns an INSERT of n impact changes.
func insertImpactChanges(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO impact_changes (run_id, receipt, municipality, changes, exemption_group,
	old_last_day, new_last_day, language) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
	}
	return b.String()
}

// FindImpactRun returns the run of the rule version at the instant, or
// ENOTFOUND.
func (t *hotelTx) FindImpactRun(ctx context.Context, ruleID string, at time.Time) (*beredskap.ImpactRun, error) {
	r, err := scanImpactRun(t.tx.QueryRowContext(ctx, `SELECT `+impactRunColumns+` FROM impact_runs
WHERE rule_id = ? AND at = ?`, ruleID, fmtTime(at)))
	if err != nil {
		return nil, fmt.Errorf("find impact run of %s: %w", ruleID, noRows(err, "impact run"))
	}
	return r, nil
}

// ListImpactRuns returns the runs by ComputedAt and then id, newest first.
func (t *hotelTx) ListImpactRuns(ctx context.Context) ([]*beredskap.ImpactRun, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+impactRunColumns+` FROM impact_runs
ORDER BY computed_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list impact runs: %w", err)
	}
	rs, err := collect(rows, scanImpactRun)
	if err != nil {
		return nil, fmt.Errorf("list impact runs: %w", err)
	}
	return rs, nil
}

// ImpactChanges returns the run's changes in the municipality ("" for
// all), by receipt, after the receipt after, at most limit (50 when 0 or
// less).
func (t *hotelTx) ImpactChanges(ctx context.Context, runID int64, municipality, after string, limit int) ([]*beredskap.ImpactChange, error) {
	if limit <= 0 {
		limit = defaultPageSize
	}
	query := `SELECT run_id, receipt, municipality, changes, exemption_group, old_last_day, new_last_day, language
FROM impact_changes WHERE run_id = ? AND receipt > ?`
	args := []any{runID, after}
	if municipality != "" {
		query += ` AND municipality = ?`
		args = append(args, municipality)
	}
	query += ` ORDER BY receipt LIMIT ?`
	args = append(args, limit)
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("impact changes: %w", err)
	}
	cs, err := collect(rows, func(row interface{ Scan(...any) error }) (*beredskap.ImpactChange, error) {
		var (
			c       beredskap.ImpactChange
			changes string
		)
		if err := row.Scan(&c.RunID, &c.Receipt, &c.Municipality, &changes, &c.Group, &c.OldLastDay,
			&c.NewLastDay, &c.Language); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(changes), &c.Changes); err != nil {
			return nil, fmt.Errorf("impact change %s: %w", c.Receipt, err)
		}
		return &c, nil
	})
	if err != nil {
		return nil, fmt.Errorf("impact changes: %w", err)
	}
	return cs, nil
}

// MarkImpactNotified sets the run's NotifiedAt to at, or returns ENOTFOUND.
func (t *hotelTx) MarkImpactNotified(ctx context.Context, runID int64, at time.Time) error {
	err := t.execOne(ctx, "impact run", `UPDATE impact_runs SET notified_at = ? WHERE id = ?`, fmtTime(at), runID)
	if err != nil {
		return fmt.Errorf("mark impact run %d notified: %w", runID, err)
	}
	return nil
}

// scanImpactRun reads a row of impactRunColumns.
func scanImpactRun(row interface{ Scan(...any) error }) (*beredskap.ImpactRun, error) {
	var (
		r            beredskap.ImpactRun
		at, computed string
		notified     sql.NullString
	)
	err := row.Scan(&r.ID, &r.RuleID, &at, &computed, &r.Evaluated, &r.Changed, &notified)
	if err != nil {
		return nil, err
	}
	if r.At, err = parseTime(at); err != nil {
		return nil, fmt.Errorf("impact run %d: %w", r.ID, err)
	}
	if r.ComputedAt, err = parseTime(computed); err != nil {
		return nil, fmt.Errorf("impact run %d: %w", r.ID, err)
	}
	if r.NotifiedAt, err = parseOpt(notified); err != nil {
		return nil, fmt.Errorf("impact run %d: %w", r.ID, err)
	}
	return &r, nil
}
