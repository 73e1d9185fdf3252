package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Oslo must resolve on hosts without zoneinfo

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"beredskap"
)

var _ beredskap.FollowUpStore = (*StaffStore)(nil)

// maxFollowUpAttempts bounds how often UpdateFollowUp runs fn when the
// server aborts the transaction for a deadlock or a serialization failure.
const maxFollowUpAttempts = 3

// oslo is the time zone that the days of plans and lists are counted in.
var oslo = mustLoadLocation("Europe/Oslo")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// UpdateFollowUp runs fn in a read committed transaction, as Update does,
// and commits when fn returns nil. The transaction serves the staff
// statements too, so that audit entries commit with the follow-up work.
//
// The server may abort a transaction to break a deadlock, which two
// transactions that lock a plan and the audit trail's head in opposite
// orders can meet. Such a transaction did nothing, so UpdateFollowUp runs fn
// again in a new one, up to maxFollowUpAttempts times in all; fn must
// therefore do nothing but work in tx (which is what every caller does).
// Other errors are returned as fn gave them.
func (s *StaffStore) UpdateFollowUp(ctx context.Context, fn func(ctx context.Context, tx beredskap.FollowUpTx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
			return fn(ctx, &followUpTx{staffTx: tx.(*staffTx)})
		})
		if err == nil || attempt == maxFollowUpAttempts || !retryable(err) || ctx.Err() != nil {
			return err
		}
	}
}

// ViewFollowUp runs fn in a read-only transaction, as View does, and
// returns fn's error. Audit and every write fail inside it.
func (s *StaffStore) ViewFollowUp(ctx context.Context, fn func(ctx context.Context, tx beredskap.FollowUpTx) error) error {
	return s.View(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		return fn(ctx, &followUpTx{staffTx: tx.(*staffTx)})
	})
}

// retryable reports whether err is the server's abort of a transaction
// for a deadlock (40P01) or a serialization failure (40001).
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// followUpTx is one FollowUpStore transaction: a staff transaction with the
// follow-up statements added.
type followUpTx struct {
	*staffTx
}

var _ beredskap.FollowUpTx = (*followUpTx)(nil)

const planColumns = `id, receipt, municipality, person_key, first_name, last_name, birth_date, phone, email,
	language, arrival_at, first_day, last_day, rule_id, sms_days, call_days, status, end_reason, ended_at,
	employer_org, reached, breach_suspected, attempts, last_report_at, next_call_at, claimed_by, lease_until,
	created_at, updated_at, quarantine_code, exemption_code, accommodation_code`

// qualified returns a list of columns qualified by a table alias.
func qualified(alias, columns string) string {
	fields := strings.Split(columns, ",")
	for i, f := range fields {
		fields[i] = alias + "." + strings.TrimSpace(f)
	}
	return strings.Join(fields, ", ")
}

// planRow is the values of a plan's row that its struct does not hold as
// they are stored.
type planRow struct {
	birthDate, firstDay, lastDay *time.Time
	arrivalDay                   time.Time
}

// rowOf checks p's days and returns them as dates, and stamps p's times as
// stored. A day that does not parse is EINVALID naming it.
func rowOf(p *beredskap.FollowUpPlan) (planRow, error) {
	var r planRow
	var err error
	if r.birthDate, err = optionalDate("birth_date", p.BirthDate); err != nil {
		return r, err
	}
	if r.firstDay, err = requiredDate("first_day", p.FirstDay); err != nil {
		return r, err
	}
	if r.lastDay, err = requiredDate("last_day", p.LastDay); err != nil {
		return r, err
	}
	if p.Status != beredskap.PlanActive && p.Status != beredskap.PlanEnded {
		return r, beredskap.Invalid("status", "unknown", "is not a status of a follow-up")
	}
	p.ArrivalAt, p.NextCallAt = stamp(p.ArrivalAt), stamp(p.NextCallAt)
	p.EndedAt, p.LastReportAt, p.LeaseUntil = stampPtr(p.EndedAt), stampPtr(p.LastReportAt), stampPtr(p.LeaseUntil)
	r.arrivalDay = osloDay(p.ArrivalAt)
	return r, nil
}

