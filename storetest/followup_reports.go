package storetest

import (
	"context"
	"testing"
	"time"

	"beredskap"
)

// reportOn returns a report of a reached call on plan p with no breach, not
// yet stored.
func reportOn(p *beredskap.FollowUpPlan) *beredskap.CallReport {
	return &beredskap.CallReport{
		PlanID: p.ID, Receipt: p.Receipt, Municipality: p.Municipality, Operator: "op@helsedir.no",
		Outcome: beredskap.CallReached, Language: p.Language, Understood: beredskap.UnderstoodYes,
		StayingAt: "Storgata 1, 0155 Oslo",
	}
}

// breachOn returns a report on plan p that suspects a breach.
func breachOn(p *beredskap.FollowUpPlan) *beredskap.CallReport {
	r := reportOn(p)
	r.Breaches, r.BreachText = []beredskap.BreachKind{beredskap.BreachWorkplace}, "på jobb"
	return r
}

// createReports stores the reports, each in a transaction of its own.
func createReports(t *testing.T, h StaffHarness, rs ...*beredskap.CallReport) {
	t.Helper()
	for _, r := range rs {
		fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error { return tx.CreateCallReport(ctx, r) })
		if r.ID == 0 || r.CreatedAt.IsZero() {
			t.Fatalf("CreateCallReport: ID %d, CreatedAt %v; want them set", r.ID, r.CreatedAt)
		}
	}
}

// reportIDs returns the ids of reports, in order.
func reportIDs(rs []*beredskap.CallReport) []int64 {
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

func testCallReports(t *testing.T, h StaffHarness) {
	p := newPlan(t, h, "0301", nil)
	other := newPlan(t, h, "0301", nil)
	full := reportOn(p)
	full.Interpreter, full.Understood, full.Language = true, beredskap.UnderstoodPartly, "ar"
	full.Breaches = []beredskap.BreachKind{beredskap.BreachNotAtAddress, beredskap.BreachPublicTransport, beredskap.BreachOther}
	full.BreachText, full.EmployerBreach = "tok bussen; «annet»", true
	full.EmployerOrg, full.EmployerName, full.EmployerText = "974760673", "Bygg & Anlegg AS", "bor på brakke med 12 andre"
	full.EmployerSuspected = []beredskap.EmployerSuspicion{beredskap.SuspectSharedLodging, beredskap.SuspectNoConfirmation}
	missed := reportOn(p)
	missed.Outcome, missed.Understood, missed.StayingAt = beredskap.CallNotReached, "", ""
	elsewhere := reportOn(other)
	createReports(t, h, full, missed, elsewhere)
	if !full.BreachSuspected() || missed.BreachSuspected() {
		t.Errorf("BreachSuspected: %v, %v; want true, false", full.BreachSuspected(), missed.BreachSuspected())
	}
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		got, err := tx.FindCallReport(ctx, full.ID)
		if err != nil {
			return err
		}
		if fuJSON(t, got) != fuJSON(t, full) {
			t.Errorf("FindCallReport\n got %s\nwant %s", fuJSON(t, got), fuJSON(t, full))
		}
		got, err = tx.FindCallReport(ctx, missed.ID)
		if err != nil {
			return err
		}
		if fuJSON(t, got) != fuJSON(t, missed) {
			t.Errorf("FindCallReport without breaches\n got %s\nwant %s", fuJSON(t, got), fuJSON(t, missed))
		}
		_, err = tx.FindCallReport(ctx, elsewhere.ID+100)
		wantCode(t, err, beredskap.ENOTFOUND, "FindCallReport of an unknown id")
		found, err := tx.FindCallReports(ctx, []int64{missed.ID, elsewhere.ID + 100, full.ID})
		if err != nil {
			return err
		}
		if len(found) != 2 {
			t.Errorf("FindCallReports: %d found; want 2", len(found))
		}
		for _, r := range found {
			if want := map[int64]*beredskap.CallReport{full.ID: full, missed.ID: missed}[r.ID]; want == nil || fuJSON(t, r) != fuJSON(t, want) {
				t.Errorf("FindCallReports returned %s", fuJSON(t, r))
			}
		}
		rs, err := tx.ListCallReports(ctx, p.ID)
		if err != nil {
			return err
		}
		if got, want := reportIDs(rs), []int64{full.ID, missed.ID}; !sameIDs(got, want) {
			t.Errorf("ListCallReports: %v; want the plan's, oldest first, %v", got, want)
		}
		return nil
	})
}

