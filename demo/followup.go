package demo

import (
	"context"
	"fmt"
	"time"

	"beredskap"
	"beredskap/followup"
	"beredskap/staff"
)

// demoOperator is the demo's control-centre operator, who files the
// seeded call reports.
const demoOperator = "kontrollsenter@demo.beredskap.no"

// SeedFollowUp makes the follow-up plans of the stored registrations (a
// planner pass as the system) and, the first time, has the demo operator
// claim up to reports travellers of the queue and file a call report on
// each: most reached and with the rules understood, some not reached, some
// with a suspected breach, one with a suspected employer breach. It
// returns how many plans the pass made and how many reports it filed.
// ctx must carry the system actor.
func SeedFollowUp(ctx context.Context, fu *followup.Service, svc *staff.Service, reports int) (plans, filed int, err error) {
	if plans, _, err = fu.PlanPass(ctx); err != nil {
		return 0, 0, fmt.Errorf("plan the demo's follow-up: %w", err)
	}
	if plans == 0 {
		return 0, 0, nil // seeded before
	}
	token, stored, err := svc.CreateToken(ctx, demoOperator, "demo seeding", time.Hour)
	if err != nil {
		return plans, 0, fmt.Errorf("demo operator token: %w", err)
	}
	defer func() {
		if rerr := svc.RevokeToken(ctx, stored.ID); err == nil && rerr != nil {
			err = fmt.Errorf("revoke the demo operator token: %w", rerr)
		}
	}()
	operator, err := svc.AuthenticateToken(ctx, token)
	if err != nil {
		return plans, 0, fmt.Errorf("demo operator: %w", err)
	}
	operator.Address, operator.RequestID = "127.0.0.1", "demo-seed"
	octx := beredskap.WithActor(ctx, operator)
	for i := range reports {
		p, err := fu.ClaimNext(octx, beredskap.QueueFilter{})
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			break
		}
		if err != nil {
			return plans, filed, fmt.Errorf("claim a demo traveller: %w", err)
		}
		if _, err := fu.FileReport(octx, p.ID, demoReport(i, p)); err != nil {
			return plans, filed, fmt.Errorf("demo report on %s: %w", p.Receipt, err)
		}
		filed++
	}
	return plans, filed, nil
}

// demoReport returns the i-th seeded report on p.
func demoReport(i int, p *beredskap.FollowUpPlan) followup.ReportInput {
	in := followup.ReportInput{Outcome: beredskap.CallReached, Language: p.Language,
		Understood: beredskap.UnderstoodYes, StayingAt: "the registered address"}
	switch {
	case i%5 == 1:
		in = followup.ReportInput{Outcome: beredskap.CallNotReached, Language: p.Language}
	case i%7 == 2:
		in.Understood = beredskap.UnderstoodPartly
		in.Interpreter = true
		in.Breaches = []beredskap.BreachKind{beredskap.BreachWorkplace}
		in.BreachText = "Says they go to the building site with the rest of the crew."
	case i == 3:
		in.Breaches = []beredskap.BreachKind{beredskap.BreachWorkplace}
		in.BreachText = "Works on site with others during quarantine."
		in.EmployerBreach = true
		in.EmployerOrg, in.EmployerName = "123456785", "Demo Bygg AS"
		in.EmployerSuspected = []beredskap.EmployerSuspicion{beredskap.SuspectWorkInQuarantine, beredskap.SuspectSharedLodging}
		in.EmployerText = "The crew shares a barracks and was asked to work."
	}
	return in
}
