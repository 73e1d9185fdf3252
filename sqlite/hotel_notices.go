package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"beredskap"
)

// ImpactRecipients returns the run's changes after the receipt after, by
// receipt, at most limit (50 when 0 or less), whose registration has no
// rule-change notice of the run's rule version, each with the traveller's
// phone number and first name and the follow-up plan of the receipt, read
// in one statement.
func (t *hotelTx) ImpactRecipients(ctx context.Context, runID int64, after string, limit int) ([]*beredskap.ImpactRecipient, error) {
	if limit <= 0 {
		limit = defaultPageSize
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT c.run_id, c.receipt, c.municipality, c.changes, c.exemption_group,
	c.old_last_day, c.new_last_day, c.language,
	coalesce(json_extract(g.registration, '$.traveller.phone'), ''),
	coalesce(json_extract(g.registration, '$.traveller.first_name'), ''),
	coalesce(p.id, 0)
FROM impact_changes c
JOIN impact_runs r ON r.id = c.run_id
JOIN registrations g ON g.receipt = c.receipt
LEFT JOIN followup_plans p ON p.receipt = c.receipt
WHERE c.run_id = ? AND c.receipt > ?
	AND NOT EXISTS (SELECT 1 FROM rule_change_notices n WHERE n.rule_id = r.rule_id AND n.receipt = c.receipt)
ORDER BY c.receipt LIMIT ?`, runID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("impact recipients: %w", err)
	}
	out, err := collect(rows, func(row interface{ Scan(...any) error }) (*beredskap.ImpactRecipient, error) {
		var (
			r       beredskap.ImpactRecipient
			c       = &r.Change
			changes string
		)
		if err := row.Scan(&c.RunID, &c.Receipt, &c.Municipality, &changes, &c.Group, &c.OldLastDay,
			&c.NewLastDay, &c.Language, &r.Phone, &r.FirstName, &r.PlanID); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(changes), &c.Changes); err != nil {
			return nil, fmt.Errorf("impact change %s: %w", c.Receipt, err)
		}
		return &r, nil
	})
	if err != nil {
		return nil, fmt.Errorf("impact recipients: %w", err)
	}
	return out, nil
}

// ClaimRuleChangeNotices inserts a notice of rule version ruleID for each
// receipt not told of it before and returns those receipts. The primary
// key on (rule_id, receipt) keeps a second notice out whichever process
// tries; SQLite's one writer orders the attempts.
func (t *hotelTx) ClaimRuleChangeNotices(ctx context.Context, ruleID string, runID int64, receipts []string, at time.Time) ([]string, error) {
	var claimed []string
	for len(receipts) > 0 {
		n := min(len(receipts), impactBatch)
		var q strings.Builder
		q.WriteString(`INSERT INTO rule_change_notices (rule_id, receipt, run_id, created_at) VALUES `)
		args := make([]any, 0, 4*n)
		for i, receipt := range receipts[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?)")
			args = append(args, ruleID, receipt, runID, fmtTime(at))
		}
		q.WriteString(` ON CONFLICT (rule_id, receipt) DO NOTHING RETURNING receipt`)
		rows, err := t.tx.QueryContext(ctx, q.String(), args...)
		if err != nil {
			return nil, fmt.Errorf("claim rule-change notices: %w", translate(err))
		}
		got, err := collect(rows, func(row interface{ Scan(...any) error }) (string, error) {
			var s string
			return s, row.Scan(&s)
		})
		if err != nil {
			return nil, fmt.Errorf("claim rule-change notices: %w", err)
		}
		claimed = append(claimed, got...)
		receipts = receipts[n:]
	}
	return claimed, nil
}
