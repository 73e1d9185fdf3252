package followup

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"beredskap"
	"beredskap/sms"
	"beredskap/sms/gsm"
)

// Preview is an SMS as it would be sent: the text, its encoding and
// segments, and the language used with a warning when the one asked for
// has no template.
type Preview struct {
	Body     string
	Encoding string
	Segments int
	Language string
	// FellBack is set when the traveller's language has no template and
	// English (or bokmål) was used instead.
	FellBack bool
}

// checkKey returns an EINVALID error on "key" unless key is a template key.
func checkKey(key string) error {
	if !slices.Contains(sms.Keys, key) {
		return beredskap.Invalid("key", "unknown_value", "must be one of "+strings.Join(sms.Keys, ", "))
	}
	return nil
}

// PreviewSMS renders the template key for the plan's traveller, in
// language ("" for the traveller's own). Needs PermFollowUp; audited.
//
// A language without a template (or not known at all) falls back to
// English, then bokmål, with Preview.FellBack set. An unknown key is
// EINVALID on "key", an unknown plan ENOTFOUND. Audited as
// "followup.sms_preview" with the receipt as subject.
func (s *Service) PreviewSMS(ctx context.Context, planID int64, key, language string) (*Preview, error) {
	a := beredskap.ActorFrom(ctx)
	object := fmt.Sprintf("plan:%d", planID)
	if !beredskap.Can(a, beredskap.PermFollowUp, "") {
		return nil, s.tx.Deny(ctx, a, "followup.sms_preview", object)
	}
	if err := checkKey(key); err != nil {
		return nil, err
	}
	var pv *Preview
	err := s.tx.Update(ctx, "preview SMS", func(ctx context.Context, tx beredskap.FollowUpTx) error {
		p, m, err := s.renderFor(ctx, tx, a, "followup.sms_preview", planID, key, language)
		if err != nil {
			return err
		}
		pv = &Preview{Body: m.body, Encoding: m.encoding, Segments: m.segments, Language: m.language, FellBack: m.fellBack}
		rec := beredskap.RecordFor(a, "followup.sms_preview", object, beredskap.OutcomeOK)
		rec.Subjects = []string{p.Receipt}
		rec.Detail = fmt.Sprintf("key=%s language=%s fell_back=%t", key, m.language, m.fellBack)
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, err
	}
	return pv, nil
}

// renderFor finds the plan and renders the template key for it. It returns
// ENOTFOUND (audited) when there is no such plan and EINVALID for an
// unknown key, both through beredskap.Refuse.
func (s *Service) renderFor(ctx context.Context, tx beredskap.FollowUpTx, a *beredskap.Actor, action string, planID int64, key, language string) (*beredskap.FollowUpPlan, *message, error) {
	p, err := tx.FindPlan(ctx, planID)
	if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
		rec := beredskap.RecordFor(a, action, fmt.Sprintf("plan:%d", planID), beredskap.OutcomeNotFound)
		return nil, nil, beredskap.AuditRefusal(ctx, tx, rec, beredskap.NotFound("follow-up plan"))
	} else if err != nil {
		return nil, nil, err
	}
	set, err := loadTemplates(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.render(set, p, key, language)
	if beredskap.ErrorCode(err) == beredskap.EINVALID {
		return nil, nil, beredskap.Refuse(err)
	} else if err != nil {
		return nil, nil, err
	}
	return p, m, nil
}

// SendSMS puts an ad-hoc SMS from the template key on the outbox for the
// plan's traveller, in the same transaction as its audit entry. Needs
// PermFollowUp; audited.
//
// The SMS is due at once. An ended plan, or one without a phone number, is
// ECONFLICT; languages fall back as in PreviewSMS. Audited as
// "followup.sms_send" with the receipt as subject.
func (s *Service) SendSMS(ctx context.Context, planID int64, key, language string) (*beredskap.SMSMessage, error) {
	a := beredskap.ActorFrom(ctx)
	object := fmt.Sprintf("plan:%d", planID)
	if !operator(a) || !beredskap.Can(a, beredskap.PermFollowUp, "") {
		return nil, s.tx.Deny(ctx, a, "followup.sms_send", object)
	}
	if err := checkKey(key); err != nil {
		return nil, err
	}
	var msg *beredskap.SMSMessage
	err := s.tx.Update(ctx, "send SMS", func(ctx context.Context, tx beredskap.FollowUpTx) error {
		p, m, err := s.renderFor(ctx, tx, a, "followup.sms_send", planID, key, language)
		if err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "followup.sms_send", object, beredskap.OutcomeOK)
		rec.Subjects = []string{p.Receipt}
		var answer error
		switch {
		case p.Status == beredskap.PlanEnded:
			answer = beredskap.Conflict("ended", "the follow-up of this traveller has ended")
		case p.Phone == "":
			answer = beredskap.Conflict("no_phone", "the traveller has no phone number")
		}
		if answer != nil {
			rec.Outcome, rec.Detail = beredskap.OutcomeFailed, beredskap.ErrorMessage(answer)
			return beredskap.AuditRefusal(ctx, tx, rec, answer)
		}
		msg = &beredskap.SMSMessage{
			PlanID: p.ID, Receipt: p.Receipt, To: p.Phone, Language: m.language, Template: key,
			Body: m.body, Encoding: m.encoding, Segments: m.segments, Status: beredskap.SMSQueued,
			NextAttemptAt: s.now(), SentBy: a.Name(),
		}
		if err := tx.EnqueueSMS(ctx, msg); err != nil {
			return fmt.Errorf("enqueue SMS: %w", err)
		}
		rec.Detail = fmt.Sprintf("sms=%d key=%s language=%s fell_back=%t segments=%d", msg.ID, key, m.language, m.fellBack, m.segments)
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, err
	}
	return msg, nil
}

// Templates returns every template, the built-in ones where none is
// stored. Needs PermFollowUp.
//
// Templates hold no personal data, so reading them is not audited; those
// who manage templates may read them too.
func (s *Service) Templates(ctx context.Context) ([]*beredskap.SMSTemplate, error) {
	a := beredskap.ActorFrom(ctx)
	if !beredskap.Can(a, beredskap.PermFollowUp, "") && !beredskap.Can(a, beredskap.PermManageTemplates, "") {
		return nil, s.tx.Deny(ctx, a, "followup.templates", "templates")
	}
	var set templateSet
	err := s.store.ViewFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		var err error
		set, err = loadTemplates(ctx, tx)
		return err
	})
	if err != nil {
		return nil, beredskap.Wrap("list templates", err)
	}
	return set.sorted(), nil
}

