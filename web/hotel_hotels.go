package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"beredskap"
	"beredskap/hotel"
)

// hotelListPage lists a municipality's quarantine hotels.
type hotelListPage struct {
	staffFrame
	Rows []hotelRow
	// Manage says the actor may add and change hotels.
	Manage bool
}

// hotelRow is one hotel as a list shows it.
type hotelRow struct {
	ID                                int64
	Name, Href, Address, Municipality string
	Contact, Rooms, Isolation, Active string
	IsActive                          bool
}

// hotelRowOf returns the row of h in the page's language.
func (f *staffFrame) hotelRowOf(h *beredskap.QuarantineHotel) hotelRow {
	row := hotelRow{
		ID: h.ID, Name: h.Name, Href: f.Href(hotelPath("hotels", h.ID)),
		Address: h.Address + ", " + h.PostalCode, Municipality: municipalityName(h.Municipality),
		Contact: strings.TrimSpace(h.ContactName + " " + h.ContactEmail + " " + h.ContactPhone),
		Rooms:   strconv.Itoa(h.Rooms), IsActive: h.Active,
		Isolation: f.T("hotel.no"), Active: f.T("hotel.no"),
	}
	if h.Isolation {
		row.Isolation = f.T("hotel.yes")
	}
	if h.Active {
		row.Active = f.T("hotel.yes")
	}
	return row
}

// handleHotels lists the hotels of the actor's municipality (every hotel
// for roles with national reach).
func (s *Server) handleHotels(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	hs, err := s.cfg.Hotels.Hotels(r.Context(), a.Municipality())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page := &hotelListPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/hotels", "hotel.list.title")}
	page.Manage = beredskap.Can(a, beredskap.PermManageHotels, a.Municipality())
	for _, h := range hs {
		page.Rows = append(page.Rows, page.hotelRowOf(h))
	}
	s.render(w, r, http.StatusOK, "hotel_list.html", page)
}

// hotelFormPage is the form that adds or changes a hotel.
type hotelFormPage struct {
	staffFrame
	Form   hotelForm
	Action string
	Hotel  *beredskap.QuarantineHotel
}

// newHotelFormPage returns the form at path posting to action.
func (s *Server) newHotelFormPage(w http.ResponseWriter, r *http.Request, a *beredskap.Actor, path, titleKey, action string, values url.Values) *hotelFormPage {
	page := &hotelFormPage{staffFrame: s.newStaffFrame(w, r, a, path, titleKey)}
	page.Form = newHotelForm(&page.staffFrame)
	page.Values = values
	page.Action = page.Href(action)
	return page
}

// handleHotelNew shows the empty form of a new hotel.
func (s *Server) handleHotelNew(w http.ResponseWriter, r *http.Request) {
	a, ok := s.mayAny(w, r, "add hotels", beredskap.PermManageHotels)
	if !ok {
		return
	}
	page := s.newHotelFormPage(w, r, a, "/staff/hotels/new", "hotel.form.title_new", "/staff/hotels",
		url.Values{"active": {"true"}})
	s.render(w, r, http.StatusOK, "hotel_form.html", page)
}

// hotelInput reads a hotel form; a rooms value that is not a number is
// EINVALID naming rooms.
func hotelInput(form url.Values) (hotel.HotelInput, error) {
	in := hotel.HotelInput{
		Name: form.Get("name"), Address: form.Get("address"), PostalCode: form.Get("postal_code"),
		ContactName: form.Get("contact_name"), ContactEmail: form.Get("contact_email"),
		ContactPhone: form.Get("contact_phone"), Isolation: form.Get("isolation") == "true",
		Active: form.Get("active") == "true",
	}
	n, err := strconv.Atoi(strings.TrimSpace(form.Get("rooms")))
	if err != nil {
		return in, beredskap.Invalid("rooms", "format_number", "must be a whole number")
	}
	in.Rooms = n
	return in, nil
}

// handleHotelCreate adds a hotel of the actor's municipality, or shows the
// form again with the problems at their fields.
func (s *Server) handleHotelCreate(w http.ResponseWriter, r *http.Request) {
	a, ok := s.mayAny(w, r, "add hotels", beredskap.PermManageHotels)
	if !ok {
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	form := trimmed(r.PostForm)
	in, err := hotelInput(form)
	var h *beredskap.QuarantineHotel
	if err == nil {
		h, err = s.cfg.Hotels.CreateHotel(r.Context(), in)
	}
	if err == nil {
		redirectDone(w, r, hotelPath("hotels", h.ID), "created")
		return
	}
	problems, invalid := invalidProblems(err)
	if !invalid {
		s.Error(w, r, err)
		return
	}
	page := s.newHotelFormPage(w, r, a, "/staff/hotels/new", "hotel.form.title_new", "/staff/hotels", form)
	page.Form.setProblems(problems, "hotel-form")
	s.render(w, r, http.StatusBadRequest, "hotel_form.html", page)
}

// hotelPage is one hotel: its details, the form that changes them, the
// capacity changes and the rooms free each night of a range.
type hotelPage struct {
	hotelFormPage
	Row            hotelRow
	Manage         bool
	Done           string
	CapacityAction string
	Changes        []capacityRow
	Nights         []hotel.NightRooms
	From, To       string
	// CapacityForm holds the capacity form's state apart from the
	// hotel form's.
	CapacityForm hotelForm
	capacity     staffFrame
}

// capacityRow is one capacity change.
type capacityRow struct {
	From, To, By, At string
	Rooms            int
}

// handleHotel shows a hotel.
func (s *Server) handleHotel(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	id, err := pathID(r, "hotel")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page, err := s.hotelPageOf(w, r, a, id, nil, nil)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "hotel_page.html", page)
}

