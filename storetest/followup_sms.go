package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"beredskap"
)

// smsFor returns a queued SMS of the template for plan p, due at due, not
// yet stored.
func smsFor(p *beredskap.FollowUpPlan, template string, due time.Time) *beredskap.SMSMessage {
	return &beredskap.SMSMessage{
		PlanID: p.ID, Receipt: p.Receipt, To: p.Phone, Language: p.Language, Template: template,
		Body: "Pamiętaj o kwarantannie do " + p.LastDay, Encoding: "UCS-2", Segments: 1,
		NextAttemptAt: due, SentBy: "system",
	}
}

// enqueue stores the messages in one transaction.
func enqueue(t *testing.T, h StaffHarness, ms ...*beredskap.SMSMessage) {
	t.Helper()
	fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		for _, m := range ms {
			if err := tx.EnqueueSMS(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// takeDue runs TakeDueSMS in a transaction of its own.
func takeDue(t *testing.T, h StaffHarness, now, lease time.Time, limit int) []*beredskap.SMSMessage {
	t.Helper()
	var ms []*beredskap.SMSMessage
	fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) (err error) {
		ms, err = tx.TakeDueSMS(ctx, now, lease, limit)
		return err
	})
	return ms
}

// smsIDs returns the ids of messages, in order.
func smsIDs(ms []*beredskap.SMSMessage) []int64 {
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return ids
}

// findSMS reads the message with the id in a view.
func findSMS(t *testing.T, h StaffHarness, id int64) *beredskap.SMSMessage {
	t.Helper()
	var m *beredskap.SMSMessage
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) (err error) {
		m, err = tx.FindSMS(ctx, id)
		return err
	})
	return m
}

func testSMSOutbox(t *testing.T, h StaffHarness) {
	p := newPlan(t, h, "0301", nil)
	other := newPlan(t, h, "0301", nil)
	day2 := smsFor(p, "day2", time.Date(2021, 1, 5, 8, 0, 0, 0, time.UTC))
	day5 := smsFor(p, "day5", time.Date(2021, 1, 8, 8, 0, 0, 0, time.UTC))
	adhoc := smsFor(p, "not_reached", queueNow)
	adhoc.SentBy, adhoc.Encoding, adhoc.Segments = "op@helsedir.no", "GSM-7", 2
	loose := smsFor(p, "day2", queueNow)
	loose.PlanID, loose.Receipt = 0, ""
	otherSMS := smsFor(other, "day5", queueNow)
	enqueue(t, h, day2, day5, adhoc, loose, otherSMS)
	if day2.ID == 0 || day2.Status != beredskap.SMSQueued || day2.CreatedAt.IsZero() || !day2.UpdatedAt.Equal(day2.CreatedAt) {
		t.Fatalf("enqueued SMS: ID %d, Status %q, CreatedAt %v, UpdatedAt %v; want them set", day2.ID, day2.Status, day2.CreatedAt, day2.UpdatedAt)
	}
	if got := findSMS(t, h, day2.ID); asJSON(t, got) != asJSON(t, day2) {
		t.Errorf("FindSMS\n got %s\nwant %s", asJSON(t, got), asJSON(t, day2))
	}
	if got := findSMS(t, h, loose.ID); asJSON(t, got) != asJSON(t, loose) {
		t.Errorf("FindSMS of an SMS without a plan\n got %s\nwant %s", asJSON(t, got), asJSON(t, loose))
	}
	// SaveSMS stores the delivery fields.
	delivered := time.Date(2021, 1, 5, 8, 0, 3, 500, time.UTC)
	day2.Status, day2.Attempts, day2.NextAttemptAt = beredskap.SMSDelivered, 2, queueNow.Add(time.Minute)
	day2.ProviderID, day2.LastError, day2.DeliveredAt = "prov-123", "429 once", &delivered
	fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error { return tx.SaveSMS(ctx, day2) })
	if !day2.UpdatedAt.After(day2.CreatedAt) {
		t.Errorf("UpdatedAt %v after SaveSMS; want after CreatedAt %v", day2.UpdatedAt, day2.CreatedAt)
	}
	day2.DeliveredAt = ptr(delivered.Truncate(time.Microsecond))
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		got, err := tx.FindSMSByProviderID(ctx, "prov-123")
		if err != nil {
			return err
		}
		if asJSON(t, got) != asJSON(t, day2) {
			t.Errorf("FindSMSByProviderID\n got %s\nwant %s", asJSON(t, got), asJSON(t, day2))
		}
		_, err = tx.FindSMSByProviderID(ctx, "prov-unknown")
		wantCode(t, err, beredskap.ENOTFOUND, "FindSMSByProviderID of an unknown id")
		_, err = tx.FindSMS(ctx, otherSMS.ID+100)
		wantCode(t, err, beredskap.ENOTFOUND, "FindSMS of an unknown id")
		ms, err := tx.ListPlanSMS(ctx, p.ID)
		if err != nil {
			return err
		}
		if got, want := smsIDs(ms), []int64{day2.ID, day5.ID, adhoc.ID}; !sameIDs(got, want) {
			t.Errorf("ListPlanSMS: %v; want the plan's, oldest first, %v", got, want)
		}
		return nil
	})
	err := fuStore(t, h).UpdateFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
		m := *day5
		m.ID = otherSMS.ID + 100
		return tx.SaveSMS(ctx, &m)
	})
	wantCode(t, err, beredskap.ENOTFOUND, "SaveSMS of an unknown id")
	// CancelPlanSMS cancels the plan's queued messages only.
	sending := takeDue(t, h, queueNow, queueNow.Add(time.Minute), 1)
	if len(sending) != 1 || sending[0].ID != adhoc.ID {
		t.Fatalf("TakeDueSMS: %v; want the plan's due message %d", smsIDs(sending), adhoc.ID)
	}
	fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		n, err := tx.CancelPlanSMS(ctx, p.ID)
		if err == nil && n != 1 {
			t.Errorf("CancelPlanSMS: %d; want 1 (day5; day2 is delivered, the ad-hoc one sending)", n)
		}
		return err
	})
	for _, c := range []struct {
		id   int64
		want beredskap.SMSStatus
	}{{day2.ID, beredskap.SMSDelivered}, {day5.ID, beredskap.SMSCancelled}, {adhoc.ID, beredskap.SMSSending},
		{loose.ID, beredskap.SMSQueued}, {otherSMS.ID, beredskap.SMSQueued}} {
		if got := findSMS(t, h, c.id); got.Status != c.want {
			t.Errorf("SMS %d after CancelPlanSMS: %s; want %s", c.id, got.Status, c.want)
		}
	}
}

