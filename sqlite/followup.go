package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Oslo must resolve on hosts without zoneinfo

	"beredskap"
)

var _ beredskap.FollowUpStore = (*StaffStore)(nil)

// UpdateFollowUp runs fn in an immediate write transaction, as Update does,
// and commits when fn returns nil. The transaction serves the staff
// statements too, so that audit entries commit with the follow-up work.
// Writes are serialised on the one writer connection, which is what keeps
// two claims from taking the same plan.
func (s *StaffStore) UpdateFollowUp(ctx context.Context, fn func(ctx context.Context, tx beredskap.FollowUpTx) error) error {
	return s.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		return fn(ctx, &followUpTx{staffTx: tx.(*staffTx)})
	})
}

// ViewFollowUp runs fn in a read transaction, as View does. Writes in it
// fail, Audit included.
func (s *StaffStore) ViewFollowUp(ctx context.Context, fn func(ctx context.Context, tx beredskap.FollowUpTx) error) error {
	return s.View(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		return fn(ctx, &followUpTx{staffTx: tx.(*staffTx)})
	})
}

// followUpTx is one FollowUpStore transaction: a staff transaction with the
// follow-up statements added.
type followUpTx struct {
	*staffTx
}

var _ beredskap.FollowUpTx = (*followUpTx)(nil)

// oslo is the time zone arrival days and report weeks are counted in.
var oslo = mustLoadLocation("Europe/Oslo")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// osloDay returns the date of t in Europe/Oslo, YYYY-MM-DD.
func osloDay(t time.Time) string { return t.In(oslo).Format(time.DateOnly) }

// parseDay reads a date YYYY-MM-DD, or returns EINVALID on field.
func parseDay(field, s string) (time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, s, oslo)
	if err != nil {
		return time.Time{}, beredskap.Invalid(field, "malformed", "is not a date written YYYY-MM-DD")
	}
	return d, nil
}

// dayStart returns the stored form of the first instant of the day d (a
// midnight in Europe/Oslo, as parseDay returns) plus days days.
func dayStart(d time.Time, days int) string {
	y, m, dd := d.Date()
	return fmtTime(time.Date(y, m, dd+days, 0, 0, 0, 0, oslo))
}

const planColumns = `id, receipt, municipality, person_key, first_name, last_name, birth_date, phone, email,
	language, arrival_at, first_day, last_day, rule_id, sms_days, call_days, status, end_reason, ended_at,
	employer_org, reached, breach_suspected, attempts, last_report_at, next_call_at, claimed_by, lease_until,
	created_at, updated_at, quarantine_code, exemption_code, accommodation_code`

// stampPlan writes p's instants back as stored: UTC, to the microsecond.
// A hold without an end is no hold: ClaimedBy becomes "" when LeaseUntil is
// nil.
func stampPlan(p *beredskap.FollowUpPlan) {
	if p.LeaseUntil == nil {
		p.ClaimedBy = ""
	}
	p.ArrivalAt, p.NextCallAt = stamp(p.ArrivalAt), stamp(p.NextCallAt)
	p.CreatedAt, p.UpdatedAt = stamp(p.CreatedAt), stamp(p.UpdatedAt)
	p.EndedAt, p.LastReportAt, p.LeaseUntil = stampOpt(p.EndedAt), stampOpt(p.LastReportAt), stampOpt(p.LeaseUntil)
}

// days writes a list of day numbers as a JSON array.
func days(ds []int) string {
	if len(ds) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ds) // a slice of ints always marshals
	return string(b)
}

// planArgs returns the values of every column of planColumns after
// receipt, in order, up to updated_at, without created_at.
func planArgs(p *beredskap.FollowUpPlan) []any {
	return []any{p.Municipality, p.PersonKey, p.FirstName, p.LastName,
		strings.ToLower(p.FirstName), strings.ToLower(p.LastName), p.BirthDate, p.Phone, p.Email, p.Language,
		fmtTime(p.ArrivalAt), osloDay(p.ArrivalAt), p.FirstDay, p.LastDay, p.RuleID, days(p.SMSDays), days(p.CallDays),
		string(p.Status), p.EndReason, fmtOpt(p.EndedAt), p.EmployerOrg, p.Reached, p.BreachSuspected, p.Attempts,
		fmtOpt(p.LastReportAt), fmtTime(p.NextCallAt), p.ClaimedBy, fmtOpt(p.LeaseUntil), fmtTime(p.UpdatedAt)}
}

