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

// allocatePage is the form that gives a traveller a room, with the hotels
// of every municipality that have a free room on each night of the range
// (seed 004: the traveller may choose another municipality's hotel).
type allocatePage struct {
	staffFrame
	Form     hotelForm
	Action   string
	Done     string
	Hotels   []availabilityRow
	From, To string
	StayHref string
}

// availabilityRow is one hotel with room on every night of a range.
type availabilityRow struct {
	ID                          int64
	Name, Municipality, Address string
	MinFree                     int
	Isolation, Own              bool
}

// handleAllocateForm shows the allocation form.
func (s *Server) handleAllocateForm(w http.ResponseWriter, r *http.Request) {
	a, ok := s.mayAny(w, r, "allocate hotel rooms", beredskap.PermAllocateStay)
	if !ok {
		return
	}
	q := r.URL.Query()
	values := url.Values{}
	for _, k := range []string{"receipt", "hotel_id", "from_day", "to_day", "guardian_stay_id", "carer_for"} {
		if v := q.Get(k); v != "" {
			values.Set(k, v)
		}
	}
	page, err := s.allocatePageOf(w, r, a, values)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if q.Get("done") == "allocated" {
		page.Done = page.T("hotel.done.allocated_stay", "id", q.Get("stay"))
	}
	s.render(w, r, http.StatusOK, "hotel_allocate.html", page)
}

// allocatePageOf returns the allocation form holding values, with the
// hotels that have room over its nights: from_day up to to_day, or the
// next ten nights.
func (s *Server) allocatePageOf(w http.ResponseWriter, r *http.Request, a *beredskap.Actor, values url.Values) (*allocatePage, error) {
	page := &allocatePage{staffFrame: s.newStaffFrame(w, r, a, "/staff/allocate", "hotel.allocate.title")}
	page.Form = newHotelForm(&page.staffFrame)
	page.Values = values
	page.Action = page.Href("/staff/allocate")
	from, to := values.Get("from_day"), values.Get("to_day")
	if _, err := time.Parse(time.DateOnly, from); err != nil {
		from = time.Now().In(oslo).Format(time.DateOnly)
	}
	last := ""
	if t, err := time.Parse(time.DateOnly, to); err == nil && to > from {
		last = t.AddDate(0, 0, -1).Format(time.DateOnly)
	} else {
		f, _ := time.Parse(time.DateOnly, from)
		last = f.AddDate(0, 0, 9).Format(time.DateOnly)
	}
	page.From, page.To = from, last
	avs, err := s.cfg.Hotels.Availability(r.Context(), "", from, last)
	if err != nil && beredskap.ErrorCode(err) != beredskap.EINVALID {
		return nil, err
	}
	var opts []Option
	for _, av := range avs {
		if av.MinFree <= 0 {
			continue
		}
		h := av.Hotel
		row := availabilityRow{ID: h.ID, Name: h.Name, Municipality: municipalityName(h.Municipality),
			Address: h.Address + ", " + h.PostalCode, MinFree: av.MinFree, Isolation: h.Isolation,
			Own: h.Municipality == a.Municipality()}
		page.Hotels = append(page.Hotels, row)
		opts = append(opts, Option{Value: itoa(h.ID),
			Label: page.T("hotel.allocate.option", "name", h.Name, "municipality", row.Municipality, "free", strconv.Itoa(av.MinFree))})
	}
	page.Form.opts["hotel_id"] = opts
	return page, nil
}

// allocateRequest reads the allocation form; ids that are not numbers are
// EINVALID naming their field.
func allocateRequest(form url.Values) (hotel.AllocateRequest, error) {
	req := hotel.AllocateRequest{Receipt: form.Get("receipt"), FromDay: form.Get("from_day"), ToDay: form.Get("to_day"),
		Note: form.Get("note")}
	var ps beredskap.Problems
	num := func(field string) int64 {
		v := form.Get(field)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			ps.Add(field, "format_number", "must be a whole number")
		}
		return n
	}
	req.HotelID = num("hotel_id")
	req.GuardianStayID = num("guardian_stay_id")
	req.CarerFor = num("carer_for")
	return req, ps.Err()
}

