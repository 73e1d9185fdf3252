package followup_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/followup"
	"beredskap/internal/teststore"
)

// RULES.md 2021-02-15: the control centre starts, with SMS on day 2 and
// day 5 and phone calls. A registration under those rules gets a plan with
// its SMS on the outbox at 10:00 Oslo time in the traveller's language; one
// under the rules before has none (no control centre yet).
func TestPlanFromControlCentreRules(t *testing.T) { teststore.Each(t, testPlanFromControlCentreRules) }

func testPlanFromControlCentreRules(t *testing.T, kind string) {
	e := newEnv(t, kind)
	reg := e.register(traveller{arrival: at(2021, 2, 16, 14, 30), language: "pl"})
	before := e.register(traveller{arrival: at(2021, 2, 14, 12, 0), document: "EB7654321", language: "de"})
	if !before.Decision.Quarantine.Required || *before.Decision.Quarantine.LastDay < "2021-02-16" {
		t.Fatalf("the registration under earlier rules has no running quarantine: %+v", before.Decision.Quarantine)
	}
	made, ended, err := e.svc.PlanPass(system())
	if err != nil {
		t.Fatal(err)
	}
	if made != 1 || ended != 0 {
		t.Fatalf("PlanPass() = %d made, %d ended; want 1, 0", made, ended)
	}
	if e.hasPlan(before.Receipt) {
		t.Errorf("a registration under the rules before 2021-02-15 got a plan")
	}
	p := e.plan(reg.Receipt)
	want := beredskap.FollowUpPlan{Receipt: reg.Receipt, Municipality: "0301", PersonKey: "doc:PL:EA1234567",
		Phone: "+48601234567", Language: "pl", FirstDay: "2021-02-16", LastDay: "2021-02-26", RuleID: "2021-02-15",
		Status: beredskap.PlanActive}
	if p.Receipt != want.Receipt || p.Municipality != want.Municipality || p.PersonKey != want.PersonKey ||
		p.Phone != want.Phone || p.Language != want.Language || p.FirstDay != want.FirstDay ||
		p.LastDay != want.LastDay || p.RuleID != want.RuleID || p.Status != want.Status {
		t.Errorf("plan = %+v; want %+v", p, want)
	}
	if !slices.Equal(p.SMSDays, []int{2, 5}) {
		t.Errorf("SMS days %v; want [2 5] (RULES.md 2021-02-15)", p.SMSDays)
	}
	// The export's codes are kept on the plan from when it is made: a full
	// quarantine is 1001 (RULES.md, the follow-up tools' code lists).
	if want := beredskap.CodesOf(&reg.Registration, &reg.Decision); p.Codes != want || p.Codes.Quarantine != "1001" {
		t.Errorf("plan codes %+v; want %+v with quarantine 1001", p.Codes, want)
	}
	if wantCall := at(2021, 2, 17, 9, 0); !p.NextCallAt.Equal(wantCall) {
		t.Errorf("next call at %v; want %v (first call day)", p.NextCallAt, wantCall)
	}
	ms := e.sms(p.ID)
	if len(ms) != 2 {
		t.Fatalf("%d SMS queued; want 2", len(ms))
	}
	for i, w := range []struct {
		key string
		at  time.Time
	}{{"day2", at(2021, 2, 18, 10, 0)}, {"day5", at(2021, 2, 21, 10, 0)}} {
		m := ms[i]
		if m.Template != w.key || !m.NextAttemptAt.Equal(w.at) || m.Language != "pl" || m.To != "+48601234567" ||
			m.Status != beredskap.SMSQueued || m.SentBy != "system" {
			t.Errorf("SMS %d = %+v; want %s at %v in pl", i, m, w.key, w.at)
		}
		if !strings.Contains(m.Body, "Anna") || !strings.Contains(m.Body, "26.02.2021") || m.Segments < 1 || m.Encoding == "" {
			t.Errorf("SMS %d body %q (%s, %d segments) lacks the name, last day or counts", i, m.Body, m.Encoding, m.Segments)
		}
	}
	e.audited("followup.plan", "system", beredskap.OutcomeOK, reg.Receipt)

	made, _, err = e.svc.PlanPass(system())
	if err != nil || made != 0 {
		t.Errorf("second PlanPass() = %d, %v; want 0 made", made, err)
	}
	if n := len(e.sms(p.ID)); n != 2 {
		t.Errorf("%d SMS after a second pass; want still 2", n)
	}
}

