package hotel

import (
	"context"
	"fmt"
	"strings"
	"time"

	"beredskap"
)

// mayReadStays reports whether a may see the stays of municipality.
func mayReadStays(a *beredskap.Actor, municipality string) bool {
	return beredskap.Can(a, beredskap.PermManageStays, municipality) || beredskap.Can(a, beredskap.PermAllocateStay, municipality)
}

// Stay returns one stay. It needs PermManageStays or PermAllocateStay for
// the stay's municipality (EFORBIDDEN, audited); the read is audited.
// ENOTFOUND when there is no such stay.
func (s *Service) Stay(ctx context.Context, id int64) (*beredskap.Stay, error) {
	a := beredskap.ActorFrom(ctx)
	var st *beredskap.Stay
	err := s.tx.Update(ctx, "read stay", func(ctx context.Context, tx beredskap.HotelTx) error {
		var err error
		if st, err = tx.FindStay(ctx, id); err != nil {
			return err
		}
		if !mayReadStays(a, st.Municipality) {
			rec := beredskap.RecordFor(a, "stay.read", stayObject(id), beredskap.OutcomeDenied)
			return beredskap.AuditRefusal(ctx, tx, rec, beredskap.Forbidden("stay.read"))
		}
		return beredskap.AppendAudit(ctx, tx, record(a, "stay.read", stayObject(id), "", st.Receipt))
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// Stays returns the stays f selects, newest first, and the next page's
// token. A municipal actor sees their own municipality only (f.Municipality
// is set to it); the read is audited with the receipts shown.
func (s *Service) Stays(ctx context.Context, f beredskap.StayFilter) ([]*beredskap.Stay, string, error) {
	a := beredskap.ActorFrom(ctx)
	if m := a.Municipality(); m != "" {
		f.Municipality = m
	}
	if !mayReadStays(a, f.Municipality) {
		return nil, "", s.tx.Deny(ctx, a, "stay.list", "municipality:"+f.Municipality)
	}
	var out []*beredskap.Stay
	var next string
	err := s.store.UpdateHotels(ctx, func(ctx context.Context, tx beredskap.HotelTx) error {
		var err error
		if out, next, err = tx.ListStays(ctx, f); err != nil {
			return err
		}
		receipts := make([]string, 0, len(out))
		for _, st := range out {
			receipts = append(receipts, st.Receipt)
		}
		detail := fmt.Sprintf("hotel=%d status=%s night=%s receipt=%s", f.HotelID, f.Status, f.Night, f.Receipt)
		return beredskap.AppendAudit(ctx, tx, record(a, "stay.list", "municipality:"+f.Municipality, detail, receipts...))
	})
	if err != nil {
		return nil, "", beredskap.Wrap("list stays", err)
	}
	return out, next, nil
}

// StaysOf returns the receipt's stays, oldest first, those of other
// municipalities left out for a municipal actor; audited.
func (s *Service) StaysOf(ctx context.Context, receipt string) ([]*beredskap.Stay, error) {
	a := beredskap.ActorFrom(ctx)
	receipt = strings.ToUpper(strings.TrimSpace(receipt))
	if !mayReadStays(a, a.Municipality()) {
		return nil, s.tx.Deny(ctx, a, "stay.list", "registration:"+receipt, receipt)
	}
	var out []*beredskap.Stay
	err := s.store.UpdateHotels(ctx, func(ctx context.Context, tx beredskap.HotelTx) error {
		all, err := tx.StaysOf(ctx, receipt)
		if err != nil {
			return err
		}
		for _, st := range all {
			if mayReadStays(a, st.Municipality) {
				out = append(out, st)
			}
		}
		return beredskap.AppendAudit(ctx, tx, record(a, "stay.list", "registration:"+receipt, "", receipt))
	})
	return out, beredskap.Wrap("stays of receipt", err)
}

// changeStay loads stay id in a write transaction, checks PermManageStays
// for its municipality (EFORBIDDEN, audited), calls fn, stores the stay
// when fn returns no error, and audits action. fn returns a user-facing
// refusal through beredskap.Refuse (nothing is stored then) or a failure.
func (s *Service) changeStay(ctx context.Context, id int64, action string,
	fn func(ctx context.Context, tx beredskap.HotelTx, st *beredskap.Stay) (detail string, err error)) (*beredskap.Stay, error) {
	a := beredskap.ActorFrom(ctx)
	var st *beredskap.Stay
	err := s.tx.Update(ctx, action, func(ctx context.Context, tx beredskap.HotelTx) error {
		var err error
		if st, err = tx.FindStay(ctx, id); err != nil {
			return err
		}
		if !beredskap.Can(a, beredskap.PermManageStays, st.Municipality) {
			rec := beredskap.RecordFor(a, action, stayObject(id), beredskap.OutcomeDenied)
			return beredskap.AuditRefusal(ctx, tx, rec, beredskap.Forbidden(action))
		}
		detail, err := fn(ctx, tx, st)
		if err != nil {
			return err
		}
		if err := tx.UpdateStay(ctx, st); err != nil {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, record(a, action, stayObject(id), detail, st.Receipt))
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// notOpen is the ECONFLICT error of a change to a stay that has ended.
func notOpen(st *beredskap.Stay) error {
	return beredskap.Conflict("stay_closed", fmt.Sprintf("the stay is %s", st.Status))
}

// at returns t in UTC to the microsecond, or now when t is zero.
func (s *Service) at(t time.Time) time.Time {
	if t.IsZero() {
		return s.now()
	}
	return t.UTC().Truncate(time.Microsecond)
}

// CheckIn records the guest's arrival at the hotel at at (now when zero).
// It needs PermManageStays for the hotel's municipality. A stay that is
// not allocated is ECONFLICT.
func (s *Service) CheckIn(ctx context.Context, stayID int64, at time.Time) (*beredskap.Stay, error) {
	at = s.at(at)
	return s.changeStay(ctx, stayID, "stay.check_in", func(ctx context.Context, tx beredskap.HotelTx, st *beredskap.Stay) (string, error) {
		if st.Status != beredskap.StayAllocated {
			return "", beredskap.Refuse(beredskap.Conflict("not_allocated", fmt.Sprintf("the stay is %s", st.Status)))
		}
		st.Status, st.CheckedInAt = beredskap.StayCheckedIn, &at
		return at.Format(time.RFC3339), nil
	})
}

// endAt shortens st to end on the Europe/Oslo date of at when that is
// before its ToDay: the night of that date is no longer taken.
func (s *Service) endAt(st *beredskap.Stay, at time.Time) {
	day := at.In(s.book.Oslo()).Format(time.DateOnly)
	if day < st.ToDay {
		st.ToDay = max(day, st.FromDay)
	}
}

// CheckOut records the end of the stay at at (now when zero). A stay not
// checked in is ECONFLICT; at before the check-in is EINVALID naming
// checked_out_at. The nights after the check-out day are released.
func (s *Service) CheckOut(ctx context.Context, stayID int64, at time.Time) (*beredskap.Stay, error) {
	at = s.at(at)
	return s.changeStay(ctx, stayID, "stay.check_out", func(ctx context.Context, tx beredskap.HotelTx, st *beredskap.Stay) (string, error) {
		if st.Status != beredskap.StayCheckedIn {
			return "", beredskap.Refuse(beredskap.Conflict("not_checked_in", fmt.Sprintf("the stay is %s", st.Status)))
		}
		if st.CheckedInAt != nil && at.Before(*st.CheckedInAt) {
			return "", beredskap.Refuse(beredskap.Invalid("checked_out_at", "before_check_in",
				"must not be before the check-in at "+st.CheckedInAt.Format(time.RFC3339)))
		}
		st.Status, st.CheckedOutAt = beredskap.StayCheckedOut, &at
		s.endAt(st, at)
		return at.Format(time.RFC3339), nil
	})
}

// Depart records that the guest left Norway early at at (now when zero;
// seed 004: «De som velger å forlate Norge i karantenetiden»). Rules as
// CheckOut, but an allocated stay may also depart.
func (s *Service) Depart(ctx context.Context, stayID int64, at time.Time) (*beredskap.Stay, error) {
	at = s.at(at)
	return s.changeStay(ctx, stayID, "stay.depart", func(ctx context.Context, tx beredskap.HotelTx, st *beredskap.Stay) (string, error) {
		if !st.Status.Open() {
			return "", beredskap.Refuse(notOpen(st))
		}
		if st.CheckedInAt != nil && at.Before(*st.CheckedInAt) {
			return "", beredskap.Refuse(beredskap.Invalid("checked_out_at", "before_check_in",
				"must not be before the check-in at "+st.CheckedInAt.Format(time.RFC3339)))
		}
		st.Status, st.CheckedOutAt = beredskap.StayDeparted, &at
		s.endAt(st, at)
		return at.Format(time.RFC3339), nil
	})
}

// Cancel cancels an allocated stay the guest never arrived for; a stay
// checked in or ended is ECONFLICT.
func (s *Service) Cancel(ctx context.Context, stayID int64, note string) (*beredskap.Stay, error) {
	return s.changeStay(ctx, stayID, "stay.cancel", func(ctx context.Context, tx beredskap.HotelTx, st *beredskap.Stay) (string, error) {
		if st.Status != beredskap.StayAllocated {
			return "", beredskap.Refuse(beredskap.Conflict("not_allocated", fmt.Sprintf("the stay is %s", st.Status)))
		}
		st.Status = beredskap.StayCancelled
		if note = strings.TrimSpace(note); note != "" {
			st.Note = strings.TrimSpace(st.Note + "\n" + note)
		}
		return note, nil
	})
}

// Isolate starts a free isolation stay for an infected guest (seed 004:
// «Kommunene skal tilby et kostnadsfritt oppholdssted for de som blir
// smittet») at a hotel that takes isolation (else EINVALID hotel_id,
// no_isolation). It needs PermManageStays for that hotel's municipality,
// and the traveller must be within the actor's reach (mayIsolate): another
// municipality's traveller gets the answer of an unknown receipt.
// An open quarantine stay of the receipt ends: a checked-in one is checked
// out the day the isolation starts, an allocated one is cancelled.
func (s *Service) Isolate(ctx context.Context, req IsolationRequest) (*beredskap.Stay, error) {
	a := beredskap.ActorFrom(ctx)
	req.Receipt = strings.ToUpper(strings.TrimSpace(req.Receipt))
	if req.Receipt == "" {
		return nil, beredskap.Invalid("receipt", "required", "is required")
	}
	now := s.now()
	if req.FromDay == "" {
		req.FromDay = now.In(s.book.Oslo()).Format(time.DateOnly)
	}
	if err := stayRange(req.FromDay, req.ToDay); err != nil {
		return nil, err
	}
	var st *beredskap.Stay
	var h *beredskap.QuarantineHotel
	err := s.tx.Update(ctx, "isolate", func(ctx context.Context, tx beredskap.HotelTx) error {
		var err error
		if h, err = tx.LockHotel(ctx, req.HotelID); err != nil {
			return err
		}
		if !beredskap.Can(a, beredskap.PermManageStays, h.Municipality) {
			rec := beredskap.RecordFor(a, "stay.isolate", hotelObject(h.ID), beredskap.OutcomeDenied)
			rec.Subjects = []string{req.Receipt}
			return beredskap.AuditRefusal(ctx, tx, rec, beredskap.Forbidden("stay.isolate"))
		}
		if !h.Isolation || !h.Active {
			return beredskap.Refuse(beredskap.Invalid("hotel_id", "no_isolation", "the hotel takes no isolation stays"))
		}
		reg, err := tx.FindRegistration(ctx, req.Receipt, "")
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			rec := beredskap.RecordFor(a, "stay.isolate", "registration:"+req.Receipt, beredskap.OutcomeNotFound)
			return beredskap.AuditRefusal(ctx, tx, rec, errNoReceipt())
		}
		if err != nil {
			return err
		}
		ok, err := mayIsolate(ctx, tx, a, reg)
		if err != nil {
			return err
		}
		if !ok {
			rec := beredskap.RecordFor(a, "stay.isolate", "registration:"+reg.Receipt, beredskap.OutcomeDenied)
			rec.Subjects = []string{reg.Receipt}
			return beredskap.AuditRefusal(ctx, tx, rec, errNoReceipt())
		}
		if err := s.endForIsolation(ctx, tx, reg.Receipt, req.FromDay, now); err != nil {
			return err
		}
		r := &reg.Registration
		st = &beredskap.Stay{HotelID: h.ID, Municipality: h.Municipality, Receipt: reg.Receipt,
			GuestName: strings.TrimSpace(r.Traveller.FirstName + " " + r.Traveller.LastName), BirthDate: r.Traveller.BirthDate,
			Kind: beredskap.StayIsolation, Status: beredskap.StayAllocated, FromDay: req.FromDay, ToDay: req.ToDay,
			Channel: beredskap.ChannelMunicipality, Payer: beredskap.PayerNone, Note: strings.TrimSpace(req.Note), AllocatedBy: a.Name()}
		if err := checkOverlap(ctx, tx, st); err != nil {
			return beredskap.Refuse(err)
		}
		if err := checkCapacity(ctx, tx, h, st.FromDay, st.ToDay); err != nil {
			return beredskap.Refuse(err)
		}
		if err := tx.CreateStay(ctx, st); err != nil {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, record(a, "stay.isolate", stayObject(st.ID),
			fmt.Sprintf("hotel %d, nights %s..%s", h.ID, st.FromDay, addDays(st.ToDay, -1)), reg.Receipt))
	})
	if err != nil {
		return nil, err
	}
	s.notifyContact(ctx, h, st)
	return st, nil
}

// mayIsolate reports whether a may start an isolation stay for reg's
// traveller: the system, an actor of the traveller's quarantine
// municipality, or one who manages a stay of the traveller that was not
// cancelled (a guest of the actor's hotels falls ill).
func mayIsolate(ctx context.Context, tx beredskap.HotelTx, a *beredskap.Actor, reg *beredskap.StoredRegistration) (bool, error) {
	if a.System || (a.Municipality() != "" && a.Municipality() == reg.Municipality) {
		return true, nil
	}
	stays, err := tx.StaysOf(ctx, reg.Receipt)
	if err != nil {
		return false, err
	}
	for _, st := range stays {
		if st.Status != beredskap.StayCancelled && beredskap.Can(a, beredskap.PermManageStays, st.Municipality) {
			return true, nil
		}
	}
	return false, nil
}

// endForIsolation ends the receipt's open quarantine stays the day an
// isolation starts.
func (s *Service) endForIsolation(ctx context.Context, tx beredskap.HotelTx, receipt, day string, now time.Time) error {
	stays, err := tx.StaysOf(ctx, receipt)
	if err != nil {
		return err
	}
	for _, o := range stays {
		if !o.Status.Open() || o.Kind != beredskap.StayQuarantine || o.ToDay <= day {
			continue
		}
		switch {
		case o.Status == beredskap.StayCheckedIn:
			o.Status, o.CheckedOutAt = beredskap.StayCheckedOut, &now
			o.ToDay = max(day, o.FromDay)
		default:
			o.Status = beredskap.StayCancelled
		}
		o.Note = strings.TrimSpace(o.Note + "\nisolation from " + day)
		if err := tx.UpdateStay(ctx, o); err != nil {
			return err
		}
	}
	return nil
}
