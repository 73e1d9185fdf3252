package beredskap

import (
	"context"
	"errors"
	"fmt"
)

// Transactions runs one service's write transactions: a store's update
// method such as StaffStore.Update or HotelStore.UpdateHotels, which runs fn
// in a write transaction and commits when fn returns nil. Every service
// writes its work and its audit entries through it.
type Transactions[T StaffTx] func(ctx context.Context, fn func(ctx context.Context, tx T) error) error

// Update runs fn in one write transaction and returns fn's error with op
// named. An error fn returns through Refuse (or AuditRefusal) commits the
// transaction, so that the audit entry of a refused attempt is kept, and is
// then returned as it is; any other error rolls the transaction back.
func (run Transactions[T]) Update(ctx context.Context, op string, fn func(ctx context.Context, tx T) error) error {
	var refused error
	err := run(ctx, func(ctx context.Context, tx T) error {
		refused = nil // a store may run fn again after a serialization failure
		err := fn(ctx, tx)
		var r *refusal
		if errors.As(err, &r) {
			refused = r.err
			return nil
		}
		return err
	})
	if err != nil {
		return Wrap(op, err)
	}
	return refused
}

// Deny writes an audit entry with OutcomeDenied for a's action on object
// (about the receipts in subjects, if any) in a transaction of its own, and
// returns Forbidden(action), or the error of writing the entry.
func (run Transactions[T]) Deny(ctx context.Context, a *Actor, action, object string, subjects ...string) error {
	rec := RecordFor(a, action, object, OutcomeDenied)
	if len(subjects) > 0 {
		rec.Subjects = subjects
	}
	if err := run(ctx, func(ctx context.Context, tx T) error {
		return AppendAudit(ctx, tx, rec)
	}); err != nil {
		return Wrap(action, err)
	}
	return Forbidden(action)
}

// AppendAudit appends rec to the audit trail in tx and returns any error
// with the action named.
func AppendAudit(ctx context.Context, tx StaffTx, rec AuditRecord) error {
	if _, err := tx.Audit(ctx, rec); err != nil {
		return fmt.Errorf("audit %s: %w", rec.Action, err)
	}
	return nil
}

// refusal carries the outcome of an operation that was refused but whose
// transaction (with its audit entry) must commit.
type refusal struct{ err error }

func (r *refusal) Error() string { return r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

// Refuse returns outcome marked so that Transactions.Update commits the
// work written so far (typically the audit entry of the refused attempt)
// and then returns outcome to its caller. Refuse(nil) is nil.
func Refuse(outcome error) error {
	if outcome == nil {
		return nil
	}
	return &refusal{err: outcome}
}

// AuditRefusal appends rec in tx and returns Refuse(outcome), or the error
// of appending rec (which rolls the transaction back).
func AuditRefusal(ctx context.Context, tx StaffTx, rec AuditRecord, outcome error) error {
	if err := AppendAudit(ctx, tx, rec); err != nil {
		return err
	}
	return Refuse(outcome)
}

// RefuseUserError returns a user-facing error (*Error) through Refuse, so
// that the transaction commits, and any other error as it is.
func RefuseUserError(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return Refuse(err)
	}
	return err
}

// Wrap returns err with the operation named, keeping user-facing errors
// (*Error) reachable through errors.As, or nil when err is nil.
func Wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}