// osloDay returns the calendar day of tm in Europe/Oslo as a UTC midnight.
func osloDay(tm time.Time) time.Time {
	y, m, d := tm.In(oslo).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// requiredDate parses a YYYY-MM-DD day, or returns EINVALID on field.
func requiredDate(field, s string) (*time.Time, error) {
	d, err := beredskap.ParseDate(s)
	if err != nil {
		return nil, beredskap.Invalid(field, "malformed", "is not a date written YYYY-MM-DD")
	}
	return &d, nil
}

// optionalDate is requiredDate that returns nil for "".
func optionalDate(field, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	return requiredDate(field, s)
}

// dayString writes a scanned date as YYYY-MM-DD, "" for NULL.
func dayString(d *time.Time) string {
	if d == nil {
		return ""
	}
	return d.Format(time.DateOnly)
}

// ints returns v, or an empty slice for nil, so that it is stored as an
// empty array rather than NULL.
func ints(v []int) []int {
	if v == nil {
		return []int{}
	}
	return v
}

// scanPlan reads a row of planColumns.
func scanPlan(row pgx.Row) (*beredskap.FollowUpPlan, error) {
	var (
		p                        beredskap.FollowUpPlan
		birth, firstDay, lastDay *time.Time
		status                   string
	)
	err := row.Scan(&p.ID, &p.Receipt, &p.Municipality, &p.PersonKey, &p.FirstName, &p.LastName, &birth,
		&p.Phone, &p.Email, &p.Language, &p.ArrivalAt, &firstDay, &lastDay, &p.RuleID, &p.SMSDays, &p.CallDays,
		&status, &p.EndReason, &p.EndedAt, &p.EmployerOrg, &p.Reached, &p.BreachSuspected, &p.Attempts,
		&p.LastReportAt, &p.NextCallAt, &p.ClaimedBy, &p.LeaseUntil, &p.CreatedAt, &p.UpdatedAt,
		&p.Codes.Quarantine, &p.Codes.Exemption, &p.Codes.Accommodation)
	if err != nil {
		return nil, err
	}
	p.Status = beredskap.PlanStatus(status)
	p.BirthDate, p.FirstDay, p.LastDay = dayString(birth), dayString(firstDay), dayString(lastDay)
	p.ArrivalAt, p.NextCallAt, p.CreatedAt, p.UpdatedAt = p.ArrivalAt.UTC(), p.NextCallAt.UTC(), p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	p.EndedAt, p.LastReportAt, p.LeaseUntil = utcPtr(p.EndedAt), utcPtr(p.LastReportAt), utcPtr(p.LeaseUntil)
	return &p, nil
}

// queryPlans runs a query of planColumns and reads every row.
func queryPlans(ctx context.Context, tx pgx.Tx, query string, args ...any) ([]*beredskap.FollowUpPlan, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.FollowUpPlan, error) { return scanPlan(row) })
}

// RegistrationsWithoutPlan returns registrations created at or after since
// that have no plan yet, oldest first, at most limit.
func (t *followUpTx) RegistrationsWithoutPlan(ctx context.Context, since time.Time, limit int) ([]*beredskap.StoredRegistration, error) {
	rows, err := t.tx.Query(ctx, `SELECT r.receipt, r.municipality, r.created_at, r.registration, r.decision
FROM registrations r
WHERE r.created_at >= $1 AND NOT EXISTS (SELECT 1 FROM followup_plans p WHERE p.receipt = r.receipt)
ORDER BY r.created_at, r.receipt
LIMIT $2`, stamp(since), max(limit, 0))
	if err != nil {
		return nil, fmt.Errorf("registrations without plan: %w", err)
	}
	regs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.StoredRegistration, error) {
		return scanRegistration(row)
	})
	if err != nil {
		return nil, fmt.Errorf("registrations without plan: %w", err)
	}
	return regs, nil
}

// CreatePlan stores p and sets ID, CreatedAt and UpdatedAt from the clock.
// A plan for the same receipt is ECONFLICT and leaves the transaction
// usable; a bad day is EINVALID.
func (t *followUpTx) CreatePlan(ctx context.Context, p *beredskap.FollowUpPlan) error {
	r, err := rowOf(p)
	if err != nil {
		return fmt.Errorf("create plan: %w", err)
	}
	now := t.now()
	var id int64
	err = t.tx.QueryRow(ctx, `INSERT INTO followup_plans (receipt, municipality, person_key, first_name, last_name,
	first_lower, last_lower, birth_date, phone, email, language, arrival_at, arrival_day, first_day,
	last_day, rule_id, sms_days, call_days, status, end_reason, ended_at, employer_org, reached,
	breach_suspected, attempts, last_report_at, next_call_at, claimed_by, lease_until, created_at, updated_at,
	quarantine_code, exemption_code, accommodation_code)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
	$23, $24, $25, $26, $27, $28, $29, $30, $30, $31, $32, $33)
ON CONFLICT (receipt) DO NOTHING
RETURNING id`,
		p.Receipt, p.Municipality, p.PersonKey, p.FirstName, p.LastName, nameKey(p.FirstName), nameKey(p.LastName),
		r.birthDate, p.Phone, p.Email, p.Language, p.ArrivalAt, r.arrivalDay, r.firstDay, r.lastDay, p.RuleID,
		ints(p.SMSDays), ints(p.CallDays), string(p.Status), p.EndReason, p.EndedAt, p.EmployerOrg, p.Reached,
		p.BreachSuspected, p.Attempts, p.LastReportAt, p.NextCallAt, p.ClaimedBy, p.LeaseUntil, now,
		p.Codes.Quarantine, p.Codes.Exemption, p.Codes.Accommodation).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("create plan: %w", beredskap.Errorf(beredskap.ECONFLICT,
			"the registration %s has a plan already", p.Receipt))
	}
	if err != nil {
		return fmt.Errorf("create plan: %w", translate(err))
	}
	p.ID, p.CreatedAt, p.UpdatedAt = id, now, now
	return nil
}

