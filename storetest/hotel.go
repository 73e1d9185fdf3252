package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"beredskap"
)

// TestHotelStore runs the conformance suite for beredskap.HotelStore against
// the harness that open returns, a fresh one (an empty database) for each
// subtest. h.Store must implement beredskap.HotelStore. Stays and
// dispensations refer to registrations written through h.Registrations and
// delegations to users stored through h.Store; the receipts of impact
// changes are made up, so they must not be foreign keys.
//
// Conventions the suite fixes for both stores: CreateHotel, CreateStay,
// CreateDispensation, CreateDelegation and AddCapacityChange take CreatedAt
// from the clock, and UpdateHotel and UpdateStay take UpdatedAt from it;
// every instant is written back into the argument UTC to the microsecond,
// as it reads back. CreateImpactRun takes ComputedAt from the clock when it
// is zero. Empty and nil lists (TransferDocuments, Changes) are alike.
// ListHotels breaks ties of names by id; ListCapacityChanges, StaysOf,
// DispensationsOf and ListDelegations return oldest first by id;
// ListStays orders by FromDay, newest first, then id, newest first;
// ListDispensations by CreatedAt then id, newest first; ListImpactRuns by
// ComputedAt then id, newest first. RoomsTaken returns every night of
// from..to, zeros included, and is EINVALID when from or to is not a date
// or from is after to; a malformed page token is EINVALID. EndDelegation
// of a delegation that is unknown or ended, and UpdateStay,
// UpdateHotel, UpdateDispensation and MarkImpactNotified of an unknown id,
// are ENOTFOUND. ImpactChanges with a limit of 0 or less returns up to 50.
func TestHotelStore(t *testing.T, open func(t *testing.T) StaffHarness) {
	t.Run("HotelRoundTrip", func(t *testing.T) { testHotelRoundTrip(t, open(t)) })
	t.Run("ListHotels", func(t *testing.T) { testListHotels(t, open(t)) })
	t.Run("CapacityChanges", func(t *testing.T) { testCapacityChanges(t, open(t)) })
	t.Run("RoomsTaken", func(t *testing.T) { testRoomsTaken(t, open(t)) })
	t.Run("RoomsTakenBadDays", func(t *testing.T) { testRoomsTakenBadDays(t, open(t)) })
	t.Run("ConcurrentAllocation", func(t *testing.T) { testConcurrentAllocation(t, open(t)) })
	t.Run("HotelRollback", func(t *testing.T) { testHotelRollback(t, open(t)) })
	t.Run("StayRoundTrip", func(t *testing.T) { testStayRoundTrip(t, open(t)) })
	t.Run("StayUpdate", func(t *testing.T) { testStayUpdate(t, open(t)) })
	t.Run("ListStaysFilters", func(t *testing.T) { testListStaysFilters(t, open(t)) })
	t.Run("ListStaysPaging", func(t *testing.T) { testListStaysPaging(t, open(t)) })
	t.Run("Dispensations", func(t *testing.T) { testDispensations(t, open(t)) })
	t.Run("Delegations", func(t *testing.T) { testDelegations(t, open(t)) })
	t.Run("ImpactRuns", func(t *testing.T) { testImpactRuns(t, open(t)) })
	t.Run("ImpactChanges", func(t *testing.T) { testImpactChanges(t, open(t)) })
	t.Run("ActiveRegistrations", func(t *testing.T) { testActiveRegistrations(t, open(t)) })
	t.Run("LateImpactChanges", func(t *testing.T) { testLateImpactChanges(t, open(t)) })
	t.Run("RuleChangeNotices", func(t *testing.T) { testRuleChangeNotices(t, open(t)) })
}

// hStore returns the harness's store as a HotelStore.
func hStore(t *testing.T, h StaffHarness) beredskap.HotelStore {
	t.Helper()
	s, ok := h.Store.(beredskap.HotelStore)
	if !ok {
		t.Fatalf("%T does not implement beredskap.HotelStore", h.Store)
	}
	return s
}

// hUpdate runs fn in UpdateHotels and fails the test on an error.
func hUpdate(t *testing.T, h StaffHarness, fn func(ctx context.Context, tx beredskap.HotelTx) error) {
	t.Helper()
	if err := hStore(t, h).UpdateHotels(context.Background(), fn); err != nil {
		t.Fatalf("UpdateHotels: %v", err)
	}
}

// hView runs fn in ViewHotels and fails the test on an error.
func hView(t *testing.T, h StaffHarness, fn func(ctx context.Context, tx beredskap.HotelTx) error) {
	t.Helper()
	if err := hStore(t, h).ViewHotels(context.Background(), fn); err != nil {
		t.Fatalf("ViewHotels: %v", err)
	}
}

