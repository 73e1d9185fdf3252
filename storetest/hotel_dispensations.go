package storetest

import (
	"context"
	"testing"
	"time"

	"beredskap"
)

func dispensationID(d *beredskap.Dispensation) int64 { return d.ID }

func delegationID(d *beredskap.Delegation) int64 { return d.ID }

// dispensationOf returns a § 6j dispensation (seed 001) for reg to attend
// a funeral, not yet stored.
func dispensationOf(reg *beredskap.StoredRegistration) *beredskap.Dispensation {
	return &beredskap.Dispensation{
		Receipt: reg.Receipt, Municipality: reg.Municipality, Purpose: beredskap.PurposeFuneral,
		Relation: "parent", Place: "Vestre gravlund, Oslo",
		From:   time.Date(2021, 1, 8, 11, 0, 0, 0, time.UTC),
		To:     time.Date(2021, 1, 8, 15, 0, 0, 0, time.UTC),
		RuleID: "2020-12-23-1200", Status: beredskap.DispensationGranted, GrantedBy: "kommuneoverlege@oslo.kommune.no",
	}
}

// newDispensation stores d in its own transaction.
func newDispensation(t *testing.T, h StaffHarness, d *beredskap.Dispensation) *beredskap.Dispensation {
	t.Helper()
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error { return tx.CreateDispensation(ctx, d) })
	if d.ID == 0 || d.CreatedAt.IsZero() {
		t.Fatalf("CreateDispensation left ID %d CreatedAt %v", d.ID, d.CreatedAt)
	}
	return d
}

func testDispensations(t *testing.T, h StaffHarness) {
	reg := register(t, h, "0301")
	first := newDispensation(t, h, dispensationOf(reg))
	second := dispensationOf(reg)
	second.Purpose, second.Relation, second.RelationNote = beredskap.PurposeVisitIll, "other_close", "mormor"
	second.Place = "Ullevål sykehus"
	second.From = time.Date(2021, 1, 9, 13, 30, 0, 123456789, time.FixedZone("CET", 3600))
	second.To = second.From.Add(3 * time.Hour)
	newDispensation(t, h, second)
	if second.From.Location() != time.UTC || second.From.Nanosecond() != 123456000 {
		t.Errorf("From written back as %v; want UTC to the microsecond", second.From)
	}
	bergen := newDispensation(t, h, dispensationOf(register(t, h, "4601")))
	third := newDispensation(t, h, dispensationOf(register(t, h, "0301")))

	var got *beredskap.Dispensation
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) (err error) {
		got, err = tx.FindDispensation(ctx, second.ID)
		return err
	})
	if g, w := hJSON(t, got), hJSON(t, second); g != w {
		t.Errorf("found dispensation\n got %s\nwant %s", g, w)
	}

	// Symptoms end a dispensation at once (seed 001).
	ended := time.Date(2021, 1, 9, 14, 0, 0, 0, time.UTC)
	end := *second
	end.Status, end.EndedAt, end.EndReason = beredskap.DispensationEnded, &ended, "symptoms"
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error { return tx.UpdateDispensation(ctx, &end) })
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		got, err := tx.FindDispensation(ctx, second.ID)
		if err != nil {
			return err
		}
		if g, w := hJSON(t, got), hJSON(t, &end); g != w {
			t.Errorf("ended dispensation\n got %s\nwant %s", g, w)
		}
		of, err := tx.DispensationsOf(ctx, reg.Receipt)
		if err != nil {
			return err
		}
		if g, w := ids(of, dispensationID), []int64{first.ID, second.ID}; !sameIDs(g, w) {
			t.Errorf("DispensationsOf = %v; want %v", g, w)
		}
		for _, tc := range []struct {
			municipality string
			limit        int
			want         []int64
		}{
			{"0301", 10, []int64{third.ID, second.ID, first.ID}},
			{"0301", 2, []int64{third.ID, second.ID}},
			{"4601", 10, []int64{bergen.ID}},
			{"1103", 10, []int64{}},
		} {
			ds, err := tx.ListDispensations(ctx, tc.municipality, tc.limit)
			if err != nil {
				return err
			}
			if g := ids(ds, dispensationID); !sameIDs(g, tc.want) {
				t.Errorf("ListDispensations(%q, %d) = %v; want %v", tc.municipality, tc.limit, g, tc.want)
			}
		}
		_, err = tx.FindDispensation(ctx, third.ID+1000)
		wantCode(t, err, beredskap.ENOTFOUND, "FindDispensation of an unknown id")
		return nil
	})
	err := hStore(t, h).UpdateHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
		missing := end
		missing.ID = third.ID + 1000
		return tx.UpdateDispensation(ctx, &missing)
	})
	wantCode(t, err, beredskap.ENOTFOUND, "UpdateDispensation of an unknown id")
}

