package staff

import (
	"context"
	"fmt"

	"beredskap"
)

// ListRegistrations returns the registrations the actor may see, newest
// first, and the next page's token. Municipal roles see their own
// municipality (an empty f.Municipality means it); the control centre sees
// all or the municipality asked for. Asking for another municipality, and
// roles that may not list at all, get EFORBIDDEN, audited as denied. A
// malformed page token is EINVALID. Audited as "registration.list" with the
// receipts returned as subjects.
func (s *Service) ListRegistrations(ctx context.Context, f beredskap.RegistrationFilter) ([]*beredskap.StoredRegistration, string, error) {
	a := beredskap.ActorFrom(ctx)
	own, ok := beredskap.RegistrationScope(a)
	if ok && own != "" && f.Municipality == "" {
		f.Municipality = own
	}
	object := "registrations:all"
	if f.Municipality != "" {
		object = municipalityObject(f.Municipality)
	}
	if !ok || (own != "" && f.Municipality != own) || !beredskap.Can(a, beredskap.PermListRegistrations, f.Municipality) {
		return nil, "", s.tx.Deny(ctx, a, "registration.list", object)
	}
	var regs []*beredskap.StoredRegistration
	var next string
	err := s.store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		var err error
		if regs, next, err = tx.ListRegistrations(ctx, f); err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "registration.list", object, beredskap.OutcomeOK)
		rec.Subjects = make([]string, len(regs))
		for i, r := range regs {
			rec.Subjects[i] = r.Receipt
		}
		rec.Detail = fmt.Sprintf("municipality=%s limit=%d", f.Municipality, f.Limit)
		if f.PageToken != "" {
			rec.Detail += " page=next"
		}
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, "", beredskap.Wrap("list registrations", err)
	}
	return regs, next, nil
}

// GetRegistration returns the registration with the receipt, written as a
// person may type it. Without PermReadRegistration it is ENOTFOUND, as
// docs/contract.md asks for a registration the caller may not see, and the
// attempt is audited as denied. Municipal roles find only registrations of their municipality:
// any other, like an unknown or malformed receipt, is ENOTFOUND, and the
// attempt is audited with outcome not_found. Audited as
// "registration.read" with the receipt as subject.
func (s *Service) GetRegistration(ctx context.Context, receipt string) (*beredskap.StoredRegistration, error) {
	a := beredskap.ActorFrom(ctx)
	r, wellFormed := beredskap.NormalizeReceipt(receipt)
	object := "registration:" + r
	own, ok := beredskap.RegistrationScope(a)
	if !ok {
		if err := s.tx.Deny(ctx, a, "registration.read", object); beredskap.ErrorCode(err) != beredskap.EFORBIDDEN {
			return nil, err
		}
		return nil, beredskap.NotFound("registration")
	}
	if !wellFormed {
		return nil, beredskap.NotFound("registration")
	}
	var reg *beredskap.StoredRegistration
	err := s.tx.Update(ctx, "get registration", func(ctx context.Context, tx beredskap.StaffTx) error {
		var err error
		reg, err = tx.FindRegistration(ctx, r, own)
		outcome := beredskap.OutcomeOK
		var answer error
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			outcome, answer = beredskap.OutcomeNotFound, beredskap.NotFound("registration")
		} else if err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "registration.read", object, outcome)
		rec.Subjects = []string{r}
		if own != "" {
			rec.Detail = "municipality=" + own
		}
		return beredskap.AuditRefusal(ctx, tx, rec, answer)
	})
	if err != nil {
		return nil, err
	}
	return reg, nil
}

// ShowReceipt returns the registration with the receipt for its receipt
// page. Holding the receipt code is what lets one see it, so any actor may
// ask, anonymous ones included; each look is audited as "receipt.view" with
// the receipt as subject, like every other read of personal data. An
// unknown or malformed receipt is ENOTFOUND, audited as not_found when it
// is well formed.
func (s *Service) ShowReceipt(ctx context.Context, receipt string) (*beredskap.StoredRegistration, error) {
	a := beredskap.ActorFrom(ctx)
	r, wellFormed := beredskap.NormalizeReceipt(receipt)
	if !wellFormed {
		return nil, beredskap.NotFound("registration")
	}
	var reg *beredskap.StoredRegistration
	err := s.tx.Update(ctx, "show receipt", func(ctx context.Context, tx beredskap.StaffTx) error {
		var err error
		reg, err = tx.FindRegistration(ctx, r, "")
		outcome := beredskap.OutcomeOK
		var answer error
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			outcome, answer = beredskap.OutcomeNotFound, beredskap.NotFound("registration")
		} else if err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "receipt.view", "registration:"+r, outcome)
		rec.Subjects = []string{r}
		return beredskap.AuditRefusal(ctx, tx, rec, answer)
	})
	if err != nil {
		return nil, err
	}
	return reg, nil
}
