package retention

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"beredskap"
)

// MaxCorrectionLength bounds a correction request's text, in characters.
const MaxCorrectionLength = 2000

func correctionObject(id int64) string { return "correction:" + strconv.FormatInt(id, 10) }

// RequestCorrection files the request of the person with nationalID (the
// logged-in citizen) to correct their data (GDPR art. 16): text says what
// is wrong, receipt names one of their registrations or is "". An empty
// or too long text, or a receipt that is not theirs, is EINVALID. Audited
// as "citizen.correction_request" with the receipt as subject; the text
// stays out of the audit trail.
func (s *Service) RequestCorrection(ctx context.Context, nationalID, receipt, text string) (*beredskap.CorrectionRequest, error) {
	text = strings.TrimSpace(text)
	switch {
	case nationalID == "":
		return nil, beredskap.Errorf(beredskap.EUNAUTHORIZED, "not logged in")
	case text == "":
		return nil, beredskap.Invalid("text", "required", "say what is wrong and what it should be")
	case utf8.RuneCountInString(text) > MaxCorrectionLength:
		return nil, beredskap.Invalid("text", "too_long", fmt.Sprintf("is longer than %d characters", MaxCorrectionLength))
	}
	c := &beredskap.CorrectionRequest{NationalID: nationalID, Receipt: receipt, Text: text}
	err := s.tx.Update(ctx, "request correction", func(ctx context.Context, tx beredskap.RetentionTx) error {
		if receipt != "" {
			regs, err := tx.RegistrationsOf(ctx, nationalID)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(regs, func(r *beredskap.StoredRegistration) bool { return r.Receipt == receipt }) {
				return beredskap.Invalid("receipt", "not_yours", "is not one of your registrations")
			}
		}
		if err := tx.CreateCorrection(ctx, c); err != nil {
			return err
		}
		rec := beredskap.AuditRecord{Actor: "citizen", Action: "citizen.correction_request", Object: correctionObject(c.ID),
			Outcome: beredskap.OutcomeOK, Address: beredskap.ActorFrom(ctx).Address, RequestID: beredskap.ActorFrom(ctx).RequestID}
		if receipt != "" {
			rec.Subjects = []string{receipt}
		}
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Corrections returns the open correction requests, oldest first, for
// citizen support. It needs PermProcessCitizenCases (EFORBIDDEN, audited).
// Audited as "correction.list" with the receipts named as subjects.
func (s *Service) Corrections(ctx context.Context) ([]*beredskap.CorrectionRequest, error) {
	a := beredskap.ActorFrom(ctx)
	const action = "correction.list"
	if !beredskap.Can(a, beredskap.PermProcessCitizenCases, "") {
		return nil, s.tx.Deny(ctx, a, action, "corrections")
	}
	var out []*beredskap.CorrectionRequest
	err := s.tx.Update(ctx, action, func(ctx context.Context, tx beredskap.RetentionTx) error {
		var err error
		if out, err = tx.ListCorrections(ctx, ""); err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, action, "corrections", beredskap.OutcomeOK)
		for _, c := range out {
			if c.Receipt != "" {
				rec.Subjects = append(rec.Subjects, c.Receipt)
			}
		}
		rec.Detail = fmt.Sprintf("%d open", len(out))
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	return out, err
}

// CloseCorrection closes an open request with an answer to the person,
// after staff have corrected the data or decided not to. It needs
// PermProcessCitizenCases (EFORBIDDEN, audited); an empty answer is
// EINVALID; a request not open is ENOTFOUND. Audited as "correction.close".
func (s *Service) CloseCorrection(ctx context.Context, id int64, answer string) error {
	a := beredskap.ActorFrom(ctx)
	const action = "correction.close"
	if !beredskap.Can(a, beredskap.PermProcessCitizenCases, "") {
		return s.tx.Deny(ctx, a, action, correctionObject(id))
	}
	answer = strings.TrimSpace(answer)
	if answer == "" || utf8.RuneCountInString(answer) > MaxCorrectionLength {
		return beredskap.Invalid("answer", "required", fmt.Sprintf("say what was done, in at most %d characters", MaxCorrectionLength))
	}
	return s.tx.Update(ctx, action, func(ctx context.Context, tx beredskap.RetentionTx) error {
		if err := tx.CloseCorrection(ctx, id, a.Name(), answer, s.clock()); err != nil {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, beredskap.RecordFor(a, action, correctionObject(id), beredskap.OutcomeOK))
	})
}

// CorrectionsOf returns the person's correction requests, newest first,
// for their own copy of their data.
func (s *Service) CorrectionsOf(ctx context.Context, nationalID string) ([]*beredskap.CorrectionRequest, error) {
	var out []*beredskap.CorrectionRequest
	err := s.store.ViewRetention(ctx, func(ctx context.Context, tx beredskap.RetentionTx) error {
		var err error
		out, err = tx.ListCorrections(ctx, nationalID)
		return err
	})
	return out, err
}