func testCallReportsImmutable(t *testing.T, h StaffHarness) {
	p := newPlan(t, h, "0301", nil)
	r := reportOn(p)
	createReports(t, h, r)
	ctx := context.Background()
	if err := h.Exec(ctx, "UPDATE call_reports SET operator = "+h.Placeholder(1), "mallory@example.com"); err == nil {
		t.Error("UPDATE of call_reports succeeded; want reports immutable")
	}
	if err := h.Exec(ctx, "DELETE FROM call_reports"); err == nil {
		t.Error("DELETE from call_reports succeeded; want reports immutable")
	}
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		got, err := tx.FindCallReport(ctx, r.ID)
		if err == nil && fuJSON(t, got) != fuJSON(t, r) {
			t.Errorf("report after the refused changes\n got %s\nwant %s", fuJSON(t, got), fuJSON(t, r))
		}
		return err
	})
}

func testCallReportCorrections(t *testing.T, h StaffHarness) {
	p := newPlan(t, h, "0301", nil)
	other := newPlan(t, h, "0301", nil)
	wrong := breachOn(p)
	foreign := reportOn(other)
	createReports(t, h, wrong, foreign)
	fix := reportOn(p)
	fix.Corrects = wrong.ID
	createReports(t, h, fix)
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		got, err := tx.FindCallReport(ctx, fix.ID)
		if err == nil && got.Corrects != wrong.ID {
			t.Errorf("Corrects %d; want %d", got.Corrects, wrong.ID)
		}
		return err
	})
	s := fuStore(t, h)
	create := func(r *beredskap.CallReport) error {
		return s.UpdateFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
			return tx.CreateCallReport(ctx, r)
		})
	}
	again := reportOn(p)
	again.Corrects = wrong.ID
	wantCode(t, create(again), beredskap.ECONFLICT, "a second correction of a report")
	cross := reportOn(p)
	cross.Corrects = foreign.ID
	wantCode(t, create(cross), beredskap.ECONFLICT, "a correction of another plan's report")
	unknown := reportOn(p)
	unknown.Corrects = fix.ID + 100
	if err := create(unknown); err == nil {
		t.Error("a correction of an unknown report was stored; want an error")
	}
	// The correction may itself be corrected.
	fix2 := breachOn(p)
	fix2.Corrects = fix.ID
	createReports(t, h, fix2)
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		rs, err := tx.ListCallReports(ctx, p.ID)
		if err == nil && !sameIDs(reportIDs(rs), []int64{wrong.ID, fix.ID, fix2.ID}) {
			t.Errorf("ListCallReports: %v; want %v (corrected ones included, refused ones not)", reportIDs(rs), []int64{wrong.ID, fix.ID, fix2.ID})
		}
		return err
	})
}

func testReportsAfter(t *testing.T, h StaffHarness) {
	oslo := newPlan(t, h, "0301", nil)
	bergen := newPlan(t, h, "4601", nil)
	var mine []*beredskap.CallReport
	for i := range 5 {
		r := reportOn(oslo)
		createReports(t, h, r)
		mine = append(mine, r)
		if i%2 == 0 {
			createReports(t, h, breachOn(bergen))
		}
	}
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		rs, err := tx.ReportsAfter(ctx, "0301", 0, 100)
		if err != nil {
			return err
		}
		if want := reportIDs(mine); !sameIDs(reportIDs(rs), want) {
			t.Errorf("ReportsAfter(0301, 0): %v; want %v (never another municipality's)", reportIDs(rs), want)
		}
		if len(rs) > 0 && fuJSON(t, rs[0]) != fuJSON(t, mine[0]) {
			t.Errorf("ReportsAfter[0]\n got %s\nwant %s", fuJSON(t, rs[0]), fuJSON(t, mine[0]))
		}
		rs, err = tx.ReportsAfter(ctx, "0301", mine[1].ID, 2)
		if err != nil {
			return err
		}
		if want := reportIDs(mine[2:4]); !sameIDs(reportIDs(rs), want) {
			t.Errorf("ReportsAfter(0301, %d, 2): %v; want %v", mine[1].ID, reportIDs(rs), want)
		}
		rs, err = tx.ReportsAfter(ctx, "4601", 0, 100)
		if err == nil && len(rs) != 3 {
			t.Errorf("ReportsAfter(4601): %d; want 3", len(rs))
		}
		for _, r := range rs {
			if r.Municipality != "4601" {
				t.Errorf("ReportsAfter(4601) returned report %d of %s", r.ID, r.Municipality)
			}
		}
		rs, err = tx.ReportsAfter(ctx, "0301", mine[4].ID, 100)
		if err == nil && len(rs) != 0 {
			t.Errorf("ReportsAfter the newest: %v; want none", reportIDs(rs))
		}
		return err
	})
}

