package followup

import (
	"context"
	"fmt"

	"beredskap"
)

// audit appends rec in tx and returns any error with the action named.
func audit(ctx context.Context, tx beredskap.FollowUpTx, rec beredskap.AuditRecord) error {
	if _, err := tx.Audit(ctx, rec); err != nil {
		return fmt.Errorf("audit %s: %w", rec.Action, err)
	}
	return nil
}

// deny writes an audit entry with OutcomeDenied for a's action on object in
// a transaction of its own, and returns an EFORBIDDEN error (or the error of
// writing the entry).
func (s *Service) deny(ctx context.Context, a *beredskap.Actor, action, object string) error {
	rec := beredskap.RecordFor(a, action, object, beredskap.OutcomeDenied)
	if err := s.store.UpdateFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		return audit(ctx, tx, rec)
	}); err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	return beredskap.Forbidden(action)
}

// wrap names the operation in err unless err is nil.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}

// update runs fn in one write transaction. fn returns the outcome of the
// operation (which may be a user-facing error) separately from a failure
// of the transaction, so that audit entries of a refused attempt commit
// while the caller still gets the refusal.
func (s *Service) update(ctx context.Context, op string, fn func(ctx context.Context, tx beredskap.FollowUpTx) (outcome error, err error)) error {
	var outcome error
	err := s.store.UpdateFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		var err error
		outcome, err = fn(ctx, tx)
		return err
	})
	if err != nil {
		return wrap(op, err)
	}
	return outcome
}
