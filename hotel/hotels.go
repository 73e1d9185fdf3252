package hotel

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"beredskap"
	"beredskap/norway"
)

// Limits of a hotel's fields.
const (
	maxText  = 200
	maxRooms = 10000
	maxRange = 366 // nights in one availability or capacity range
)

// validate trims in and returns an EINVALID error naming every bad field.
func (in *HotelInput) validate() error {
	in.Name = strings.TrimSpace(in.Name)
	in.Address = strings.TrimSpace(in.Address)
	in.PostalCode = strings.TrimSpace(in.PostalCode)
	in.ContactName = strings.TrimSpace(in.ContactName)
	in.ContactEmail = strings.ToLower(strings.TrimSpace(in.ContactEmail))
	in.ContactPhone = strings.TrimSpace(in.ContactPhone)
	var ps beredskap.Problems
	text := func(field, v string, required bool) {
		switch {
		case v == "" && required:
			ps.Add(field, "required", "is required")
		case utf8.RuneCountInString(v) > maxText:
			ps.Add(field, "too_long", fmt.Sprintf("must be at most %d characters", maxText))
		}
	}
	text("name", in.Name, true)
	text("address", in.Address, true)
	if _, ok := norway.LookupPostalCode(in.PostalCode); !ok {
		ps.Add("postal_code", "unknown_value", "is not a Norwegian postal code")
	}
	text("contact_name", in.ContactName, true)
	if a, err := mail.ParseAddress(in.ContactEmail); err != nil || a.Address != in.ContactEmail {
		ps.Add("contact_email", "format_email", "must be an e-mail address")
	}
	text("contact_phone", in.ContactPhone, false)
	if in.ContactPhone != "" {
		p, err := norway.NormalizePhone(in.ContactPhone, "NO")
		if err != nil {
			ps.Add("contact_phone", "format_phone", "must be a phone number")
		} else {
			in.ContactPhone = p
		}
	}
	if in.Rooms < 0 || in.Rooms > maxRooms {
		ps.Add("rooms", "out_of_range", fmt.Sprintf("must be between 0 and %d", maxRooms))
	}
	return ps.Err()
}