func testLabourNotices(t *testing.T, h StaffHarness) {
	p := newPlan(t, h, "0301", nil)
	var ns []*beredskap.LabourNotice
	for i := range 7 {
		r := breachOn(p)
		r.EmployerBreach, r.EmployerOrg, r.EmployerName = true, "974760673", "Bygg & Anlegg AS"
		if i%3 == 2 {
			r.EmployerOrg, r.EmployerName = "923609016", "Fisk AS"
		}
		createReports(t, h, r)
		n := noticeFor(r, r.EmployerOrg, r.EmployerName)
		fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error { return tx.CreateLabourNotice(ctx, n) })
		if n.ID == 0 || n.CreatedAt.IsZero() {
			t.Fatalf("CreateLabourNotice: ID %d, CreatedAt %v; want them set", n.ID, n.CreatedAt)
		}
		ns = append(ns, n)
	}
	ids := func(ns []*beredskap.LabourNotice) []int64 {
		out := make([]int64, len(ns))
		for i, n := range ns {
			out[i] = n.ID
		}
		return out
	}
	newestFirst := func(ns []*beredskap.LabourNotice) []int64 {
		out := ids(ns)
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
		return out
	}
	all := func(f beredskap.NoticeFilter) []*beredskap.LabourNotice {
		t.Helper()
		var out []*beredskap.LabourNotice
		fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
			for range 100 {
				page, next, err := tx.ListLabourNotices(ctx, f)
				if err != nil {
					return err
				}
				if f.Limit > 0 && len(page) > f.Limit {
					t.Fatalf("page of %d; limit %d", len(page), f.Limit)
				}
				out = append(out, page...)
				if next == "" {
					return nil
				}
				f.PageToken = next
			}
			t.Fatal("paging does not end")
			return nil
		})
		return out
	}
	got := all(beredskap.NoticeFilter{})
	if !sameIDs(ids(got), newestFirst(ns)) {
		t.Errorf("ListLabourNotices: %v; want %v", ids(got), newestFirst(ns))
	}
	// Every notice reads back as stored, those naming what was suspected
	// and those in the operator's words alike.
	for i, n := range got {
		if want := ns[len(ns)-1-i]; i < len(ns) && asJSON(t, n) != asJSON(t, want) {
			t.Errorf("ListLabourNotices[%d]\n got %s\nwant %s", i, asJSON(t, n), asJSON(t, want))
		}
	}
	if got := all(beredskap.NoticeFilter{Limit: 3}); !sameIDs(ids(got), newestFirst(ns)) {
		t.Errorf("ListLabourNotices by pages of 3: %v; want %v", ids(got), newestFirst(ns))
	}
	fisk := []*beredskap.LabourNotice{ns[2], ns[5]}
	if got := all(beredskap.NoticeFilter{OrgNumber: "923609016", Limit: 1}); !sameIDs(ids(got), newestFirst(fisk)) {
		t.Errorf("ListLabourNotices of one employer: %v; want %v", ids(got), newestFirst(fisk))
	}
	window := beredskap.NoticeFilter{From: ns[2].CreatedAt, To: ns[5].CreatedAt, Limit: 2}
	if got := all(window); !sameIDs(ids(got), newestFirst(ns[2:5])) {
		t.Errorf("ListLabourNotices in [%v, %v): %v; want %v", window.From, window.To, ids(got), newestFirst(ns[2:5]))
	}
	err := fuStore(t, h).ViewFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
		_, _, err := tx.ListLabourNotices(ctx, beredskap.NoticeFilter{PageToken: "not a token!"})
		return err
	})
	wantCode(t, err, beredskap.EINVALID, "ListLabourNotices with a malformed token")
}