// A traveller without a language (or planned late) gets English, and only
// the SMS of the days not yet over.
func TestPlanLateAndWithoutLanguage(t *testing.T) { teststore.Each(t, testPlanLateAndWithoutLanguage) }

func testPlanLateAndWithoutLanguage(t *testing.T, kind string) {
	e := newEnv(t, kind)
	e.clock.Set(at(2021, 2, 19, 8, 0)) // day 3: the SMS of day 2 is over
	reg := e.register(traveller{arrival: at(2021, 2, 16, 14, 30)})
	if _, _, err := e.svc.PlanPass(system()); err != nil {
		t.Fatal(err)
	}
	p := e.plan(reg.Receipt)
	if p.Language != "en" {
		t.Errorf("language %q; want en", p.Language)
	}
	ms := e.sms(p.ID)
	if len(ms) != 1 || ms[0].Template != "day5" || ms[0].Language != "en" {
		t.Fatalf("SMS %+v; want only day5 in English", ms)
	}
	if !p.NextCallAt.Equal(at(2021, 2, 19, 9, 0)) {
		t.Errorf("next call at %v; want day 3 09:00", p.NextCallAt)
	}
}

// Plans follow changes: a new registration of the same person ends the
// older plan and cancels its SMS; a quarantine that is over ends its plan.
func TestPlansFollowChanges(t *testing.T) { teststore.Each(t, testPlansFollowChanges) }

func testPlansFollowChanges(t *testing.T, kind string) {
	e := newEnv(t, kind)
	first := e.register(traveller{arrival: at(2021, 2, 16, 14, 30), language: "pl"})
	other := e.register(traveller{arrival: at(2021, 2, 16, 14, 30), first: "Jan", document: "EC1111111", language: "lt"})
	if made, _, err := e.svc.PlanPass(system()); err != nil || made != 2 {
		t.Fatalf("PlanPass() = %d, %v; want 2 made", made, err)
	}
	e.clock.Advance(time.Hour)
	again := e.register(traveller{arrival: at(2021, 2, 16, 16, 0), language: "pl"})
	if made, _, err := e.svc.PlanPass(system()); err != nil || made != 1 {
		t.Fatalf("PlanPass() = %d, %v; want 1 made", made, err)
	}
	old := e.plan(first.Receipt)
	if old.Status != beredskap.PlanEnded || old.EndReason != beredskap.EndSuperseded || old.EndedAt == nil {
		t.Errorf("older plan %s %q; want ended superseded", old.Status, old.EndReason)
	}
	for _, m := range e.sms(old.ID) {
		if m.Status != beredskap.SMSCancelled {
			t.Errorf("SMS %d of the superseded plan is %s; want cancelled", m.ID, m.Status)
		}
	}
	if p := e.plan(again.Receipt); p.Status != beredskap.PlanActive || len(e.sms(p.ID)) != 2 {
		t.Errorf("new plan %s with %d SMS; want active with 2", p.Status, len(e.sms(p.ID)))
	}
	if p := e.plan(other.Receipt); p.Status != beredskap.PlanActive {
		t.Errorf("another person's plan is %s; want active", p.Status)
	}

	// The last day is 2021-02-26: on the 27th every plan ends.
	e.clock.Set(at(2021, 2, 27, 0, 30))
	made, ended, err := e.svc.PlanPass(system())
	if err != nil || made != 0 || ended != 2 {
		t.Fatalf("PlanPass() = %d made, %d ended, %v; want 0, 2", made, ended, err)
	}
	for _, r := range []string{again.Receipt, other.Receipt} {
		if p := e.plan(r); p.Status != beredskap.PlanEnded || p.EndReason != beredskap.EndQuarantineOver {
			t.Errorf("plan %s is %s %q; want ended quarantine_over", r, p.Status, p.EndReason)
		}
	}
	e.audited("followup.plan_end", "system", beredskap.OutcomeOK, "")

	// A registration whose quarantine is already over gets no plan.
	late := e.register(traveller{arrival: at(2021, 2, 16, 14, 30), document: "ED2222222"})
	if made, _, err := e.svc.PlanPass(system()); err != nil || made != 0 || e.hasPlan(late.Receipt) {
		t.Errorf("PlanPass() = %d, %v for a quarantine already over; want 0 made", made, err)
	}
}

func TestEndPlan(t *testing.T) { teststore.Each(t, testEndPlan) }

