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

const impactRunColumns = `id, rule_id, at, computed_at, evaluated, changed, notified_at, swept_to, added,
	final_at, final_evaluated`

// CreateImpactRun stores r with its changes and sets r's ID; ComputedAt is
// taken from the clock when zero, SweptTo is ComputedAt when zero, and r's
// instants are written back as stored. A run of the same RuleID and At is
// ECONFLICT and stores nothing. The changes are written impactBatch to a
// statement.
func (t *hotelTx) CreateImpactRun(ctx context.Context, r *beredskap.ImpactRun, changes []*beredskap.ImpactChange) error {
	if r.ComputedAt.IsZero() {
		r.ComputedAt = t.now()
	}
	if r.SweptTo.IsZero() {
		r.SweptTo = r.ComputedAt
	}
	r.At, r.ComputedAt, r.NotifiedAt = stamp(r.At), stamp(r.ComputedAt), stampOpt(r.NotifiedAt)
	r.SweptTo, r.FinalAt = stamp(r.SweptTo), stampOpt(r.FinalAt)
	err := t.tx.QueryRowContext(ctx, `INSERT INTO impact_runs (rule_id, at, computed_at, evaluated, changed,
	notified_at, swept_to, added, final_at, final_evaluated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.RuleID, fmtTime(r.At), fmtTime(r.ComputedAt), r.Evaluated, r.Changed, fmtOpt(r.NotifiedAt),
		fmtTime(r.SweptTo), r.Added, fmtOpt(r.FinalAt), r.FinalEvaluated).Scan(&r.ID)
	if err != nil {
		err = translate(err)
		if beredskap.ErrorCode(err) == beredskap.ECONFLICT {
			err = beredskap.Errorf(beredskap.ECONFLICT, "the rule version's impact at that instant was computed already")
		}
		return fmt.Errorf("create impact run: %w", err)
	}
	if _, err := t.insertChanges(ctx, r.ID, changes, ""); err != nil {
		return fmt.Errorf("create impact run: changes: %w", err)
	}
	return nil
}

// AddImpactChanges adds changes to the run, skipping receipts it holds
// already, adds their number to the run's added, and returns it.
func (t *hotelTx) AddImpactChanges(ctx context.Context, runID int64, changes []*beredskap.ImpactChange) (int, error) {
	n, err := t.insertChanges(ctx, runID, changes, " ON CONFLICT (run_id, receipt) DO NOTHING")
	if err != nil {
		return 0, fmt.Errorf("add impact changes: %w", err)
	}
	if err := t.execOne(ctx, "impact run", `UPDATE impact_runs SET added = added + ? WHERE id = ?`, n, runID); err != nil {
		return 0, fmt.Errorf("add impact changes: %w", err)
	}
	return n, nil
}

// insertChanges writes changes of run runID, impactBatch to a statement
// ending in suffix, and returns how many rows they inserted.
func (t *hotelTx) insertChanges(ctx context.Context, runID int64, changes []*beredskap.ImpactChange, suffix string) (int, error) {
	var full *sql.Stmt
	inserted := 0
	for len(changes) > 0 {
		n := min(len(changes), impactBatch)
		args := make([]any, 0, 8*n)
		for _, c := range changes[:n] {
			args = append(args, runID, c.Receipt, c.Municipality, jsonStrings(c.Changes), c.Group, c.OldLastDay,
				c.NewLastDay, c.Language)
		}
		var (
			res sql.Result
			err error
		)
		if n == impactBatch && full == nil {
			if full, err = t.tx.PrepareContext(ctx, insertImpactChanges(n)+suffix); err != nil {
				return 0, err
			}
			defer full.Close()
		}
		if n == impactBatch {
			res, err = full.ExecContext(ctx, args...)
		} else {
			res, err = t.tx.ExecContext(ctx, insertImpactChanges(n)+suffix, args...)
		}
		if err != nil {
			return 0, translate(err)
		}
		rows, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		inserted += int(rows)
		changes = changes[n:]
	}
	return inserted, nil
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

// FindImpactRunByID returns the run with the id, or ENOTFOUND.
func (t *hotelTx) FindImpactRunByID(ctx context.Context, id int64) (*beredskap.ImpactRun, error) {
	r, err := scanImpactRun(t.tx.QueryRowContext(ctx, `SELECT `+impactRunColumns+` FROM impact_runs WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("find impact run %d: %w", id, noRows(err, "impact run"))
	}
	return r, nil
}

// SweepImpact moves the run's swept_to forward to sweptTo and, with final,
// sets final_at and final_evaluated once; ENOTFOUND for an unknown run.
func (t *hotelTx) SweepImpact(ctx context.Context, runID int64, sweptTo time.Time, final *time.Time, finalEvaluated int) error {
	err := t.execOne(ctx, "impact run", `UPDATE impact_runs SET
	swept_to = CASE WHEN swept_to IS NULL OR swept_to < ?1 THEN ?1 ELSE swept_to END,
	final_evaluated = CASE WHEN final_at IS NULL AND ?2 IS NOT NULL THEN ?3 ELSE final_evaluated END,
	final_at = COALESCE(final_at, ?2)
WHERE id = ?4`, fmtTime(sweptTo), fmtOpt(final), finalEvaluated, runID)
	if err != nil {
		return fmt.Errorf("sweep impact run %d: %w", runID, err)
	}
	return nil
}

// MarkImpactNotified sets the run's NotifiedAt to at unless it is set, and
// reports whether it did; ENOTFOUND for an unknown run.
func (t *hotelTx) MarkImpactNotified(ctx context.Context, runID int64, at time.Time) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE impact_runs SET notified_at = ? WHERE id = ? AND notified_at IS NULL`,
		fmtTime(at), runID)
	if err != nil {
		return false, fmt.Errorf("mark impact run %d notified: %w", runID, translate(err))
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return n == 1, err
	}
	if _, err := t.FindImpactRunByID(ctx, runID); err != nil {
		return false, fmt.Errorf("mark impact run notified: %w", err)
	}
	return false, nil
}

// scanImpactRun reads a row of impactRunColumns.
func scanImpactRun(row interface{ Scan(...any) error }) (*beredskap.ImpactRun, error) {
	var (
		r                    beredskap.ImpactRun
		at, computed         string
		notified, swept, fin sql.NullString
	)
	err := row.Scan(&r.ID, &r.RuleID, &at, &computed, &r.Evaluated, &r.Changed, &notified, &swept, &r.Added, &fin,
		&r.FinalEvaluated)
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
	if r.FinalAt, err = parseOpt(fin); err != nil {
		return nil, fmt.Errorf("impact run %d: %w", r.ID, err)
	}
	r.SweptTo = r.ComputedAt
	if swept.Valid {
		if r.SweptTo, err = parseTime(swept.String); err != nil {
			return nil, fmt.Errorf("impact run %d: %w", r.ID, err)
		}
	}
	return &r, nil
}
