package hotel

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"beredskap"
	"beredskap/sms"
)

// NotifyImpact enqueues the SMS of template rule_change, in each
// traveller's language (English, then bokmål, when there is none), for
// every change of run runID, due at the rule version's in-force instant,
// and marks the run notified, all in one transaction. It returns how many
// messages were queued; a run notified before queues none. It needs
// PermRuleImpact nationally; ENOTFOUND for an unknown run.
func (s *Service) NotifyImpact(ctx context.Context, runID int64) (int, error) {
	a := beredskap.ActorFrom(ctx)
	if !beredskap.Can(a, beredskap.PermRuleImpact, "") {
		return 0, s.tx.Deny(ctx, a, "rules.impact.notify", "impact_run:"+strconv.FormatInt(runID, 10))
	}
	now := s.now()
	n := 0
	err := s.store.UpdateHotels(ctx, func(ctx context.Context, tx beredskap.HotelTx) error {
		runs, err := tx.ListImpactRuns(ctx)
		if err != nil {
			return err
		}
		var run *beredskap.ImpactRun
		for _, r := range runs {
			if r.ID == runID {
				run = r
			}
		}
		if run == nil {
			return beredskap.Errorf(beredskap.ENOTFOUND, "no impact run %d", runID)
		}
		if run.NotifiedAt != nil {
			return nil
		}
		due := run.At
		for _, v := range s.book.Versions() {
			if v.ID == run.RuleID {
				due = v.InForceFrom.UTC()
			}
		}
		templates, err := templatesIn(ctx, tx)
		if err != nil {
			return err
		}
		after := ""
		for {
			changes, err := tx.ImpactChanges(ctx, run.ID, "", after, 1000)
			if err != nil {
				return err
			}
			for _, c := range changes {
				ok, err := s.enqueueChange(ctx, tx, templates, c, due)
				if err != nil {
					return err
				}
				if ok {
					n++
				}
				after = c.Receipt
			}
			if len(changes) < 1000 {
				break
			}
		}
		if err := tx.MarkImpactNotified(ctx, run.ID, now); err != nil {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, record(a, "rules.impact.notify", "impact_run:"+strconv.FormatInt(run.ID, 10),
			fmt.Sprintf("%d SMS due %s", n, due.Format(time.RFC3339))))
	})
	if err != nil {
		return 0, beredskap.Wrap("notify impact", err)
	}
	return n, nil
}

// templateSet holds the templates in force by key and language.
type templateSet map[[2]string]*beredskap.SMSTemplate

// templatesIn returns the built-in templates with the stored ones laid
// over them.
func templatesIn(ctx context.Context, tx beredskap.HotelTx) (templateSet, error) {
	set := templateSet{}
	for _, t := range sms.DefaultTemplates() {
		set[[2]string{t.Key, t.Language}] = &t
	}
	stored, err := tx.ListTemplates(ctx)
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	for _, t := range stored {
		set[[2]string{t.Key, t.Language}] = t
	}
	return set, nil
}

// pick returns the template of key in language, else English, else bokmål.
func (set templateSet) pick(key, language string) *beredskap.SMSTemplate {
	for _, l := range []string{language, sms.FallbackLanguage, "nb"} {
		if t, ok := set[[2]string{key, l}]; ok {
			return t
		}
	}
	return nil
}

// enqueueChange queues the rule-change SMS of one change; a traveller
// without a phone number gets none (false).
func (s *Service) enqueueChange(ctx context.Context, tx beredskap.HotelTx, set templateSet, c *beredskap.ImpactChange, due time.Time) (bool, error) {
	reg, err := tx.FindRegistration(ctx, c.Receipt, "")
	if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	to := reg.Registration.Traveller.Phone
	if to == "" {
		return false, nil
	}
	t := set.pick(sms.TemplateRuleChange, c.Language)
	if t == nil {
		return false, beredskap.Errorf(beredskap.EINTERNAL, "no template %s", sms.TemplateRuleChange)
	}
	lastDay := c.NewLastDay
	if lastDay == "" {
		lastDay = c.OldLastDay
	}
	body, err := sms.Render(t.Body, map[string]string{
		"name": reg.Registration.Traveller.FirstName, "last_day": lastDay, "hotline": s.cfg.Hotline,
	})
	if err != nil {
		return false, fmt.Errorf("render template %s/%s: %w", t.Key, t.Language, err)
	}
	enc, segs := sms.Count(body)
	m := &beredskap.SMSMessage{Receipt: c.Receipt, To: to, Language: t.Language, Template: t.Key, Body: body,
		Encoding: enc, Segments: segs, Status: beredskap.SMSQueued, NextAttemptAt: due, SentBy: "system"}
	if p, err := tx.FindPlanByReceipt(ctx, c.Receipt); err == nil {
		m.PlanID = p.ID
	} else if beredskap.ErrorCode(err) != beredskap.ENOTFOUND {
		return false, err
	}
	return true, tx.EnqueueSMS(ctx, m)
}

// RunImpactWatcher computes and notifies, once each, the impact of every
// rule version whose in-force instant is within the next WatchAhead (24
// hours) or passed less than WatchBehind ago, looking every WatchInterval,
// until ctx ends; it returns nil then. It acts as the system. A run
// computed ahead of time holds the registrations that had arrived when it
// was computed.
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

// WatchOnce is one look of RunImpactWatcher: it computes and notifies the
// impact of each version in force from within [now-WatchBehind,
// now+WatchAhead], once.
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
		if run.NotifiedAt != nil {
			continue
		}
		n, err := s.NotifyImpact(ctx, run.ID)
		if err != nil {
			return fmt.Errorf("notify impact of %s: %w", v.ID, err)
		}
		s.logger.Info("rule-change impact", "rule", v.ID, "evaluated", run.Evaluated, "changed", run.Changed, "sms", n)
	}
	return nil
}
