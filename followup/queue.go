package followup

import (
	"context"
	"fmt"
	"slices"

	"beredskap"
)

// checkQueueFilter returns an EINVALID error naming the first bad field
// of f.
func checkQueueFilter(f beredskap.QueueFilter) error {
	switch {
	case f.Language != "" && !slices.Contains(beredskap.Enumerations["traveller.language"], f.Language):
		return beredskap.Invalid("language", "unknown_value", "is not a language of the control centre")
	case f.Municipality != "" && !isMunicipalityCode(f.Municipality):
		return beredskap.Invalid("municipality", "invalid_format", "is not a four-digit municipality number")
	case f.Limit < 0 || f.Limit > beredskap.MaxPageSize:
		return beredskap.Invalid("limit", "out_of_range", fmt.Sprintf("must be from 0 to %d", beredskap.MaxPageSize))
	case f.Offset < 0:
		return beredskap.Invalid("offset", "out_of_range", "must not be negative")
	}
	return nil
}

// isMunicipalityCode reports whether s has the form of a municipality
// number: four digits.
func isMunicipalityCode(s string) bool {
	if len(s) != 4 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// queueDetail describes a queue filter for the audit trail.
func queueDetail(f beredskap.QueueFilter) string {
	return fmt.Sprintf("language=%s municipality=%s limit=%d", f.Language, f.Municipality, f.Limit)
}

// Queue returns the work queue as the actor's filter selects it, in
// priority order, held plans included. Needs PermFollowUp; audited.
//
// A bad filter is EINVALID naming the field. The queue is read in a
// read-only snapshot and its audit entry "followup.queue", with the
// receipts returned as subjects, appended in a short write transaction;
// nothing is returned unless that entry committed.
func (s *Service) Queue(ctx context.Context, f beredskap.QueueFilter) ([]*beredskap.FollowUpPlan, error) {
	a := beredskap.ActorFrom(ctx)
	if !beredskap.Can(a, beredskap.PermFollowUp, f.Municipality) {
		return nil, s.tx.Deny(ctx, a, "followup.queue", "queue")
	}
	if err := checkQueueFilter(f); err != nil {
		return nil, err
	}
	var plans []*beredskap.FollowUpPlan
	err := s.store.ViewFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		var err error
		plans, err = tx.ListQueue(ctx, f, s.now())
		return err
	})
	if err != nil {
		return nil, beredskap.Wrap("list queue", err)
	}
	rec := beredskap.RecordFor(a, "followup.queue", "queue", beredskap.OutcomeOK)
	rec.Subjects = make([]string, len(plans))
	for i, p := range plans {
		rec.Subjects[i] = p.Receipt
	}
	rec.Detail = queueDetail(f)
	err = s.store.UpdateFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, beredskap.Wrap("list queue", err)
	}
	return plans, nil
}

// QueueSize returns how many travellers the queue f holds now, held ones
// included, so that a page of it can say how many there are in all. It
// needs PermFollowUp (EFORBIDDEN otherwise, audited); a count names no
// one, so it is not audited itself.
func (s *Service) QueueSize(ctx context.Context, f beredskap.QueueFilter) (int, error) {
	a := beredskap.ActorFrom(ctx)
	if !beredskap.Can(a, beredskap.PermFollowUp, f.Municipality) {
		return 0, s.tx.Deny(ctx, a, "followup.queue", "queue")
	}
	if err := checkQueueFilter(f); err != nil {
		return 0, err
	}
	var n int
	err := s.store.ViewFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		var err error
		n, err = tx.CountQueue(ctx, f, s.now())
		return err
	})
	if err != nil {
		return 0, beredskap.Wrap("count queue", err)
	}
	return n, nil
}

