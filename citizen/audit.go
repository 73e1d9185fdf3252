package citizen

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"beredskap"
)

// caseObject returns the audit object of an access case.
func caseObject(id int64) string { return "citizen_case:" + strconv.FormatInt(id, 10) }

// audit appends rec in tx and returns any error with the action named.
func audit(ctx context.Context, tx beredskap.CitizenTx, rec beredskap.AuditRecord) error {
	if _, err := tx.Audit(ctx, rec); err != nil {
		return fmt.Errorf("audit %s: %w", rec.Action, err)
	}
	return nil
}

// citizenRecord returns the audit record of a citizen's own action: the
// actor is "citizen" and the object the person's pseudonym, with the
// address and request id of the context's actor.
func (s *Service) citizenRecord(ctx context.Context, action, nationalID, outcome string) beredskap.AuditRecord {
	rec := beredskap.RecordFor(beredskap.ActorFrom(ctx), action, s.citizenObject(nationalID), outcome)
	rec.Actor, rec.UserID, rec.Role, rec.Scope = "citizen", 0, "", ""
	return rec
}

// deny writes an audit entry with OutcomeDenied for a's action on object in
// a transaction of its own, and returns an EFORBIDDEN error (or the error of
// writing the entry).
func (s *Service) deny(ctx context.Context, a *beredskap.Actor, action, object string) error {
	rec := beredskap.RecordFor(a, action, object, beredskap.OutcomeDenied)
	if err := s.store.UpdateCitizen(ctx, func(ctx context.Context, tx beredskap.CitizenTx) error {
		return audit(ctx, tx, rec)
	}); err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	return &beredskap.Error{Code: beredskap.EFORBIDDEN, Reason: "forbidden",
		Message: "you may not do this (" + action + ")"}
}

// may returns nil when the context's actor may process citizen cases, and
// otherwise the audited EFORBIDDEN of deny.
func (s *Service) may(ctx context.Context, action, object string) (*beredskap.Actor, error) {
	a := beredskap.ActorFrom(ctx)
	if !beredskap.Can(a, beredskap.PermProcessCitizenCases, "") {
		return nil, s.deny(ctx, a, action, object)
	}
	return a, nil
}

// unauthorized returns an EUNAUTHORIZED error with a reason key.
func unauthorized(reason, message string) error {
	return &beredskap.Error{Code: beredskap.EUNAUTHORIZED, Reason: reason, Message: message}
}

// update runs fn in one write transaction. fn returns the outcome of the
// operation (which may be a user-facing error) separately from a failure
// of the transaction, so that audit entries of a refused attempt commit
// while the caller still gets the refusal.
func (s *Service) update(ctx context.Context, op string, fn func(ctx context.Context, tx beredskap.CitizenTx) (outcome error, err error)) error {
	var outcome error
	err := s.store.UpdateCitizen(ctx, func(ctx context.Context, tx beredskap.CitizenTx) error {
		var err error
		outcome, err = fn(ctx, tx)
		return err
	})
	if err != nil {
		return wrap(op, err)
	}
	return outcome
}

// split returns a user-facing error (*beredskap.Error) as the outcome and
// any other error as a failure of the transaction.
func split(err error) (outcome, failure error) {
	var e *beredskap.Error
	if errors.As(err, &e) {
		return err, nil
	}
	return nil, err
}

// wrap returns err with the operation named, keeping user-facing errors
// (*beredskap.Error) reachable through errors.As.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}