func testTakeDueSMS(t *testing.T, h StaffHarness) {
	p := newPlan(t, h, "0301", nil)
	now := queueNow
	late := smsFor(p, "day2", now.Add(-time.Minute))
	early := smsFor(p, "day2", now.Add(-time.Hour))
	exact := smsFor(p, "day2", now)
	future := smsFor(p, "day5", now.Add(time.Microsecond))
	sent := smsFor(p, "day2", now.Add(-2*time.Hour))
	sent.Status = beredskap.SMSSent
	cancelled := smsFor(p, "day2", now.Add(-2*time.Hour))
	cancelled.Status = beredskap.SMSCancelled
	enqueue(t, h, late, early, exact, future, sent, cancelled)

	lease := now.Add(time.Minute)
	got := takeDue(t, h, now, lease, 2)
	if want := []int64{early.ID, late.ID}; !sameIDs(smsIDs(got), want) {
		t.Fatalf("TakeDueSMS with limit 2: %v; want the earliest due, %v", smsIDs(got), want)
	}
	for _, m := range got {
		if m.Status != beredskap.SMSSending || m.Attempts != 1 || !m.NextAttemptAt.Equal(lease) {
			t.Errorf("taken SMS %d: %s, attempts %d, next %v; want sending, 1, %v", m.ID, m.Status, m.Attempts, m.NextAttemptAt, lease)
		}
		if stored := findSMS(t, h, m.ID); asJSON(t, stored) != asJSON(t, m) {
			t.Errorf("stored taken SMS\n got %s\nwant %s", asJSON(t, stored), asJSON(t, m))
		}
	}
	if got := takeDue(t, h, now, lease, 10); !sameIDs(smsIDs(got), []int64{exact.ID}) {
		t.Errorf("second TakeDueSMS: %v; want %d only (the others are sending, sent, cancelled or not due)", smsIDs(got), exact.ID)
	}
	if got := takeDue(t, h, now.Add(30*time.Second), lease, 10); !sameIDs(smsIDs(got), []int64{future.ID}) {
		t.Errorf("TakeDueSMS while the leases last: %v; want %d only, due since", smsIDs(got), future.ID)
	}
	// A worker that died leaves its messages sending; they are taken again
	// when the lease has passed, with another attempt counted.
	got = takeDue(t, h, lease, lease.Add(time.Minute), 10)
	if want := []int64{late.ID, early.ID, exact.ID, future.ID}; !sameIDs(smsIDs(got), want) {
		t.Errorf("TakeDueSMS after the leases passed: %v; want %v (all due at the lease, so by id)", smsIDs(got), want)
	}
	for _, m := range got {
		if m.Attempts != 2 || m.Status != beredskap.SMSSending {
			t.Errorf("retaken SMS %d: %s, attempts %d; want sending, 2", m.ID, m.Status, m.Attempts)
		}
	}
	if got := findSMS(t, h, sent.ID); got.Status != beredskap.SMSSent || got.Attempts != 0 {
		t.Errorf("sent SMS after TakeDueSMS: %s, attempts %d; want it untouched", got.Status, got.Attempts)
	}
}

