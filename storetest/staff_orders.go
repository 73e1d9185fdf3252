package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"beredskap"
)

// accessOrder returns a realistic order for the person in the municipality,
// not yet stored.
func accessOrder(email, municipality string, status beredskap.OrderStatus) *beredskap.AccessOrder {
	return &beredskap.AccessOrder{
		Kind: beredskap.OrderGrant, Status: status,
		FirstName: "Mari", LastName: "Solberg", Email: email, Mobile: "+4791122334",
		County: municipality[:2], Municipality: municipality, Position: "helsesekretær",
		Role: beredskap.RoleMunicipalStaff, ServiceNeed: "oppfølging av innreisende i karantene",
		OrderedBy: "lege@" + municipality + ".kommune.no",
	}
}

// createOrder stores o in its own Update and returns the error.
func createOrder(h StaffHarness, o *beredskap.AccessOrder) error {
	return h.Store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		return tx.CreateAccessOrder(ctx, o)
	})
}

// setStatus stores a new status of o in its own Update.
func setStatus(t *testing.T, h StaffHarness, o *beredskap.AccessOrder, s beredskap.OrderStatus) {
	t.Helper()
	o.Status, o.DecidedBy, o.UpdatedAt = s, "admin@helfo.no", o.UpdatedAt.Add(time.Minute)
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error { return tx.UpdateAccessOrder(ctx, o) })
}

func findOrder(t *testing.T, h StaffHarness, id int64) *beredskap.AccessOrder {
	t.Helper()
	var o *beredskap.AccessOrder
	view(t, h, func(ctx context.Context, tx beredskap.StaffTx) (err error) {
		o, err = tx.FindAccessOrder(ctx, id)
		return err
	})
	return o
}

func testAccessOrders(t *testing.T, h StaffHarness) {
	validTo := time.Date(2021, 6, 30, 22, 0, 0, 0, time.UTC)
	o := accessOrder("Mari.Solberg@Oslo.Kommune.no", "0301", beredskap.OrderAwaitingConfirmation)
	o.ValidTo = &validTo
	o.SelfFiled, o.OrderedBy, o.OfficerEmail = true, "mari.solberg@oslo.kommune.no", "lege@oslo.kommune.no"
	if err := createOrder(h, o); err != nil {
		t.Fatalf("CreateAccessOrder: %v", err)
	}
	if o.ID == 0 || o.CreatedAt.IsZero() || !o.UpdatedAt.Equal(o.CreatedAt) {
		t.Fatalf("CreateAccessOrder set ID %d CreatedAt %v UpdatedAt %v; want an id and both times equal", o.ID, o.CreatedAt, o.UpdatedAt)
	}
	if o.Email != "mari.solberg@oslo.kommune.no" {
		t.Errorf("Email %q; want it in lower case", o.Email)
	}
	if g, w := asJSON(t, findOrder(t, h, o.ID)), asJSON(t, o); g != w {
		t.Errorf("found order\n got %s\nwant %s", g, w)
	}
	c := *o
	c.Status, c.ConfirmedBy, c.DecidedBy, c.Reason = beredskap.OrderApproved, "lege@oslo.kommune.no", "admin@helfo.no", ""
	c.UserID, c.UpdatedAt = 42, o.CreatedAt.Add(3*time.Hour)
	c.FirstName, c.Municipality = "Endret", "4601" // not stored
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error { return tx.UpdateAccessOrder(ctx, &c) })
	want := c
	want.FirstName, want.Municipality = o.FirstName, o.Municipality
	if g, w := asJSON(t, findOrder(t, h, o.ID)), asJSON(t, &want); g != w {
		t.Errorf("updated order\n got %s\nwant %s", g, w)
	}
	err := h.Store.View(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		_, err := tx.FindAccessOrder(ctx, o.ID+1000)
		return err
	})
	wantCode(t, err, beredskap.ENOTFOUND, "FindAccessOrder of an unknown id")
}

