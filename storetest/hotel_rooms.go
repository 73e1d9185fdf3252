package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"beredskap"
)

// stayOf returns an allocated quarantine stay of reg at the hotel for the
// nights from..to (to excluded), not yet stored.
func stayOf(ho *beredskap.QuarantineHotel, reg *beredskap.StoredRegistration, from, to string) *beredskap.Stay {
	return &beredskap.Stay{
		HotelID: ho.ID, Municipality: ho.Municipality, Receipt: reg.Receipt,
		GuestName: reg.Registration.Traveller.FirstName + " " + reg.Registration.Traveller.LastName,
		BirthDate: reg.Registration.Traveller.BirthDate, Kind: beredskap.StayQuarantine,
		Status: beredskap.StayAllocated, FromDay: from, ToDay: to, Channel: beredskap.ChannelMunicipality,
		Payer: beredskap.PayerTraveller, AllocatedBy: "koordinator@oslo.kommune.no",
	}
}

// newStay registers a traveller in the hotel's municipality and stores a
// stay for them, changed by edit when not nil, in its own transaction.
func newStay(t *testing.T, h StaffHarness, ho *beredskap.QuarantineHotel, from, to string, edit func(s *beredskap.Stay)) *beredskap.Stay {
	t.Helper()
	s := stayOf(ho, register(t, h, ho.Municipality), from, to)
	if edit != nil {
		edit(s)
	}
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error { return tx.CreateStay(ctx, s) })
	if s.ID == 0 {
		t.Fatal("CreateStay left ID 0")
	}
	return s
}

// withStatus sets a stay's status.
func withStatus(st beredskap.StayStatus) func(s *beredskap.Stay) {
	return func(s *beredskap.Stay) { s.Status = st }
}

// roomsTaken reads RoomsTaken in a view.
func roomsTaken(t *testing.T, h StaffHarness, hotelID int64, from, to string) map[string]int {
	t.Helper()
	var m map[string]int
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) (err error) {
		m, err = tx.RoomsTaken(ctx, hotelID, from, to)
		return err
	})
	return m
}

func testRoomsTaken(t *testing.T, h StaffHarness) {
	ho := newHotel(t, h, "0301", "Radisson Blu Plaza", 10)
	other := newHotel(t, h, "0301", "Radisson Blu Scandinavia", 10)
	a := newStay(t, h, ho, "2021-01-04", "2021-01-07", nil)
	newStay(t, h, ho, "2021-01-05", "2021-01-06", withStatus(beredskap.StayCheckedIn))
	for _, st := range []beredskap.StayStatus{beredskap.StayCheckedOut, beredskap.StayDeparted,
		beredskap.StayTransferred, beredskap.StayCancelled} {
		newStay(t, h, ho, "2021-01-04", "2021-01-07", withStatus(st))
	}
	// A child sharing the guardian's room takes no room of its own (seed 004).
	newStay(t, h, ho, "2021-01-04", "2021-01-07", func(s *beredskap.Stay) {
		s.GuardianStayID, s.BirthDate = a.ID, "2015-03-01"
	})
	newStay(t, h, other, "2021-01-03", "2021-01-09", nil)
	newStay(t, h, ho, "2021-01-07", "2021-01-09", nil)
	isolation := newStay(t, h, ho, "2021-01-08", "2021-01-09", func(s *beredskap.Stay) {
		s.Kind, s.Payer = beredskap.StayIsolation, beredskap.PayerNone
	})

	got := roomsTaken(t, h, ho.ID, "2021-01-03", "2021-01-09")
	want := map[string]int{"2021-01-03": 0, "2021-01-04": 1, "2021-01-05": 2, "2021-01-06": 1,
		"2021-01-07": 1, "2021-01-08": 2, "2021-01-09": 0}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("RoomsTaken 2021-01-03..09 = %v; want %v (ToDay excluded; only open stays of their own room)", got, want)
	}
	if got := roomsTaken(t, h, ho.ID, "2021-01-05", "2021-01-05"); fmt.Sprint(got) != "map[2021-01-05:2]" {
		t.Errorf("RoomsTaken of one night = %v; want map[2021-01-05:2]", got)
	}
	if got := roomsTaken(t, h, ho.ID+1000, "2021-01-05", "2021-01-06"); fmt.Sprint(got) != "map[2021-01-05:0 2021-01-06:0]" {
		t.Errorf("RoomsTaken of an unknown hotel = %v; want zeros", got)
	}

	// A stay that ends frees its nights.
	a.Status = beredskap.StayCheckedOut
	isolation.Status = beredskap.StayCheckedIn
	hUpdate(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		if err := tx.UpdateStay(ctx, a); err != nil {
			return err
		}
		return tx.UpdateStay(ctx, isolation)
	})
	got = roomsTaken(t, h, ho.ID, "2021-01-04", "2021-01-08")
	want = map[string]int{"2021-01-04": 0, "2021-01-05": 1, "2021-01-06": 0, "2021-01-07": 1, "2021-01-08": 2}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("RoomsTaken after a check-out = %v; want %v", got, want)
	}
}

