package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"beredskap"
)

func stayID(s *beredskap.Stay) int64 { return s.ID }

// findStay reads the stay with the id in a view.
func findStay(t *testing.T, h StaffHarness, id int64) *beredskap.Stay {
	t.Helper()
	var s *beredskap.Stay
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) (err error) {
		s, err = tx.FindStay(ctx, id)
		return err
	})
	return s
}

func testStayRoundTrip(t *testing.T, h StaffHarness) {
	ho := newHotel(t, h, "0301", "Scandic Holberg", 40)
	guardian := newStay(t, h, ho, "2021-01-04", "2021-01-14", nil)
	in := time.Date(2021, 1, 4, 15, 2, 3, 456789000, time.FixedZone("CET", 3600))
	child := newStay(t, h, ho, "2021-01-04", "2021-01-14", func(s *beredskap.Stay) {
		s.BirthDate, s.GuardianStayID, s.CarerFor = "2014-06-30", guardian.ID, 0
		s.Kind, s.Status, s.Channel = beredskap.StayIsolation, beredskap.StayCheckedIn, beredskap.ChannelBorder
		s.Payer, s.EmployerOrg, s.EmployerName = beredskap.PayerEmployer, "987654321", "Bygg og Anlegg AS"
		s.CheckedInAt = &in
		s.TransferAddress, s.TransferGroup = "Storgata 1, 0155 Oslo", 4
		s.TransferDocuments = []string{"accommodation_confirmation", "employer_confirmation"}
		s.Note = "Reiser med mor; trenger barneseng."
	})
	if child.CreatedAt.IsZero() || !child.UpdatedAt.Equal(child.CreatedAt) || child.CreatedAt.Location() != time.UTC {
		t.Errorf("created stay CreatedAt %v UpdatedAt %v; want both the clock's instant in UTC", child.CreatedAt, child.UpdatedAt)
	}
	if child.CheckedInAt.Location() != time.UTC || !child.CheckedInAt.Equal(in.Truncate(time.Microsecond)) {
		t.Errorf("CheckedInAt written back as %v; want %v in UTC", child.CheckedInAt, in)
	}
	if g, w := hJSON(t, findStay(t, h, child.ID)), hJSON(t, child); g != w {
		t.Errorf("found stay\n got %s\nwant %s", g, w)
	}
	if g, w := hJSON(t, findStay(t, h, guardian.ID)), hJSON(t, guardian); g != w {
		t.Errorf("found stay\n got %s\nwant %s", g, w)
	}
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		_, err := tx.FindStay(ctx, child.ID+1000)
		wantCode(t, err, beredskap.ENOTFOUND, "FindStay of an unknown id")
		return nil
	})

	// StaysOf returns every stay of the receipt, oldest first, and none
	// of another's.
	later := stayOf(ho, &beredskap.StoredRegistration{Receipt: guardian.Receipt,
		Registration: beredskap.Registration{Traveller: beredskap.Traveller{FirstName: "Anna", BirthDate: "1990-05-17"}}},
		"2021-01-14", "2021-01-15")
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error { return tx.CreateStay(ctx, later) })
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		ss, err := tx.StaysOf(ctx, guardian.Receipt)
		if err != nil {
			return err
		}
		if g, w := ids(ss, stayID), []int64{guardian.ID, later.ID}; !sameIDs(g, w) {
			t.Errorf("StaysOf = %v; want %v", g, w)
		}
		if len(ss) > 0 {
			if g, w := hJSON(t, ss[0]), hJSON(t, guardian); g != w {
				t.Errorf("StaysOf[0]\n got %s\nwant %s", g, w)
			}
		}
		ss, err = tx.StaysOf(ctx, "NO-SUCH-RECEIPT")
		if err != nil {
			return err
		}
		if len(ss) != 0 {
			t.Errorf("StaysOf an unknown receipt: %d; want none", len(ss))
		}
		return nil
	})
}