func testEndPlan(t *testing.T, kind string) {
	e := newEnv(t, kind)
	reg := e.register(traveller{arrival: at(2021, 2, 16, 14, 30)})
	if _, _, err := e.svc.PlanPass(system()); err != nil {
		t.Fatal(err)
	}
	op := e.as("op@kontrollsenter.example", beredskap.RoleControlCentre, "")
	code(t, e.svc.EndPlan(op, reg.Receipt, "bored"), beredskap.EINVALID, "reason")
	code(t, e.svc.EndPlan(op, "AAAA-BBBB-CCCC", beredskap.EndedEarly), beredskap.ENOTFOUND, "")
	if err := e.svc.EndPlan(op, reg.Receipt, beredskap.EndedEarly); err != nil {
		t.Fatal(err)
	}
	p := e.plan(reg.Receipt)
	if p.Status != beredskap.PlanEnded || p.EndReason != beredskap.EndedEarly {
		t.Errorf("plan %s %q; want ended early", p.Status, p.EndReason)
	}
	for _, m := range e.sms(p.ID) {
		if m.Status != beredskap.SMSCancelled {
			t.Errorf("SMS %d is %s; want cancelled", m.ID, m.Status)
		}
	}
	if err := e.svc.EndPlan(op, reg.Receipt, beredskap.EndDispensation); err != nil {
		t.Errorf("ending an ended plan: %v; want no error", err)
	}
	if p := e.plan(reg.Receipt); p.EndReason != beredskap.EndedEarly {
		t.Errorf("ending again changed the reason to %q", p.EndReason)
	}
	e.audited("followup.end", "op@kontrollsenter.example", beredskap.OutcomeOK, reg.Receipt)

	muni := e.as("lege@oslo.example", beredskap.RoleMunicipalOfficer, "0301")
	code(t, e.svc.EndPlan(muni, reg.Receipt, beredskap.EndedEarly), beredskap.EFORBIDDEN, "")
	e.audited("followup.end", "lege@oslo.example", beredskap.OutcomeDenied, "")
	_, _, err := e.svc.PlanPass(op)
	code(t, err, beredskap.EFORBIDDEN, "")
}

// planned returns an environment on the store of the kind with one
// planned traveller whose first call is due (day 1, 09:30), and the plan.
func planned(t *testing.T, kind string) (*env, *beredskap.FollowUpPlan) {
	e := newEnv(t, kind)
	reg := e.register(traveller{arrival: at(2021, 2, 16, 14, 30), language: "pl"})
	if _, _, err := e.svc.PlanPass(system()); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(at(2021, 2, 17, 9, 30))
	return e, e.plan(reg.Receipt)
}

func TestQueueAndClaims(t *testing.T) { teststore.Each(t, testQueueAndClaims) }

