package hotel

import (
	"context"
	"fmt"
	"sort"

	"beredskap"
	"beredskap/rules"
)

// statement computes the fee statement of st at h from the rule versions
// in force each night (rules.Book.NightFee: the night of a date is priced
// at 23:00 Europe/Oslo). Isolation nights cost nothing (seed 004). A child
// sharing a guardian's room is priced "with guardian"; the age is the
// guest's on the first day of the stay.
func (s *Service) statement(st *beredskap.Stay, h *beredskap.QuarantineHotel) (*beredskap.FeeStatement, error) {
	out := &beredskap.FeeStatement{Stay: st, Hotel: h, Payer: st.Payer}
	if st.Payer == beredskap.PayerEmployer {
		out.Payer = fmt.Sprintf("%s %s %s", beredskap.PayerEmployer, st.EmployerOrg, st.EmployerName)
	}
	if st.ToDay <= st.FromDay {
		return out, nil
	}
	age, _ := ageOnDay(st.BirthDate, st.FromDay)
	for _, night := range nightsOf(st.FromDay, addDays(st.ToDay, -1)) {
		var line beredskap.FeeLine
		if st.Kind == beredskap.StayIsolation {
			at, err := s.book.NightInstant(night)
			if err != nil {
				return nil, err
			}
			line = beredskap.FeeLine{Night: night, Category: rules.FeeIsolation}
			if v, err := s.book.At(at); err == nil {
				line.RuleID = v.ID
			}
		} else {
			var err error
			line, err = s.book.NightFee(night, age, st.GuardianStayID != 0, st.Payer)
			if err != nil {
				return nil, err
			}
		}
		out.Lines = append(out.Lines, line)
		out.TotalNOK += line.NOK
	}
	return out, nil
}

// FeeStatement returns what stay stayID costs, night by night, from the
// rule version in force each night (RULES.md: 500 NOK per night for
// adults, 250 for 10–18 years, nothing under 10 sharing a room with a
// guardian; the employer pays 500 for workers, 1 500 before 2020-12-13
// 17:00; isolation is free). It needs PermManageStays for the hotel's
// municipality; the read is audited.
func (s *Service) FeeStatement(ctx context.Context, stayID int64) (*beredskap.FeeStatement, error) {
	a := beredskap.ActorFrom(ctx)
	var out *beredskap.FeeStatement
	err := s.tx.Update(ctx, "fee statement", func(ctx context.Context, tx beredskap.HotelTx) error {
		st, err := tx.FindStay(ctx, stayID)
		if err != nil {
			return err
		}
		if !beredskap.Can(a, beredskap.PermManageStays, st.Municipality) {
			rec := beredskap.RecordFor(a, "stay.fees", stayObject(stayID), beredskap.OutcomeDenied)
			return beredskap.AuditRefusal(ctx, tx, rec, beredskap.Forbidden("stay.fees"))
		}
		h, err := tx.FindHotel(ctx, st.HotelID)
		if err != nil {
			return err
		}
		if out, err = s.statement(st, h); err != nil {
			return beredskap.Refuse(err)
		}
		return beredskap.AppendAudit(ctx, tx, record(a, "stay.fees", stayObject(stayID), fmt.Sprintf("total %d NOK", out.TotalNOK), st.Receipt))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EmployerInvoices returns, by employer organisation number, what the
// employers owe for their workers' nights from..to (both included) at the
// hotels of municipality (the actor's own for a municipal actor). It needs
// PermManageStays there; the read is audited with the receipts. EINVALID
// names from or to. The stays are found in SQL (the municipality's
// employer-paid stays overlapping the nights) and read by one query in a
// read-only transaction, so that no write waits for the statement; the
// audit entry commits before anything is returned.
func (s *Service) EmployerInvoices(ctx context.Context, municipality, from, to string) ([]*EmployerInvoice, error) {
	a := beredskap.ActorFrom(ctx)
	if m := a.Municipality(); m != "" {
		municipality = m
	}
	if !beredskap.Can(a, beredskap.PermManageStays, municipality) {
		return nil, s.tx.Deny(ctx, a, "stay.invoices", "municipality:"+municipality)
	}
	if _, _, err := dayRange(from, to, "from", "to"); err != nil {
		return nil, err
	}
	byOrg := map[string]*EmployerInvoice{}
	var receipts []string
	err := s.store.ViewHotels(ctx, func(ctx context.Context, tx beredskap.HotelTx) error {
		// A stay is at a hotel of its municipality, and a hotel keeps its
		// municipality, so the municipality's hotels are all there is to
		// look up; they are read first, as EachStay allows no other
		// statement while it reads.
		list, err := tx.ListHotels(ctx, municipality)
		if err != nil {
			return err
		}
		hotels := make(map[int64]*beredskap.QuarantineHotel, len(list))
		for _, h := range list {
			hotels[h.ID] = h
		}
		f := beredskap.StayFilter{Municipality: municipality, Payer: beredskap.PayerEmployer, FromNight: from, ToNight: to}
		return tx.EachStay(ctx, f, func(st *beredskap.Stay) error {
			if st.Status == beredskap.StayCancelled {
				return nil
			}
			h := hotels[st.HotelID]
			if h == nil {
				return fmt.Errorf("stay %d: hotel %d is not one of municipality %s", st.ID, st.HotelID, municipality)
			}
			fs, err := s.statement(st, h)
			if err != nil {
				return err
			}
			line := InvoiceLine{StayID: st.ID, Receipt: st.Receipt, GuestName: st.GuestName, HotelName: h.Name}
			for _, l := range fs.Lines {
				if l.Night < from || l.Night > to {
					continue
				}
				if line.Nights == 0 {
					line.FromNight = l.Night
				}
				line.ToNight = l.Night
				line.Nights++
				line.NOK += l.NOK
			}
			if line.Nights == 0 {
				return nil
			}
			inv := byOrg[st.EmployerOrg]
			if inv == nil {
				inv = &EmployerInvoice{OrgNumber: st.EmployerOrg, Name: st.EmployerName}
				byOrg[st.EmployerOrg] = inv
			}
			inv.Lines = append(inv.Lines, line)
			inv.TotalNOK += line.NOK
			receipts = append(receipts, st.Receipt)
			return nil
		})
	})
	if err == nil {
		err = s.tx.Update(ctx, "audit", func(ctx context.Context, tx beredskap.HotelTx) error {
			return beredskap.AppendAudit(ctx, tx, record(a, "stay.invoices", "municipality:"+municipality, from+".."+to, receipts...))
		})
	}
	if err != nil {
		return nil, beredskap.Wrap("employer invoices", err)
	}
	out := make([]*EmployerInvoice, 0, len(byOrg))
	for _, inv := range byOrg {
		sort.Slice(inv.Lines, func(i, j int) bool { return inv.Lines[i].FromNight < inv.Lines[j].FromNight })
		out = append(out, inv)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OrgNumber < out[j].OrgNumber })
	return out, nil
}
