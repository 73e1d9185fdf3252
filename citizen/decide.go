package citizen

import (
	"context"
	"crypto/subtle"
	"fmt"
	"time"

	"beredskap"
)

// lookupRecipient returns where the answer to the person of the case
// with the id goes, asked before the decision's write transaction so that
// no network call holds it open. An unknown case is ENOTFOUND.
func (s *Service) lookupRecipient(ctx context.Context, id int64) (recipient, error) {
	var nationalID string
	err := s.store.ViewCitizen(ctx, func(ctx context.Context, tx beredskap.CitizenTx) error {
		c, err := tx.FindCase(ctx, id)
		if err != nil {
			return err
		}
		nationalID = c.NationalID
		return nil
	})
	if err != nil {
		return recipient{}, err
	}
	return s.findRecipient(ctx, nationalID), nil
}

// closeCase ends c with status at now: the attachment is deleted, as the
// upload is kept only while the case is open, and any code cleared.
func closeCase(ctx context.Context, tx beredskap.CitizenTx, c *beredskap.AccessCase, status beredskap.CaseStatus, now time.Time) error {
	c.Status, c.UpdatedAt, c.ClosedAt = status, now, &now
	c.CodeHash, c.CodeExpiresAt = "", nil
	if err := tx.UpdateCase(ctx, c); err != nil {
		return err
	}
	return tx.DeleteAttachment(ctx, c.ID)
}