// CreatePlan stores p and sets its ID, CreatedAt (from the clock when
// zero) and UpdatedAt (CreatedAt when zero). A plan for the same receipt
// is ECONFLICT.
func (t *followUpTx) CreatePlan(ctx context.Context, p *beredskap.FollowUpPlan) error {
	if p.CreatedAt.IsZero() {
		p.CreatedAt = t.now()
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = p.CreatedAt
	}
	if p.Status == "" {
		p.Status = beredskap.PlanActive
	}
	stampPlan(p)
	args := append([]any{p.Receipt}, planArgs(p)...)
	args = append(args, fmtTime(p.CreatedAt), p.Codes.Quarantine, p.Codes.Exemption, p.Codes.Accommodation)
	err := t.tx.QueryRowContext(ctx, `INSERT INTO followup_plans (receipt, municipality, person_key, first_name,
	last_name, first_lower, last_lower, birth_date, phone, email, language, arrival_at, arrival_day, first_day,
	last_day, rule_id, sms_days, call_days, status, end_reason, ended_at, employer_org, reached, breach_suspected,
	attempts, last_report_at, next_call_at, claimed_by, lease_until, updated_at, created_at, quarantine_code,
	exemption_code, accommodation_code)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id`, args...).Scan(&p.ID)
	if err != nil {
		err = translate(err)
		if beredskap.ErrorCode(err) == beredskap.ECONFLICT {
			err = beredskap.Errorf(beredskap.ECONFLICT, "the registration has a follow-up plan already")
		}
		return fmt.Errorf("create follow-up plan: %w", err)
	}
	return nil
}

// UpdatePlan stores every field of p but ID, Receipt, CreatedAt and Codes, and
// sets UpdatedAt from the clock, or returns ENOTFOUND.
func (t *followUpTx) UpdatePlan(ctx context.Context, p *beredskap.FollowUpPlan) error {
	p.UpdatedAt = t.now()
	stampPlan(p)
	args := append(planArgs(p), p.ID)
	err := t.execOne(ctx, "follow-up plan", `UPDATE followup_plans SET municipality = ?, person_key = ?,
	first_name = ?, last_name = ?, first_lower = ?, last_lower = ?, birth_date = ?, phone = ?, email = ?,
	language = ?, arrival_at = ?, arrival_day = ?, first_day = ?, last_day = ?, rule_id = ?, sms_days = ?,
	call_days = ?, status = ?, end_reason = ?, ended_at = ?, employer_org = ?, reached = ?, breach_suspected = ?,
	attempts = ?, last_report_at = ?, next_call_at = ?, claimed_by = ?, lease_until = ?, updated_at = ?
WHERE id = ?`, args...)
	if err != nil {
		return fmt.Errorf("update follow-up plan %d: %w", p.ID, err)
	}
	return nil
}

