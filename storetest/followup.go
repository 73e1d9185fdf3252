package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"beredskap"
)

// TestFollowUpStore runs the conformance suite for beredskap.FollowUpStore
// against the harness that open returns, a fresh one (an empty database) for
// each subtest. h.Store must implement beredskap.FollowUpStore. Plans refer
// to registrations written through h.Registrations. The store's call reports
// must be in a table called call_reports with a column operator, so that
// the suite can show that UPDATE and DELETE on it fail.
//
// Conventions the suite fixes for both stores: CreatePlan, EnqueueSMS,
// SaveTemplate, CreateCallReport and CreateLabourNotice take CreatedAt (or
// UpdatedAt) from the clock and write it back into their argument, UTC to
// the microsecond; FollowUpStats returns every day of from..to and every ISO
// week they touch, zeros included, and counts a suspected breach per report
// that no later report corrects, in the week of its creation in
// Europe/Oslo, and is EINVALID when from or to is not a date or from is
// after to; lists of templates are ordered by key and language, of digest
// preferences by user; TakeDueSMS and the queue break ties by id.
func TestFollowUpStore(t *testing.T, open func(t *testing.T) StaffHarness) {
	t.Run("PlanRoundTrip", func(t *testing.T) { testPlanRoundTrip(t, open(t)) })
	t.Run("PlanUpdate", func(t *testing.T) { testPlanUpdate(t, open(t)) })
	t.Run("PlanReceiptUnique", func(t *testing.T) { testPlanReceiptUnique(t, open(t)) })
	t.Run("ActivePlansOf", func(t *testing.T) { testActivePlansOf(t, open(t)) })
	t.Run("EndPlansBefore", func(t *testing.T) { testEndPlansBefore(t, open(t)) })
	t.Run("RegistrationsWithoutPlan", func(t *testing.T) { testRegistrationsWithoutPlan(t, open(t)) })
	t.Run("FollowUpRollback", func(t *testing.T) { testFollowUpRollback(t, open(t)) })
	t.Run("QueueOrder", func(t *testing.T) { testQueueOrder(t, open(t)) })
	t.Run("QueueFilters", func(t *testing.T) { testQueueFilters(t, open(t)) })
	t.Run("Claim", func(t *testing.T) { testClaim(t, open(t)) })
	t.Run("ClaimNextLeases", func(t *testing.T) { testClaimNextLeases(t, open(t)) })
	t.Run("ClaimNextConcurrent", func(t *testing.T) { testClaimNextConcurrent(t, open(t)) })
	t.Run("ClaimSamePlanConcurrent", func(t *testing.T) { testClaimSameConcurrent(t, open(t)) })
	t.Run("SMSOutbox", func(t *testing.T) { testSMSOutbox(t, open(t)) })
	t.Run("TakeDueSMS", func(t *testing.T) { testTakeDueSMS(t, open(t)) })
	t.Run("TakeDueSMSConcurrent", func(t *testing.T) { testTakeDueSMSConcurrent(t, open(t)) })
	t.Run("Templates", func(t *testing.T) { testTemplates(t, open(t)) })
	t.Run("CallReports", func(t *testing.T) { testCallReports(t, open(t)) })
	t.Run("CallReportsImmutable", func(t *testing.T) { testCallReportsImmutable(t, open(t)) })
	t.Run("CallReportCorrections", func(t *testing.T) { testCallReportCorrections(t, open(t)) })
	t.Run("ReportsAfter", func(t *testing.T) { testReportsAfter(t, open(t)) })
	t.Run("LabourNotices", func(t *testing.T) { testLabourNotices(t, open(t)) })
	TestTravellerLists(t, open)
	t.Run("FollowUpStats", func(t *testing.T) { testFollowUpStats(t, open(t)) })
	t.Run("DigestPrefs", func(t *testing.T) { testDigestPrefs(t, open(t)) })
}

// TestTravellerLists is the part of TestFollowUpStore that lists
// travellers (ListTravellers and EachTraveller), for a store to run again
// with another plan for its queries.
func TestTravellerLists(t *testing.T, open func(t *testing.T) StaffHarness) {
	t.Run("ListTravellersFilters", func(t *testing.T) { testListTravellersFilters(t, open(t)) })
	t.Run("ListTravellersPaging", func(t *testing.T) { testListTravellersPaging(t, open(t)) })
	t.Run("ListTravellersScoped", func(t *testing.T) { testListTravellersScoped(t, open(t)) })
}

