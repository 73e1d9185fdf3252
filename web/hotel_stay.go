package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"beredskap"
)

// stayPage is one stay with the forms that change it: check-in,
// check-out, early departure, transfer to another suitable place (address,
// exemption group, the documents shown), isolation and cancellation.
type stayPage struct {
	staffFrame
	Form     hotelForm
	Stay     *beredskap.Stay
	Hotel    *beredskap.QuarantineHotel
	Nights   string
	Done     string
	Conflict string
	// Actions are the forms the stay's status allows, by action.
	Actions                               map[string]string
	FeesHref, FeesCSV, FeesPDF, StaysHref string
	Status, Kind, Payer, Channel          string
	CheckedIn, CheckedOut                 string
	TransferDocs                          []string
	GuardianHref, CarerHref               string
}

// handleStay shows a stay.
func (s *Server) handleStay(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	id, err := pathID(r, "stay")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page, err := s.stayPageOf(w, r, a, id, url.Values{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if done := r.URL.Query().Get("done"); done != "" && page.text.Has("hotel.done."+done) {
		page.Done = page.T("hotel.done." + done)
	}
	s.render(w, r, http.StatusOK, "hotel_stay.html", page)
}

// stayPageOf returns the page of stay id with its forms holding values.
func (s *Server) stayPageOf(w http.ResponseWriter, r *http.Request, a *beredskap.Actor, id int64, values url.Values) (*stayPage, error) {
	ctx := r.Context()
	st, err := s.cfg.Hotels.Stay(ctx, id)
	if err != nil {
		return nil, err
	}
	h, err := s.cfg.Hotels.Hotel(ctx, st.HotelID)
	if err != nil {
		return nil, err
	}
	path := hotelPath("stays", id)
	page := &stayPage{staffFrame: s.newStaffFrame(w, r, a, path, "hotel.stay.title"), Stay: st, Hotel: h}
	page.Form = newHotelForm(&page.staffFrame)
	page.Values = values
	page.Title = page.T("hotel.stay.title_named", "id", itoa(id), "name", st.GuestName)
	page.Nights = page.nightsText(st)
	page.Status = page.T("hotel.status." + string(st.Status))
	page.Kind = page.T("hotel.kind." + string(st.Kind))
	page.Payer = page.T("hotel.payer." + st.Payer)
	page.Channel = page.T("hotel.channel." + st.Channel)
	page.CheckedIn = page.TimeOr(st.CheckedInAt, "hotel.stay.not_yet")
	page.CheckedOut = page.TimeOr(st.CheckedOutAt, "hotel.stay.not_yet")
	for _, d := range st.TransferDocuments {
		page.TransferDocs = append(page.TransferDocs, page.T("enum.documents."+d))
	}
	page.FeesHref = page.Href(path + "/fees")
	page.FeesCSV = page.Href(path + "/fees.csv")
	page.FeesPDF = page.Href(path + "/fees.pdf")
	page.StaysHref = page.Href("/staff/stays")
	if st.GuardianStayID != 0 {
		page.GuardianHref = page.Href(hotelPath("stays", st.GuardianStayID))
	}
	if st.CarerFor != 0 {
		page.CarerHref = page.Href(hotelPath("stays", st.CarerFor))
	}
	page.Actions = map[string]string{}
	if beredskap.Can(a, beredskap.PermManageStays, st.Municipality) {
		allowed := map[beredskap.StayStatus][]string{
			beredskap.StayAllocated: {"check-in", "depart", "isolation", "cancel"},
			beredskap.StayCheckedIn: {"check-out", "depart", "transfer", "isolation"},
		}
		for _, act := range allowed[st.Status] {
			page.Actions[act] = page.Href(path + "/" + act)
		}
	}
	if page.Actions["transfer"] != "" {
		page.transferOptions(s, st)
	}
	if page.Actions["isolation"] != "" {
		hs, err := s.cfg.Hotels.Hotels(ctx, "")
		if err != nil {
			return nil, err
		}
		for _, ih := range hs {
			if ih.Isolation && ih.Active {
				page.Form.opts["iso_hotel_id"] = append(page.Form.opts["iso_hotel_id"],
					Option{Value: itoa(ih.ID), Label: ih.Name + " – " + municipalityName(ih.Municipality)})
			}
		}
	}
	return page, nil
}

// transferOptions fills the choices of the transfer form: the exemption
// groups with the documents each asks for in the rule version in force now
// (or on the stay's last night, when that is past), the documents and the
// kinds of place.
func (page *stayPage) transferOptions(s *Server, st *beredskap.Stay) {
	book := s.cfg.Hotels.Book()
	at := time.Now()
	if d, err := time.ParseInLocation(time.DateOnly, st.ToDay, oslo); err == nil && at.After(d) {
		at = d.Add(-12 * time.Hour)
	}
	v, err := book.At(at)
	for n := 1; n <= 6; n++ {
		o := Option{Value: strconv.Itoa(n), Label: page.T("hotel.group." + strconv.Itoa(n))}
		if err == nil {
			if reqs, ok := v.GroupDocuments(n); ok {
				var parts []string
				for _, req := range reqs {
					var names []string
					for _, d := range req {
						names = append(names, page.T("enum.documents."+d))
					}
					parts = append(parts, strings.Join(names, page.T("hotel.or")))
				}
				if len(parts) == 0 {
					o.Hint = page.T("hotel.group.no_documents")
				} else {
					o.Hint = page.T("hotel.group.documents", "documents", strings.Join(parts, "; "))
				}
			} else {
				o.Hint = page.T("hotel.group.not_in_force", "rule", v.ID)
			}
		}
		page.Form.opts["group"] = append(page.Form.opts["group"], o)
	}
	for _, d := range beredskap.Enumerations["documents"] {
		page.Form.opts["documents"] = append(page.Form.opts["documents"], Option{Value: d, Label: page.T("enum.documents." + d)})
	}
	for _, t := range []string{beredskap.AccommodationOwnHome, beredskap.AccommodationFamilyHome, beredskap.AccommodationEmployer,
		beredskap.AccommodationOtherSuitable, beredskap.AccommodationOrdinaryHotel} {
		page.Form.opts["accommodation_type"] = append(page.Form.opts["accommodation_type"],
			Option{Value: t, Label: page.T("enum.accommodation.type." + t)})
	}
}
