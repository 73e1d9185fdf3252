package retention

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"beredskap"
)

// MaxHoldReasonLength bounds a hold's reason, in characters.
const MaxHoldReasonLength = 500

// MaxHoldYears bounds how far ahead a hold may end; a longer hold is a new
// decision made when this one is reviewed.
const MaxHoldYears = 2

// HoldRequest asks to hold the data of the person of Receipt until the
// end of Until (YYYY-MM-DD) for Reason.
type HoldRequest struct {
	Receipt string `json:"receipt"`
	Reason  string `json:"reason"`
	Until   string `json:"until"`
}

// CreateHold holds the data of the person of r.Receipt (every registration
// with the same national identity number, or the one registration when
// it has none) past its retention period until r.Until. It needs
// PermLegalHold for the registration's municipality (EFORBIDDEN, audited);
// an unknown receipt or one of another municipality is ENOTFOUND; a
// missing reason or an end day that is not in the future, or more than two
// years ahead, is EINVALID. Audited as "legal_hold.create" with the held
// receipts as subjects.
func (s *Service) CreateHold(ctx context.Context, r HoldRequest) (*beredskap.LegalHold, error) {
	a := beredskap.ActorFrom(ctx)
	const action = "legal_hold.create"
	scope, ok := beredskap.RegistrationScope(a)
	if !ok || !beredskap.Can(a, beredskap.PermLegalHold, scope) {
		return nil, s.tx.Deny(ctx, a, action, "registration:"+r.Receipt)
	}
	r.Reason = strings.TrimSpace(r.Reason)
	now := s.clock()
	switch {
	case strings.TrimSpace(r.Receipt) == "":
		return nil, beredskap.Invalid("receipt", "required", "is required")
	case r.Reason == "":
		return nil, beredskap.Invalid("reason", "required", "is required: say why the data must be kept")
	case utf8.RuneCountInString(r.Reason) > MaxHoldReasonLength:
		return nil, beredskap.Invalid("reason", "too_long", fmt.Sprintf("is longer than %d characters", MaxHoldReasonLength))
	}
	until, err := time.ParseInLocation(time.DateOnly, r.Until, oslo)
	switch {
	case err != nil:
		return nil, beredskap.Invalid("until", "malformed", "is not a date written YYYY-MM-DD")
	case r.Until <= osloDay(now):
		return nil, beredskap.Invalid("until", "past", "must be after today")
	case until.After(now.AddDate(MaxHoldYears, 0, 0)):
		return nil, beredskap.Invalid("until", "too_far", fmt.Sprintf("must be within %d years; extend the hold when it is reviewed", MaxHoldYears))
	}
	var h *beredskap.LegalHold
	err = s.store.UpdateRetention(ctx, func(ctx context.Context, tx beredskap.RetentionTx) error {
		reg, err := tx.FindRegistration(ctx, r.Receipt, scope)
		if err != nil {
			return err
		}
		receipts := []string{reg.Receipt}
		if id := reg.Registration.Traveller.NationalID; id != "" {
			regs, err := tx.RegistrationsOf(ctx, id)
			if err != nil {
				return err
			}
			receipts = receipts[:0]
			for _, o := range regs {
				if o.Municipality == reg.Municipality || scope == "" {
					receipts = append(receipts, o.Receipt)
				}
			}
		}
		h = &beredskap.LegalHold{Municipality: reg.Municipality, Receipt: reg.Receipt, Receipts: receipts,
			Reason: r.Reason, UntilDay: r.Until, CreatedBy: a.Name()}
		if err := tx.CreateHold(ctx, h); err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, action, holdObject(h.ID), beredskap.OutcomeOK)
		rec.Subjects = receipts
		rec.Detail = fmt.Sprintf("until %s; %d registrations held", h.UntilDay, len(receipts))
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, fmt.Errorf("create legal hold: %w", err)
	}
	return h, nil
}

// ReleaseHold ends a hold before its day, so that the data is purged at the
// next purge when its period has ended. It needs PermLegalHold for the
// hold's municipality (EFORBIDDEN, audited); an unknown hold, one of
// another municipality or one released already is ENOTFOUND. Audited as
// "legal_hold.release".
func (s *Service) ReleaseHold(ctx context.Context, id int64) error {
	a := beredskap.ActorFrom(ctx)
	const action = "legal_hold.release"
	scope, ok := beredskap.RegistrationScope(a)
	if !ok || !beredskap.Can(a, beredskap.PermLegalHold, scope) {
		return s.tx.Deny(ctx, a, action, holdObject(id))
	}
	err := s.store.UpdateRetention(ctx, func(ctx context.Context, tx beredskap.RetentionTx) error {
		h, err := tx.FindHold(ctx, id)
		if err != nil {
			return err
		}
		if scope != "" && h.Municipality != scope {
			return beredskap.NotFound("legal hold")
		}
		if err := tx.ReleaseHold(ctx, id, a.Name(), s.clock()); err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, action, holdObject(id), beredskap.OutcomeOK)
		rec.Subjects = h.Receipts
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return fmt.Errorf("release legal hold: %w", err)
	}
	return nil
}

// ListHolds returns the holds of the actor's municipality for review,
// soonest end first: only those in force when active is true. It needs
// PermLegalHold (EFORBIDDEN, audited). Audited as "legal_hold.list".
func (s *Service) ListHolds(ctx context.Context, active bool) ([]*beredskap.LegalHold, error) {
	a := beredskap.ActorFrom(ctx)
	const action = "legal_hold.list"
	scope, ok := beredskap.RegistrationScope(a)
	if !ok || !beredskap.Can(a, beredskap.PermLegalHold, scope) {
		return nil, s.tx.Deny(ctx, a, action, "municipality:"+scope)
	}
	var out []*beredskap.LegalHold
	err := s.store.UpdateRetention(ctx, func(ctx context.Context, tx beredskap.RetentionTx) error {
		var err error
		out, err = tx.ListHolds(ctx, beredskap.HoldFilter{Municipality: scope, Active: active, Day: osloDay(s.clock())})
		if err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, action, "municipality:"+scope, beredskap.OutcomeOK)
		for _, h := range out {
			rec.Subjects = append(rec.Subjects, h.Receipts...)
		}
		rec.Detail = fmt.Sprintf("%d holds", len(out))
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, fmt.Errorf("list legal holds: %w", err)
	}
	return out, nil
}
