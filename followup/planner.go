package followup

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"beredskap"
)

// Planner settings.
const (
	// planLookback is how far back a first pass looks for registrations
	// without a plan: longer than any quarantine, so that every one still
	// running is found.
	planLookback = 30 * 24 * time.Hour
	// planMargin is how far before the high-water mark of the last pass
	// the next one looks again, so that a registration whose transaction
	// committed late, with a creation time before the mark, is not missed.
	planMargin = 5 * time.Minute
	// planBatch is how many registrations one transaction plans.
	planBatch = 200
)

// PlanPass makes plans for registrations that have none (looking back
// from the newest plan's creation), ends those whose quarantine is over,
// and returns how many plans it made and ended.
//
// A pass looks at registrations created in the last 30 days. Making plans
// is the system's work: any other actor is EFORBIDDEN, audited as denied.
// Each batch of plans is made in one transaction together with its SMS
// outbox rows and one audit entry "followup.plan" naming the receipts
// planned (a use of personal data, though no person looks at it); ending
// plans is audited as "followup.plan_end" with the count.
func (s *Service) PlanPass(ctx context.Context) (made, ended int, err error) {
	made, ended, _, err = s.planPass(ctx, s.now().Add(-planLookback))
	return made, ended, err
}

// RunPlanner runs PlanPass every interval until ctx ends. After the first
// pass each one looks only at registrations created since the newest one
// the pass before saw, less a margin for late commits.
func (s *Service) RunPlanner(ctx context.Context, every time.Duration) {
	ctx = beredskap.WithActor(ctx, beredskap.SystemActor())
	since := s.now().Add(-planLookback)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		made, ended, mark, err := s.planPass(ctx, since)
		switch {
		case err != nil && ctx.Err() == nil:
			s.logger.Error("follow-up planner", "err", err)
		case made > 0 || ended > 0:
			s.logger.Info("follow-up planner", "made", made, "ended", ended)
		}
		if err == nil && mark.Add(-planMargin).After(since) {
			since = mark.Add(-planMargin)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// planPass plans the registrations created at or after since and ends the
// plans whose quarantine is over. mark is the creation time of the newest
// registration seen (since when none).
func (s *Service) planPass(ctx context.Context, since time.Time) (made, ended int, mark time.Time, err error) {
	a := beredskap.ActorFrom(ctx)
	if !a.System {
		return 0, 0, since, s.tx.Deny(ctx, a, "followup.plan", "plans")
	}
	mark = since
	seen := map[string]bool{}
	for {
		n, read, err := s.planBatch(ctx, a, mark, seen)
		made += n
		if err != nil {
			return made, 0, mark, err
		}
		advanced := false
		for _, r := range read {
			seen[r.Receipt] = true
			if r.CreatedAt.After(mark) {
				mark, advanced = r.CreatedAt, true
			}
		}
		// A short batch was the last; a full one whose registrations all
		// share one creation time cannot be paged past.
		if len(read) < planBatch || !advanced {
			break
		}
	}
	ended, err = s.endOver(ctx, a)
	return made, ended, mark, err
}

// planBatch plans one batch of registrations created at or after since,
// skipping those in seen, in one transaction, retried when a concurrent
// planner made one of the plans first. It returns how many plans it made
// and the registrations read.
func (s *Service) planBatch(ctx context.Context, a *beredskap.Actor, since time.Time, seen map[string]bool) (int, []*beredskap.StoredRegistration, error) {
	var made int
	var regs []*beredskap.StoredRegistration
	var err error
	for try := 0; try < 3; try++ {
		made = 0
		err = s.store.UpdateFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
			var err error
			if regs, err = tx.RegistrationsWithoutPlan(ctx, since, planBatch); err != nil {
				return fmt.Errorf("registrations without plan: %w", err)
			}
			var set templateSet
			var receipts []string
			now := s.now()
			for _, reg := range regs {
				if seen[reg.Receipt] {
					continue
				}
				p, fp, err := planFor(s.book, reg, now)
				if err != nil {
					return err
				}
				if p == nil {
					continue
				}
				if set == nil {
					if set, err = loadTemplates(ctx, tx); err != nil {
						return err
					}
				}
				if err := s.makePlan(ctx, tx, set, p, fp.SendHour, now); err != nil {
					return err
				}
				receipts = append(receipts, p.Receipt)
			}
			if len(receipts) == 0 {
				return nil
			}
			made = len(receipts)
			rec := beredskap.RecordFor(a, "followup.plan", "plans", beredskap.OutcomeOK)
			rec.Subjects = receipts
			rec.Detail = fmt.Sprintf("made=%d", made)
			return beredskap.AppendAudit(ctx, tx, rec)
		})
		if beredskap.ErrorCode(err) != beredskap.ECONFLICT {
			break
		}
	}
	if err != nil {
		return 0, nil, beredskap.Wrap("plan follow-up", err)
	}
	return made, regs, nil
}