// FindPlan returns the plan with the id, or ENOTFOUND.
func (t *followUpTx) FindPlan(ctx context.Context, id int64) (*beredskap.FollowUpPlan, error) {
	p, err := scanPlan(t.tx.QueryRowContext(ctx, `SELECT `+planColumns+` FROM followup_plans WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("find follow-up plan %d: %w", id, noRows(err, "follow-up plan"))
	}
	return p, nil
}

// FindPlanByReceipt returns the plan of the registration, or ENOTFOUND.
func (t *followUpTx) FindPlanByReceipt(ctx context.Context, receipt string) (*beredskap.FollowUpPlan, error) {
	p, err := scanPlan(t.tx.QueryRowContext(ctx, `SELECT `+planColumns+` FROM followup_plans WHERE receipt = ?`, receipt))
	if err != nil {
		return nil, fmt.Errorf("find follow-up plan of %s: %w", receipt, noRows(err, "follow-up plan"))
	}
	return p, nil
}

// ActivePlansOf returns the person's active plans, oldest first.
func (t *followUpTx) ActivePlansOf(ctx context.Context, personKey string) ([]*beredskap.FollowUpPlan, error) {
	ps, err := t.queryPlans(ctx, `SELECT `+planColumns+` FROM followup_plans
WHERE person_key = ? AND status = 'active' ORDER BY id`, personKey)
	if err != nil {
		return nil, fmt.Errorf("active plans of a person: %w", err)
	}
	return ps, nil
}

// EndPlansBefore ends the active plans whose last day is before day with
// EndQuarantineOver at at, cancels their queued SMS, and returns how many
// plans it ended.
func (t *followUpTx) EndPlansBefore(ctx context.Context, day string, at time.Time) (int, error) {
	if _, err := parseDay("day", day); err != nil {
		return 0, fmt.Errorf("end plans: %w", err)
	}
	now := fmtTime(t.now())
	_, err := t.tx.ExecContext(ctx, `UPDATE sms_outbox SET status = 'cancelled', updated_at = ?
WHERE status = 'queued' AND plan_id IN (SELECT id FROM followup_plans WHERE status = 'active' AND last_day < ?)`, now, day)
	if err != nil {
		return 0, fmt.Errorf("end plans: cancel SMS: %w", err)
	}
	res, err := t.tx.ExecContext(ctx, `UPDATE followup_plans SET status = 'ended', end_reason = ?, ended_at = ?,
	updated_at = ? WHERE status = 'active' AND last_day < ?`, beredskap.EndQuarantineOver, fmtTime(at), now, day)
	if err != nil {
		return 0, fmt.Errorf("end plans: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("end plans: %w", err)
	}
	return int(n), nil
}

// RegistrationsWithoutPlan returns registrations created at or after since
// that have no plan, oldest first, at most limit (at most MaxPageSize).
// It walks registrations_newest from since on and looks each receipt up
// in the plans' unique index.
func (t *followUpTx) RegistrationsWithoutPlan(ctx context.Context, since time.Time, limit int) ([]*beredskap.StoredRegistration, error) {
	rows, err := t.tx.QueryContext(ctx, selectRegistration+` AS r
WHERE r.created_at >= ? AND NOT EXISTS (SELECT 1 FROM followup_plans p WHERE p.receipt = r.receipt)
ORDER BY r.created_at, r.receipt LIMIT ?`, fmtTime(since), pageLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("registrations without plan: %w", err)
	}
	defer rows.Close()
	var regs []*beredskap.StoredRegistration
	for rows.Next() {
		reg, err := scanRegistration(rows)
		if err != nil {
			return nil, fmt.Errorf("registrations without plan: %w", err)
		}
		regs = append(regs, reg)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("registrations without plan: %w", err)
	}
	return regs, nil
}

// queryPlans runs a query of planColumns and returns its plans.
func (t *followUpTx) queryPlans(ctx context.Context, query string, args ...any) ([]*beredskap.FollowUpPlan, error) {
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ps []*beredskap.FollowUpPlan
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// scanPlan reads a row of planColumns.
func scanPlan(row interface{ Scan(...any) error }) (*beredskap.FollowUpPlan, error) {
	var (
		p                               beredskap.FollowUpPlan
		arrival, next, created, updated string
		smsDays, callDays, status       string
		ended, lastReport, leaseUntil   sql.NullString
	)
	err := row.Scan(&p.ID, &p.Receipt, &p.Municipality, &p.PersonKey, &p.FirstName, &p.LastName, &p.BirthDate,
		&p.Phone, &p.Email, &p.Language, &arrival, &p.FirstDay, &p.LastDay, &p.RuleID, &smsDays, &callDays, &status,
		&p.EndReason, &ended, &p.EmployerOrg, &p.Reached, &p.BreachSuspected, &p.Attempts, &lastReport, &next,
		&p.ClaimedBy, &leaseUntil, &created, &updated, &p.Codes.Quarantine, &p.Codes.Exemption, &p.Codes.Accommodation)
	if err != nil {
		return nil, err
	}
	p.Status = beredskap.PlanStatus(status)
	for _, f := range []struct {
		dst *time.Time
		src string
	}{{&p.ArrivalAt, arrival}, {&p.NextCallAt, next}, {&p.CreatedAt, created}, {&p.UpdatedAt, updated}} {
		if *f.dst, err = parseTime(f.src); err != nil {
			return nil, fmt.Errorf("follow-up plan %d: %w", p.ID, err)
		}
	}
	for _, f := range []struct {
		dst **time.Time
		src sql.NullString
	}{{&p.EndedAt, ended}, {&p.LastReportAt, lastReport}, {&p.LeaseUntil, leaseUntil}} {
		if *f.dst, err = parseOpt(f.src); err != nil {
			return nil, fmt.Errorf("follow-up plan %d: %w", p.ID, err)
		}
	}
	if err := json.Unmarshal([]byte(smsDays), &p.SMSDays); err != nil {
		return nil, fmt.Errorf("follow-up plan %d: sms_days: %w", p.ID, err)
	}
	if err := json.Unmarshal([]byte(callDays), &p.CallDays); err != nil {
		return nil, fmt.Errorf("follow-up plan %d: call_days: %w", p.ID, err)
	}
	return &p, nil
}