// followStart is the arrival of the suite's default plan: a Sunday, the
// day before the staff clock starts.
var followStart = time.Date(2021, 1, 3, 12, 0, 0, 0, time.UTC)

// queueNow is an instant by which every default plan's call is due.
var queueNow = time.Date(2021, 1, 5, 0, 0, 0, 0, time.UTC)

// fuStore returns the harness's store as a FollowUpStore.
func fuStore(t *testing.T, h StaffHarness) beredskap.FollowUpStore {
	t.Helper()
	s, ok := h.Store.(beredskap.FollowUpStore)
	if !ok {
		t.Fatalf("%T does not implement beredskap.FollowUpStore", h.Store)
	}
	return s
}

// fuUpdate runs fn in UpdateFollowUp and fails the test on an error.
func fuUpdate(t *testing.T, h StaffHarness, fn func(ctx context.Context, tx beredskap.FollowUpTx) error) {
	t.Helper()
	if err := fuStore(t, h).UpdateFollowUp(context.Background(), fn); err != nil {
		t.Fatalf("UpdateFollowUp: %v", err)
	}
}

// fuView runs fn in ViewFollowUp and fails the test on an error.
func fuView(t *testing.T, h StaffHarness, fn func(ctx context.Context, tx beredskap.FollowUpTx) error) {
	t.Helper()
	if err := fuStore(t, h).ViewFollowUp(context.Background(), fn); err != nil {
		t.Fatalf("ViewFollowUp: %v", err)
	}
}

// travellerSeq numbers the registrations the suite makes, so that names
// differ.
var travellerSeq atomic.Int64

// register stores a registration in the municipality and returns it.
func register(t *testing.T, h StaffHarness, municipality string) *beredskap.StoredRegistration {
	t.Helper()
	return mustCreate(t, h.Registrations, newRegistration(int(travellerSeq.Add(1)), municipality, "", ""))
}

// planOf returns an active plan for reg, not yet stored: arrival at
// followStart, ten days of quarantine, a call due before queueNow.
func planOf(reg *beredskap.StoredRegistration) *beredskap.FollowUpPlan {
	return &beredskap.FollowUpPlan{
		Receipt: reg.Receipt, Municipality: reg.Municipality, PersonKey: "doc:pl:" + reg.Receipt,
		FirstName: reg.Registration.Traveller.FirstName, LastName: reg.Registration.Traveller.LastName,
		BirthDate: "1990-05-17", Phone: "+48601234567", Email: "anna@example.com", Language: "pl",
		ArrivalAt: followStart, FirstDay: "2021-01-03", LastDay: "2021-01-13", RuleID: "2020-12-13-1700",
		SMSDays: []int{2, 5}, CallDays: []int{1, 3}, Status: beredskap.PlanActive,
		NextCallAt: time.Date(2021, 1, 4, 9, 0, 0, 0, time.UTC),
		Codes:      beredskap.CodesOf(&reg.Registration, &reg.Decision),
	}
}

// newPlan registers a traveller in the municipality and stores a plan for
// them, changed by edit when not nil, in its own transaction.
func newPlan(t *testing.T, h StaffHarness, municipality string, edit func(p *beredskap.FollowUpPlan)) *beredskap.FollowUpPlan {
	t.Helper()
	p := planOf(register(t, h, municipality))
	if edit != nil {
		edit(p)
	}
	fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error { return tx.CreatePlan(ctx, p) })
	if p.ID == 0 {
		t.Fatal("CreatePlan left ID 0")
	}
	return p
}

// findPlan reads the plan with the id in a view.
func findPlan(t *testing.T, h StaffHarness, id int64) *beredskap.FollowUpPlan {
	t.Helper()
	var p *beredskap.FollowUpPlan
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) (err error) {
		p, err = tx.FindPlan(ctx, id)
		return err
	})
	return p
}

