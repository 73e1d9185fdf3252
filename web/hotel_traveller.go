package web

import (
	"net/http"
	"time"

	"beredskap"
)

// travellerHotel is what the traveller's decision page and follow-up
// timeline show of the hotel scheme: their § 6j dispensations, the one
// active now, and their stays when the actor may see stays.
type travellerHotel struct {
	Dispensations []dispensationRow
	Active        string
	Stays         []stayRow
	ShowStays     bool
}

// travellerHotelOf returns the dispensations and stays of receipt that the
// actor may see, in the page's language, or nil without a hotel service.
// A read the actor may not make is left out, not refused: the page is
// about the registration.
func (s *Server) travellerHotelOf(r *http.Request, f *staffFrame, receipt string) *travellerHotel {
	if s.cfg.Hotels == nil {
		return nil
	}
	a, m := f.Actor, f.Actor.Municipality()
	out := &travellerHotel{}
	if beredskap.Can(a, beredskap.PermReadDispensations, m) {
		if ds, err := s.cfg.Hotels.Dispensations(r.Context(), receipt); err == nil {
			now := time.Now()
			for _, d := range ds {
				out.Dispensations = append(out.Dispensations, f.dispensationRowOf(d))
				if d.ActiveAt(now) {
					out.Active = f.T("hotel.traveller.active_dispensation", "purpose", f.T("hotel.purpose."+string(d.Purpose)),
						"place", d.Place, "from", f.Time(d.From), "to", f.Time(d.To))
				}
			}
		}
	}
	if beredskap.Can(a, beredskap.PermManageStays, m) || beredskap.Can(a, beredskap.PermAllocateStay, m) {
		out.ShowStays = true
		if stays, err := s.cfg.Hotels.StaysOf(r.Context(), receipt); err == nil {
			for _, st := range stays {
				out.Stays = append(out.Stays, stayRow{ID: st.ID, Href: f.Href(hotelPath("stays", st.ID)), Guest: st.GuestName,
					Receipt: st.Receipt, Nights: f.nightsText(st), Status: f.T("hotel.status." + string(st.Status)),
					Kind: f.T("hotel.kind." + string(st.Kind))})
			}
		}
	}
	return out
}