// hotelPageOf returns the page of hotel id, with the hotel form holding
// values (the hotel's when nil) and the capacity form capValues.
func (s *Server) hotelPageOf(w http.ResponseWriter, r *http.Request, a *beredskap.Actor, id int64, values, capValues url.Values) (*hotelPage, error) {
	ctx := r.Context()
	h, err := s.cfg.Hotels.Hotel(ctx, id)
	if err != nil {
		return nil, err
	}
	changes, err := s.cfg.Hotels.CapacityChanges(ctx, id)
	if err != nil {
		return nil, err
	}
	path := hotelPath("hotels", id)
	if values == nil {
		values = url.Values{"name": {h.Name}, "address": {h.Address}, "postal_code": {h.PostalCode},
			"contact_name": {h.ContactName}, "contact_email": {h.ContactEmail}, "contact_phone": {h.ContactPhone},
			"rooms": {strconv.Itoa(h.Rooms)}}
		if h.Isolation {
			values.Set("isolation", "true")
		}
		if h.Active {
			values.Set("active", "true")
		}
	}
	page := &hotelPage{hotelFormPage: *s.newHotelFormPage(w, r, a, path, "hotel.page.title", path, values)}
	page.Form = newHotelForm(&page.staffFrame)
	page.Hotel = h
	page.Title = page.T("hotel.page.title_named", "name", h.Name)
	page.Row = page.hotelRowOf(h)
	page.Manage = beredskap.Can(a, beredskap.PermManageHotels, h.Municipality)
	page.Done = r.URL.Query().Get("done")
	page.CapacityAction = page.Href(path + "/capacity")
	page.capacity = page.staffFrame
	page.capacity.Values, page.capacity.Errors, page.capacity.Summary = capValues, nil, nil
	page.CapacityForm = newHotelForm(&page.capacity)
	page.CapacityForm.rename = map[string]string{"from": "cap_from", "to": "cap_to", "rooms": "cap_rooms"}
	for _, c := range changes {
		page.Changes = append(page.Changes, capacityRow{From: page.DateOf(c.From), To: page.DateOf(c.To),
			By: c.CreatedBy, At: page.Time(c.CreatedAt), Rooms: c.Rooms})
	}
	q := r.URL.Query()
	page.From, page.To = q.Get("from"), q.Get("to")
	if page.From == "" {
		page.From = time.Now().In(oslo).Format(time.DateOnly)
	}
	if page.To == "" {
		if f, err := time.Parse(time.DateOnly, page.From); err == nil {
			page.To = f.AddDate(0, 0, 13).Format(time.DateOnly)
		}
	}
	avs, err := s.cfg.Hotels.Availability(ctx, h.Municipality, page.From, page.To)
	if err != nil && beredskap.ErrorCode(err) != beredskap.EINVALID {
		return nil, err
	}
	for _, av := range avs {
		if av.Hotel.ID == id {
			page.Nights = av.Nights
		}
	}
	return page, nil
}

// handleHotelUpdate changes a hotel, or shows its page again with the
// problems at their fields.
func (s *Server) handleHotelUpdate(w http.ResponseWriter, r *http.Request) {
	a, ok := s.mayAny(w, r, "change hotels", beredskap.PermManageHotels)
	if !ok {
		return
	}
	id, err := pathID(r, "hotel")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	form := trimmed(r.PostForm)
	in, err := hotelInput(form)
	if err == nil {
		_, err = s.cfg.Hotels.UpdateHotel(r.Context(), id, in)
	}
	if err == nil {
		redirectDone(w, r, hotelPath("hotels", id), "updated")
		return
	}
	problems, invalid := invalidProblems(err)
	if !invalid {
		s.Error(w, r, err)
		return
	}
	page, perr := s.hotelPageOf(w, r, a, id, form, nil)
	if perr != nil {
		s.Error(w, r, perr)
		return
	}
	page.Form.setProblems(problems, "hotel-form")
	s.render(w, r, http.StatusBadRequest, "hotel_page.html", page)
}

// handleHotelCapacity sets the hotel's rooms for a range of nights.
func (s *Server) handleHotelCapacity(w http.ResponseWriter, r *http.Request) {
	a, ok := s.mayAny(w, r, "change hotels", beredskap.PermManageHotels)
	if !ok {
		return
	}
	id, err := pathID(r, "hotel")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	form := trimmed(r.PostForm)
	rooms, err := strconv.Atoi(form.Get("cap_rooms"))
	if err != nil {
		err = beredskap.Invalid("rooms", "format_number", "must be a whole number")
	} else {
		_, err = s.cfg.Hotels.SetCapacity(r.Context(), id, form.Get("cap_from"), form.Get("cap_to"), rooms)
	}
	if err == nil {
		redirectDone(w, r, hotelPath("hotels", id), "capacity")
		return
	}
	problems, invalid := invalidProblems(err)
	if !invalid {
		s.Error(w, r, err)
		return
	}
	page, perr := s.hotelPageOf(w, r, a, id, nil, form)
	if perr != nil {
		s.Error(w, r, perr)
		return
	}
	page.CapacityForm.setProblems(problems, "capacity-form")
	page.Summary, page.Title = page.capacity.Summary, page.capacity.Title
	s.render(w, r, http.StatusBadRequest, "hotel_page.html", page)
}
