package hotel

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"beredskap"
	"beredskap/rules"
)

// sweepMargin is how far before a run's sweep mark the next sweep looks
// again, so that a registration whose transaction committed late, with a
// creation time before the mark, is not missed.
const sweepMargin = 5 * time.Minute

// RunImpactWatcher computes, completes and notifies the impact of every
// rule version whose in-force instant is within the next WatchAhead (24
// hours) or passed less than WatchBehind ago, looking every WatchInterval,
// until ctx ends; it returns nil then. It acts as the system. A run
// computed ahead of time holds the registrations that had arrived when it
// was computed; each later look adds those made since, and the first look
// at or after the in-force instant re-evaluates every active quarantine
// once more (the final run), so that everyone whose obligations change
// when the version takes effect is told, once.
func (s *Service) RunImpactWatcher(ctx context.Context) error {
	t := time.NewTicker(s.cfg.WatchInterval)
	defer t.Stop()
	for {
		if err := s.WatchOnce(ctx); err != nil && ctx.Err() == nil {
			s.logger.Error("rule-change impact", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// WatchOnce is one look of RunImpactWatcher: for each version in force
// from within [now-WatchBehind, now+WatchAhead] it computes the impact
// (once), adds the registrations made since (SweepImpact), and tells every
// affected traveller not told yet (NotifyImpact). Running it in several
// processes at once tells nobody twice.
func (s *Service) WatchOnce(ctx context.Context) error {
	ctx = beredskap.WithActor(ctx, beredskap.SystemActor())
	now := s.now()
	for _, v := range s.book.Versions() {
		from := v.InForceFrom
		if from.Before(now.Add(-s.cfg.WatchBehind)) || from.After(now.Add(s.cfg.WatchAhead)) {
			continue
		}
		run, err := s.ComputeImpact(ctx, from)
		if err != nil {
			return fmt.Errorf("impact of %s: %w", v.ID, err)
		}
		if run, err = s.SweepImpact(ctx, run.ID); err != nil {
			return fmt.Errorf("impact of %s: %w", v.ID, err)
		}
		n, err := s.NotifyImpact(ctx, run.ID)
		if err != nil {
			return fmt.Errorf("notify impact of %s: %w", v.ID, err)
		}
		if n > 0 {
			s.logger.Info("rule-change impact", "rule", v.ID, "evaluated", run.Evaluated, "changed", run.Changed,
				"added", run.Added, "sms", n)
		}
	}
	return nil
}

// SweepImpact completes run runID with the registrations made since it
// was last looked at: those active at its instant and created since its
// sweep mark (less a margin for late commits) are re-evaluated under its
// rule version and their changes added; at or after the instant, the
// first sweep re-evaluates every active quarantine instead and records the
// final run. It returns the run as it is afterwards. Changes the run holds
// already are not added again, so that concurrent sweeps add each once.
// A sweep that adds changes, and the final run, are audited with their
// counts (the notices name the receipts). It needs PermRuleImpact
// nationally; ENOTFOUND for an unknown run.
func (s *Service) SweepImpact(ctx context.Context, runID int64) (*beredskap.ImpactRun, error) {
	a := beredskap.ActorFrom(ctx)
	object := "impact_run:" + strconv.FormatInt(runID, 10)
	if !beredskap.Can(a, beredskap.PermRuleImpact, "") {
		return nil, s.tx.Deny(ctx, a, "rules.impact.sweep", object)
	}
	var run *beredskap.ImpactRun
	err := s.store.ViewHotels(ctx, func(ctx context.Context, tx beredskap.HotelTx) error {
		var err error
		run, err = tx.FindImpactRunByID(ctx, runID)
		return err
	})
	if err != nil {
		return nil, beredskap.Wrap("sweep impact", err)
	}
	v := s.version(run.RuleID)
	if v == nil {
		return nil, beredskap.Errorf(beredskap.EINVALID, "the rule version %s of impact run %d is unknown", run.RuleID, run.ID)
	}
	now := s.now()
	var final *time.Time
	since := run.SweptTo.Add(-sweepMargin)
	if !now.Before(run.At) && run.FinalAt == nil {
		final, since = &now, time.Time{}
	}
	changes, evaluated, err := s.reevaluate(ctx, v, run.At, since)
	if err != nil {
		return nil, beredskap.Wrap("sweep impact", err)
	}
	err = s.tx.Update(ctx, "sweep impact", func(ctx context.Context, tx beredskap.HotelTx) error {
		added, err := tx.AddImpactChanges(ctx, run.ID, changes)
		if err != nil {
			return err
		}
		if err := tx.SweepImpact(ctx, run.ID, now, final, evaluated); err != nil {
			return err
		}
		if run, err = tx.FindImpactRunByID(ctx, run.ID); err != nil {
			return err
		}
		if added == 0 && final == nil {
			return nil
		}
		detail := fmt.Sprintf("%d evaluated, %d added", evaluated, added)
		if final != nil {
			detail = "final run at " + now.Format(time.RFC3339) + ": " + detail
		}
		return beredskap.AppendAudit(ctx, tx, record(a, "rules.impact.sweep", "rule_version:"+v.ID, detail))
	})
	if err != nil {
		return nil, err
	}
	return run, nil
}

// version returns the rule version with the id, or nil.
func (s *Service) version(id string) *rules.Version {
	for _, v := range s.book.Versions() {
		if v.ID == id {
			return v
		}
	}
	return nil
}