// hotelOf returns a realistic hotel of the municipality, not yet stored.
func hotelOf(municipality, name string, rooms int) *beredskap.QuarantineHotel {
	return &beredskap.QuarantineHotel{
		Municipality: municipality, Name: name, Address: "Dronning Eufemias gate 15", PostalCode: "0191",
		ContactName: "Kari Nordmann", ContactEmail: "karantenehotell@oslo.kommune.no", ContactPhone: "+4721802180",
		Rooms: rooms, Isolation: true, Active: true,
	}
}

// newHotel stores a hotel of the municipality in its own transaction.
func newHotel(t *testing.T, h StaffHarness, municipality, name string, rooms int) *beredskap.QuarantineHotel {
	t.Helper()
	ho := hotelOf(municipality, name, rooms)
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error { return tx.CreateHotel(ctx, ho) })
	if ho.ID == 0 {
		t.Fatal("CreateHotel left ID 0")
	}
	return ho
}

// findHotel reads the hotel with the id in a view.
func findHotel(t *testing.T, h StaffHarness, id int64) *beredskap.QuarantineHotel {
	t.Helper()
	var ho *beredskap.QuarantineHotel
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) (err error) {
		ho, err = tx.FindHotel(ctx, id)
		return err
	})
	return ho
}

// hJSON returns v as JSON with nil and empty lists alike, for comparing
// hotel records field by field.
func hJSON(t *testing.T, v any) string {
	t.Helper()
	switch x := v.(type) {
	case *beredskap.Stay:
		c := *x
		if len(c.TransferDocuments) == 0 {
			c.TransferDocuments = []string{}
		}
		v = &c
	case []*beredskap.ImpactChange:
		cs := make([]beredskap.ImpactChange, len(x))
		for i, c := range x {
			cs[i] = *c
			if len(cs[i].Changes) == 0 {
				cs[i].Changes = []string{}
			}
		}
		v = cs
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// ids returns the ids of records, in order.
func ids[T any](rs []T, id func(T) int64) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = id(r)
	}
	return out
}

func hotelID(h *beredskap.QuarantineHotel) int64 { return h.ID }

func testHotelRoundTrip(t *testing.T, h StaffHarness) {
	ho := hotelOf("0301", "Radisson Blu Oslo Airport", 120)
	ho.Isolation = false
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error { return tx.CreateHotel(ctx, ho) })
	if ho.ID == 0 || ho.CreatedAt.IsZero() || !ho.UpdatedAt.Equal(ho.CreatedAt) {
		t.Fatalf("created hotel ID %d CreatedAt %v UpdatedAt %v; want an id and both instants from the clock",
			ho.ID, ho.CreatedAt, ho.UpdatedAt)
	}
	if ho.CreatedAt.Location() != time.UTC || ho.CreatedAt.Before(staffStart) {
		t.Errorf("CreatedAt %v; want the clock's instant in UTC", ho.CreatedAt)
	}
	got := findHotel(t, h, ho.ID)
	if g, w := hJSON(t, got), hJSON(t, ho); g != w {
		t.Errorf("found hotel\n got %s\nwant %s", g, w)
	}

	// UpdateHotel stores every field but ID, Municipality and CreatedAt.
	up := *got
	up.Name, up.Address, up.PostalCode = "Scandic Oslo Airport", "Hotellvegen 20", "2060"
	up.ContactName, up.ContactEmail, up.ContactPhone = "Ola Nordmann", "hotell@ullensaker.kommune.no", "+4766108000"
	up.Rooms, up.Isolation, up.Active = 80, true, false
	up.Municipality = "4601"
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error { return tx.UpdateHotel(ctx, &up) })
	if !up.UpdatedAt.After(ho.CreatedAt) {
		t.Errorf("UpdatedAt %v after the update; want the clock's, after %v", up.UpdatedAt, ho.CreatedAt)
	}
	got = findHotel(t, h, ho.ID)
	want := up
	want.Municipality = "0301"
	if g, w := hJSON(t, got), hJSON(t, &want); g != w {
		t.Errorf("updated hotel\n got %s\nwant %s", g, w)
	}

	// LockHotel returns the hotel as FindHotel does.
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		locked, err := tx.LockHotel(ctx, ho.ID)
		if err != nil {
			return err
		}
		if g, w := hJSON(t, locked), hJSON(t, &want); g != w {
			t.Errorf("locked hotel\n got %s\nwant %s", g, w)
		}
		_, err = tx.LockHotel(ctx, ho.ID+1000)
		wantCode(t, err, beredskap.ENOTFOUND, "LockHotel of an unknown id")
		return nil
	})
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		_, err := tx.FindHotel(ctx, ho.ID+1000)
		wantCode(t, err, beredskap.ENOTFOUND, "FindHotel of an unknown id")
		return nil
	})
	err := hStore(t, h).UpdateHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
		missing := want
		missing.ID = ho.ID + 1000
		return tx.UpdateHotel(ctx, &missing)
	})
	wantCode(t, err, beredskap.ENOTFOUND, "UpdateHotel of an unknown id")
}

