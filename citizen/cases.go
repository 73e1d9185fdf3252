package citizen

import (
	"context"
	"fmt"
	"time"

	"beredskap"
)

// describeCase writes a case for an audit entry's Detail, without the
// national identity number.
func describeCase(c *beredskap.AccessCase) string {
	d := string(c.Kind) + " case " + c.Number + " via " + c.Channel
	if c.SuspectedMisuse {
		d += ", suspected misuse"
	}
	return d
}

// createCase stores c with its attachment and the audit entry rec (whose
// object becomes the case) in one transaction.
func (s *Service) createCase(ctx context.Context, op string, c *beredskap.AccessCase, att *beredskap.Attachment, rec beredskap.AuditRecord) error {
	return s.tx.Update(ctx, op, func(ctx context.Context, tx beredskap.CitizenTx) error {
		return s.storeCase(ctx, tx, c, att, rec)
	})
}

// storeCase stores c with its attachment and the audit entry rec (whose
// object becomes the case) in tx.
func (s *Service) storeCase(ctx context.Context, tx beredskap.CitizenTx, c *beredskap.AccessCase, att *beredskap.Attachment, rec beredskap.AuditRecord) error {
	if err := tx.CreateCase(ctx, c, att); err != nil {
		return beredskap.RefuseUserError(err)
	}
	rec.Object, rec.Detail = caseObject(c.ID), describeCase(c)
	return beredskap.AppendAudit(ctx, tx, rec)
}