// newDelegation stores a delegation in its own transaction and returns the
// error.
func newDelegation(s beredskap.HotelStore, d *beredskap.Delegation) error {
	return s.UpdateHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
		return tx.CreateDelegation(ctx, d)
	})
}

func testDelegations(t *testing.T, h StaffHarness) {
	s := hStore(t, h)
	anne := createUser(t, h, staffUser("anne@oslo.kommune.no", "Anne", "Lege"))
	per := createUser(t, h, staffUser("per@oslo.kommune.no", "Per", "Sekretær"))
	by := "kommuneoverlege@oslo.kommune.no"
	a := &beredskap.Delegation{UserID: anne.ID, Municipality: "0301", GrantedBy: by}
	if err := newDelegation(s, a); err != nil {
		t.Fatalf("CreateDelegation: %v", err)
	}
	if a.ID == 0 || a.CreatedAt.IsZero() || a.EndedAt != nil {
		t.Fatalf("CreateDelegation left ID %d CreatedAt %v EndedAt %v", a.ID, a.CreatedAt, a.EndedAt)
	}
	// A second open delegation of the same user in the same municipality
	// is ECONFLICT; in another municipality, or of another user, it is not.
	err := newDelegation(s, &beredskap.Delegation{UserID: anne.ID, Municipality: "0301", GrantedBy: by})
	wantCode(t, err, beredskap.ECONFLICT, "a second open delegation")
	b := &beredskap.Delegation{UserID: anne.ID, Municipality: "3024", GrantedBy: "kommuneoverlege@baerum.kommune.no"}
	c := &beredskap.Delegation{UserID: per.ID, Municipality: "0301", GrantedBy: by}
	for _, d := range []*beredskap.Delegation{b, c} {
		if err := newDelegation(s, d); err != nil {
			t.Fatalf("CreateDelegation(%+v): %v", d, err)
		}
	}
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		got, err := tx.OpenDelegation(ctx, anne.ID, "0301")
		if err != nil {
			return err
		}
		if g, w := hJSON(t, got), hJSON(t, a); g != w {
			t.Errorf("OpenDelegation\n got %s\nwant %s", g, w)
		}
		_, err = tx.OpenDelegation(ctx, per.ID, "3024")
		wantCode(t, err, beredskap.ENOTFOUND, "OpenDelegation where none was granted")
		return nil
	})

	ended := time.Date(2021, 1, 6, 16, 0, 0, 987654321, time.UTC)
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error { return tx.EndDelegation(ctx, a.ID, ended) })
	err = hStore(t, h).UpdateHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
		return tx.EndDelegation(ctx, a.ID, ended)
	})
	wantCode(t, err, beredskap.ENOTFOUND, "EndDelegation of an ended delegation")
	err = hStore(t, h).UpdateHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
		return tx.EndDelegation(ctx, c.ID+1000, ended)
	})
	wantCode(t, err, beredskap.ENOTFOUND, "EndDelegation of an unknown id")
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		_, err := tx.OpenDelegation(ctx, anne.ID, "0301")
		wantCode(t, err, beredskap.ENOTFOUND, "OpenDelegation after its end")
		return nil
	})
	// Once the first has ended, the user may be delegated again.
	again := &beredskap.Delegation{UserID: anne.ID, Municipality: "0301", GrantedBy: by}
	if err := newDelegation(s, again); err != nil {
		t.Fatalf("CreateDelegation after the end of the first: %v", err)
	}
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		ds, err := tx.ListDelegations(ctx, "0301")
		if err != nil {
			return err
		}
		if g, w := ids(ds, delegationID), []int64{a.ID, c.ID, again.ID}; !sameIDs(g, w) {
			t.Fatalf("ListDelegations(0301) = %v; want %v", g, w)
		}
		wantEnded := *a
		wantEnded.EndedAt = ptr(ended.Truncate(time.Microsecond))
		if g, w := hJSON(t, ds[0]), hJSON(t, &wantEnded); g != w {
			t.Errorf("ended delegation\n got %s\nwant %s", g, w)
		}
		open, err := tx.OpenDelegation(ctx, anne.ID, "0301")
		if err != nil {
			return err
		}
		if open.ID != again.ID {
			t.Errorf("OpenDelegation = %d; want the new one, %d", open.ID, again.ID)
		}
		ds, err = tx.ListDelegations(ctx, "3024")
		if err != nil {
			return err
		}
		if g, w := ids(ds, delegationID), []int64{b.ID}; !sameIDs(g, w) {
			t.Errorf("ListDelegations(3024) = %v; want %v", g, w)
		}
		return nil
	})
}