func testDigestPrefs(t *testing.T, h StaffHarness) {
	a := createUser(t, h, staffUser("a@oslo.kommune.no", "A", "A"))
	b := createUser(t, h, staffUser("b@oslo.kommune.no", "B", "B"))
	c := createUser(t, h, staffUser("c@oslo.kommune.no", "C", "C"))
	save := func(p *beredskap.DigestPref) {
		t.Helper()
		fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error { return tx.SaveDigestPref(ctx, p) })
	}
	pa := &beredskap.DigestPref{UserID: a.ID, Mode: beredskap.DigestDaily}
	pb := &beredskap.DigestPref{UserID: b.ID, Mode: beredskap.DigestOff}
	pc := &beredskap.DigestPref{UserID: c.ID, Mode: beredskap.DigestImmediate, LastReportID: 12,
		LastSentAt: ptr(time.Date(2021, 1, 4, 7, 0, 0, 5000, time.UTC))}
	save(pc)
	save(pa)
	save(pb)
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		got, err := tx.FindDigestPref(ctx, c.ID)
		if err != nil {
			return err
		}
		if asJSON(t, got) != asJSON(t, pc) {
			t.Errorf("FindDigestPref\n got %s\nwant %s", asJSON(t, got), asJSON(t, pc))
		}
		_, err = tx.FindDigestPref(ctx, c.ID+100)
		wantCode(t, err, beredskap.ENOTFOUND, "FindDigestPref of a user without one")
		all, err := tx.ListDigestPrefs(ctx)
		if err != nil {
			return err
		}
		if want := []*beredskap.DigestPref{pa, pc}; asJSON(t, all) != asJSON(t, want) {
			t.Errorf("ListDigestPrefs\n got %s\nwant %s (by user, mode not off)", asJSON(t, all), asJSON(t, want))
		}
		return nil
	})
	// Saving again replaces the preference.
	pa2 := &beredskap.DigestPref{UserID: a.ID, Mode: beredskap.DigestOff, LastReportID: 40, LastSentAt: ptr(queueNow)}
	save(pa2)
	pb2 := &beredskap.DigestPref{UserID: b.ID, Mode: beredskap.DigestImmediate}
	save(pb2)
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		got, err := tx.FindDigestPref(ctx, a.ID)
		if err == nil && asJSON(t, got) != asJSON(t, pa2) {
			t.Errorf("FindDigestPref after a second save\n got %s\nwant %s", asJSON(t, got), asJSON(t, pa2))
		}
		all, err := tx.ListDigestPrefs(ctx)
		if want := []*beredskap.DigestPref{pb2, pc}; err == nil && asJSON(t, all) != asJSON(t, want) {
			t.Errorf("ListDigestPrefs after changes\n got %s\nwant %s", asJSON(t, all), asJSON(t, want))
		}
		return err
	})
	// A stale copy saved keeps the mode it carries but never moves the
	// progress back; a swap moves it only from where it is.
	stale := &beredskap.DigestPref{UserID: c.ID, Mode: beredskap.DigestDaily, LastReportID: 3}
	save(stale)
	swap := func(fromReport int64, fromSent *time.Time, toReport int64, toSent *time.Time) bool {
		t.Helper()
		var ok bool
		fuUpdate(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
			var err error
			ok, err = tx.SwapDigestProgress(ctx, c.ID, fromReport, fromSent, toReport, toSent)
			return err
		})
		return ok
	}
	later := ptr(time.Date(2021, 1, 5, 7, 0, 0, 0, time.UTC))
	if swap(3, nil, 20, later) {
		t.Errorf("SwapDigestProgress from a state the preference is not in succeeded")
	}
	if !swap(12, pc.LastSentAt, 20, later) {
		t.Errorf("SwapDigestProgress from the stored state failed")
	}
	if swap(12, pc.LastSentAt, 21, later) {
		t.Errorf("a second SwapDigestProgress from the old state succeeded")
	}
	fuView(t, h, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		got, err := tx.FindDigestPref(ctx, c.ID)
		want := &beredskap.DigestPref{UserID: c.ID, Mode: beredskap.DigestDaily, LastReportID: 20, LastSentAt: later}
		if err == nil && asJSON(t, got) != asJSON(t, want) {
			t.Errorf("after a stale save and a swap\n got %s\nwant %s", asJSON(t, got), asJSON(t, want))
		}
		return err
	})
}
