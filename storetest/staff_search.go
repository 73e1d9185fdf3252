package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"beredskap"
)

// searchAll returns the seqs of every entry the filter selects, page by
// page, checking that each page is oldest first and within the limit.
func searchAll(t *testing.T, h StaffHarness, f beredskap.AuditFilter) []int64 {
	t.Helper()
	var seqs []int64
	for range 1000 {
		var page []*beredskap.AuditEntry
		var next string
		view(t, h, func(ctx context.Context, tx beredskap.StaffTx) (err error) {
			page, next, err = tx.SearchAudit(ctx, f)
			return err
		})
		if f.Limit > 0 && len(page) > f.Limit {
			t.Fatalf("page of %d; limit %d", len(page), f.Limit)
		}
		for _, e := range page {
			if len(seqs) > 0 && e.Seq <= seqs[len(seqs)-1] {
				t.Fatalf("entry %d after %d; want oldest first", e.Seq, seqs[len(seqs)-1])
			}
			seqs = append(seqs, e.Seq)
		}
		if next == "" {
			return seqs
		}
		f.PageToken = next
	}
	t.Fatal("SearchAudit pages do not end")
	return nil
}

func testSearchAudit(t *testing.T, h StaffHarness) {
	r1, r2, r3 := beredskap.NewReceipt(), beredskap.NewReceipt(), beredskap.NewReceipt()
	rec := func(actor, action, object string, subjects ...string) beredskap.AuditRecord {
		r := auditRecord(0)
		r.Actor, r.Action, r.Object, r.Subjects = actor, action, object, subjects
		return r
	}
	const kari, ola = "kari@oslo.kommune.no", "ola@helfo.no"
	stored := appendAudit(t, h,
		rec(kari, "registration.list", "municipality:0301", r1, r2),     // 1
		rec(kari, "registration.read", "registration:"+r1, r1),          // 2
		rec(ola, "audit.search", "registration:"+r1),                    // 3
		rec(kari, "registration.read", "registration:"+r2, r2, r2),      // 4
		rec(ola, "access_order.approve", "access_order:3"),              // 5
		rec(kari, "registration.list", "municipality:0301", r2, r1, r3), // 6
		rec("anonymous", "login", "user:9"),                             // 7
	)
	if g := stored[3].Subjects; len(g) != 2 {
		t.Errorf("stored subjects %v; want both, as given", g)
	}
	for _, tt := range []struct {
		f    beredskap.AuditFilter
		want string
	}{
		{beredskap.AuditFilter{}, "[1 2 3 4 5 6 7]"},
		{beredskap.AuditFilter{Receipt: r1}, "[1 2 6]"},
		{beredskap.AuditFilter{Receipt: r2}, "[1 4 6]"},
		{beredskap.AuditFilter{Receipt: r3}, "[6]"},
		{beredskap.AuditFilter{Receipt: beredskap.NewReceipt()}, "[]"},
		{beredskap.AuditFilter{Actor: kari}, "[1 2 4 6]"},
		{beredskap.AuditFilter{Actor: ola, Limit: 1}, "[3 5]"},
		{beredskap.AuditFilter{Action: "registration.read"}, "[2 4]"},
		{beredskap.AuditFilter{Object: "registration:" + r1}, "[2 3]"},
		{beredskap.AuditFilter{Actor: kari, Receipt: r1, Action: "registration.list"}, "[1 6]"},
		{beredskap.AuditFilter{From: stored[2].At}, "[3 4 5 6 7]"},
		{beredskap.AuditFilter{To: stored[2].At}, "[1 2]"},
		{beredskap.AuditFilter{From: stored[1].At, To: stored[5].At, Actor: kari}, "[2 4]"},
		{beredskap.AuditFilter{From: stored[6].At.Add(time.Microsecond)}, "[]"},
	} {
		if got := fmt.Sprint(searchAll(t, h, tt.f)); got != tt.want {
			t.Errorf("SearchAudit(%+v) = %s; want %s", tt.f, got, tt.want)
		}
	}
	var found []*beredskap.AuditEntry
	view(t, h, func(ctx context.Context, tx beredskap.StaffTx) (err error) {
		found, _, err = tx.SearchAudit(ctx, beredskap.AuditFilter{Receipt: r3})
		return err
	})
	if len(found) != 1 || asJSON(t, found[0]) != asJSON(t, stored[5]) {
		t.Errorf("found %s; want the stored entry %s", asJSON(t, found), asJSON(t, stored[5]))
	}
}