// FileCase files a block or reopen request from the logged-in citizen of
// sess, online; the national identity number and name are the session's.
// It returns EUNAUTHORIZED without a session, EINVALID listing every
// problem of the input (nothing is stored then), and ECONFLICT when the
// person has an open case of the same kind. Audited as
// "citizen_case.create".
func (s *Service) FileCase(ctx context.Context, sess *beredskap.CitizenSession, in CaseInput) (*beredskap.AccessCase, error) {
	if sess == nil {
		return nil, unauthorized("no_session", "not logged in")
	}
	in.NationalID = sess.NationalID
	if sess.Name != "" {
		in.Name = sess.Name
	}
	now := s.now()
	c, att, err := s.validateCase(in, now)
	if err != nil {
		return nil, err
	}
	c.Channel, c.FiledBy = "online", "citizen"
	rec := s.citizenRecord(ctx, "citizen_case.create", sess.NationalID, beredskap.OutcomeOK)
	err = s.tx.Update(ctx, "file case", func(ctx context.Context, tx beredskap.CitizenTx) error {
		if err := keepLanguage(ctx, tx, sess.NationalID, in.Language, now); err != nil {
			return err
		}
		return s.storeCase(ctx, tx, c, att, rec)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// keepLanguage keeps lang (nb, nn or en; anything else is ignored) as the
// language of the person's account, the one their letters are written in.
// A person who withdrew consent has no settings kept, so nothing is.
func keepLanguage(ctx context.Context, tx beredskap.CitizenTx, nationalID, lang string, now time.Time) error {
	if !writtenIn(lang) {
		return nil
	}
	acc, err := account(ctx, tx, nationalID)
	if err != nil || acc.ConsentWithdrawnAt != nil || acc.Language == lang {
		return err
	}
	acc.Language, acc.UpdatedAt = lang, now
	return tx.SaveCitizen(ctx, acc)
}

// RequestReopen files a reopen request from the public form, for a person
// who cannot log in because their access is blocked. Requests are limited
// per client address (EUNAUTHORIZED reason "rate_limited", audited); a
// kind other than reopen is EINVALID on "kind" ("reopen_only"); other
// problems are EINVALID listing every one, and an open reopen case of the
// person is ECONFLICT. Audited as "citizen_case.create".
func (s *Service) RequestReopen(ctx context.Context, in CaseInput) (*beredskap.AccessCase, error) {
	a := beredskap.ActorFrom(ctx)
	now := s.now()
	// The count is kept in the database, so that every instance on it
	// shares the one budget of the address.
	err := s.tx.Update(ctx, "request reopen", func(ctx context.Context, tx beredskap.CitizenTx) error {
		n, _, err := tx.HitThrottle(ctx, "citizen-reopen@"+a.Address, now, time.Minute)
		if err != nil || n <= s.cfg.RequestRate {
			return err
		}
		rec := beredskap.RecordFor(a, "citizen_case.create", "citizen_cases", beredskap.OutcomeDenied)
		rec.Detail = "rate_limited"
		return beredskap.AuditRefusal(ctx, tx, rec, unauthorized("rate_limited", "too many requests from this address; wait a minute"))
	})
	if err != nil {
		return nil, err
	}
	if in.Kind != "" && in.Kind != beredskap.CaseReopen {
		return nil, beredskap.Invalid("kind", "reopen_only", "this form reopens access; to block it, log in or send the paper form")
	}
	in.Kind = beredskap.CaseReopen
	c, att, err := s.validateCase(in, now)
	if err != nil {
		return nil, err
	}
	c.Channel, c.FiledBy = "online", "citizen"
	rec := beredskap.RecordFor(a, "citizen_case.create", "", beredskap.OutcomeOK)
	if err := s.createCase(ctx, "request reopen", c, att, rec); err != nil {
		return nil, err
	}
	return c, nil
}

// RegisterCase registers a block or reopen request citizen support
// received on the paper form. It needs PermProcessCitizenCases
// (EFORBIDDEN otherwise, audited), and returns EINVALID listing every
// problem and ECONFLICT when the person has an open case of the same
// kind. Audited as "citizen_case.register".
func (s *Service) RegisterCase(ctx context.Context, in CaseInput) (*beredskap.AccessCase, error) {
	a, err := s.may(ctx, "citizen_case.register", "citizen_cases")
	if err != nil {
		return nil, err
	}
	c, att, err := s.validateCase(in, s.now())
	if err != nil {
		return nil, err
	}
	c.Channel, c.FiledBy = "paper", a.Name()
	rec := beredskap.RecordFor(a, "citizen_case.register", "", beredskap.OutcomeOK)
	if err := s.createCase(ctx, "register case", c, att, rec); err != nil {
		return nil, err
	}
	return c, nil
}

// BlockNow blocks a person's access at once on suspected misuse of their
// electronic ID: the account is blocked, their sessions are deleted, and a
// completed block case with SuspectedMisuse records it; no copy of an ID
// is needed. The answer letter goes as ApproveCase sends it. It needs
// PermProcessCitizenCases (EFORBIDDEN otherwise, audited) and returns
// EINVALID on "national_id", "name" or "reason". Audited as
// "citizen_case.block_now".
func (s *Service) BlockNow(ctx context.Context, nationalID, name, reason string) (*beredskap.AccessCase, error) {
	a, err := s.may(ctx, "citizen_case.block_now", "citizen_cases")
	if err != nil {
		return nil, err
	}
	var ps beredskap.Problems
	s.checkNationalID(&ps, "national_id", nationalID)
	name = checkText(&ps, "name", name, true, maxNameLength)
	reason = checkText(&ps, "reason", reason, true, maxReasonLength)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	to := s.findRecipient(ctx, nationalID)
	now := s.now()
	c := &beredskap.AccessCase{
		Kind: beredskap.CaseBlock, Status: beredskap.CaseCompleted, NationalID: nationalID, Name: name,
		Channel: "paper", SuspectedMisuse: true, Deadline: now.Add(beredskap.CaseDeadline),
		FiledBy: a.Name(), DecidedBy: a.Name(), Reason: reason, ClosedAt: &now,
	}
	var out *outgoing
	err = s.tx.Update(ctx, "block now", func(ctx context.Context, tx beredskap.CitizenTx) error {
		if err := tx.CreateCase(ctx, c, nil); err != nil {
			return beredskap.RefuseUserError(err)
		}
		if err := block(ctx, tx, c, now); err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "citizen_case.block_now", caseObject(c.ID), beredskap.OutcomeOK)
		rec.Detail = describeCase(c) + ": " + reason
		if err := beredskap.AppendAudit(ctx, tx, rec); err != nil {
			return err
		}
		var err error
		out, err = s.answer(ctx, tx, a, c, to, now, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	s.deliver(ctx, a, c, out)
	return c, nil
}

// block blocks the account of c's person because of c, and ends their
// sessions.
func block(ctx context.Context, tx beredskap.CitizenTx, c *beredskap.AccessCase, now time.Time) error {
	acc, err := account(ctx, tx, c.NationalID)
	if err != nil {
		return err
	}
	acc.Blocked, acc.BlockedAt, acc.BlockCaseID, acc.UpdatedAt = true, &now, c.ID, now
	if err := tx.SaveCitizen(ctx, acc); err != nil {
		return err
	}
	_, err = tx.DeleteCitizenSessions(ctx, c.NationalID)
	return err
}

// ListCases returns the cases matching f, earliest deadline first (the
// queue), and the next page's token. It needs PermProcessCitizenCases
// (EFORBIDDEN otherwise, audited); a malformed page token is EINVALID.
// Audited as "citizen_case.list".
func (s *Service) ListCases(ctx context.Context, f beredskap.CaseFilter) ([]*beredskap.AccessCase, string, error) {
	a, err := s.may(ctx, "citizen_case.list", "citizen_cases")
	if err != nil {
		return nil, "", err
	}
	var cases []*beredskap.AccessCase
	var next string
	err = s.store.UpdateCitizen(ctx, func(ctx context.Context, tx beredskap.CitizenTx) error {
		var err error
		if cases, next, err = tx.ListCases(ctx, f); err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "citizen_case.list", "citizen_cases", beredskap.OutcomeOK)
		rec.Detail = fmt.Sprintf("%d cases", len(cases))
		if f.NationalID != "" {
			rec.Detail += " of " + s.citizenObject(f.NationalID)
		}
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, "", beredskap.Wrap("list cases", err)
	}
	return cases, next, nil
}

// GetCase returns the case with the id. It needs PermProcessCitizenCases
// (EFORBIDDEN otherwise, audited) and returns ENOTFOUND for an unknown id.
// Audited as "citizen_case.read".
func (s *Service) GetCase(ctx context.Context, id int64) (*beredskap.AccessCase, error) {
	a, err := s.may(ctx, "citizen_case.read", caseObject(id))
	if err != nil {
		return nil, err
	}
	var c *beredskap.AccessCase
	err = s.tx.Update(ctx, "get case", func(ctx context.Context, tx beredskap.CitizenTx) error {
		var err error
		if c, err = tx.FindCase(ctx, id); err != nil {
			return beredskap.RefuseUserError(err)
		}
		return beredskap.AppendAudit(ctx, tx, beredskap.RecordFor(a, "citizen_case.read", caseObject(id), beredskap.OutcomeOK))
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Attachment returns the decrypted copy of the identity document of a
// case and its media type. It needs PermProcessCitizenCases (EFORBIDDEN
// otherwise, audited) and returns ENOTFOUND when the case is unknown or
// its attachment deleted (as it is when the case closes). Audited as
// "citizen_case.attachment".
func (s *Service) Attachment(ctx context.Context, caseID int64) (mediaType string, data []byte, err error) {
	a, err := s.may(ctx, "citizen_case.attachment", caseObject(caseID))
	if err != nil {
		return "", nil, err
	}
	err = s.tx.Update(ctx, "case attachment", func(ctx context.Context, tx beredskap.CitizenTx) error {
		c, err := tx.FindCase(ctx, caseID)
		if err != nil {
			return beredskap.RefuseUserError(err)
		}
		att, err := tx.FindAttachment(ctx, caseID)
		if err != nil {
			return beredskap.RefuseUserError(err)
		}
		if data, err = s.open(att.Nonce, att.Ciphertext, attachmentAD(c)); err != nil {
			return err
		}
		mediaType = att.MediaType
		return beredskap.AppendAudit(ctx, tx, beredskap.RecordFor(a, "citizen_case.attachment", caseObject(caseID), beredskap.OutcomeOK))
	})
	if err != nil {
		return "", nil, err
	}
	return mediaType, data, nil
}