// fuJSON returns v as JSON with nil and empty slices alike, for comparing
// follow-up records field by field.
func fuJSON(t *testing.T, v any) string {
	t.Helper()
	switch x := v.(type) {
	case *beredskap.FollowUpPlan:
		c := *x
		if len(c.SMSDays) == 0 {
			c.SMSDays = []int{}
		}
		if len(c.CallDays) == 0 {
			c.CallDays = []int{}
		}
		v = &c
	case *beredskap.CallReport:
		c := *x
		if len(c.Breaches) == 0 {
			c.Breaches = []beredskap.BreachKind{}
		}
		v = &c
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// planIDs returns the ids of plans, in order.
func planIDs(ps []*beredskap.FollowUpPlan) []int64 {
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}

// sameIDs reports whether two id lists are equal.
func sameIDs(a, b []int64) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// advance moves the clock on by d at once.
func (c *Clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func testPlanRoundTrip(t *testing.T, h StaffHarness) {
	reg := register(t, h, "0301")
	oslo := time.FixedZone("CET", 3600)
	p := planOf(reg)
	p.FirstName, p.LastName, p.Email, p.EmployerOrg = "Øyvind", "Ærlig-Åsen", "", "974760673"
	p.ArrivalAt = time.Date(2021, 1, 3, 23, 30, 0, 123456789, oslo)
	p.SMSDays, p.CallDays = []int{0, 2, 5, 9}, []int{1}
	p.Reached, p.BreachSuspected, p.Attempts = true, true, 3
	p.LastReportAt = ptr(time.Date(2021, 1, 4, 10, 0, 0, 1000, time.UTC))
	p.ClaimedBy, p.LeaseUntil = "op@helsedir.no", ptr(time.Date(2021, 1, 4, 10, 15, 0, 0, time.UTC))
	p.Codes = beredskap.FollowUpCodes{Quarantine: "1002", Exemption: "2005;2007", Accommodation: "4003"}
	fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error { return tx.CreatePlan(ctx, p) })
	if p.ID == 0 || p.CreatedAt.IsZero() || !p.UpdatedAt.Equal(p.CreatedAt) {
		t.Fatalf("created plan: ID %d, CreatedAt %v, UpdatedAt %v; want them set", p.ID, p.CreatedAt, p.UpdatedAt)
	}
	if !p.ArrivalAt.Equal(time.Date(2021, 1, 3, 22, 30, 0, 123456000, time.UTC)) || p.ArrivalAt.Location() != time.UTC {
		t.Errorf("ArrivalAt %v after CreatePlan; want it in UTC to the microsecond", p.ArrivalAt)
	}
	got := findPlan(t, h, p.ID)
	if fuJSON(t, got) != fuJSON(t, p) {
		t.Errorf("FindPlan\n got %s\nwant %s", fuJSON(t, got), fuJSON(t, p))
	}
	// An ended plan with no lists and no claim keeps its end.
	ended := planOf(register(t, h, "4601"))
	ended.SMSDays, ended.CallDays = nil, nil
	ended.Status, ended.EndReason = beredskap.PlanEnded, beredskap.EndDispensation
	ended.EndedAt = ptr(time.Date(2021, 1, 5, 7, 0, 0, 0, time.UTC))
	fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error { return tx.CreatePlan(ctx, ended) })
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		got, err := tx.FindPlanByReceipt(ctx, ended.Receipt)
		if err != nil {
			return err
		}
		if fuJSON(t, got) != fuJSON(t, ended) {
			t.Errorf("FindPlanByReceipt\n got %s\nwant %s", fuJSON(t, got), fuJSON(t, ended))
		}
		_, err = tx.FindPlan(ctx, ended.ID+100)
		wantCode(t, err, beredskap.ENOTFOUND, "FindPlan of an unknown id")
		_, err = tx.FindPlanByReceipt(ctx, beredskap.NewReceipt())
		wantCode(t, err, beredskap.ENOTFOUND, "FindPlanByReceipt of an unknown receipt")
		return nil
	})
}