func testSearchAuditPaging(t *testing.T, h StaffHarness) {
	const n = 230
	shared := beredskap.NewReceipt()
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
		for i := range n {
			r := auditRecord(i + 1)
			if i%4 == 0 {
				r.Actor = "pager@helfo.no"
			}
			if i%10 == 0 {
				r.Subjects = append(r.Subjects, shared, "", shared)
			}
			if _, err := tx.Audit(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	page := func(f beredskap.AuditFilter) ([]*beredskap.AuditEntry, string, error) {
		var es []*beredskap.AuditEntry
		var next string
		err := h.Store.View(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) (err error) {
			es, next, err = tx.SearchAudit(ctx, f)
			return err
		})
		return es, next, err
	}
	if es, next, err := page(beredskap.AuditFilter{}); err != nil || len(es) != 50 || next == "" || es[0].Seq != 1 {
		t.Errorf("default page: %d entries from %v, next %q, %v; want 50 from 1 and a token", len(es), firstSeq(es), next, err)
	}
	if es, _, err := page(beredskap.AuditFilter{Limit: 1000}); err != nil || len(es) != beredskap.MaxPageSize {
		t.Errorf("page asking for 1000: %d entries, %v; want %d", len(es), err, beredskap.MaxPageSize)
	}
	if got := searchAll(t, h, beredskap.AuditFilter{Limit: 7}); len(got) != n || got[n-1] != n {
		t.Errorf("paging by 7 gave %d entries; want %d ending at %d", len(got), n, n)
	}
	want := ""
	for s := 1; s <= n; s += 4 {
		want += fmt.Sprint(s, " ")
	}
	got := ""
	for _, s := range searchAll(t, h, beredskap.AuditFilter{Actor: "pager@helfo.no", Limit: 9}) {
		got += fmt.Sprint(s, " ")
	}
	if got != want {
		t.Errorf("paged search by actor: %s; want %s", got, want)
	}
	want = ""
	for s := 1; s <= n; s += 10 {
		want += fmt.Sprint(s, " ")
	}
	got = ""
	for _, s := range searchAll(t, h, beredskap.AuditFilter{Receipt: shared, Limit: 4}) {
		got += fmt.Sprint(s, " ")
	}
	if got != want {
		t.Errorf("paged search by receipt: %s; want %s", got, want)
	}
	_, _, err := page(beredskap.AuditFilter{PageToken: "x!"})
	assertCode(t, err, beredskap.EINVALID, "page_token")
}

func firstSeq(es []*beredskap.AuditEntry) any {
	if len(es) == 0 {
		return nil
	}
	return es[0].Seq
}

func testRollback(t *testing.T, h StaffHarness) {
	ctx := context.Background()
	appendN(t, h, 2)
	boom := errors.New("boom")
	err := h.Store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		u := staffUser("gone@oslo.kommune.no", "Gone", "Away")
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.AddGrant(ctx, municipalGrant(u.ID, beredskap.RoleMunicipalStaff, "0301")); err != nil {
			return err
		}
		s := &beredskap.Session{ID: "gone-session", UserID: u.ID, Stage: beredskap.StageActive,
			CreatedAt: staffStart, LastSeenAt: staffStart, ExpiresAt: staffStart.Add(1e12)}
		if err := tx.CreateSession(ctx, s); err != nil {
			return err
		}
		if err := tx.CreateAccessOrder(ctx, accessOrder("gone@oslo.kommune.no", "0301", beredskap.OrderPending)); err != nil {
			return err
		}
		for i := range 3 {
			if _, err := tx.Audit(ctx, auditRecord(100+i)); err != nil {
				return err
			}
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v; want fn's error", err)
	}
	view(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
		_, err := tx.FindUserByEmail(ctx, "gone@oslo.kommune.no")
		wantCode(t, err, beredskap.ENOTFOUND, "FindUserByEmail after a rollback")
		_, err = tx.FindSession(ctx, "gone-session")
		wantCode(t, err, beredskap.ENOTFOUND, "FindSession after a rollback")
		orders, _, err := tx.ListAccessOrders(ctx, beredskap.AccessOrderFilter{})
		if err != nil || len(orders) != 0 {
			t.Errorf("ListAccessOrders after a rollback: %d, %v; want none", len(orders), err)
		}
		return nil
	})
	if got := len(scanAll(t, h)); got != 2 {
		t.Errorf("%d audit entries after a rollback; want the 2 before it", got)
	}
	next := appendN(t, h, 1)[0]
	if next.Seq != 3 {
		t.Errorf("entry after a rollback has seq %d; want 3", next.Seq)
	}
	if b, _ := verifyChain(t, h); b != nil {
		t.Errorf("chain after a rollback: %v", b)
	}
	// The rolled-back e-mail and order are free again.
	createUser(t, h, staffUser("gone@oslo.kommune.no", "Back", "Again"))
	if err := createOrder(h, accessOrder("gone@oslo.kommune.no", "0301", beredskap.OrderPending)); err != nil {
		t.Errorf("order after a rollback: %v", err)
	}
}

