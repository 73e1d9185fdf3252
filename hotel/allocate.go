package hotel

import (
	"context"
	"fmt"
	"strings"
	"time"

	"beredskap"
	"beredskap/internal/datefmt"
	"beredskap/mail"
)

// Allocate gives the traveller of req.Receipt a room at the hotel on the
// nights FromDay up to, not including, ToDay, and returns the stay.
//
// Who allocates follows seed 004: the border officer (politiet) for land
// and sea arrivals, the hotel municipality's coordinator for air arrivals
// (the traveller may choose another municipality's hotel; that
// municipality's coordinator allocates). An actor without PermAllocateStay
// for the hotel's municipality gets EFORBIDDEN; an actor who may allocate
// but not this kind of arrival gets EINVALID naming arrival.mode. Both are
// audited.
//
// In one transaction the hotel is locked, the registration read (audited
// as part of the allocation), and each night's capacity (Rooms or the
// newest capacity change) compared with the rooms taken: a full night is
// EINVALID naming from_day with reason hotel_full and the night in the
// message. A child sharing the guardian's room (GuardianStayID) takes no
// room; an open stay of the same receipt on any of the nights is EINVALID
// (from_day, overlapping_stay). After the commit the hotel's contact point
// is told by e-mail of the new guest: receipt and nights only, no health
// data and no name (seed 004: «Politiet skal varsle kommunens
// kontaktpunkt»; see notifyContact).
//
// Only a traveller whose decision requires a quarantine hotel, or who is
// moved from a stay at a hotel the actor allocates for, may be given a
// room (EINVALID on "receipt", reason "no_hotel_required"): allocation is
// no way to read a traveller who needs no hotel. Where the actor may not
// read the registration otherwise (another municipality's traveller for a
// coordinator), every refusal that would tell the traveller exists, this
// one and a wrong channel alike, is the answer to an unknown receipt:
// EINVALID on "receipt" with reason "not_found".
func (s *Service) Allocate(ctx context.Context, req AllocateRequest) (*beredskap.Stay, error) {
	a := beredskap.ActorFrom(ctx)
	req.Receipt = strings.ToUpper(strings.TrimSpace(req.Receipt))
	if req.Receipt == "" {
		return nil, beredskap.Invalid("receipt", "required", "is required")
	}
	if req.HotelID <= 0 {
		return nil, beredskap.Invalid("hotel_id", "required", "is required")
	}
	var st *beredskap.Stay
	var h *beredskap.QuarantineHotel
	err := s.tx.Update(ctx, "allocate stay", func(ctx context.Context, tx beredskap.HotelTx) error {
		var err error
		if h, err = tx.LockHotel(ctx, req.HotelID); err != nil {
			return err
		}
		if !beredskap.Can(a, beredskap.PermAllocateStay, h.Municipality) {
			rec := beredskap.RecordFor(a, "stay.allocate", hotelObject(h.ID), beredskap.OutcomeDenied)
			rec.Subjects = []string{req.Receipt}
			return beredskap.AuditRefusal(ctx, tx, rec, beredskap.Forbidden("stay.allocate"))
		}
		reg, err := tx.FindRegistration(ctx, req.Receipt, "")
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			rec := beredskap.RecordFor(a, "stay.allocate", "registration:"+req.Receipt, beredskap.OutcomeNotFound)
			return beredskap.AuditRefusal(ctx, tx, rec, errNoReceipt())
		}
		if err != nil {
			return err
		}
		refusal, why, err := allocatable(ctx, tx, a, reg)
		if err != nil {
			return err
		}
		channel, wrongChannel := channelFor(a, reg.Registration.Arrival.Mode)
		if refusal == nil && wrongChannel != nil {
			refusal, why = wrongChannel, "arrival.mode "+reg.Registration.Arrival.Mode
		}
		if refusal != nil {
			rec := beredskap.RecordFor(a, "stay.allocate", hotelObject(h.ID), beredskap.OutcomeDenied)
			rec.Subjects, rec.Detail = []string{reg.Receipt}, why
			if !mayRead(a, reg) {
				// Another municipality's traveller: the answer is that
				// of an unknown receipt, so that it tells nothing.
				refusal = errNoReceipt()
			}
			return beredskap.AuditRefusal(ctx, tx, rec, refusal)
		}
		st, err = s.newStay(ctx, tx, h, reg, req, channel, a)
		if err != nil || st == nil {
			return beredskap.Refuse(err)
		}
		if err := tx.CreateStay(ctx, st); err != nil {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, record(a, "stay.allocate", stayObject(st.ID),
			fmt.Sprintf("hotel %d, nights %s..%s", h.ID, st.FromDay, addDays(st.ToDay, -1)), reg.Receipt))
	})
	if err != nil {
		return nil, err
	}
	s.notifyContact(ctx, h, st)
	return st, nil
}

