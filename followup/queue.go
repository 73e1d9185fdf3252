package followup

import (
	"context"

	"beredskap"
)

// Queue returns the work queue as the actor's filter selects it, in
// priority order, held plans included. Needs PermFollowUp; audited.
func (s *Service) Queue(ctx context.Context, f beredskap.QueueFilter) ([]*beredskap.FollowUpPlan, error) {
	return nil, errNotBuilt
}

// ClaimNext gives the operator the first free plan of the queue, held for
// Config.Lease. An empty queue is ENOTFOUND. Needs PermFollowUp; audited.
func (s *Service) ClaimNext(ctx context.Context, f beredskap.QueueFilter) (*beredskap.FollowUpPlan, error) {
	return nil, errNotBuilt
}

// Claim holds the plan for the operator for Config.Lease; a plan held by
// another operator is ECONFLICT. Needs PermFollowUp; audited.
func (s *Service) Claim(ctx context.Context, planID int64) (*beredskap.FollowUpPlan, error) {
	return nil, errNotBuilt
}

// Release frees a plan the operator holds. Needs PermFollowUp.
func (s *Service) Release(ctx context.Context, planID int64) error {
	return errNotBuilt
}