func testPlanUpdate(t *testing.T, h StaffHarness) {
	p := newPlan(t, h, "0301", nil)
	created := p.CreatedAt
	c := *p
	c.Municipality, c.PersonKey, c.FirstName, c.LastName = "4601", "nid:01019012345", "Kari", "Nordmann"
	c.BirthDate, c.Phone, c.Email, c.Language = "1980-01-01", "+4791234567", "kari@example.no", "nb"
	c.ArrivalAt = followStart.Add(-time.Hour)
	c.FirstDay, c.LastDay, c.RuleID = "2021-01-02", "2021-01-12", "2021-02-15-0000"
	c.SMSDays, c.CallDays = []int{3}, []int{2, 4}
	c.Status, c.EndReason, c.EndedAt = beredskap.PlanEnded, beredskap.EndedEarly, ptr(queueNow)
	c.EmployerOrg, c.Reached, c.BreachSuspected, c.Attempts = "974760673", true, true, 4
	c.LastReportAt, c.NextCallAt = ptr(queueNow.Add(-time.Hour)), queueNow.Add(24*time.Hour)
	c.ClaimedBy, c.LeaseUntil = "op@helsedir.no", ptr(queueNow.Add(time.Minute))
	c.Receipt, c.CreatedAt = "ignored", time.Time{}
	c.Codes = beredskap.FollowUpCodes{Quarantine: "ignored", Exemption: "ignored", Accommodation: "ignored"}
	fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error { return tx.UpdatePlan(ctx, &c) })
	if !c.UpdatedAt.After(created) {
		t.Errorf("UpdatedAt %v after UpdatePlan; want after CreatedAt %v", c.UpdatedAt, created)
	}
	c.Receipt, c.CreatedAt, c.Codes = p.Receipt, created, p.Codes
	if got := findPlan(t, h, p.ID); fuJSON(t, got) != fuJSON(t, &c) {
		t.Errorf("after UpdatePlan\n got %s\nwant %s", fuJSON(t, got), fuJSON(t, &c))
	}
	err := fuStore(t, h).UpdateFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
		u := c
		u.ID = p.ID + 100
		return tx.UpdatePlan(ctx, &u)
	})
	wantCode(t, err, beredskap.ENOTFOUND, "UpdatePlan of an unknown id")
}

func testPlanReceiptUnique(t *testing.T, h StaffHarness) {
	p := newPlan(t, h, "0301", nil)
	again, other := planOf(register(t, h, "0301")), planOf(register(t, h, "0301"))
	again.Receipt = p.Receipt
	fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		wantCode(t, tx.CreatePlan(ctx, again), beredskap.ECONFLICT, "a second plan for a receipt")
		// The transaction is still usable after the conflict.
		return tx.CreatePlan(ctx, other)
	})
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		got, err := tx.FindPlanByReceipt(ctx, p.Receipt)
		if err == nil && got.ID != p.ID {
			t.Errorf("plan of the receipt %d; want the first, %d", got.ID, p.ID)
		}
		return err
	})
}

func testActivePlansOf(t *testing.T, h StaffHarness) {
	const person = "nid:01019012345"
	same := func(p *beredskap.FollowUpPlan) { p.PersonKey = person }
	a := newPlan(t, h, "0301", same)
	newPlan(t, h, "0301", func(p *beredskap.FollowUpPlan) {
		same(p)
		p.Status, p.EndReason, p.EndedAt = beredskap.PlanEnded, beredskap.EndSuperseded, ptr(queueNow)
	})
	b := newPlan(t, h, "4601", same)
	newPlan(t, h, "0301", nil)
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		ps, err := tx.ActivePlansOf(ctx, person)
		if err != nil {
			return err
		}
		if got, want := planIDs(ps), []int64{a.ID, b.ID}; !sameIDs(got, want) {
			t.Errorf("ActivePlansOf: %v; want the active ones oldest first, %v", got, want)
		}
		ps, err = tx.ActivePlansOf(ctx, "nid:nobody")
		if err != nil || len(ps) != 0 {
			t.Errorf("ActivePlansOf an unknown person: %d plans, %v; want none", len(ps), err)
		}
		return nil
	})
}