// ClaimNext gives the operator the first free plan of the queue, held for
// Config.Lease. An empty queue is ENOTFOUND. Needs PermFollowUp; audited.
//
// Audited as "followup.claim" with the receipt as subject; an empty queue
// as "followup.claim" with outcome not_found.
func (s *Service) ClaimNext(ctx context.Context, f beredskap.QueueFilter) (*beredskap.FollowUpPlan, error) {
	a := beredskap.ActorFrom(ctx)
	if !operator(a) || !beredskap.Can(a, beredskap.PermFollowUp, f.Municipality) {
		return nil, s.tx.Deny(ctx, a, "followup.claim", "queue")
	}
	if err := checkQueueFilter(f); err != nil {
		return nil, err
	}
	var p *beredskap.FollowUpPlan
	err := s.tx.Update(ctx, "claim next", func(ctx context.Context, tx beredskap.FollowUpTx) error {
		now := s.now()
		var err error
		p, err = tx.ClaimNext(ctx, f, a.Name(), now, now.Add(s.cfg.Lease))
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			rec := beredskap.RecordFor(a, "followup.claim", "queue", beredskap.OutcomeNotFound)
			rec.Detail = queueDetail(f)
			return beredskap.AuditRefusal(ctx, tx, rec, beredskap.NotFound("traveller in the queue"))
		} else if err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "followup.claim", fmt.Sprintf("plan:%d", p.ID), beredskap.OutcomeOK)
		rec.Subjects = []string{p.Receipt}
		rec.Detail = queueDetail(f)
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Claim holds the plan for the operator for Config.Lease; a plan held by
// another operator is ECONFLICT. Needs PermFollowUp; audited.
//
// An ended plan is ECONFLICT too, an unknown one ENOTFOUND. The holder may
// claim again to extend the hold. Audited as "followup.claim" with the
// receipt as subject; a refused claim with outcome failed.
func (s *Service) Claim(ctx context.Context, planID int64) (*beredskap.FollowUpPlan, error) {
	a := beredskap.ActorFrom(ctx)
	object := fmt.Sprintf("plan:%d", planID)
	if !operator(a) || !beredskap.Can(a, beredskap.PermFollowUp, "") {
		return nil, s.tx.Deny(ctx, a, "followup.claim", object)
	}
	var p *beredskap.FollowUpPlan
	err := s.tx.Update(ctx, "claim", func(ctx context.Context, tx beredskap.FollowUpTx) error {
		old, err := tx.FindPlan(ctx, planID)
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			rec := beredskap.RecordFor(a, "followup.claim", object, beredskap.OutcomeNotFound)
			return beredskap.AuditRefusal(ctx, tx, rec, beredskap.NotFound("follow-up plan"))
		} else if err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "followup.claim", object, beredskap.OutcomeOK)
		rec.Subjects = []string{old.Receipt}
		now := s.now()
		p, err = tx.Claim(ctx, planID, a.Name(), now, now.Add(s.cfg.Lease))
		if beredskap.ErrorCode(err) == beredskap.ECONFLICT {
			rec.Outcome = beredskap.OutcomeFailed
			answer := beredskap.Conflict("held", "another operator holds this traveller")
			if old.Status == beredskap.PlanEnded {
				answer = beredskap.Conflict("ended", "the follow-up of this traveller has ended")
			}
			rec.Detail = beredskap.ErrorMessage(answer)
			p = nil
			return beredskap.AuditRefusal(ctx, tx, rec, answer)
		} else if err != nil {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Release frees a plan the operator holds. Needs PermFollowUp.
//
// Releasing a plan one does not hold changes nothing; an unknown plan is
// ENOTFOUND. Audited as "followup.release" with the receipt as subject.
func (s *Service) Release(ctx context.Context, planID int64) error {
	a := beredskap.ActorFrom(ctx)
	object := fmt.Sprintf("plan:%d", planID)
	if !operator(a) || !beredskap.Can(a, beredskap.PermFollowUp, "") {
		return s.tx.Deny(ctx, a, "followup.release", object)
	}
	return s.tx.Update(ctx, "release", func(ctx context.Context, tx beredskap.FollowUpTx) error {
		p, err := tx.FindPlan(ctx, planID)
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			return beredskap.Refuse(beredskap.NotFound("follow-up plan"))
		} else if err != nil {
			return err
		}
		if err := tx.Release(ctx, planID, a.Name()); err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "followup.release", object, beredskap.OutcomeOK)
		rec.Subjects = []string{p.Receipt}
		return beredskap.AppendAudit(ctx, tx, rec)
	})
}

// operator reports whether a is a person who can hold plans: the system
// actor works no queue.
func operator(a *beredskap.Actor) bool { return a.User != nil }