func testListHotels(t *testing.T, h StaffHarness) {
	c := newHotel(t, h, "0301", "Comfort Hotel Grand Central", 50)
	a := newHotel(t, h, "0301", "Anker Hotel", 30)
	b := newHotel(t, h, "4601", "Bergen Airport Hotel", 40)
	a2 := newHotel(t, h, "0301", "Anker Hotel", 10)
	for _, tc := range []struct {
		municipality string
		want         []int64
	}{
		{"0301", []int64{a.ID, a2.ID, c.ID}},
		{"4601", []int64{b.ID}},
		{"", []int64{a.ID, a2.ID, b.ID, c.ID}},
		{"1103", []int64{}},
	} {
		hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
			hs, err := tx.ListHotels(ctx, tc.municipality)
			if err != nil {
				return err
			}
			if g := ids(hs, hotelID); !sameIDs(g, tc.want) {
				t.Errorf("ListHotels(%q) = %v; want %v", tc.municipality, g, tc.want)
			}
			return nil
		})
	}
}

func testCapacityChanges(t *testing.T, h StaffHarness) {
	ho := newHotel(t, h, "0301", "Thon Hotel Opera", 100)
	other := newHotel(t, h, "0301", "Thon Hotel Spectrum", 100)
	changes := []*beredskap.CapacityChange{
		{HotelID: ho.ID, From: "2021-01-10", To: "2021-01-20", Rooms: 60, CreatedBy: "koordinator@oslo.kommune.no"},
		{HotelID: other.ID, From: "2021-01-01", To: "2021-01-31", Rooms: 10, CreatedBy: "koordinator@oslo.kommune.no"},
		// Overlapping the first: the service lets the newest win; the
		// store keeps both.
		{HotelID: ho.ID, From: "2021-01-15", To: "2021-01-16", Rooms: 0, CreatedBy: "lege@oslo.kommune.no"},
	}
	for _, c := range changes {
		hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error { return tx.AddCapacityChange(ctx, c) })
		if c.ID == 0 || c.CreatedAt.IsZero() {
			t.Fatalf("AddCapacityChange left ID %d CreatedAt %v", c.ID, c.CreatedAt)
		}
	}
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		got, err := tx.ListCapacityChanges(ctx, ho.ID)
		if err != nil {
			return err
		}
		if g, w := hJSON(t, got), hJSON(t, []*beredskap.CapacityChange{changes[0], changes[2]}); g != w {
			t.Errorf("ListCapacityChanges\n got %s\nwant %s", g, w)
		}
		none, err := tx.ListCapacityChanges(ctx, ho.ID+1000)
		if err != nil {
			return err
		}
		if len(none) != 0 {
			t.Errorf("ListCapacityChanges of an unknown hotel: %d; want none", len(none))
		}
		return nil
	})
}

// registerArriving stores a registration in the municipality arriving at
// and quarantined until lastDay (none when ""), and returns it.
func registerArriving(t *testing.T, h StaffHarness, municipality string, at time.Time, lastDay string) *beredskap.StoredRegistration {
	t.Helper()
	n := newRegistration(int(travellerSeq.Add(1)), municipality, "", "")
	n.Registration.ArrivalTime = at.Format(time.RFC3339)
	if lastDay == "" {
		n.Decision.Quarantine = beredskap.Quarantine{Required: false, Scope: beredskap.ScopeNone}
	} else {
		n.Decision.Quarantine.LastDay = &lastDay
	}
	return mustCreate(t, h.Registrations, n)
}

// testHotelRollback shows that a stay and an audit entry written in a
// transaction whose fn fails are both gone, and that a view refuses writes.
func testHotelRollback(t *testing.T, h StaffHarness) {
	ho := newHotel(t, h, "0301", "Clarion Hotel Oslo", 5)
	reg := register(t, h, "0301")
	boom := fmt.Errorf("boom")
	err := hStore(t, h).UpdateHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
		if err := tx.CreateStay(ctx, stayOf(ho, reg, "2021-01-04", "2021-01-14")); err != nil {
			return err
		}
		if _, err := tx.Audit(ctx, auditRecord(1)); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatalf("UpdateHotels: %v; want fn's error as it is", err)
	}
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		ss, err := tx.StaysOf(ctx, reg.Receipt)
		if err != nil {
			return err
		}
		if len(ss) != 0 {
			t.Errorf("%d stays after the rollback; want 0", len(ss))
		}
		return nil
	})
	if n := len(scanAll(t, h)); n != 0 {
		t.Errorf("%d audit entries after the rollback; want 0", n)
	}
	err = hStore(t, h).ViewHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
		return tx.CreateStay(ctx, stayOf(ho, reg, "2021-01-04", "2021-01-14"))
	})
	if err == nil {
		t.Error("CreateStay in ViewHotels succeeded; want an error")
	}
}