func testStayUpdate(t *testing.T, h StaffHarness) {
	ho := newHotel(t, h, "0301", "Saga Hotel", 20)
	other := newHotel(t, h, "0301", "Saga Hotel Annex", 20)
	s := newStay(t, h, ho, "2021-01-04", "2021-01-14", nil)
	minor := newStay(t, h, ho, "2021-01-04", "2021-01-14", func(s *beredskap.Stay) { s.BirthDate = "2009-02-01" })
	created := s.CreatedAt

	up := *s
	in := time.Date(2021, 1, 4, 18, 0, 0, 0, time.UTC)
	out := time.Date(2021, 1, 8, 9, 30, 0, 1500, time.UTC)
	up.Status, up.CheckedInAt, up.CheckedOutAt = beredskap.StayTransferred, &in, &out
	up.ToDay, up.Kind, up.Payer = "2021-01-08", beredskap.StayIsolation, beredskap.PayerNone
	up.TransferAddress, up.TransferGroup = "Kirkeveien 64, 0364 Oslo", 2
	up.TransferDocuments = []string{"residence_confirmation"}
	up.Note, up.GuestName, up.CarerFor = "Flyttet etter regelendring 23.12.", "Anna Nowak", minor.ID
	// ID, HotelID, Receipt and CreatedAt are not stored.
	up.HotelID, up.Receipt, up.CreatedAt = other.ID, "OTHER-RECEIPT", created.Add(time.Hour)
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error { return tx.UpdateStay(ctx, &up) })
	if !up.UpdatedAt.After(created) {
		t.Errorf("UpdatedAt %v after the update; want the clock's, after %v", up.UpdatedAt, created)
	}
	want := up
	want.HotelID, want.Receipt, want.CreatedAt = ho.ID, s.Receipt, created
	want.CheckedOutAt = ptr(out.Truncate(time.Microsecond))
	if g, w := hJSON(t, findStay(t, h, s.ID)), hJSON(t, &want); g != w {
		t.Errorf("updated stay\n got %s\nwant %s", g, w)
	}

	// Clearing optional fields stores them empty.
	want.CheckedInAt, want.CheckedOutAt, want.TransferDocuments, want.Note = nil, nil, nil, ""
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error { return tx.UpdateStay(ctx, &want) })
	if g, w := hJSON(t, findStay(t, h, s.ID)), hJSON(t, &want); g != w {
		t.Errorf("cleared stay\n got %s\nwant %s", g, w)
	}

	err := hStore(t, h).UpdateHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
		missing := want
		missing.ID = s.ID + 1000
		return tx.UpdateStay(ctx, &missing)
	})
	wantCode(t, err, beredskap.ENOTFOUND, "UpdateStay of an unknown id")
}

// listStays returns every stay the filter selects, page by page, checking
// that no page exceeds the limit.
func listStays(t *testing.T, h StaffHarness, f beredskap.StayFilter) []*beredskap.Stay {
	t.Helper()
	var all []*beredskap.Stay
	for range 1000 {
		var (
			page []*beredskap.Stay
			next string
		)
		hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) (err error) {
			page, next, err = tx.ListStays(ctx, f)
			return err
		})
		if f.Limit > 0 && len(page) > f.Limit {
			t.Fatalf("page of %d; limit %d", len(page), f.Limit)
		}
		all = append(all, page...)
		if next == "" {
			return all
		}
		f.PageToken = next
	}
	t.Fatal("pagination does not end")
	return nil
}

// eachStay returns the stays EachStay reads for the filter.
func eachStay(t *testing.T, h StaffHarness, f beredskap.StayFilter) []*beredskap.Stay {
	t.Helper()
	var all []*beredskap.Stay
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		return tx.EachStay(ctx, f, func(s *beredskap.Stay) error {
			all = append(all, s)
			return nil
		})
	})
	return all
}

// encodeAnyStayToken returns the next-page token of the first stay f
// selects by pages of one, or "" when f selects fewer than two.
func encodeAnyStayToken(t *testing.T, h StaffHarness, f beredskap.StayFilter) string {
	t.Helper()
	f.Limit = 1
	var next string
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) (err error) {
		_, next, err = tx.ListStays(ctx, f)
		return err
	})
	return next
}