// SaveTemplate stores a template; an unknown placeholder or language is
// EINVALID. Needs PermManageTemplates; audited.
//
// The key must be one of sms.Keys (EINVALID on "key"), the language one of
// Enumerations["traveller.language"] ("language"), and the body a template
// sms.CheckTemplate accepts ("body"). Audited as "followup.template_save".
func (s *Service) SaveTemplate(ctx context.Context, t beredskap.SMSTemplate) error {
	a := beredskap.ActorFrom(ctx)
	object := "template:" + t.Key + "/" + t.Language
	if !beredskap.Can(a, beredskap.PermManageTemplates, "") {
		return s.tx.Deny(ctx, a, "followup.template_save", object)
	}
	if err := checkTemplate(t); err != nil {
		return err
	}
	err := s.store.UpdateFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		t.UpdatedBy, t.UpdatedAt = a.Name(), s.now()
		if err := tx.SaveTemplate(ctx, &t); err != nil {
			return err
		}
		enc, segs := gsm.Count(t.Body)
		rec := beredskap.RecordFor(a, "followup.template_save", object, beredskap.OutcomeOK)
		rec.Detail = fmt.Sprintf("encoding=%s segments=%d", enc, segs)
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	return beredskap.Wrap("save template", err)
}

// checkTemplate returns an EINVALID error naming the first bad field of t.
func checkTemplate(t beredskap.SMSTemplate) error {
	if err := checkKey(t.Key); err != nil {
		return err
	}
	if !slices.Contains(beredskap.Enumerations["traveller.language"], t.Language) {
		return beredskap.Invalid("language", "unknown_value",
			"must be one of "+strings.Join(beredskap.Enumerations["traveller.language"], ", "))
	}
	err := sms.CheckTemplate(t.Body)
	if err == nil {
		return nil
	}
	var e *beredskap.Error
	if errors.As(err, &e) && e.Code == beredskap.EINVALID {
		if e.Field == "body" {
			return e
		}
		return beredskap.Invalid("body", e.Reason, e.Message)
	}
	return beredskap.Invalid("body", "invalid_template", err.Error())
}
