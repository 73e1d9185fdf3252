package followup

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"beredskap"
)

// Timeline is everything about one followed-up traveller, for the
// traveller page of the control centre and the municipality.
type Timeline struct {
	Registration *beredskap.StoredRegistration
	Plan         *beredskap.FollowUpPlan
	SMS          []*beredskap.SMSMessage
	Reports      []*beredskap.CallReport
	Notices      []*beredskap.LabourNotice
	Events       []Event // oldest first
}

// Event is one line of a timeline.
type Event struct {
	At time.Time
	// Kind is one of registered, decided, planned, sms_queued, sms_sent,
	// sms_delivered, sms_failed, sms_cancelled, call_report, correction,
	// notice, ended.
	Kind string
	// Detail is a short English summary; pages translate by Kind and show
	// Detail only where it is data (a template key, an outcome).
	Detail string
	Ref    int64 // the SMS, report or notice ID, if any
}

// Traveller returns the timeline of the receipt. Municipal roles see only
// their municipality's travellers (ENOTFOUND otherwise), the control centre
// all. Needs PermViewReports or PermFollowUp; audited.
//
// Roles with neither permission get EFORBIDDEN, audited as denied. The
// registration is looked up scoped to the actor's municipality, so a
// traveller of another municipality, like an unknown receipt or one with
// no follow-up plan, is ENOTFOUND audited as not_found. Every look is
// audited as "followup.traveller.read" with the receipt as subject, in the
// transaction that reads the timeline.
func (s *Service) Traveller(ctx context.Context, receipt string) (*Timeline, error) {
	const action = "followup.traveller.read"
	a := beredskap.ActorFrom(ctx)
	r, wellFormed := beredskap.NormalizeReceipt(receipt)
	object := "registration:" + r
	scope, ok := travellerScope(a)
	if !ok {
		return nil, s.tx.Deny(ctx, a, action, object)
	}
	if !wellFormed {
		return nil, beredskap.NotFound("traveller")
	}
	var tl *Timeline
	var answer error
	err := s.store.UpdateFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		var err error
		tl, err = readTimeline(ctx, tx, r, scope)
		outcome := beredskap.OutcomeOK
		answer = nil
		switch {
		case beredskap.ErrorCode(err) == beredskap.ENOTFOUND:
			outcome, answer, tl = beredskap.OutcomeNotFound, beredskap.NotFound("traveller"), nil
		case err != nil:
			return err
		}
		rec := beredskap.RecordFor(a, action, object, outcome)
		rec.Subjects = []string{r}
		if scope != "" {
			rec.Detail = "municipality=" + scope
		}
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, beredskap.Wrap("read traveller", err)
	}
	return tl, answer
}

// travellerScope returns the municipality a's look at a traveller is
// limited to: the own one for municipal roles, "" (all) for the control
// centre and the system. ok is false when a may not look at all.
func travellerScope(a *beredskap.Actor) (municipality string, ok bool) {
	if a.System {
		return "", true
	}
	if m := a.Municipality(); m != "" {
		return m, beredskap.Can(a, beredskap.PermViewReports, m)
	}
	return "", beredskap.Can(a, beredskap.PermViewReports, "") || beredskap.Can(a, beredskap.PermFollowUp, "")
}

// readTimeline reads everything about the receipt's traveller in tx, its
// registration scoped to municipality ("" for any). A registration not
// found there, or without a plan, is ENOTFOUND.
func readTimeline(ctx context.Context, tx beredskap.FollowUpTx, receipt, municipality string) (*Timeline, error) {
	reg, err := tx.FindRegistration(ctx, receipt, municipality)
	if err != nil {
		return nil, err
	}
	plan, err := tx.FindPlanByReceipt(ctx, receipt)
	if err != nil {
		return nil, err
	}
	if municipality != "" && plan.Municipality != municipality {
		return nil, beredskap.NotFound("traveller")
	}
	tl := &Timeline{Registration: reg, Plan: plan}
	if tl.SMS, err = tx.ListPlanSMS(ctx, plan.ID); err != nil {
		return nil, err
	}
	if tl.Reports, err = tx.ListCallReports(ctx, plan.ID); err != nil {
		return nil, err
	}
	if tl.Notices, err = noticesOf(ctx, tx, tl.Reports); err != nil {
		return nil, err
	}
	tl.Events = events(tl)
	return tl, nil
}