// makePlan stores p, ends the person's older active plans (or p itself
// when one of them is of a later arrival), and puts the SMS of the days
// still to come on the outbox.
func (s *Service) makePlan(ctx context.Context, tx beredskap.FollowUpTx, set templateSet, p *beredskap.FollowUpPlan, sendHour int, now time.Time) error {
	others, err := tx.ActivePlansOf(ctx, p.PersonKey)
	if err != nil {
		return fmt.Errorf("active plans: %w", err)
	}
	var older []*beredskap.FollowUpPlan
	for _, o := range others {
		if o.Receipt == p.Receipt {
			continue
		}
		if o.ArrivalAt.After(p.ArrivalAt) {
			// A later arrival of the same person is followed up already:
			// this registration is superseded from the start.
			p.Status, p.EndReason, p.EndedAt = beredskap.PlanEnded, beredskap.EndSuperseded, &now
			p.NextCallAt = never
		} else {
			older = append(older, o)
		}
	}
	if err := tx.CreatePlan(ctx, p); err != nil {
		return fmt.Errorf("create plan %s: %w", p.Receipt, err)
	}
	if p.Status == beredskap.PlanEnded {
		return nil
	}
	for _, o := range older {
		if err := endPlan(ctx, tx, o, beredskap.EndSuperseded, now); err != nil {
			return err
		}
	}
	return s.queuePlanSMS(ctx, tx, set, p, sendHour, now)
}

// queuePlanSMS puts the plan's SMS of the days from today on onto the
// outbox, each due at the send hour of its day (at now when that hour has
// passed today). A plan without a phone number gets none; a day without a
// template is logged and skipped.
func (s *Service) queuePlanSMS(ctx context.Context, tx beredskap.FollowUpTx, set templateSet, p *beredskap.FollowUpPlan, sendHour int, now time.Time) error {
	if p.Phone == "" {
		return nil
	}
	for _, d := range p.SMSDays {
		at, err := dayAt(p.FirstDay, d, sendHour)
		if err != nil {
			return fmt.Errorf("plan %s: %w", p.Receipt, err)
		}
		if today(at) < today(now) || today(at) > p.LastDay {
			continue
		}
		if at.Before(now) {
			at = now
		}
		key := fmt.Sprintf("day%d", d)
		if _, _, err := set.pick(key, p.Language); err != nil {
			s.logger.Warn("follow-up SMS without template", "key", key, "rule", p.RuleID)
			continue
		}
		m, err := s.render(set, p, key, "")
		if err != nil {
			return err
		}
		msg := &beredskap.SMSMessage{
			PlanID: p.ID, Receipt: p.Receipt, To: p.Phone, Language: m.language, Template: key,
			Body: m.body, Encoding: m.encoding, Segments: m.segments, Status: beredskap.SMSQueued,
			NextAttemptAt: at, SentBy: "system",
		}
		if err := tx.EnqueueSMS(ctx, msg); err != nil {
			return fmt.Errorf("enqueue SMS %s: %w", key, err)
		}
	}
	return nil
}

// endPlan ends the active plan p with reason at now, releases it, and
// cancels its queued SMS.
func endPlan(ctx context.Context, tx beredskap.FollowUpTx, p *beredskap.FollowUpPlan, reason string, now time.Time) error {
	p.Status, p.EndReason, p.EndedAt = beredskap.PlanEnded, reason, &now
	p.ClaimedBy, p.LeaseUntil = "", nil
	p.NextCallAt = never
	if err := tx.UpdatePlan(ctx, p); err != nil {
		return fmt.Errorf("end plan %s: %w", p.Receipt, err)
	}
	if _, err := tx.CancelPlanSMS(ctx, p.ID); err != nil {
		return fmt.Errorf("cancel SMS of plan %s: %w", p.Receipt, err)
	}
	return nil
}

// endOver ends the active plans whose last day of quarantine is before
// today (Europe/Oslo), audited with their number.
func (s *Service) endOver(ctx context.Context, a *beredskap.Actor) (int, error) {
	var n int
	err := s.store.UpdateFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		now := s.now()
		var err error
		if n, err = tx.EndPlansBefore(ctx, today(now), now); err != nil || n == 0 {
			return err
		}
		rec := beredskap.RecordFor(a, "followup.plan_end", "plans", beredskap.OutcomeOK)
		rec.Detail = fmt.Sprintf("reason=%s ended=%d before=%s", beredskap.EndQuarantineOver, n, today(now))
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	return n, beredskap.Wrap("end follow-up plans", err)
}

// endReasons are the reasons EndPlan accepts.
var endReasons = []string{beredskap.EndQuarantineOver, beredskap.EndSuperseded, beredskap.EndDispensation, beredskap.EndedEarly}

// EndPlan ends the active plan of the receipt with reason (one of the
// beredskap End constants) and cancels its queued SMS. Ending an ended plan
// is no error.
//
// An unknown reason is EINVALID on "reason", an unknown receipt ENOTFOUND.
// Needs PermFollowUp (the system actor may, for dispensations); audited as
// "followup.end" with the receipt as subject.
func (s *Service) EndPlan(ctx context.Context, receipt, reason string) error {
	a := beredskap.ActorFrom(ctx)
	r, _ := beredskap.NormalizeReceipt(receipt)
	object := "plan:" + r
	if !beredskap.Can(a, beredskap.PermFollowUp, "") {
		return s.tx.Deny(ctx, a, "followup.end", object)
	}
	if !slices.Contains(endReasons, reason) {
		return beredskap.Invalid("reason", "unknown_value", "is not one of "+strings.Join(endReasons, ", "))
	}
	err := s.store.UpdateFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		p, err := tx.FindPlanByReceipt(ctx, r)
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			return beredskap.NotFound("follow-up plan")
		} else if err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "followup.end", fmt.Sprintf("plan:%d", p.ID), beredskap.OutcomeOK)
		rec.Subjects = []string{p.Receipt}
		rec.Detail = "reason=" + reason
		if p.Status == beredskap.PlanEnded {
			rec.Detail += " already=" + p.EndReason
		} else if err := endPlan(ctx, tx, p, reason, s.now()); err != nil {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	return beredskap.Wrap("end follow-up plan", err)
}
