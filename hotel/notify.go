package hotel

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"beredskap"
	"beredskap/internal/datefmt"
	"beredskap/sms"
	"beredskap/sms/gsm"
)

// notifyBatch is how many travellers one transaction of NotifyImpact
// tells.
const notifyBatch = 500

// NotifyImpact enqueues the SMS of template rule_change, in each
// traveller's language (English, then bokmål, when there is none), for
// every change of run runID whose traveller has not been told of the run's
// rule version before (by any run, in any process), due at the version's
// in-force instant, and marks the run notified. Each batch of travellers
// is told in one transaction that records their notices (the database's
// at-most-once marker: one rule-change SMS per registration and version),
// puts their SMS on the outbox and audits the receipts; a traveller without
// a phone number is recorded as told and gets none. It returns how many
// messages it queued: a second call queues only those of changes added
// since. It needs PermRuleImpact nationally; ENOTFOUND for an unknown run.
func (s *Service) NotifyImpact(ctx context.Context, runID int64) (int, error) {
	a := beredskap.ActorFrom(ctx)
	if !beredskap.Can(a, beredskap.PermRuleImpact, "") {
		return 0, s.tx.Deny(ctx, a, "rules.impact.notify", "impact_run:"+strconv.FormatInt(runID, 10))
	}
	var run *beredskap.ImpactRun
	err := s.store.ViewHotels(ctx, func(ctx context.Context, tx beredskap.HotelTx) error {
		var err error
		run, err = tx.FindImpactRunByID(ctx, runID)
		return err
	})
	if err != nil {
		return 0, beredskap.Wrap("notify impact", err)
	}
	due := run.At
	if v := s.version(run.RuleID); v != nil {
		due = v.InForceFrom.UTC()
	}
	total := 0
	for after := ""; ; {
		n, last, err := s.notifyBatch(ctx, a, run, due, after)
		total += n
		if err != nil {
			return total, err
		}
		if last == "" {
			break
		}
		after = last
	}
	err = s.tx.Update(ctx, "notify impact", func(ctx context.Context, tx beredskap.HotelTx) error {
		set, err := tx.MarkImpactNotified(ctx, run.ID, s.now())
		if err != nil || !set {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, record(a, "rules.impact.notified", "impact_run:"+strconv.FormatInt(run.ID, 10),
			fmt.Sprintf("SMS due %s", due.Format(time.RFC3339))))
	})
	return total, err
}

// notifyBatch tells, in one transaction, the travellers of up to
// notifyBatch changes of run after the receipt after who have not been
// told of its version, and returns how many SMS it queued and the last
// receipt it looked at ("" when there were none left).
func (s *Service) notifyBatch(ctx context.Context, a *beredskap.Actor, run *beredskap.ImpactRun, due time.Time, after string) (int, string, error) {
	var (
		sent []string
		last string
	)
	err := s.tx.Update(ctx, "notify impact", func(ctx context.Context, tx beredskap.HotelTx) error {
		sent, last = sent[:0], ""
		recips, err := tx.ImpactRecipients(ctx, run.ID, after, notifyBatch)
		if err != nil || len(recips) == 0 {
			return err
		}
		last = recips[len(recips)-1].Change.Receipt
		receipts := make([]string, len(recips))
		for i, r := range recips {
			receipts[i] = r.Change.Receipt
		}
		claimed, err := tx.ClaimRuleChangeNotices(ctx, run.RuleID, run.ID, receipts, s.now())
		if err != nil || len(claimed) == 0 {
			return err
		}
		mine := make(map[string]bool, len(claimed))
		for _, c := range claimed {
			mine[c] = true
		}
		templates, err := templatesIn(ctx, tx)
		if err != nil {
			return err
		}
		for _, r := range recips {
			if !mine[r.Change.Receipt] || r.Phone == "" {
				continue
			}
			if err := s.enqueueChange(ctx, tx, templates, r, due); err != nil {
				return err
			}
			sent = append(sent, r.Change.Receipt)
		}
		if len(sent) == 0 {
			return nil
		}
		return beredskap.AppendAudit(ctx, tx, record(a, "rules.impact.notify", "impact_run:"+strconv.FormatInt(run.ID, 10),
			fmt.Sprintf("%d SMS due %s", len(sent), due.Format(time.RFC3339)), sent...))
	})
	if err != nil {
		return 0, "", err
	}
	return len(sent), last, nil
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

// enqueueChange queues the rule-change SMS of one recipient, who has a
// phone number.
func (s *Service) enqueueChange(ctx context.Context, tx beredskap.HotelTx, set templateSet, r *beredskap.ImpactRecipient, due time.Time) error {
	c := &r.Change
	t := set.pick(sms.TemplateRuleChange, c.Language)
	if t == nil {
		return beredskap.Errorf(beredskap.EINTERNAL, "no template %s", sms.TemplateRuleChange)
	}
	lastDay := c.NewLastDay
	if lastDay == "" {
		lastDay = c.OldLastDay
	}
	body, err := sms.Render(t.Body, map[string]string{"name": r.FirstName, "last_day": datefmt.DayOf(t.Language, lastDay), "hotline": s.cfg.Hotline})
	if err != nil {
		return fmt.Errorf("render template %s/%s: %w", t.Key, t.Language, err)
	}
	enc, segs := gsm.Count(body)
	m := &beredskap.SMSMessage{Receipt: c.Receipt, To: r.Phone, Language: t.Language, Template: t.Key, Body: body,
		Encoding: enc, Segments: segs, Status: beredskap.SMSQueued, NextAttemptAt: due, SentBy: "system", PlanID: r.PlanID}
	return tx.EnqueueSMS(ctx, m)
}
