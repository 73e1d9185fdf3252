package followup

import (
	"context"

	"beredskap"
)

// ReportInput is a call report as the operator's form sends it.
type ReportInput struct {
	Outcome        beredskap.CallOutcome
	Language       string
	Interpreter    bool
	Understood     beredskap.Understood
	StayingAt      string
	Breaches       []beredskap.BreachKind
	BreachText     string
	EmployerBreach bool
	EmployerOrg    string
	EmployerName   string
	EmployerText   string
}

// FileReport stores a call report on the plan the operator holds, updates
// the plan (reached, suspected breach, attempts, next call), makes a labour
// notice for a suspected employer breach, and wakes the immediate digests.
// A plan not in the queue or not held by the operator is ECONFLICT; bad
// input is EINVALID naming the field. Needs PermFollowUp; audited.
func (s *Service) FileReport(ctx context.Context, planID int64, in ReportInput) (*beredskap.CallReport, error) {
	return nil, errNotBuilt
}

// CorrectReport stores a new report that corrects reportID, on a plan the
// operator holds. Needs PermFollowUp; audited.
func (s *Service) CorrectReport(ctx context.Context, reportID int64, in ReportInput) (*beredskap.CallReport, error) {
	return nil, errNotBuilt
}