func testAccessOrderDuplicate(t *testing.T, h StaffHarness) {
	first := accessOrder("kim@oslo.kommune.no", "0301", beredskap.OrderAwaitingConfirmation)
	if err := createOrder(h, first); err != nil {
		t.Fatalf("first order: %v", err)
	}
	err := createOrder(h, accessOrder("KIM@oslo.kommune.no", "0301", beredskap.OrderPending))
	wantCode(t, err, beredskap.ECONFLICT, "a second open order for the same person and municipality")
	if err := createOrder(h, accessOrder("kim@oslo.kommune.no", "4601", beredskap.OrderPending)); err != nil {
		t.Errorf("an order for another municipality: %v", err)
	}
	setStatus(t, h, first, beredskap.OrderPending)
	err = createOrder(h, accessOrder("kim@oslo.kommune.no", "0301", beredskap.OrderPending))
	wantCode(t, err, beredskap.ECONFLICT, "a second order while the first is pending")

	setStatus(t, h, first, beredskap.OrderRejected)
	second := accessOrder("kim@oslo.kommune.no", "0301", beredskap.OrderPending)
	if err := createOrder(h, second); err != nil {
		t.Fatalf("an order after the first was rejected: %v", err)
	}
	setStatus(t, h, second, beredskap.OrderApproved)
	removal := accessOrder("kim@oslo.kommune.no", "0301", beredskap.OrderPending)
	removal.Kind = beredskap.OrderRemove
	if err := createOrder(h, removal); err != nil {
		t.Fatalf("an order after the second was approved: %v", err)
	}
	// Reopening a decided order while another is open is a conflict too.
	first.Status = beredskap.OrderPending
	err = h.Store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		return tx.UpdateAccessOrder(ctx, first)
	})
	wantCode(t, err, beredskap.ECONFLICT, "reopening an order beside an open one")
}

func testListAccessOrders(t *testing.T, h StaffHarness) {
	specs := []struct {
		municipality string
		status       beredskap.OrderStatus
	}{
		{"0301", beredskap.OrderPending},
		{"4601", beredskap.OrderPending},
		{"0301", beredskap.OrderAwaitingConfirmation},
		{"0301", beredskap.OrderApproved},
		{"0301", beredskap.OrderPending},
		{"4601", beredskap.OrderRejected},
		{"0301", beredskap.OrderRejected},
	}
	ids := make([]int64, len(specs))
	for i, s := range specs {
		o := accessOrder(fmt.Sprintf("person%d@example.no", i), s.municipality, s.status)
		if err := createOrder(h, o); err != nil {
			t.Fatalf("order %d: %v", i, err)
		}
		ids[i] = o.ID
	}
	list := func(f beredskap.AccessOrderFilter) []int {
		t.Helper()
		var got []int
		for range 100 {
			var page []*beredskap.AccessOrder
			var next string
			view(t, h, func(ctx context.Context, tx beredskap.StaffTx) (err error) {
				page, next, err = tx.ListAccessOrders(ctx, f)
				return err
			})
			if f.Limit > 0 && len(page) > f.Limit {
				t.Fatalf("page of %d; limit %d", len(page), f.Limit)
			}
			for _, o := range page {
				got = append(got, indexOfID(ids, o.ID))
			}
			if next == "" {
				return got
			}
			f.PageToken = next
		}
		t.Fatal("ListAccessOrders pages do not end")
		return nil
	}
	open := []beredskap.OrderStatus{beredskap.OrderAwaitingConfirmation, beredskap.OrderPending}
	for _, tt := range []struct {
		f    beredskap.AccessOrderFilter
		want string
	}{
		{beredskap.AccessOrderFilter{}, "[6 5 4 3 2 1 0]"},
		{beredskap.AccessOrderFilter{Limit: 2}, "[6 5 4 3 2 1 0]"},
		{beredskap.AccessOrderFilter{Municipality: "0301", Limit: 2}, "[6 4 3 2 0]"},
		{beredskap.AccessOrderFilter{Statuses: open}, "[4 2 1 0]"},
		{beredskap.AccessOrderFilter{Statuses: open, Municipality: "0301", Limit: 1}, "[4 2 0]"},
		{beredskap.AccessOrderFilter{Statuses: []beredskap.OrderStatus{beredskap.OrderRejected}}, "[6 5]"},
		{beredskap.AccessOrderFilter{Municipality: "1103"}, "[]"},
	} {
		if got := fmt.Sprint(list(tt.f)); got != tt.want {
			t.Errorf("ListAccessOrders(%+v) = %s; want %s (indexes in creation order)", tt.f, got, tt.want)
		}
	}
	err := h.Store.View(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		_, _, err := tx.ListAccessOrders(ctx, beredskap.AccessOrderFilter{PageToken: "%%%"})
		return err
	})
	assertCode(t, err, beredskap.EINVALID, "page_token")
}

func indexOfID(ids []int64, id int64) int {
	for i, x := range ids {
		if x == id {
			return i
		}
	}
	return -1
}