// errNoReceipt is the one answer to an unknown receipt and to a traveller
// the actor may neither allocate nor read.
func errNoReceipt() error {
	return beredskap.Invalid("receipt", "not_found", "no registration has this receipt")
}

// mayRead reports whether a may read reg anyway: a national actor (the
// border officer reads every registration) or one of the registration's
// quarantine municipality.
func mayRead(a *beredskap.Actor, reg *beredskap.StoredRegistration) bool {
	m := a.Municipality()
	return a.System || m == "" || m == reg.Municipality
}

// allocatable returns nil when reg's traveller may be given a quarantine
// hotel room: their decision requires a quarantine hotel, or they are
// moved from a stay at a hotel of the actor's reach (a transfer between
// hotels). The system (the command line, a background job) reads every
// registration anyway and is not held to it. Otherwise it returns the
// refusal, EINVALID on "receipt" with reason "no_hotel_required", and why
// for the audit entry.
func allocatable(ctx context.Context, tx beredskap.HotelTx, a *beredskap.Actor, reg *beredskap.StoredRegistration) (error, string, error) {
	if a.System || reg.Decision.Hotel.Required {
		return nil, "", nil
	}
	stays, err := tx.StaysOf(ctx, reg.Receipt)
	if err != nil {
		return nil, "", err
	}
	for _, st := range stays {
		if st.Status != beredskap.StayCancelled && beredskap.Can(a, beredskap.PermAllocateStay, st.Municipality) {
			return nil, "", nil
		}
	}
	return beredskap.Invalid("receipt", "no_hotel_required",
			"the traveller's decision requires no quarantine hotel"),
		"the decision requires no quarantine hotel and the traveller has no stay to be moved from", nil
}

// channelFor returns who allocates an arrival of mode when a does (seed
// 004): the border officer land and sea arrivals, the hotel coordinator
// air arrivals; the system any. Another combination is an EINVALID error
// naming arrival.mode.
func channelFor(a *beredskap.Actor, mode string) (string, error) {
	switch {
	case a.System && mode == beredskap.ModeAir:
		return beredskap.ChannelMunicipality, nil
	case a.System:
		return beredskap.ChannelBorder, nil
	case a.Role() == beredskap.RoleBorderOfficer && (mode == beredskap.ModeLand || mode == beredskap.ModeSea):
		return beredskap.ChannelBorder, nil
	case a.Role() == beredskap.RoleBorderOfficer:
		return "", beredskap.Invalid("arrival.mode", "wrong_channel",
			"air arrivals are allocated by the municipality's hotel coordinator (seed 004)")
	case a.Role() == beredskap.RoleHotelCoordinator && mode == beredskap.ModeAir:
		return beredskap.ChannelMunicipality, nil
	default:
		return "", beredskap.Invalid("arrival.mode", "wrong_channel",
			"land and sea arrivals are allocated by the police at the border (seed 004)")
	}
}