func testQueueAndClaims(t *testing.T, kind string) {
	e, p := planned(t, kind)
	op1 := e.as("op1@kontrollsenter.example", beredskap.RoleControlCentre, "")
	op2 := e.as("op2@kontrollsenter.example", beredskap.RoleControlCentre, "")

	q, err := e.svc.Queue(op1, beredskap.QueueFilter{})
	if err != nil || len(q) != 1 || q[0].ID != p.ID {
		t.Fatalf("Queue() = %v, %v; want the plan", q, err)
	}
	e.audited("followup.queue", "op1@kontrollsenter.example", beredskap.OutcomeOK, p.Receipt)
	if q, err := e.svc.Queue(op1, beredskap.QueueFilter{Language: "de"}); err != nil || len(q) != 0 {
		t.Errorf("Queue(de) = %d plans, %v; want none", len(q), err)
	}
	_, err = e.svc.Queue(op1, beredskap.QueueFilter{Language: "xx"})
	code(t, err, beredskap.EINVALID, "language")
	if n, err := e.svc.QueueSize(op1, beredskap.QueueFilter{}); err != nil || n != 1 {
		t.Errorf("QueueSize() = %d, %v; want 1", n, err)
	}
	if n, err := e.svc.QueueSize(op1, beredskap.QueueFilter{Language: "de"}); err != nil || n != 0 {
		t.Errorf("QueueSize(de) = %d, %v; want 0", n, err)
	}
	_, err = e.svc.QueueSize(op1, beredskap.QueueFilter{Offset: -1})
	code(t, err, beredskap.EINVALID, "offset")
	muni := e.as("kari@oslo.kommune.example", beredskap.RoleMunicipalStaff, "0301")
	_, err = e.svc.QueueSize(muni, beredskap.QueueFilter{})
	code(t, err, beredskap.EFORBIDDEN, "")

	got, err := e.svc.ClaimNext(op1, beredskap.QueueFilter{})
	if err != nil || got.ID != p.ID || got.ClaimedBy != "op1@kontrollsenter.example" {
		t.Fatalf("ClaimNext() = %+v, %v; want the plan held by op1", got, err)
	}
	if want := e.clock.Now().Add(15 * time.Minute); got.LeaseUntil == nil || !got.LeaseUntil.Equal(want) {
		t.Errorf("lease until %v; want %v", got.LeaseUntil, want)
	}
	e.audited("followup.claim", "op1@kontrollsenter.example", beredskap.OutcomeOK, p.Receipt)
	_, err = e.svc.Claim(op2, p.ID)
	code(t, err, beredskap.ECONFLICT, "")
	e.audited("followup.claim", "op2@kontrollsenter.example", beredskap.OutcomeFailed, p.Receipt)
	_, err = e.svc.ClaimNext(op2, beredskap.QueueFilter{})
	code(t, err, beredskap.ENOTFOUND, "")
	if _, err := e.svc.Claim(op1, p.ID); err != nil {
		t.Errorf("the holder claiming again: %v", err)
	}
	_, err = e.svc.Claim(op1, p.ID+100)
	code(t, err, beredskap.ENOTFOUND, "")

	// The lease runs out: op2 may claim.
	e.clock.Advance(16 * time.Minute)
	if got, err := e.svc.Claim(op2, p.ID); err != nil || got.ClaimedBy != "op2@kontrollsenter.example" {
		t.Fatalf("Claim after the lease = %+v, %v; want held by op2", got, err)
	}
	if err := e.svc.Release(op1, p.ID); err != nil {
		t.Fatal(err)
	}
	if e.plan(p.Receipt).ClaimedBy != "op2@kontrollsenter.example" {
		t.Errorf("op1 released a plan op2 holds")
	}
	if err := e.svc.Release(op2, p.ID); err != nil {
		t.Fatal(err)
	}
	if e.plan(p.Receipt).ClaimedBy != "" {
		t.Errorf("plan still held after release")
	}

	// Ended plans cannot be claimed.
	if err := e.svc.EndPlan(op1, p.Receipt, beredskap.EndedEarly); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Claim(op1, p.ID)
	code(t, err, beredskap.ECONFLICT, "")
}

// Seed 000: the control centre alone works the queue; a municipal
// officer is refused, and the refusal is audited.
func TestMunicipalOfficerRefused(t *testing.T) { teststore.Each(t, testMunicipalOfficerRefused) }

func testMunicipalOfficerRefused(t *testing.T, kind string) {
	e, p := planned(t, kind)
	muni := e.as("lege@oslo.example", beredskap.RoleMunicipalOfficer, "0301")
	_, err := e.svc.Queue(muni, beredskap.QueueFilter{Municipality: "0301"})
	code(t, err, beredskap.EFORBIDDEN, "")
	_, err = e.svc.ClaimNext(muni, beredskap.QueueFilter{})
	code(t, err, beredskap.EFORBIDDEN, "")
	_, err = e.svc.Claim(muni, p.ID)
	code(t, err, beredskap.EFORBIDDEN, "")
	_, err = e.svc.FileReport(muni, p.ID, followup.ReportInput{Outcome: beredskap.CallNotReached, Language: "pl"})
	code(t, err, beredskap.EFORBIDDEN, "")
	_, err = e.svc.SendSMS(muni, p.ID, "day2", "")
	code(t, err, beredskap.EFORBIDDEN, "")
	err = e.svc.SaveTemplate(muni, beredskap.SMSTemplate{Key: "day2", Language: "pl", Body: "Hej {name}"})
	code(t, err, beredskap.EFORBIDDEN, "")
	for _, action := range []string{"followup.queue", "followup.claim", "followup.report", "followup.sms_send", "followup.template_save"} {
		e.audited(action, "lege@oslo.example", beredskap.OutcomeDenied, "")
	}
	if p := e.plan(p.Receipt); p.ClaimedBy != "" || p.Attempts != 0 {
		t.Errorf("a refused officer changed the plan: %+v", p)
	}
}
