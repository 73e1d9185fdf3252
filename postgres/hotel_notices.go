package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

// ImpactRecipients returns the run's changes after the receipt after, by
// receipt (byte order), at most limit (50 when 0 or less), whose
// registration has no rule-change notice of the run's rule version, each
// with the traveller's phone number and first name and the follow-up plan
// of the receipt, read in one statement.
func (t *hotelTx) ImpactRecipients(ctx context.Context, runID int64, after string, limit int) ([]*beredskap.ImpactRecipient, error) {
	if limit <= 0 {
		limit = defaultImpactPage
	}
	rows, err := t.tx.Query(ctx, `SELECT c.run_id, c.receipt, c.municipality, c.changes, c.exemption_group,
	c.old_last_day, c.new_last_day, c.language,
	coalesce(g.registration->'traveller'->>'phone', ''),
	coalesce(g.registration->'traveller'->>'first_name', ''),
	coalesce(p.id, 0)
FROM impact_changes c
JOIN impact_runs r ON r.id = c.run_id
JOIN registrations g ON g.receipt = c.receipt
LEFT JOIN followup_plans p ON p.receipt = c.receipt
WHERE c.run_id = $1 AND c.receipt > $2
	AND NOT EXISTS (SELECT 1 FROM rule_change_notices n WHERE n.rule_id = r.rule_id AND n.receipt = c.receipt)
ORDER BY c.receipt LIMIT $3`, runID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("impact recipients: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.ImpactRecipient, error) {
		var (
			r              beredskap.ImpactRecipient
			c              = &r.Change
			oldDay, newDay *time.Time
		)
		err := row.Scan(&c.RunID, &c.Receipt, &c.Municipality, &c.Changes, &c.Group, &oldDay, &newDay, &c.Language,
			&r.Phone, &r.FirstName, &r.PlanID)
		if err != nil {
			return nil, err
		}
		c.OldLastDay, c.NewLastDay = dayString(oldDay), dayString(newDay)
		return &r, nil
	})
	if err != nil {
		return nil, fmt.Errorf("impact recipients: %w", err)
	}
	return out, nil
}

// ClaimRuleChangeNotices inserts a notice of rule version ruleID for each
// receipt not told of it before and returns those receipts. A concurrent
// transaction inserting one of the same keys makes this insert wait for it
// and then skip the key (ON CONFLICT DO NOTHING), so that under READ
// COMMITTED, too, each receipt is claimed once; the receipts go in sorted,
// so that two claimers wait for each other in one order.
func (t *hotelTx) ClaimRuleChangeNotices(ctx context.Context, ruleID string, runID int64, receipts []string, at time.Time) ([]string, error) {
	if len(receipts) == 0 {
		return nil, nil
	}
	rows, err := t.tx.Query(ctx, `INSERT INTO rule_change_notices (rule_id, receipt, run_id, created_at)
SELECT $1, r, $2, $3 FROM unnest($4::text[]) AS r ORDER BY r COLLATE "C"
ON CONFLICT (rule_id, receipt) DO NOTHING
RETURNING receipt`, ruleID, runID, stamp(at), receipts)
	if err != nil {
		return nil, fmt.Errorf("claim rule-change notices: %w", translate(err))
	}
	claimed, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("claim rule-change notices: %w", translate(err))
	}
	return claimed, nil
}
