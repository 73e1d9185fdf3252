package followup

import (
	"context"
	"fmt"
	"slices"

	"beredskap"
)

// ReportInput is a call report as the operator's form sends it.
type ReportInput struct {
	Outcome        beredskap.CallOutcome
	Language       string
	Interpreter    bool
	Understood     beredskap.Understood
	StayingAt      string
	Breaches       []beredskap.BreachKind
	BreachText     string
	EmployerBreach bool
	EmployerOrg    string
	EmployerName   string
	// EmployerSuspected is what was suspected of the employer, from
	// beredskap.EmployerSuspicions.
	EmployerSuspected []beredskap.EmployerSuspicion
	// EmployerText is the operator's optional note on the employer
	// breach; it stays with the report and is not sent on.
	EmployerText string
}

// FileReport stores a call report on the plan the operator holds, updates
// the plan (reached, suspected breach, attempts, next call), makes a labour
// notice for a suspected employer breach, and wakes the immediate digests.
// A plan not in the queue or not held by the operator is ECONFLICT; bad
// input is EINVALID naming the field. Needs PermFollowUp; audited.
//
// The next call is due Config.RetryCall after an unanswered call, on the
// next call day after a reached one, and never after a wrong number (a
// new registration brings a new number). Filing a report releases the
// plan. Audited as "followup.report" with the receipt as subject; a
// refused report with outcome failed.
func (s *Service) FileReport(ctx context.Context, planID int64, in ReportInput) (*beredskap.CallReport, error) {
	a := beredskap.ActorFrom(ctx)
	object := fmt.Sprintf("plan:%d", planID)
	if !operator(a) || !beredskap.Can(a, beredskap.PermFollowUp, "") {
		return nil, s.tx.Deny(ctx, a, "followup.report", object)
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var r *beredskap.CallReport
	err := s.tx.Update(ctx, "file report", func(ctx context.Context, tx beredskap.FollowUpTx) error {
		p, err := s.heldPlan(ctx, tx, a, planID)
		if err != nil {
			return err
		}
		r, err = s.storeReport(ctx, tx, a, p, in, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.wakeDigests()
	return r, nil
}

// CorrectReport stores a new report that corrects reportID, on a plan the
// operator holds. Needs PermFollowUp; audited.
//
// Only the newest report of a chain can be corrected (ECONFLICT
// otherwise). The plan's flags are computed again from the newest report
// of every chain; a correction that names an employer breach the corrected
// report did not (or another employer) makes a new labour notice. Audited
// as "followup.report" with the receipt as subject and the corrected
// report in the detail.
func (s *Service) CorrectReport(ctx context.Context, reportID int64, in ReportInput) (*beredskap.CallReport, error) {
	a := beredskap.ActorFrom(ctx)
	object := fmt.Sprintf("report:%d", reportID)
	if !operator(a) || !beredskap.Can(a, beredskap.PermFollowUp, "") {
		return nil, s.tx.Deny(ctx, a, "followup.report", object)
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var r *beredskap.CallReport
	err := s.tx.Update(ctx, "correct report", func(ctx context.Context, tx beredskap.FollowUpTx) error {
		old, err := tx.FindCallReport(ctx, reportID)
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			rec := beredskap.RecordFor(a, "followup.report", object, beredskap.OutcomeNotFound)
			return beredskap.AuditRefusal(ctx, tx, rec, beredskap.NotFound("call report"))
		} else if err != nil {
			return err
		}
		p, err := s.heldPlan(ctx, tx, a, old.PlanID)
		if err != nil {
			return err
		}
		reports, err := tx.ListCallReports(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, o := range reports {
			if o.Corrects == old.ID {
				rec := beredskap.RecordFor(a, "followup.report", object, beredskap.OutcomeFailed)
				rec.Subjects = []string{p.Receipt}
				answer := beredskap.Conflict("already_corrected",
					fmt.Sprintf("report %d was corrected by report %d; correct the newest one", old.ID, o.ID))
				rec.Detail = beredskap.ErrorMessage(answer)
				return beredskap.AuditRefusal(ctx, tx, rec, answer)
			}
		}
		r, err = s.storeReport(ctx, tx, a, p, in, old)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.wakeDigests()
	return r, nil
}

// heldPlan returns the plan planID when a holds it and it is active;
// otherwise answer is the refusal (ENOTFOUND or ECONFLICT), audited in tx.
func (s *Service) heldPlan(ctx context.Context, tx beredskap.FollowUpTx, a *beredskap.Actor, planID int64) (*beredskap.FollowUpPlan, error) {
	object := fmt.Sprintf("plan:%d", planID)
	p, err := tx.FindPlan(ctx, planID)
	if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
		rec := beredskap.RecordFor(a, "followup.report", object, beredskap.OutcomeNotFound)
		return nil, beredskap.AuditRefusal(ctx, tx, rec, beredskap.NotFound("follow-up plan"))
	} else if err != nil {
		return nil, err
	}
	var answer error
	switch {
	case p.Status == beredskap.PlanEnded:
		answer = beredskap.Conflict("ended", "the follow-up of this traveller has ended: the traveller is no longer in the queue, and a report is refused")
	case !p.HeldBy(a.Name(), s.now()):
		answer = beredskap.Conflict("not_claimed", "you do not hold this traveller (never claimed, claim expired or held by another operator): claim the traveller before filing a report")
	default:
		return p, nil
	}
	rec := beredskap.RecordFor(a, "followup.report", object, beredskap.OutcomeFailed)
	rec.Subjects = []string{p.Receipt}
	rec.Detail = beredskap.ErrorMessage(answer)
	return nil, beredskap.AuditRefusal(ctx, tx, rec, answer)
}

// storeReport stores the report of in on p (correcting old when not nil),
// a labour notice for an employer breach, the plan's new state, and the
// audit entry.
func (s *Service) storeReport(ctx context.Context, tx beredskap.FollowUpTx, a *beredskap.Actor, p *beredskap.FollowUpPlan, in ReportInput, old *beredskap.CallReport) (*beredskap.CallReport, error) {
	r := &beredskap.CallReport{
		PlanID: p.ID, Receipt: p.Receipt, Municipality: p.Municipality, Operator: a.Name(),
		Outcome: in.Outcome, Language: in.Language, Interpreter: in.Interpreter, Understood: in.Understood,
		StayingAt: in.StayingAt, Breaches: slices.Clone(in.Breaches), BreachText: in.BreachText,
		EmployerBreach: in.EmployerBreach, EmployerOrg: in.EmployerOrg, EmployerName: in.EmployerName,
		EmployerSuspected: slices.Clone(in.EmployerSuspected), EmployerText: in.EmployerText,
	}
	if old != nil {
		r.Corrects = old.ID
	}
	if r.EmployerBreach {
		reg, err := tx.FindRegistration(ctx, p.Receipt, "")
		if err != nil {
			return nil, err
		}
		if namesTraveller(r.EmployerText, &reg.Registration) {
			return nil, beredskap.Refuse(beredskap.Invalid("employer_text", "personal_traveller",
				"must not name the traveller or give their birth date: the notice names the employer, not a person"))
		}
	}
	if err := tx.CreateCallReport(ctx, r); err != nil {
		return nil, fmt.Errorf("create call report: %w", err)
	}
	// The notice names the employer and what was suspected from the fixed
	// list, never the operator's note (issue 13, item 8); a correction
	// that changes neither makes no new notice.
	notice := r.EmployerBreach && (old == nil || !old.EmployerBreach ||
		old.EmployerOrg != r.EmployerOrg || old.EmployerName != r.EmployerName ||
		!sameSuspicions(old.EmployerSuspected, r.EmployerSuspected))
	if notice {
		n := &beredskap.LabourNotice{ReportID: r.ID, OrgNumber: r.EmployerOrg, EmployerName: r.EmployerName,
			Suspected: slices.Clone(r.EmployerSuspected), Municipality: p.Municipality, ArrivalDate: p.FirstDay}
		if err := tx.CreateLabourNotice(ctx, n); err != nil {
			return nil, fmt.Errorf("create labour notice: %w", err)
		}
	}
	reports, err := tx.ListCallReports(ctx, p.ID)
	if err != nil {
		return nil, fmt.Errorf("list call reports: %w", err)
	}
	now := s.now()
	latest := applyReports(p, reports)
	if latest != nil && latest.ID == r.ID {
		// The report (or correction) of the newest attempt decides when
		// to call next.
		switch r.Outcome {
		case beredskap.CallNotReached:
			p.NextCallAt = now.Add(s.cfg.RetryCall)
		case beredskap.CallWrongNumber:
			p.NextCallAt = never
		default:
			if p.NextCallAt, err = nextCall(p, s.callHour(p.RuleID), now, true); err != nil {
				return nil, err
			}
		}
	}
	p.ClaimedBy, p.LeaseUntil = "", nil
	if err := tx.UpdatePlan(ctx, p); err != nil {
		return nil, fmt.Errorf("update plan: %w", err)
	}
	rec := beredskap.RecordFor(a, "followup.report", fmt.Sprintf("plan:%d", p.ID), beredskap.OutcomeOK)
	rec.Subjects = []string{p.Receipt}
	rec.Detail = fmt.Sprintf("report=%d outcome=%s breach=%t notice=%t", r.ID, r.Outcome, r.BreachSuspected(), notice)
	if old != nil {
		rec.Detail += fmt.Sprintf(" corrects=%d", old.ID)
	}
	return r, beredskap.AppendAudit(ctx, tx, rec)
}

// sameSuspicions reports whether a and b name the same suspicions, in any
// order.
func sameSuspicions(a, b []beredskap.EmployerSuspicion) bool {
	if len(a) != len(b) {
		return false
	}
	for _, s := range a {
		if !slices.Contains(b, s) {
			return false
		}
	}
	return true
}

// applyReports sets the plan's Reached, BreachSuspected, Attempts and
// LastReportAt from its reports (oldest first): each attempt counts once
// however often corrected, and the flags come from the newest report of
// every chain. It returns the newest report of the newest attempt.
func applyReports(p *beredskap.FollowUpPlan, reports []*beredskap.CallReport) *beredskap.CallReport {
	corrected := map[int64]bool{}
	for _, r := range reports {
		if r.Corrects != 0 {
			corrected[r.Corrects] = true
		}
	}
	// chain maps a report to the first report (the attempt) of its chain.
	chain := map[int64]int64{}
	var lastAttempt int64
	p.Reached, p.BreachSuspected, p.Attempts, p.LastReportAt = false, false, 0, nil
	for _, r := range reports {
		if r.Corrects == 0 {
			chain[r.ID] = r.ID
			p.Attempts++
			lastAttempt = r.ID
		} else {
			chain[r.ID] = chain[r.Corrects]
		}
		at := r.CreatedAt
		if p.LastReportAt == nil || at.After(*p.LastReportAt) {
			p.LastReportAt = &at
		}
	}
	var latest *beredskap.CallReport
	for _, r := range reports {
		if corrected[r.ID] {
			continue
		}
		p.Reached = p.Reached || r.Outcome == beredskap.CallReached
		p.BreachSuspected = p.BreachSuspected || r.BreachSuspected()
		if chain[r.ID] == lastAttempt {
			latest = r
		}
	}
	return latest
}