func testRoomsTakenBadDays(t *testing.T, h StaffHarness) {
	ho := newHotel(t, h, "0301", "Hotel Bristol", 10)
	for _, tc := range [][2]string{{"2021-13-01", "2021-01-05"}, {"2021-01-01", "5 Jan"}, {"", ""}, {"2021-01-05", "2021-01-04"}} {
		err := hStore(t, h).ViewHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
			_, err := tx.RoomsTaken(ctx, ho.ID, tc[0], tc[1])
			return err
		})
		wantCode(t, err, beredskap.EINVALID, fmt.Sprintf("RoomsTaken(%q, %q)", tc[0], tc[1]))
	}
}

// errFull is what an allocation in testConcurrentAllocation returns when
// the hotel is full.
var errFull = errors.New("hotel full")

// testConcurrentAllocation runs the service's allocation pattern from many
// goroutines at once: lock the hotel, count the rooms taken, allocate when
// one is free. The hotel must end up exactly full, never over-filled
// (issue 5: "No hotel is ever over-filled, also under concurrent
// allocations").
func testConcurrentAllocation(t *testing.T, h StaffHarness) {
	const rooms, workers = 5, 16
	from, to, last := "2021-01-04", "2021-01-14", "2021-01-13"
	ho := newHotel(t, h, "0301", "Holmenkollen Park", rooms)
	// A stay at another hotel, and one that ended here, take none of its
	// rooms.
	newStay(t, h, newHotel(t, h, "0301", "Frogner House", 1), from, to, nil)
	newStay(t, h, ho, from, to, withStatus(beredskap.StayCancelled))
	regs := make([]*beredskap.StoredRegistration, workers)
	for i := range regs {
		regs[i] = register(t, h, "0301")
	}
	var (
		wg                     sync.WaitGroup
		mu                     sync.Mutex
		allocated, full, maxIn int
		errs                   []error
	)
	store := hStore(t, h)
	start := make(chan struct{})
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			err := store.UpdateHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
				locked, err := tx.LockHotel(ctx, ho.ID)
				if err != nil {
					return err
				}
				taken, err := tx.RoomsTaken(ctx, ho.ID, from, last)
				if err != nil {
					return err
				}
				most := 0
				for _, n := range taken {
					most = max(most, n)
				}
				mu.Lock()
				maxIn = max(maxIn, most)
				mu.Unlock()
				if most >= locked.Rooms {
					return errFull
				}
				// Widen the window between counting and allocating, so
				// that a store whose lock does not hold would let another
				// transaction count the same free room, whatever its
				// connection pool does.
				time.Sleep(20 * time.Millisecond)
				return tx.CreateStay(ctx, stayOf(locked, regs[i], from, to))
			})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				allocated++
			case errors.Is(err, errFull):
				full++
			default:
				errs = append(errs, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		t.Errorf("allocation: %v", err)
	}
	if allocated != rooms || full != workers-rooms {
		t.Errorf("%d allocated, %d refused as full; want %d and %d", allocated, full, rooms, workers-rooms)
	}
	if maxIn > rooms {
		t.Errorf("an allocation counted %d rooms taken; a hotel of %d was over-filled", maxIn, rooms)
	}
	for night, n := range roomsTaken(t, h, ho.ID, from, last) {
		if n != rooms {
			t.Errorf("night %s: %d rooms taken after the allocations; want exactly %d", night, n, rooms)
		}
	}
	var open int
	hView(t, h, func(ctx context.Context, tx beredskap.HotelTx) error {
		ss, _, err := tx.ListStays(ctx, beredskap.StayFilter{HotelID: ho.ID, Limit: beredskap.MaxPageSize})
		for _, s := range ss {
			if s.Status.Open() {
				open++
			}
		}
		return err
	})
	if open != rooms {
		t.Errorf("%d open stays at the hotel; want %d", open, rooms)
	}
}