func testListStaysFilters(t *testing.T, h StaffHarness) {
	oslo := newHotel(t, h, "0301", "Hotel Oslo", 20)
	oslo2 := newHotel(t, h, "0301", "Hotel Oslo Syd", 20)
	bergen := newHotel(t, h, "4601", "Hotel Bergen", 20)
	a := newStay(t, h, oslo, "2021-01-04", "2021-01-14", nil)
	b := newStay(t, h, oslo, "2021-01-06", "2021-01-16", withStatus(beredskap.StayCheckedIn))
	c := newStay(t, h, oslo2, "2021-01-05", "2021-01-07", withStatus(beredskap.StayCheckedOut))
	d := newStay(t, h, bergen, "2021-01-06", "2021-01-16", nil)
	e := newStay(t, h, oslo, "2021-01-06", "2021-01-08", nil)
	for _, tc := range []struct {
		name string
		f    beredskap.StayFilter
		want []*beredskap.Stay
	}{
		{"all", beredskap.StayFilter{}, []*beredskap.Stay{e, d, b, c, a}},
		{"municipality", beredskap.StayFilter{Municipality: "0301"}, []*beredskap.Stay{e, b, c, a}},
		{"hotel", beredskap.StayFilter{HotelID: oslo.ID}, []*beredskap.Stay{e, b, a}},
		{"receipt", beredskap.StayFilter{Receipt: c.Receipt}, []*beredskap.Stay{c}},
		{"status", beredskap.StayFilter{Status: beredskap.StayAllocated}, []*beredskap.Stay{e, d, a}},
		{"night", beredskap.StayFilter{Night: "2021-01-07"}, []*beredskap.Stay{e, d, b, a}},
		{"night first", beredskap.StayFilter{Night: "2021-01-04"}, []*beredskap.Stay{a}},
		{"night after", beredskap.StayFilter{Night: "2021-01-16"}, nil},
		{"hotel and status", beredskap.StayFilter{HotelID: oslo.ID, Status: beredskap.StayCheckedIn}, []*beredskap.Stay{b}},
		{"municipality and night", beredskap.StayFilter{Municipality: "0301", Night: "2021-01-06"}, []*beredskap.Stay{e, b, c, a}},
		{"other municipality", beredskap.StayFilter{Municipality: "1103"}, nil},
	} {
		got := listStays(t, h, tc.f)
		if g, w := ids(got, stayID), ids(tc.want, stayID); !sameIDs(g, w) {
			t.Errorf("%s: ListStays(%+v) = %v; want %v", tc.name, tc.f, g, w)
		}
		// EachStay reads the same stays in the same order, whatever the
		// limit and page token.
		each := tc.f
		each.Limit, each.PageToken = 1, encodeAnyStayToken(t, h, tc.f)
		got = eachStay(t, h, each)
		if g, w := ids(got, stayID), ids(tc.want, stayID); !sameIDs(g, w) {
			t.Errorf("%s: EachStay(%+v) = %v; want %v", tc.name, each, g, w)
		}
	}
	if got := eachStay(t, h, beredskap.StayFilter{Receipt: b.Receipt}); len(got) != 1 || hJSON(t, got[0]) != hJSON(t, b) {
		t.Errorf("EachStay of b's receipt: %d stays; want b as stored", len(got))
	}
	// An error of fn ends the reading and comes back as it is.
	stop := errors.New("stop")
	calls := 0
	err := hStore(t, h).ViewHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
		return tx.EachStay(ctx, beredskap.StayFilter{}, func(*beredskap.Stay) error { calls++; return stop })
	})
	if err != stop || calls != 1 {
		t.Errorf("EachStay with fn failing: %v after %d calls; want the error after 1", err, calls)
	}
	got := listStays(t, h, beredskap.StayFilter{Receipt: b.Receipt})
	if len(got) == 1 {
		if g, w := hJSON(t, got[0]), hJSON(t, b); g != w {
			t.Errorf("listed stay\n got %s\nwant %s", g, w)
		}
	}
	err = hStore(t, h).ViewHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
		_, _, err := tx.ListStays(ctx, beredskap.StayFilter{PageToken: "not a token!"})
		return err
	})
	wantCode(t, err, beredskap.EINVALID, "ListStays with a malformed page token")
}

func testListStaysPaging(t *testing.T, h StaffHarness) {
	ho := newHotel(t, h, "0301", "Hotel Paging", 100)
	var want []*beredskap.Stay
	// Several stays begin on each day, so that pages break inside a day.
	for i := range 11 {
		day := time.Date(2021, 1, 4+i/3, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		want = append([]*beredskap.Stay{newStay(t, h, ho, day, "2021-01-20", nil)}, want...)
	}
	for _, limit := range []int{1, 2, 3, 4, 10, 11, 50} {
		got := listStays(t, h, beredskap.StayFilter{HotelID: ho.ID, Limit: limit})
		if g, w := ids(got, stayID), ids(want, stayID); !sameIDs(g, w) {
			t.Errorf("limit %d: pages = %v; want %v", limit, g, w)
		}
	}
	got := listStays(t, h, beredskap.StayFilter{Municipality: "0301", Night: "2021-01-05", Limit: 2})
	if g, w := ids(got, stayID), ids(want[5:], stayID); !sameIDs(g, w) {
		t.Errorf("night 2021-01-05 by twos = %v; want %v", g, w)
	}
	// A page of the limit's size on the last stays has no next token, or
	// one that leads to an empty page.
	var next string
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) (err error) {
		_, next, err = tx.ListStays(ctx, beredskap.StayFilter{HotelID: ho.ID, Limit: 11})
		return err
	})
	if next != "" {
		page := listStays(t, h, beredskap.StayFilter{HotelID: ho.ID, Limit: 11, PageToken: next})
		if len(page) != 0 {
			t.Errorf("page after the last: %d stays; want none", len(page))
		}
	}
}