// handleAllocate gives the traveller a room, then shows the stay to those
// who manage stays and the form again, with a confirmation, to the border.
func (s *Server) handleAllocate(w http.ResponseWriter, r *http.Request) {
	a, ok := s.mayAny(w, r, "allocate hotel rooms", beredskap.PermAllocateStay)
	if !ok {
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	form := trimmed(r.PostForm)
	req, err := allocateRequest(form)
	var st *beredskap.Stay
	if err == nil {
		st, err = s.cfg.Hotels.Allocate(r.Context(), req)
	}
	if err == nil {
		if beredskap.Can(a, beredskap.PermManageStays, st.Municipality) {
			redirectDone(w, r, hotelPath("stays", st.ID), "allocated")
			return
		}
		q := url.Values{"lang": {staffLocales.pageLanguage(r)}, "done": {"allocated"}, "stay": {itoa(st.ID)}}
		http.Redirect(w, r, "/staff/allocate?"+q.Encode(), http.StatusSeeOther)
		return
	}
	problems, invalid := invalidProblems(err)
	if !invalid {
		s.Error(w, r, err)
		return
	}
	page, perr := s.allocatePageOf(w, r, a, form)
	if perr != nil {
		s.Error(w, r, perr)
		return
	}
	page.Form.setProblems(problems, "allocate-form")
	s.render(w, r, http.StatusBadRequest, "hotel_allocate.html", page)
}

// staysPage lists stays with filters.
type staysPage struct {
	staffFrame
	Form                hotelForm
	Rows                []stayRow
	NextHref, FirstHref string
}

// stayRow is one stay as a list shows it.
type stayRow struct {
	ID                                          int64
	Href, Guest, Receipt, Hotel, Nights, Status string
	Kind                                        string
}

// stayStatuses are the choices of the status filter.
var stayStatuses = []beredskap.StayStatus{beredskap.StayAllocated, beredskap.StayCheckedIn, beredskap.StayCheckedOut,
	beredskap.StayDeparted, beredskap.StayTransferred, beredskap.StayCancelled}

// nightsText writes a stay's nights: the first night to the last.
func (f *staffFrame) nightsText(st *beredskap.Stay) string {
	last := st.ToDay
	if t, err := time.Parse(time.DateOnly, st.ToDay); err == nil {
		last = t.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	return f.T("hotel.stay.nights_text", "from", f.DateOf(st.FromDay), "last", f.DateOf(last),
		"leaves", f.DateOf(st.ToDay))
}

// handleStays lists the stays of the actor's municipality.
func (s *Server) handleStays(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	page := &staysPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/stays", "hotel.stays.title")}
	page.Form = newHotelForm(&page.staffFrame)
	page.Values = q
	f := beredskap.StayFilter{Municipality: a.Municipality(), Receipt: strings.TrimSpace(q.Get("receipt")),
		Status: beredskap.StayStatus(q.Get("status")), Night: q.Get("night"), Limit: staffPageSize, PageToken: q.Get("page_token")}
	if id, err := strconv.ParseInt(q.Get("filter_hotel"), 10, 64); err == nil {
		f.HotelID = id
	}
	hotels, err := s.cfg.Hotels.Hotels(r.Context(), a.Municipality())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	names := map[int64]string{}
	for _, h := range hotels {
		names[h.ID] = h.Name
		page.Form.opts["filter_hotel"] = append(page.Form.opts["filter_hotel"], Option{Value: itoa(h.ID), Label: h.Name})
	}
	for _, st := range stayStatuses {
		page.Form.opts["status"] = append(page.Form.opts["status"], Option{Value: string(st), Label: page.T("hotel.status." + string(st))})
	}
	stays, next, err := s.cfg.Hotels.Stays(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	for _, st := range stays {
		page.Rows = append(page.Rows, stayRow{ID: st.ID, Href: page.Href(hotelPath("stays", st.ID)), Guest: st.GuestName,
			Receipt: st.Receipt, Hotel: names[st.HotelID], Nights: page.nightsText(st),
			Status: page.T("hotel.status." + string(st.Status)), Kind: page.T("hotel.kind." + string(st.Kind))})
	}
	filters := []string{"filter_hotel", q.Get("filter_hotel"), "status", q.Get("status"), "night", q.Get("night"),
		"receipt", q.Get("receipt")}
	if next != "" {
		page.NextHref = page.Href("/staff/stays", append(filters, "page_token", next)...)
	}
	if q.Get("page_token") != "" {
		page.FirstHref = page.Href("/staff/stays", filters...)
	}
	s.render(w, r, http.StatusOK, "hotel_stays.html", page)
}

// parseLocal reads a datetime-local value (Europe/Oslo) of field; "" is
// the zero time (now, for the service).
func parseLocal(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", v, oslo)
	if err != nil {
		return t, beredskap.Invalid(field, "format_instant", "must be a date and time such as 2020-12-21T14:30")
	}
	return t, nil
}

// stayActions are the changes the stay page posts, each at
// /staff/stays/{stay}/<action>.
var stayActions = []string{"check-in", "check-out", "depart", "transfer", "isolation", "cancel"}

// stayRenames are the service's field names and the stay page's, per
// action.
var stayRenames = map[string]map[string]string{
	"check-in":  {"at": "checkin_at", "checked_in_at": "checkin_at"},
	"check-out": {"at": "checkout_at", "checked_out_at": "checkout_at"},
	"depart":    {"at": "depart_at", "checked_out_at": "depart_at"},
	"transfer":  {"at": "transfer_at", "address": "transfer_address", "postal_code": "transfer_postal"},
	"isolation": {"hotel_id": "iso_hotel_id", "from_day": "iso_from_day", "to_day": "iso_to_day"},
	"cancel":    {"note": "cancel_note"},
}

// handleStayAction returns the handler that posts one of the stay page's
// forms: on success back to the stay (a new isolation stay: to it), on bad
// input or a conflict the stay page again with the problem.
func (s *Server) handleStayAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.mayAny(w, r, "change stays", beredskap.PermManageStays)
		if !ok {
			return
		}
		id, err := pathID(r, "stay")
		if err != nil {
			s.Error(w, r, err)
			return
		}
		if err := s.parseStaffForm(w, r); err != nil {
			s.Error(w, r, err)
			return
		}
		form := trimmed(r.PostForm)
		target, err := s.stayAction(r, action, id, form)
		if err == nil {
			redirectDone(w, r, hotelPath("stays", target), strings.ReplaceAll(action, "-", "_"))
			return
		}
		problems, invalid := invalidProblems(err)
		if !invalid && beredskap.ErrorCode(err) != beredskap.ECONFLICT {
			s.Error(w, r, err)
			return
		}
		page, perr := s.stayPageOf(w, r, a, id, form)
		if perr != nil {
			s.Error(w, r, perr)
			return
		}
		status := http.StatusBadRequest
		if invalid {
			page.Form.rename = stayRenames[action]
			page.Form.setProblems(problems, strings.ReplaceAll(action, "-", "_")+"-form")
		} else {
			status = http.StatusConflict
			page.Conflict = page.conflictText(err)
			page.Title = page.T("staff.form.title_errors", "title", page.Title)
		}
		s.render(w, r, status, "hotel_stay.html", page)
	}
}

// stayAction does one change of stay id as the form asks, and returns the
// stay to show next.
func (s *Server) stayAction(r *http.Request, action string, id int64, form url.Values) (int64, error) {
	ctx, svc := r.Context(), s.cfg.Hotels
	at := func(field string) (time.Time, error) { return parseLocal(field, form.Get(field)) }
	switch action {
	case "check-in":
		t, err := at("checkin_at")
		if err == nil {
			_, err = svc.CheckIn(ctx, id, t)
		}
		return id, err
	case "check-out":
		t, err := at("checkout_at")
		if err == nil {
			_, err = svc.CheckOut(ctx, id, t)
		}
		return id, err
	case "depart":
		t, err := at("depart_at")
		if err == nil {
			_, err = svc.Depart(ctx, id, t)
		}
		return id, err
	case "cancel":
		_, err := svc.Cancel(ctx, id, form.Get("cancel_note"))
		return id, err
	case "transfer":
		t, err := at("transfer_at")
		if err != nil {
			return id, err
		}
		group, _ := strconv.Atoi(form.Get("group"))
		_, err = svc.Transfer(ctx, id, hotel.TransferRequest{Address: form.Get("transfer_address"),
			PostalCode: form.Get("transfer_postal"), Group: group, Documents: form["documents"],
			AccommodationType: form.Get("accommodation_type"), At: t})
		return id, err
	case "isolation":
		st, err := svc.Stay(ctx, id)
		if err != nil {
			return id, err
		}
		hotelID, _ := strconv.ParseInt(form.Get("iso_hotel_id"), 10, 64)
		iso, err := svc.Isolate(ctx, hotel.IsolationRequest{Receipt: st.Receipt, HotelID: hotelID,
			FromDay: form.Get("iso_from_day"), ToDay: form.Get("iso_to_day"), Note: form.Get("note")})
		if err != nil {
			return id, err
		}
		return iso.ID, nil
	}
	return id, beredskap.Errorf(beredskap.ENOTFOUND, "no such action")
}

// conflictText says in the page's language why a change was refused.
func (f *staffFrame) conflictText(err error) string {
	var reason string
	if e, ok := beredskapError(err); ok {
		reason = e.Reason
	}
	if reason != "" && f.text.Has("hotel.conflict."+reason) {
		return f.T("hotel.conflict." + reason)
	}
	return f.T("hotel.conflict.other", "message", beredskap.ErrorMessage(err))
}