func testRegistrationsInTx(t *testing.T, h StaffHarness) {
	ctx := context.Background()
	var oslo, bergen []*beredskap.StoredRegistration
	for i := range 5 {
		oslo = append(oslo, mustCreate(t, h.Registrations, newRegistration(i, "0301", "", "")))
	}
	for i := range 3 {
		bergen = append(bergen, mustCreate(t, h.Registrations, newRegistration(10+i, "4601", "", "")))
	}
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
		reg, err := tx.FindRegistration(ctx, oslo[2].Receipt, "0301")
		if err != nil {
			return err
		}
		if asJSON(t, reg) != asJSON(t, oslo[2]) {
			t.Errorf("FindRegistration\n got %s\nwant %s", asJSON(t, reg), asJSON(t, oslo[2]))
		}
		if reg, err := tx.FindRegistration(ctx, bergen[0].Receipt, ""); err != nil || reg.Receipt != bergen[0].Receipt {
			t.Errorf("FindRegistration with no municipality: %v", err)
		}
		_, err = tx.FindRegistration(ctx, bergen[0].Receipt, "0301")
		wantCode(t, err, beredskap.ENOTFOUND, "FindRegistration of another municipality's registration")
		_, err = tx.FindRegistration(ctx, beredskap.NewReceipt(), "")
		wantCode(t, err, beredskap.ENOTFOUND, "FindRegistration of an unknown receipt")
		unknown := beredskap.NewReceipt()
		found, err := tx.FindRegistrations(ctx, []string{oslo[2].Receipt, bergen[0].Receipt, unknown, oslo[0].Receipt}, "0301")
		if err != nil {
			return err
		}
		if len(found) != 2 || found[oslo[2].Receipt] == nil || found[oslo[0].Receipt] == nil ||
			asJSON(t, found[oslo[2].Receipt]) != asJSON(t, oslo[2]) {
			t.Errorf("FindRegistrations in 0301: %d found; want oslo[2] and oslo[0] only", len(found))
		}
		if found, err := tx.FindRegistrations(ctx, []string{bergen[0].Receipt, oslo[1].Receipt}, ""); err != nil || len(found) != 2 {
			t.Errorf("FindRegistrations with no municipality: %d found, %v; want 2", len(found), err)
		}
		if found, err := tx.FindRegistrations(ctx, nil, ""); err != nil || len(found) != 0 {
			t.Errorf("FindRegistrations of none: %d found, %v", len(found), err)
		}

		regs, next, err := tx.ListRegistrations(ctx, beredskap.RegistrationFilter{Municipality: "0301", Limit: 3})
		if err != nil {
			return err
		}
		if len(regs) != 3 || next == "" || regs[0].Receipt != oslo[4].Receipt {
			t.Fatalf("ListRegistrations: %d, next %q; want the 3 newest of 0301 and a token", len(regs), next)
		}
		rest, next, err := tx.ListRegistrations(ctx, beredskap.RegistrationFilter{Municipality: "0301", Limit: 3, PageToken: next})
		if err != nil {
			return err
		}
		if len(rest) != 2 || next != "" || rest[1].Receipt != oslo[0].Receipt {
			t.Errorf("second page: %d, next %q; want the 2 oldest of 0301", len(rest), next)
		}
		subjects := make([]string, 0, len(regs))
		for _, r := range regs {
			subjects = append(subjects, r.Receipt)
		}
		rec := auditRecord(1)
		rec.Action, rec.Object, rec.Subjects = "registration.list", "municipality:0301", subjects
		_, err = tx.Audit(ctx, rec)
		return err
	})
	err := h.Store.View(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		all, _, err := tx.ListRegistrations(ctx, beredskap.RegistrationFilter{})
		if err == nil && len(all) != 8 {
			t.Errorf("ListRegistrations of all: %d; want 8", len(all))
		}
		es, _, err2 := tx.SearchAudit(ctx, beredskap.AuditFilter{Receipt: oslo[3].Receipt})
		if err2 == nil && len(es) != 1 {
			t.Errorf("audit entries about a listed registration: %d; want 1", len(es))
		}
		_, _, err3 := tx.ListRegistrations(ctx, beredskap.RegistrationFilter{PageToken: "bad token"})
		if beredskap.ErrorCode(err3) != beredskap.EINVALID {
			t.Errorf("ListRegistrations with a bad token: %v; want EINVALID", err3)
		}
		return errors.Join(err, err2)
	})
	if err != nil {
		t.Fatal(err)
	}
}