// CreateHotel stores a new hotel of in.Municipality (the actor's own when
// "") and returns it. It needs PermManageHotels there (EFORBIDDEN, audited);
// bad input is EINVALID naming the field (municipality, name, address,
// postal_code, contact_name, contact_email, contact_phone, rooms).
func (s *Service) CreateHotel(ctx context.Context, in HotelInput) (*beredskap.QuarantineHotel, error) {
	a := beredskap.ActorFrom(ctx)
	if in.Municipality == "" {
		in.Municipality = a.Municipality()
	}
	if !beredskap.Can(a, beredskap.PermManageHotels, in.Municipality) {
		return nil, s.tx.Deny(ctx, a, "hotel.create", "municipality:"+in.Municipality)
	}
	if _, ok := norway.MunicipalityAt(in.Municipality, s.now()); !ok {
		return nil, beredskap.Invalid("municipality", "unknown_value", "is not a municipality number in force")
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	h := &beredskap.QuarantineHotel{Municipality: in.Municipality}
	in.apply(h)
	err := s.store.UpdateHotels(ctx, func(ctx context.Context, tx beredskap.HotelTx) error {
		if err := tx.CreateHotel(ctx, h); err != nil {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, record(a, "hotel.create", hotelObject(h.ID), h.Name))
	})
	if err != nil {
		return nil, beredskap.Wrap("create hotel", err)
	}
	return h, nil
}

// apply copies in onto h (not the municipality).
func (in *HotelInput) apply(h *beredskap.QuarantineHotel) {
	h.Name, h.Address, h.PostalCode = in.Name, in.Address, in.PostalCode
	h.ContactName, h.ContactEmail, h.ContactPhone = in.ContactName, in.ContactEmail, in.ContactPhone
	h.Rooms, h.Isolation, h.Active = in.Rooms, in.Isolation, in.Active
}

// UpdateHotel changes every field of hotel id but its municipality and
// returns it. It needs PermManageHotels for the hotel's municipality
// (EFORBIDDEN, audited); ENOTFOUND when there is no such hotel; bad input
// as CreateHotel.
func (s *Service) UpdateHotel(ctx context.Context, id int64, in HotelInput) (*beredskap.QuarantineHotel, error) {
	a := beredskap.ActorFrom(ctx)
	if err := in.validate(); err != nil {
		return nil, err
	}
	var h *beredskap.QuarantineHotel
	err := s.tx.Update(ctx, "update hotel", func(ctx context.Context, tx beredskap.HotelTx) error {
		var err error
		if h, err = tx.FindHotel(ctx, id); err != nil {
			return err
		}
		if !beredskap.Can(a, beredskap.PermManageHotels, h.Municipality) {
			rec := beredskap.RecordFor(a, "hotel.update", hotelObject(id), beredskap.OutcomeDenied)
			return beredskap.AuditRefusal(ctx, tx, rec, beredskap.Forbidden("hotel.update"))
		}
		in.apply(h)
		if err := tx.UpdateHotel(ctx, h); err != nil {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, record(a, "hotel.update", hotelObject(id), h.Name))
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// mayViewHotels reports whether a may see hotels: anyone who may manage
// hotels, allocate or manage stays in their own scope. Hotels hold no
// personal data; every municipality's are shown, for the traveller's
// choice (seed 004).
func mayViewHotels(a *beredskap.Actor) bool {
	m := a.Municipality()
	return beredskap.Can(a, beredskap.PermManageHotels, m) || beredskap.Can(a, beredskap.PermAllocateStay, m) ||
		beredskap.Can(a, beredskap.PermManageStays, m)
}

// Hotel returns one hotel. Anyone who may manage hotels, allocate or
// manage stays may read any hotel; others get EFORBIDDEN (audited).
// ENOTFOUND when there is no such hotel.
func (s *Service) Hotel(ctx context.Context, id int64) (*beredskap.QuarantineHotel, error) {
	a := beredskap.ActorFrom(ctx)
	if !mayViewHotels(a) {
		return nil, s.tx.Deny(ctx, a, "hotel.read", hotelObject(id))
	}
	var h *beredskap.QuarantineHotel
	err := s.store.ViewHotels(ctx, func(ctx context.Context, tx beredskap.HotelTx) error {
		var err error
		h, err = tx.FindHotel(ctx, id)
		return err
	})
	return h, beredskap.Wrap("read hotel", err)
}

// Hotels returns the hotels of municipality ("" for all) by name, inactive
// ones too. Permissions as Hotel.
func (s *Service) Hotels(ctx context.Context, municipality string) ([]*beredskap.QuarantineHotel, error) {
	a := beredskap.ActorFrom(ctx)
	if !mayViewHotels(a) {
		return nil, s.tx.Deny(ctx, a, "hotel.list", "municipality:"+municipality)
	}
	var hs []*beredskap.QuarantineHotel
	err := s.store.ViewHotels(ctx, func(ctx context.Context, tx beredskap.HotelTx) error {
		var err error
		hs, err = tx.ListHotels(ctx, municipality)
		return err
	})
	return hs, beredskap.Wrap("list hotels", err)
}

// SetCapacity sets the hotel's rooms for the nights from..to (YYYY-MM-DD,
// both included); the newest change wins for each night. It needs
// PermManageHotels for the hotel's municipality (EFORBIDDEN, audited).
// EINVALID names from, to (before from, or more than a year after) or
// rooms. Lowering capacity below the rooms already taken is allowed: the
// stays keep their rooms and no new guest is taken those nights.
func (s *Service) SetCapacity(ctx context.Context, hotelID int64, from, to string, rooms int) (*beredskap.CapacityChange, error) {
	a := beredskap.ActorFrom(ctx)
	if _, _, err := dayRange(from, to, "from", "to"); err != nil {
		return nil, err
	}
	if rooms < 0 || rooms > maxRooms {
		return nil, beredskap.Invalid("rooms", "out_of_range", fmt.Sprintf("must be between 0 and %d", maxRooms))
	}
	c := &beredskap.CapacityChange{HotelID: hotelID, From: from, To: to, Rooms: rooms, CreatedBy: a.Name()}
	err := s.tx.Update(ctx, "set capacity", func(ctx context.Context, tx beredskap.HotelTx) error {
		h, err := tx.LockHotel(ctx, hotelID)
		if err != nil {
			return err
		}
		if !beredskap.Can(a, beredskap.PermManageHotels, h.Municipality) {
			rec := beredskap.RecordFor(a, "hotel.capacity", hotelObject(hotelID), beredskap.OutcomeDenied)
			return beredskap.AuditRefusal(ctx, tx, rec, beredskap.Forbidden("hotel.capacity"))
		}
		if err := tx.AddCapacityChange(ctx, c); err != nil {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, record(a, "hotel.capacity", hotelObject(hotelID),
			fmt.Sprintf("%s..%s: %d rooms", from, to, rooms)))
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// CapacityChanges returns the hotel's capacity changes as the store keeps
// them. Permissions as Hotel.
func (s *Service) CapacityChanges(ctx context.Context, hotelID int64) ([]*beredskap.CapacityChange, error) {
	a := beredskap.ActorFrom(ctx)
	if !mayViewHotels(a) {
		return nil, s.tx.Deny(ctx, a, "hotel.read", hotelObject(hotelID))
	}
	var cs []*beredskap.CapacityChange
	err := s.store.ViewHotels(ctx, func(ctx context.Context, tx beredskap.HotelTx) error {
		if _, err := tx.FindHotel(ctx, hotelID); err != nil {
			return err
		}
		var err error
		cs, err = tx.ListCapacityChanges(ctx, hotelID)
		return err
	})
	return cs, beredskap.Wrap("list capacity changes", err)
}

// Availability returns the active hotels of municipality ("" for every
// municipality: the traveller may choose another municipality's hotel where
// there is capacity, seed 004) with their rooms on each night from..to
// (both included), most free rooms first. Permissions as Hotel; EINVALID
// names from or to.
func (s *Service) Availability(ctx context.Context, municipality, from, to string) ([]*Availability, error) {
	a := beredskap.ActorFrom(ctx)
	if !mayViewHotels(a) {
		return nil, s.tx.Deny(ctx, a, "hotel.availability", "municipality:"+municipality)
	}
	if _, _, err := dayRange(from, to, "from", "to"); err != nil {
		return nil, err
	}
	var out []*Availability
	err := s.store.ViewHotels(ctx, func(ctx context.Context, tx beredskap.HotelTx) error {
		hs, err := tx.ListHotels(ctx, municipality)
		if err != nil {
			return err
		}
		for _, h := range hs {
			if !h.Active {
				continue
			}
			nights, err := nightRooms(ctx, tx, h, from, to)
			if err != nil {
				return err
			}
			av := &Availability{Hotel: h, Nights: nights, MinFree: maxRooms}
			for _, n := range nights {
				av.MinFree = min(av.MinFree, n.Free)
			}
			out = append(out, av)
		}
		return nil
	})
	if err != nil {
		return nil, beredskap.Wrap("availability", err)
	}
	sortAvailability(out)
	return out, nil
}

// nightRooms returns the hotel's rooms, taken and free, on each night
// from..to (both included), in tx.
func nightRooms(ctx context.Context, tx beredskap.HotelTx, h *beredskap.QuarantineHotel, from, to string) ([]NightRooms, error) {
	changes, err := tx.ListCapacityChanges(ctx, h.ID)
	if err != nil {
		return nil, err
	}
	taken, err := tx.RoomsTaken(ctx, h.ID, from, to)
	if err != nil {
		return nil, err
	}
	var out []NightRooms
	for _, night := range nightsOf(from, to) {
		rooms := capacityOn(h, changes, night)
		n := NightRooms{Night: night, Rooms: rooms, Taken: taken[night]}
		n.Free = max(0, rooms-n.Taken)
		out = append(out, n)
	}
	return out, nil
}

// capacityOn returns the hotel's rooms on night: the newest capacity
// change that covers it (the latest CreatedAt, then the highest ID), else
// the hotel's Rooms.
func capacityOn(h *beredskap.QuarantineHotel, changes []*beredskap.CapacityChange, night string) int {
	var best *beredskap.CapacityChange
	for _, c := range changes {
		if night < c.From || night > c.To {
			continue
		}
		if best == nil || c.CreatedAt.After(best.CreatedAt) || (c.CreatedAt.Equal(best.CreatedAt) && c.ID > best.ID) {
			best = c
		}
	}
	if best != nil {
		return best.Rooms
	}
	return h.Rooms
}

// dayRange parses from and to (YYYY-MM-DD) and checks from <= to within a
// year; errors are EINVALID naming fromField or toField.
func dayRange(from, to, fromField, toField string) (time.Time, time.Time, error) {
	f, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return f, f, beredskap.Invalid(fromField, "format_date", "must be a date written YYYY-MM-DD")
	}
	t, err := time.Parse(time.DateOnly, to)
	if err != nil {
		return f, t, beredskap.Invalid(toField, "format_date", "must be a date written YYYY-MM-DD")
	}
	if t.Before(f) {
		return f, t, beredskap.Invalid(toField, "before_from", "must not be before "+fromField)
	}
	if t.Sub(f) > maxRange*24*time.Hour {
		return f, t, beredskap.Invalid(toField, "out_of_range", fmt.Sprintf("must be at most %d days after %s", maxRange, fromField))
	}
	return f, t, nil
}

// nightsOf returns the days from..to, both included (both valid dates).
func nightsOf(from, to string) []string {
	f, _ := time.Parse(time.DateOnly, from)
	t, _ := time.Parse(time.DateOnly, to)
	var out []string
	for d := f; !d.After(t); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(time.DateOnly))
	}
	return out
}

// addDays returns day (YYYY-MM-DD) plus n days.
func addDays(day string, n int) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return d.AddDate(0, 0, n).Format(time.DateOnly)
}