// newStay checks req against the registration, the receipt's other stays
// and the hotel's capacity in tx, and returns the stay to create, or
// (nil, a user-facing error).
func (s *Service) newStay(ctx context.Context, tx beredskap.HotelTx, h *beredskap.QuarantineHotel,
	reg *beredskap.StoredRegistration, req AllocateRequest, channel string, a *beredskap.Actor) (*beredskap.Stay, error) {
	if !h.Active {
		return nil, beredskap.Invalid("hotel_id", "inactive", "the hotel takes no guests")
	}
	r := &reg.Registration
	q := reg.Decision.Quarantine
	from, to := req.FromDay, req.ToDay
	if from == "" {
		from = deref(q.FirstDay)
		if from == "" {
			from = arrivalDay(s, r)
		}
	}
	if to == "" {
		to = deref(q.LastDay)
	}
	if to == "" {
		return nil, beredskap.Invalid("to_day", "required", "the decision has no quarantine: give the last day")
	}
	if err := stayRange(from, to); err != nil {
		return nil, err
	}
	st := &beredskap.Stay{
		HotelID: h.ID, Municipality: h.Municipality, Receipt: reg.Receipt,
		GuestName: strings.TrimSpace(r.Traveller.FirstName + " " + r.Traveller.LastName), BirthDate: r.Traveller.BirthDate,
		Kind: beredskap.StayQuarantine, Status: beredskap.StayAllocated, FromDay: from, ToDay: to, Channel: channel,
		GuardianStayID: req.GuardianStayID, CarerFor: req.CarerFor, Payer: beredskap.PayerTraveller,
		Note: strings.TrimSpace(req.Note), AllocatedBy: a.Name(),
	}
	if r.Purpose == beredskap.PurposeWork && r.Employer.OrgNumber != "" {
		st.Payer, st.EmployerOrg, st.EmployerName = beredskap.PayerEmployer, r.Employer.OrgNumber, r.Employer.Name
	}
	age, _ := s.book.AgeAt(r.Traveller.BirthDate, dayNoon(s, from))
	if err := checkMinor(ctx, tx, h, st, age); err != nil {
		return nil, err
	}
	if err := checkOverlap(ctx, tx, st); err != nil {
		return nil, err
	}
	if st.TakesRoom() {
		if err := checkCapacity(ctx, tx, h, from, to); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// checkMinor checks the guardian and carer links of st: a child sharing a
// room is under 18 and the guardian's stay is open at the same hotel; a
// carer's minor is under 18 with an open stay at the same hotel.
func checkMinor(ctx context.Context, tx beredskap.HotelTx, h *beredskap.QuarantineHotel, st *beredskap.Stay, age int) error {
	if st.GuardianStayID != 0 {
		if age >= 18 {
			return beredskap.Invalid("guardian_stay_id", "not_a_minor", "only a child under 18 shares a guardian's room")
		}
		g, err := tx.FindStay(ctx, st.GuardianStayID)
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND || (err == nil && (g.HotelID != h.ID || !g.Status.Open() || !g.TakesRoom())) {
			return beredskap.Invalid("guardian_stay_id", "unknown_value", "is not an open stay with a room at this hotel")
		}
		if err != nil {
			return err
		}
	}
	if st.CarerFor != 0 {
		m, err := tx.FindStay(ctx, st.CarerFor)
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND || (err == nil && (m.HotelID != h.ID || !m.Status.Open())) {
			return beredskap.Invalid("carer_for", "unknown_value", "is not an open stay at this hotel")
		}
		if err != nil {
			return err
		}
		if minorAge, ok := ageOnDay(m.BirthDate, m.FromDay); !ok || minorAge >= 18 {
			return beredskap.Invalid("carer_for", "not_a_minor", "a carer (omsorgsperson) is for a minor under 18 (seed 004)")
		}
	}
	return nil
}

// checkOverlap refuses a stay whose nights overlap an open stay of the
// same receipt.
func checkOverlap(ctx context.Context, tx beredskap.HotelTx, st *beredskap.Stay) error {
	stays, err := tx.StaysOf(ctx, st.Receipt)
	if err != nil {
		return err
	}
	for _, o := range stays {
		if o.Status.Open() && o.FromDay < st.ToDay && st.FromDay < o.ToDay {
			return beredskap.Invalid("from_day", "overlapping_stay",
				fmt.Sprintf("the receipt already has stay %d on nights %s..%s", o.ID, o.FromDay, addDays(o.ToDay, -1)))
		}
	}
	return nil
}

// checkCapacity refuses when any night from up to, not including, to has
// no free room, naming the first full night.
func checkCapacity(ctx context.Context, tx beredskap.HotelTx, h *beredskap.QuarantineHotel, from, to string) error {
	nights, err := nightRooms(ctx, tx, h, from, addDays(to, -1))
	if err != nil {
		return err
	}
	for _, n := range nights {
		if n.Free <= 0 {
			return beredskap.Invalid("from_day", "hotel_full",
				fmt.Sprintf("the hotel has no free room on the night of %s (%d of %d taken)", n.Night, n.Taken, n.Rooms))
		}
	}
	return nil
}

// stayRange checks a stay's days: valid dates, at least one night, at most
// a year.
func stayRange(from, to string) error {
	f, t, err := dayRange(from, to, "from_day", "to_day")
	if err != nil {
		return err
	}
	if !t.After(f) {
		return beredskap.Invalid("to_day", "before_from", "must be after from_day (a stay has at least one night)")
	}
	return nil
}

// notifyContact e-mails the hotel's contact point of a new guest, after
// the commit. The contact point needs to ready a room for some nights and
// to know the guest when they come: the receipt (which the guest shows at
// check-in), the nights, a shared room, and who allocated. No name, birth
// date, employer or health data goes by e-mail; staff with access see the
// rest on the stay's page. The register does not know the contact
// point's language, so the mail is in bokmål and then English, in the
// words of the staff texts (hotel.mail.*). A failure is logged; the stay
// stands.
func (s *Service) notifyContact(ctx context.Context, h *beredskap.QuarantineHotel, st *beredskap.Stay) {
	if s.mail == nil || h.ContactEmail == "" || st == nil {
		return
	}
	if s.cfg.Text == nil {
		s.logger.Error("tell hotel contact point: no texts to write the mail with", "hotel", h.ID, "stay", st.ID)
		return
	}
	var subjects, parts []string
	for _, lang := range beredskap.UnknownReaderLanguages() {
		t := func(key string, args ...any) string { return s.cfg.Text(lang, key, args...) }
		subjects = append(subjects, t("hotel.mail.subject"))
		lines := []string{
			t("hotel.mail.intro", "hotel", h.Name), "",
			t("hotel.mail.receipt", "receipt", st.Receipt),
			t("hotel.mail.nights", "from", datefmt.DayOf(lang, st.FromDay), "last", datefmt.DayOf(lang, addDays(st.ToDay, -1)),
				"leaves", datefmt.DayOf(lang, st.ToDay)),
			t("hotel.mail.channel", "channel", t("hotel.channel."+st.Channel)),
		}
		if st.GuardianStayID != 0 {
			lines = append(lines, t("hotel.mail.shared", "stay", st.GuardianStayID))
		}
		parts = append(parts, strings.Join(lines, "\n")+"\n")
	}
	subject := strings.Join(subjects, " / ") + ": " + h.Name + " (" + st.Receipt + ")"
	m := mail.Message{To: []string{h.ContactEmail}, Subject: subject, Text: strings.Join(parts, "\n")}
	if err := s.mail.Send(context.WithoutCancel(ctx), m); err != nil {
		s.logger.Error("tell hotel contact point", "hotel", h.ID, "stay", st.ID, "err", err)
	}
}

// arrivalDay returns the Europe/Oslo date of r's arrival, or today.
func arrivalDay(s *Service, r *beredskap.Registration) string {
	t, err := time.Parse(time.RFC3339, r.ArrivalTime)
	if err != nil {
		t = s.now()
	}
	return t.In(s.book.Oslo()).Format(time.DateOnly)
}

// dayNoon returns 12:00 Europe/Oslo on day.
func dayNoon(s *Service, day string) time.Time {
	d, _ := time.Parse(time.DateOnly, day)
	return time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, s.book.Oslo())
}

// ageOnDay returns the age in whole years on day of a person born on
// birth (both YYYY-MM-DD).
func ageOnDay(birth, day string) (int, bool) {
	b, err1 := time.Parse(time.DateOnly, birth)
	d, err2 := time.Parse(time.DateOnly, day)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	age := d.Year() - b.Year()
	if d.Month() < b.Month() || (d.Month() == b.Month() && d.Day() < b.Day()) {
		age--
	}
	return age, true
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