// ApproveCase approves a received case. A block case blocks the person's
// access at once (their sessions end), completes and has its attachment
// deleted; a reopen case gets a one-time code, valid for CodeTTL, and
// waits for it (awaiting_code). Either way the answer letter (with the
// code for reopen cases) goes to the person's digital mailbox after
// commit, or, when they have none, waits for citizen support to print it.
// It needs PermProcessCitizenCases (EFORBIDDEN otherwise, audited) and
// returns ENOTFOUND for an unknown case and ECONFLICT for one that is not
// received. Audited as "citizen_case.approve".
func (s *Service) ApproveCase(ctx context.Context, id int64) (*beredskap.AccessCase, error) {
	a, err := s.may(ctx, "citizen_case.approve", caseObject(id))
	if err != nil {
		return nil, err
	}
	to, err := s.lookupRecipient(ctx, id)
	if err != nil {
		return nil, beredskap.Wrap("approve case", err)
	}
	now := s.now()
	var c *beredskap.AccessCase
	var out *outgoing
	err = s.tx.Update(ctx, "approve case", func(ctx context.Context, tx beredskap.CitizenTx) error {
		var err error
		if c, err = tx.FindCase(ctx, id); err != nil {
			return beredskap.RefuseUserError(err)
		}
		if c.Status != beredskap.CaseReceived {
			return beredskap.Refuse(beredskap.Errorf(beredskap.ECONFLICT, "the case is %s, not received", c.Status))
		}
		c.DecidedBy = a.Name()
		code := ""
		if c.Kind == beredskap.CaseBlock {
			if err := block(ctx, tx, c, now); err != nil {
				return err
			}
			if err := closeCase(ctx, tx, c, beredskap.CaseCompleted, now); err != nil {
				return err
			}
		} else {
			code = newCode()
			expires := now.Add(s.cfg.CodeTTL)
			c.Status, c.UpdatedAt = beredskap.CaseAwaitingCode, now
			c.CodeHash, c.CodeExpiresAt, c.CodeAttempts = s.codeHash(c.Number, code), &expires, 0
			if err := tx.UpdateCase(ctx, c); err != nil {
				return err
			}
		}
		rec := beredskap.RecordFor(a, "citizen_case.approve", caseObject(id), beredskap.OutcomeOK)
		rec.Detail = describeCase(c)
		if err := beredskap.AppendAudit(ctx, tx, rec); err != nil {
			return err
		}
		out, err = s.answer(ctx, tx, a, c, to, now, code)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.deliver(ctx, a, c, out)
	return c, nil
}

// RejectCase rejects an open case with a reason, which the answer letter
// gives; the case closes, its attachment is deleted and any code dies. It
// needs PermProcessCitizenCases (EFORBIDDEN otherwise, audited) and
// returns EINVALID on "reason" when none is given, ENOTFOUND for an
// unknown case and ECONFLICT for a closed one. Audited as
// "citizen_case.reject".
func (s *Service) RejectCase(ctx context.Context, id int64, reason string) (*beredskap.AccessCase, error) {
	a, err := s.may(ctx, "citizen_case.reject", caseObject(id))
	if err != nil {
		return nil, err
	}
	var ps beredskap.Problems
	reason = checkText(&ps, "reason", reason, true, maxReasonLength)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	to, err := s.lookupRecipient(ctx, id)
	if err != nil {
		return nil, beredskap.Wrap("reject case", err)
	}
	now := s.now()
	var c *beredskap.AccessCase
	var out *outgoing
	err = s.tx.Update(ctx, "reject case", func(ctx context.Context, tx beredskap.CitizenTx) error {
		var err error
		if c, err = tx.FindCase(ctx, id); err != nil {
			return beredskap.RefuseUserError(err)
		}
		if !c.Status.Open() {
			return beredskap.Refuse(beredskap.Errorf(beredskap.ECONFLICT, "the case is %s already", c.Status))
		}
		c.DecidedBy, c.Reason = a.Name(), reason
		if err := closeCase(ctx, tx, c, beredskap.CaseRejected, now); err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "citizen_case.reject", caseObject(id), beredskap.OutcomeOK)
		rec.Detail = describeCase(c) + ": " + reason
		if err := beredskap.AppendAudit(ctx, tx, rec); err != nil {
			return err
		}
		out, err = s.answer(ctx, tx, a, c, to, now, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	s.deliver(ctx, a, c, out)
	return c, nil
}

// errWrongCode is the answer to an unknown case number or a wrong, used
// or dead code alike, so that neither is revealed.
func errWrongCode() error {
	return beredskap.Invalid("code", "invalid_code", "the code does not match the case number")
}

// EnterCode reopens a person's access when citizen support enters the
// case number and the one-time code the person gave by phone: only the
// matching, unexpired, unused code of a case awaiting it does, which
// unblocks the account, completes the case, deletes its attachment and
// clears the code. A wrong code counts an attempt (audited as
// "citizen_case.code" failed); at MaxCodeAttempts the code dies and the
// case is rejected with reason "too many wrong codes". An expired code
// rejects the case with reason "the code expired" and is EINVALID on
// "code" with reason "expired". An unknown case number and a wrong code
// are both EINVALID on "code" with reason "invalid_code". Four eyes: the
// staff member who approved the case or printed its letter (and so may
// have seen the code) may not enter it, EINVALID on "code" with reason
// "second_person"; the audit entry of the reopening names who approved,
// who printed and who entered the code. It needs PermProcessCitizenCases
// (EFORBIDDEN otherwise, audited). Audited as "citizen_case.code".
func (s *Service) EnterCode(ctx context.Context, caseNumber, code string) (*beredskap.AccessCase, error) {
	a, err := s.may(ctx, "citizen_case.code", "citizen_cases")
	if err != nil {
		return nil, err
	}
	code = normalizeCode(code)
	now := s.now()
	var c *beredskap.AccessCase
	err = s.tx.Update(ctx, "enter code", func(ctx context.Context, tx beredskap.CitizenTx) error {
		var err error
		c, err = tx.FindCaseByNumber(ctx, caseNumber)
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			c = nil
			rec := beredskap.RecordFor(a, "citizen_case.code", "citizen_case:unknown", beredskap.OutcomeFailed)
			rec.Detail = "unknown case number"
			return beredskap.AuditRefusal(ctx, tx, rec, errWrongCode())
		} else if err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "citizen_case.code", caseObject(c.ID), beredskap.OutcomeFailed)
		if c.Status != beredskap.CaseAwaitingCode || c.CodeHash == "" || c.CodeExpiresAt == nil {
			rec.Detail = fmt.Sprintf("case %s is %s, not awaiting a code", c.Number, c.Status)
			c = nil
			return beredskap.AuditRefusal(ctx, tx, rec, errWrongCode())
		}
		hands, err := caseHands(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if hands.touched(a.Name()) {
			rec.Outcome = beredskap.OutcomeDenied
			rec.Detail = fmt.Sprintf("case %s: %s approved the case or printed its letter and may not enter the code (%s)",
				c.Number, a.Name(), hands)
			c = nil
			return beredskap.AuditRefusal(ctx, tx, rec, beredskap.Invalid("code", "second_person",
				"another staff member must enter the code: you approved the case or printed its letter"))
		}
		if subtle.ConstantTimeCompare([]byte(s.codeHash(c.Number, code)), []byte(c.CodeHash)) != 1 {
			c.CodeAttempts++
			c.UpdatedAt = now
			rec.Detail = fmt.Sprintf("wrong code for case %s (attempt %d of %d)", c.Number, c.CodeAttempts, s.cfg.MaxCodeAttempts)
			if c.CodeAttempts >= s.cfg.MaxCodeAttempts {
				c.Reason, c.DecidedBy = "too many wrong codes", a.Name()
				rec.Detail += "; the code is dead and the case rejected"
				err = closeCase(ctx, tx, c, beredskap.CaseRejected, now)
			} else {
				err = tx.UpdateCase(ctx, c)
			}
			c = nil
			if err != nil {
				return err
			}
			return beredskap.AuditRefusal(ctx, tx, rec, errWrongCode())
		}
		if !now.Before(*c.CodeExpiresAt) {
			c.Reason, c.DecidedBy = "the code expired", a.Name()
			rec.Detail = "expired code for case " + c.Number + "; the case is rejected"
			err := closeCase(ctx, tx, c, beredskap.CaseRejected, now)
			c = nil
			if err != nil {
				return err
			}
			return beredskap.AuditRefusal(ctx, tx, rec, beredskap.Invalid("code", "expired", "the code has expired; the person must file a new reopen request"))
		}
		acc, err := account(ctx, tx, c.NationalID)
		if err != nil {
			return err
		}
		acc.Blocked, acc.BlockedAt, acc.BlockCaseID, acc.UpdatedAt = false, nil, c.ID, now
		if err := tx.SaveCitizen(ctx, acc); err != nil {
			return err
		}
		c.DecidedBy = a.Name()
		if err := closeCase(ctx, tx, c, beredskap.CaseCompleted, now); err != nil {
			return err
		}
		rec.Outcome = beredskap.OutcomeOK
		rec.Detail = fmt.Sprintf("code accepted; access reopened for case %s; code entered by %s; %s", c.Number, a.Name(), hands)
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}