// UpdatePlan stores every field of p except ID, Receipt, CreatedAt and Codes and
// sets UpdatedAt from the clock, or returns ENOTFOUND.
func (t *followUpTx) UpdatePlan(ctx context.Context, p *beredskap.FollowUpPlan) error {
	r, err := rowOf(p)
	if err != nil {
		return fmt.Errorf("update plan %d: %w", p.ID, err)
	}
	now := t.now()
	tag, err := t.tx.Exec(ctx, `UPDATE followup_plans SET municipality = $2, person_key = $3, first_name = $4,
	last_name = $5, first_lower = $6, last_lower = $7, birth_date = $8, phone = $9, email = $10,
	language = $11, arrival_at = $12, arrival_day = $13, first_day = $14, last_day = $15, rule_id = $16,
	sms_days = $17, call_days = $18, status = $19, end_reason = $20, ended_at = $21, employer_org = $22,
	reached = $23, breach_suspected = $24, attempts = $25, last_report_at = $26, next_call_at = $27,
	claimed_by = $28, lease_until = $29, updated_at = $30
WHERE id = $1`,
		p.ID, p.Municipality, p.PersonKey, p.FirstName, p.LastName, nameKey(p.FirstName), nameKey(p.LastName),
		r.birthDate, p.Phone, p.Email, p.Language, p.ArrivalAt, r.arrivalDay, r.firstDay, r.lastDay, p.RuleID,
		ints(p.SMSDays), ints(p.CallDays), string(p.Status), p.EndReason, p.EndedAt, p.EmployerOrg, p.Reached,
		p.BreachSuspected, p.Attempts, p.LastReportAt, p.NextCallAt, p.ClaimedBy, p.LeaseUntil, now)
	if err != nil {
		return fmt.Errorf("update plan %d: %w", p.ID, translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("update plan %d: %w", p.ID, notFound("plan"))
	}
	p.UpdatedAt = now
	return nil
}

// FindPlan returns the plan with the id, or ENOTFOUND.
func (t *followUpTx) FindPlan(ctx context.Context, id int64) (*beredskap.FollowUpPlan, error) {
	p, err := scanPlan(t.tx.QueryRow(ctx, `SELECT `+planColumns+` FROM followup_plans WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("find plan %d: %w", id, noRows(err, "plan"))
	}
	return p, nil
}

// FindPlanByReceipt returns the plan of the registration, or ENOTFOUND.
func (t *followUpTx) FindPlanByReceipt(ctx context.Context, receipt string) (*beredskap.FollowUpPlan, error) {
	if r, ok := beredskap.NormalizeReceipt(receipt); ok {
		receipt = r
	}
	p, err := scanPlan(t.tx.QueryRow(ctx, `SELECT `+planColumns+` FROM followup_plans WHERE receipt = $1`, receipt))
	if err != nil {
		return nil, fmt.Errorf("find plan of %s: %w", receipt, noRows(err, "plan"))
	}
	return p, nil
}

// ActivePlansOf returns the person's active plans, oldest first.
func (t *followUpTx) ActivePlansOf(ctx context.Context, personKey string) ([]*beredskap.FollowUpPlan, error) {
	ps, err := queryPlans(ctx, t.tx, `SELECT `+planColumns+` FROM followup_plans
WHERE person_key = $1 AND status = 'active' ORDER BY id`, personKey)
	if err != nil {
		return nil, fmt.Errorf("active plans of a person: %w", err)
	}
	return ps, nil
}

// EndPlansBefore ends the active plans whose last day is before day with
// EndQuarantineOver at at, cancels their queued SMS, and returns how many
// plans it ended. A day that does not parse is EINVALID.
func (t *followUpTx) EndPlansBefore(ctx context.Context, day string, at time.Time) (int, error) {
	d, err := requiredDate("day", day)
	if err != nil {
		return 0, fmt.Errorf("end plans: %w", err)
	}
	now := t.now()
	var ended int
	err = t.tx.QueryRow(ctx, `WITH ended AS (
	UPDATE followup_plans SET status = 'ended', end_reason = $2, ended_at = $3, updated_at = $4
	WHERE status = 'active' AND last_day < $1
	RETURNING id
), cancelled AS (
	UPDATE sms_outbox SET status = 'cancelled', updated_at = $4
	WHERE status = 'queued' AND plan_id IN (SELECT id FROM ended)
)
SELECT count(*) FROM ended`, d, beredskap.EndQuarantineOver, stamp(at), now).Scan(&ended)
	if err != nil {
		return 0, fmt.Errorf("end plans: %w", err)
	}
	return ended, nil
}

// nameKey is a name as prefix search compares it: in lower case.
func nameKey(name string) string {
	return strings.ToLower(name)
}