// testTakeDueSMSConcurrent has several workers take messages at once; none
// is taken twice.
func testTakeDueSMSConcurrent(t *testing.T, h StaffHarness) {
	const messages, workers = 300, 6
	p := newPlan(t, h, "0301", nil)
	want := map[int64]bool{}
	var ms []*beredskap.SMSMessage
	for i := range messages {
		ms = append(ms, smsFor(p, "day2", queueNow.Add(-time.Duration(i%17)*time.Second)))
	}
	enqueue(t, h, ms...)
	for _, m := range ms {
		want[m.ID] = true
	}
	s := fuStore(t, h)
	var (
		mu    sync.Mutex
		taken = map[int64]int{}
		wg    sync.WaitGroup
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range messages + 1 {
				var got []*beredskap.SMSMessage
				err := s.UpdateFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) (err error) {
					got, err = tx.TakeDueSMS(ctx, queueNow, queueNow.Add(time.Hour), 7)
					return err
				})
				if err != nil {
					t.Errorf("worker %d: TakeDueSMS: %v", w, err)
					return
				}
				if len(got) == 0 {
					return
				}
				if len(got) > 7 {
					t.Errorf("worker %d: TakeDueSMS returned %d; limit 7", w, len(got))
				}
				mu.Lock()
				for _, m := range got {
					taken[m.ID]++
				}
				mu.Unlock()
			}
			t.Errorf("worker %d: the outbox never emptied", w)
		}()
	}
	wg.Wait()
	for id, n := range taken {
		if !want[id] {
			t.Errorf("TakeDueSMS returned SMS %d, which the test did not enqueue", id)
		}
		if n != 1 {
			t.Errorf("SMS %d taken %d times; want once", id, n)
		}
	}
	if len(taken) != messages {
		t.Errorf("%d messages taken; want every one of the %d", len(taken), messages)
	}
}

func testTemplates(t *testing.T, h StaffHarness) {
	save := func(tp *beredskap.SMSTemplate) {
		t.Helper()
		fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error { return tx.SaveTemplate(ctx, tp) })
		if tp.UpdatedAt.IsZero() {
			t.Fatalf("SaveTemplate left UpdatedAt zero")
		}
	}
	nb := &beredskap.SMSTemplate{Key: "day2", Language: "nb", Body: "Hei {name}, karantenen varer til {last_day}. Ring {hotline}.", UpdatedBy: "admin@helsedir.no"}
	ar := &beredskap.SMSTemplate{Key: "day2", Language: "ar", Body: "مرحبا {name}، الحجر الصحي حتى {last_day}", UpdatedBy: "admin@helsedir.no"}
	en := &beredskap.SMSTemplate{Key: "day5", Language: "en", Body: "Hello {name}", UpdatedBy: "admin@helsedir.no"}
	save(nb)
	save(ar)
	save(en)
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		got, err := tx.FindTemplate(ctx, "day2", "ar")
		if err != nil {
			return err
		}
		if asJSON(t, got) != asJSON(t, ar) {
			t.Errorf("FindTemplate\n got %s\nwant %s", asJSON(t, got), asJSON(t, ar))
		}
		_, err = tx.FindTemplate(ctx, "day5", "nb")
		wantCode(t, err, beredskap.ENOTFOUND, "FindTemplate of a missing language")
		return nil
	})
	first := nb.UpdatedAt
	replaced := &beredskap.SMSTemplate{Key: "day2", Language: "nb", Body: "Hei {name}. Ring {hotline}.", UpdatedBy: "other@helsedir.no"}
	save(replaced)
	if !replaced.UpdatedAt.After(first) {
		t.Errorf("UpdatedAt %v of the replacement; want after %v", replaced.UpdatedAt, first)
	}
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		all, err := tx.ListTemplates(ctx)
		if err != nil {
			return err
		}
		want := []*beredskap.SMSTemplate{ar, replaced, en}
		if asJSON(t, all) != asJSON(t, want) {
			t.Errorf("ListTemplates\n got %s\nwant %s (by key and language, the replacement in place)", asJSON(t, all), asJSON(t, want))
		}
		return nil
	})
}

// noticeFor returns a labour notice about the employer for report r, not
// yet stored: for an odd report one made before the fixed list (the
// operator's words), for an even one naming what was suspected.
func noticeFor(r *beredskap.CallReport, org, name string) *beredskap.LabourNotice {
	n := &beredskap.LabourNotice{
		ReportID: r.ID, OrgNumber: org, EmployerName: name, Municipality: r.Municipality, ArrivalDate: "2021-01-03",
	}
	if r.ID%2 == 1 {
		n.Suspicion = fmt.Sprintf("arbeider sammen med andre (%d)", r.ID)
	} else {
		n.Suspected = []beredskap.EmployerSuspicion{beredskap.SuspectWorkInQuarantine, beredskap.SuspectPlaceUnsuitable}
	}
	return n
}