func testEndPlansBefore(t *testing.T, h StaffHarness) {
	over := newPlan(t, h, "0301", func(p *beredskap.FollowUpPlan) { p.LastDay = "2021-01-09" })
	lastToday := newPlan(t, h, "0301", func(p *beredskap.FollowUpPlan) { p.LastDay = "2021-01-10" })
	already := newPlan(t, h, "0301", func(p *beredskap.FollowUpPlan) {
		p.LastDay, p.Status, p.EndReason, p.EndedAt = "2021-01-08", beredskap.PlanEnded, beredskap.EndDispensation, ptr(queueNow)
	})
	queued := &beredskap.SMSMessage{PlanID: over.ID, Receipt: over.Receipt, To: over.Phone, Language: "pl",
		Template: "day5", Body: "b", Encoding: "GSM-7", Segments: 1, NextAttemptAt: queueNow, SentBy: "system"}
	sent := *queued
	sent.Status = beredskap.SMSSent
	keep := *queued
	keep.PlanID = lastToday.ID
	fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		for _, m := range []*beredskap.SMSMessage{queued, &sent, &keep} {
			if err := tx.EnqueueSMS(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	at := time.Date(2021, 1, 10, 1, 0, 0, 0, time.UTC)
	fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		n, err := tx.EndPlansBefore(ctx, "2021-01-10", at)
		if err == nil && n != 1 {
			t.Errorf("EndPlansBefore ended %d; want 1", n)
		}
		return err
	})
	got := findPlan(t, h, over.ID)
	if got.Status != beredskap.PlanEnded || got.EndReason != beredskap.EndQuarantineOver || !sameTime(got.EndedAt, &at) {
		t.Errorf("plan past its last day: %s %q %v; want ended, %q, at %v", got.Status, got.EndReason, got.EndedAt, beredskap.EndQuarantineOver, at)
	}
	if got := findPlan(t, h, lastToday.ID); got.Status != beredskap.PlanActive {
		t.Errorf("plan whose last day is the day: %s; want active", got.Status)
	}
	if got := findPlan(t, h, already.ID); got.EndReason != beredskap.EndDispensation || !sameTime(got.EndedAt, ptr(queueNow)) {
		t.Errorf("plan ended before: %q at %v; want it unchanged", got.EndReason, got.EndedAt)
	}
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		for _, c := range []struct {
			id   int64
			want beredskap.SMSStatus
		}{{queued.ID, beredskap.SMSCancelled}, {sent.ID, beredskap.SMSSent}, {keep.ID, beredskap.SMSQueued}} {
			m, err := tx.FindSMS(ctx, c.id)
			if err != nil {
				return err
			}
			if m.Status != c.want {
				t.Errorf("SMS %d: %s; want %s", c.id, m.Status, c.want)
			}
		}
		return nil
	})
}

func testRegistrationsWithoutPlan(t *testing.T, h StaffHarness) {
	old := register(t, h, "0301")
	var regs []*beredskap.StoredRegistration
	for range 4 {
		regs = append(regs, register(t, h, "0301"))
	}
	regs = append(regs, register(t, h, "4601"))
	fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		return tx.CreatePlan(ctx, planOf(regs[1]))
	})
	receipts := func(rs []*beredskap.StoredRegistration) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Receipt)
		}
		return out
	}
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		got, err := tx.RegistrationsWithoutPlan(ctx, regs[0].CreatedAt, 10)
		if err != nil {
			return err
		}
		want := receipts([]*beredskap.StoredRegistration{regs[0], regs[2], regs[3], regs[4]})
		if fmt.Sprint(receipts(got)) != fmt.Sprint(want) {
			t.Errorf("RegistrationsWithoutPlan: %v; want %v (oldest first, %s before since, %s planned)",
				receipts(got), want, old.Receipt, regs[1].Receipt)
		}
		if len(got) > 0 && asJSON(t, got[0]) != asJSON(t, regs[0]) {
			t.Errorf("RegistrationsWithoutPlan[0]\n got %s\nwant %s", asJSON(t, got[0]), asJSON(t, regs[0]))
		}
		got, err = tx.RegistrationsWithoutPlan(ctx, regs[0].CreatedAt, 2)
		if err != nil {
			return err
		}
		if want := want[:2]; fmt.Sprint(receipts(got)) != fmt.Sprint(want) {
			t.Errorf("RegistrationsWithoutPlan with limit 2: %v; want %v", receipts(got), want)
		}
		return nil
	})
}

func testFollowUpRollback(t *testing.T, h StaffHarness) {
	reg := register(t, h, "0301")
	boom := fmt.Errorf("boom")
	err := fuStore(t, h).UpdateFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
		if err := tx.CreatePlan(ctx, planOf(reg)); err != nil {
			return err
		}
		if _, err := tx.Audit(ctx, auditRecord(1)); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatalf("UpdateFollowUp: %v; want fn's error as it is", err)
	}
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		_, err := tx.FindPlanByReceipt(ctx, reg.Receipt)
		wantCode(t, err, beredskap.ENOTFOUND, "a plan of a rolled-back transaction")
		return nil
	})
	if n := len(scanAll(t, h)); n != 0 {
		t.Errorf("%d audit entries after the rollback; want 0", n)
	}
	// A view refuses writes.
	err = fuStore(t, h).ViewFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
		return tx.CreatePlan(ctx, planOf(reg))
	})
	if err == nil {
		t.Error("CreatePlan in ViewFollowUp succeeded; want an error")
	}
}