// noticesOf returns the labour notices made from the reports, found by
// the employers' organisation numbers.
func noticesOf(ctx context.Context, tx beredskap.FollowUpTx, reports []*beredskap.CallReport) ([]*beredskap.LabourNotice, error) {
	want := map[int64]bool{}
	var orgs []string
	for _, r := range reports {
		if r.EmployerBreach && r.EmployerOrg != "" {
			want[r.ID] = true
			if !slices.Contains(orgs, r.EmployerOrg) {
				orgs = append(orgs, r.EmployerOrg)
			}
		}
	}
	var found []*beredskap.LabourNotice
	for _, org := range orgs {
		f := beredskap.NoticeFilter{OrgNumber: org, Limit: beredskap.MaxPageSize}
		for len(found) < len(want) {
			ns, next, err := tx.ListLabourNotices(ctx, f)
			if err != nil {
				return nil, fmt.Errorf("notices of %s: %w", org, err)
			}
			for _, n := range ns {
				if want[n.ReportID] {
					found = append(found, n)
				}
			}
			if next == "" || len(ns) == 0 {
				break
			}
			f.PageToken = next
		}
	}
	slices.SortFunc(found, func(a, b *beredskap.LabourNotice) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return found, nil
}

// events returns the lines of the timeline, oldest first; lines of the
// same instant keep the order of the story (registered before decided).
func events(tl *Timeline) []Event {
	reg, p := tl.Registration, tl.Plan
	ev := []Event{
		{At: reg.CreatedAt, Kind: "registered", Detail: "arrival " + p.ArrivalAt.In(oslo).Format(dayLayout)},
		{At: reg.CreatedAt, Kind: "decided", Detail: decisionDetail(reg.Decision)},
		{At: p.CreatedAt, Kind: "planned", Detail: planDetail(p)},
	}
	for _, m := range tl.SMS {
		ev = append(ev, Event{At: m.CreatedAt, Kind: "sms_queued", Detail: m.Template + " (" + m.Language + ")", Ref: m.ID})
		switch m.Status {
		case beredskap.SMSSent:
			ev = append(ev, Event{At: m.UpdatedAt, Kind: "sms_sent", Detail: m.Template, Ref: m.ID})
		case beredskap.SMSDelivered:
			at := m.UpdatedAt
			if m.DeliveredAt != nil {
				at = *m.DeliveredAt
			}
			ev = append(ev, Event{At: at, Kind: "sms_delivered", Detail: m.Template, Ref: m.ID})
		case beredskap.SMSFailed:
			ev = append(ev, Event{At: m.UpdatedAt, Kind: "sms_failed",
				Detail: fmt.Sprintf("%s after %d attempts", m.Template, m.Attempts), Ref: m.ID})
		case beredskap.SMSCancelled:
			ev = append(ev, Event{At: m.UpdatedAt, Kind: "sms_cancelled", Detail: m.Template, Ref: m.ID})
		}
	}
	for _, r := range tl.Reports {
		kind, detail := "call_report", reportDetail(r)
		if r.Corrects != 0 {
			kind, detail = "correction", fmt.Sprintf("corrects report %d: %s", r.Corrects, detail)
		}
		ev = append(ev, Event{At: r.CreatedAt, Kind: kind, Detail: detail, Ref: r.ID})
	}
	for _, n := range tl.Notices {
		ev = append(ev, Event{At: n.CreatedAt, Kind: "notice",
			Detail: fmt.Sprintf("labour inspectorate, employer %s (report %d)", n.OrgNumber, n.ReportID), Ref: n.ID})
	}
	if p.Status == beredskap.PlanEnded && p.EndedAt != nil {
		ev = append(ev, Event{At: *p.EndedAt, Kind: "ended", Detail: p.EndReason})
	}
	sort.SliceStable(ev, func(i, j int) bool { return ev[i].At.Before(ev[j].At) })
	return ev
}

// decisionDetail summarises a decision: the rule version and the
// quarantine with its length in days after day 0.
func decisionDetail(d beredskap.Decision) string {
	q := d.Quarantine
	if !q.Required || q.FirstDay == nil || q.LastDay == nil {
		return "rule " + d.RuleSet.ID + "; no quarantine"
	}
	days := "?"
	first, err1 := time.Parse(dayLayout, *q.FirstDay)
	last, err2 := time.Parse(dayLayout, *q.LastDay)
	if err1 == nil && err2 == nil {
		days = fmt.Sprint(int(last.Sub(first).Hours() / 24))
	}
	return fmt.Sprintf("rule %s; quarantine (%s) %s days, %s to %s", d.RuleSet.ID, q.Scope, days, *q.FirstDay, *q.LastDay)
}

// planDetail summarises a plan's days.
func planDetail(p *beredskap.FollowUpPlan) string {
	return fmt.Sprintf("rule %s; SMS on days %s; calls on days %s; last day %s",
		p.RuleID, joinInts(p.SMSDays), joinInts(p.CallDays), p.LastDay)
}

// reportDetail summarises a call report without its free text.
func reportDetail(r *beredskap.CallReport) string {
	parts := []string{string(r.Outcome)}
	if r.Understood != "" {
		parts = append(parts, "understood "+string(r.Understood))
	}
	if r.BreachSuspected() {
		kinds := make([]string, len(r.Breaches))
		for i, b := range r.Breaches {
			kinds[i] = string(b)
		}
		parts = append(parts, "suspected breach: "+strings.Join(kinds, ", "))
	}
	if r.EmployerBreach {
		parts = append(parts, "employer breach "+r.EmployerOrg)
	}
	return strings.Join(parts, "; ")
}

// joinInts writes ns as "2, 5", or "none".
func joinInts(ns []int) string {
	if len(ns) == 0 {
		return "none"
	}
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
