package hotel

import (
	"context"
	"fmt"
	"strconv"

	"beredskap"
)

// audit appends rec in tx and returns any error with the action named.
func audit(ctx context.Context, tx beredskap.HotelTx, rec beredskap.AuditRecord) error {
	if _, err := tx.Audit(ctx, rec); err != nil {
		return fmt.Errorf("audit %s: %w", rec.Action, err)
	}
	return nil
}

// record returns the audit record of a's action on object with the
// receipts it touched.
func record(a *beredskap.Actor, action, object, detail string, receipts ...string) beredskap.AuditRecord {
	rec := beredskap.RecordFor(a, action, object, beredskap.OutcomeOK)
	rec.Detail = detail
	if len(receipts) > 0 {
		rec.Subjects = receipts
	}
	return rec
}

// deny writes an audit entry with OutcomeDenied for a's action on object
// in a transaction of its own, and returns an EFORBIDDEN error (or the
// error of writing the entry).
func (s *Service) deny(ctx context.Context, a *beredskap.Actor, action, object string, receipts ...string) error {
	rec := beredskap.RecordFor(a, action, object, beredskap.OutcomeDenied)
	if len(receipts) > 0 {
		rec.Subjects = receipts
	}
	if err := s.store.UpdateHotels(ctx, func(ctx context.Context, tx beredskap.HotelTx) error {
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
// operation (which may be a user-facing error whose audit entry must still
// commit) separately from a failure of the transaction.
func (s *Service) update(ctx context.Context, op string, fn func(ctx context.Context, tx beredskap.HotelTx) (outcome error, err error)) error {
	var outcome error
	err := s.store.UpdateHotels(ctx, func(ctx context.Context, tx beredskap.HotelTx) error {
		var err error
		outcome, err = fn(ctx, tx)
		return err
	})
	if err != nil {
		return wrap(op, err)
	}
	return outcome
}

// isCode reports whether err carries the code.
func isCode(err error, code string) bool { return beredskap.ErrorCode(err) == code }

// hotelObject, stayObject and dispensationObject name audit objects.
func hotelObject(id int64) string        { return "hotel:" + strconv.FormatInt(id, 10) }
func stayObject(id int64) string         { return "stay:" + strconv.FormatInt(id, 10) }
func dispensationObject(id int64) string { return "dispensation:" + strconv.FormatInt(id, 10) }
