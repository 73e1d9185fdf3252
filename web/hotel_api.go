package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"beredskap"
	"beredskap/hotel"
)

// registerHotelAPI registers the JSON API of hotels, stays, fee
// statements, dispensations and rule-change impact.
func (s *Server) registerHotelAPI() {
	s.handle("GET /api/v1/hotels", s.apiHotels)
	s.handle("POST /api/v1/hotels", s.apiHotelCreate)
	s.handle("GET /api/v1/hotels/availability", s.apiAvailability)
	s.handle("GET /api/v1/hotels/{hotel}", s.apiHotel)
	s.handle("PUT /api/v1/hotels/{hotel}", s.apiHotelUpdate)
	s.handle("GET /api/v1/hotels/{hotel}/capacity", s.apiCapacityChanges)
	s.handle("POST /api/v1/hotels/{hotel}/capacity", s.apiSetCapacity)

	s.handle("GET /api/v1/stays", s.apiStays)
	s.handle("POST /api/v1/stays", s.apiAllocate)
	s.handle("POST /api/v1/stays/isolation", s.apiIsolate)
	s.handle("GET /api/v1/stays/invoices", s.apiInvoices)
	s.handle("GET /api/v1/stays/{stay}", s.apiStay)
	s.handle("GET /api/v1/stays/{stay}/fees", s.apiFees)
	for _, action := range []string{"check-in", "check-out", "depart", "transfer", "cancel"} {
		s.handle("POST /api/v1/stays/{stay}/"+action, s.apiStayAction(action))
	}

	s.registerDispensationAPI()
	s.registerImpactAPI()
}

// apiHotels lists the hotels of a municipality (all when none is named).
func (s *Server) apiHotels(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	hs, err := s.cfg.Hotels.Hotels(r.Context(), r.URL.Query().Get("municipality"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	body := itemsJSON[hotelJSON]{Items: []hotelJSON{}}
	for _, h := range hs {
		body.Items = append(body.Items, hotelOf(h))
	}
	writeJSON(w, http.StatusOK, body)
}

// apiHotelCreate adds a hotel.
func (s *Server) apiHotelCreate(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.mayAny(w, r, "add hotels", beredskap.PermManageHotels); !ok {
		return
	}
	var in hotelInputJSON
	if err := s.decodeStaffJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	h, err := s.cfg.Hotels.CreateHotel(r.Context(), in.input())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, hotelOf(h))
}

// apiHotel returns one hotel.
func (s *Server) apiHotel(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	id, err := pathID(r, "hotel")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	h, err := s.cfg.Hotels.Hotel(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, hotelOf(h))
}

// apiHotelUpdate changes a hotel.
func (s *Server) apiHotelUpdate(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.mayAny(w, r, "change hotels", beredskap.PermManageHotels); !ok {
		return
	}
	id, err := pathID(r, "hotel")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var in hotelInputJSON
	if err := s.decodeStaffJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	h, err := s.cfg.Hotels.UpdateHotel(r.Context(), id, in.input())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, hotelOf(h))
}

// apiCapacityChanges lists a hotel's capacity changes.
func (s *Server) apiCapacityChanges(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	id, err := pathID(r, "hotel")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	cs, err := s.cfg.Hotels.CapacityChanges(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	body := itemsJSON[capacityJSON]{Items: []capacityJSON{}}
	for _, c := range cs {
		body.Items = append(body.Items, capacityOf(c))
	}
	writeJSON(w, http.StatusOK, body)
}

// apiSetCapacity sets a hotel's rooms for a range of nights.
func (s *Server) apiSetCapacity(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.mayAny(w, r, "change hotels", beredskap.PermManageHotels); !ok {
		return
	}
	id, err := pathID(r, "hotel")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var in capacityInputJSON
	if err := s.decodeStaffJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.cfg.Hotels.SetCapacity(r.Context(), id, in.From, in.To, in.Rooms)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, capacityOf(c))
}

// apiAvailability returns the active hotels of a municipality (all when
// none is named) with their rooms each night from..to.
func (s *Server) apiAvailability(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	q := r.URL.Query()
	avs, err := s.cfg.Hotels.Availability(r.Context(), q.Get("municipality"), q.Get("from"), q.Get("to"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	body := itemsJSON[availabilityJSON]{Items: []availabilityJSON{}}
	for _, av := range avs {
		body.Items = append(body.Items, availabilityOf(av))
	}
	writeJSON(w, http.StatusOK, body)
}

// apiStays lists stays, a page at a time.
func (s *Server) apiStays(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	q := r.URL.Query()
	limit, err := pageLimit(q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f := beredskap.StayFilter{Municipality: q.Get("municipality"), Receipt: q.Get("receipt"),
		Status: beredskap.StayStatus(q.Get("status")), Night: q.Get("night"), Limit: limit, PageToken: q.Get("page_token")}
	if v := q.Get("hotel_id"); v != "" {
		if f.HotelID, err = strconv.ParseInt(v, 10, 64); err != nil {
			s.Error(w, r, beredskap.Invalid("hotel_id", "format_number", "must be a whole number"))
			return
		}
	}
	stays, next, err := s.cfg.Hotels.Stays(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	body := stayListJSON{Items: []stayJSON{}, NextPageToken: next}
	for _, st := range stays {
		body.Items = append(body.Items, stayOf(st))
	}
	writeJSON(w, http.StatusOK, body)
}

// apiStay returns one stay.
func (s *Server) apiStay(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	id, err := pathID(r, "stay")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	st, err := s.cfg.Hotels.Stay(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, stayOf(st))
}

// apiAllocate gives a traveller a room.
func (s *Server) apiAllocate(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.mayAny(w, r, "allocate hotel rooms", beredskap.PermAllocateStay); !ok {
		return
	}
	var in allocateJSON
	if err := s.decodeStaffJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	st, err := s.cfg.Hotels.Allocate(r.Context(), hotel.AllocateRequest(in))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, stayOf(st))
}

// apiIsolate starts an isolation stay.
func (s *Server) apiIsolate(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.mayAny(w, r, "change stays", beredskap.PermManageStays); !ok {
		return
	}
	var in isolationJSON
	if err := s.decodeStaffJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	st, err := s.cfg.Hotels.Isolate(r.Context(), hotel.IsolationRequest(in))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, stayOf(st))
}

// apiInstant reads an optional RFC 3339 instant of field.
func apiInstant(field, v string) (time.Time, error) {
	if strings.TrimSpace(v) == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, beredskap.Invalid(field, "format_instant", "must be an RFC 3339 instant such as 2020-12-21T14:30:00+01:00")
	}
	return t, nil
}

// apiStayAction returns the handler of one change of a stay.
func (s *Server) apiStayAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, ok := s.mayAny(w, r, "change stays", beredskap.PermManageStays); !ok {
			return
		}
		id, err := pathID(r, "stay")
		if err != nil {
			s.Error(w, r, err)
			return
		}
		ctx, svc := r.Context(), s.cfg.Hotels
		var st *beredskap.Stay
		switch action {
		case "transfer":
			var in transferJSON
			if err := s.decodeStaffJSON(w, r, &in); err != nil {
				s.Error(w, r, err)
				return
			}
			at, err := apiInstant("at", in.At)
			if err != nil {
				s.Error(w, r, err)
				return
			}
			res, err := svc.Transfer(ctx, id, hotel.TransferRequest{Address: in.Address, PostalCode: in.PostalCode,
				Group: in.Group, Documents: in.Documents, AccommodationType: in.AccommodationType, At: at})
			if err != nil {
				s.Error(w, r, err)
				return
			}
			writeJSON(w, http.StatusOK, transferResultJSON{Stay: stayOf(res.Stay), Decision: res.Decision,
				QuarantineEnded: res.QuarantineEnded})
			return
		case "cancel":
			var in cancelJSON
			if err := s.decodeStaffJSON(w, r, &in); err != nil {
				s.Error(w, r, err)
				return
			}
			st, err = svc.Cancel(ctx, id, in.Note)
		default:
			var in atJSON
			if err := s.decodeStaffJSON(w, r, &in); err != nil {
				s.Error(w, r, err)
				return
			}
			at, err := apiInstant("at", in.At)
			if err != nil {
				s.Error(w, r, err)
				return
			}
			switch action {
			case "check-in":
				st, err = svc.CheckIn(ctx, id, at)
			case "check-out":
				st, err = svc.CheckOut(ctx, id, at)
			default:
				st, err = svc.Depart(ctx, id, at)
			}
			if err != nil {
				s.Error(w, r, err)
				return
			}
		}
		if err != nil {
			s.Error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, stayOf(st))
	}
}

// apiFees returns a stay's fee statement as JSON, or with format csv or
// pdf as a file.
func (s *Server) apiFees(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "csv" && format != "pdf" {
		s.Error(w, r, beredskap.Invalid("format", "unknown_value", "must be json, csv or pdf"))
		return
	}
	st, ok := s.feeStatement(w, r)
	if !ok {
		return
	}
	switch format {
	case "csv":
		s.feeCSV(w, r, st)
	case "pdf":
		s.feePDF(w, r, st)
	default:
		writeJSON(w, http.StatusOK, feeStatementOf(st))
	}
}

// apiInvoices returns employer invoice data of a municipality and period,
// or with format csv the same as a file.
func (s *Server) apiInvoices(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	if m := q.Get("municipality"); m != "" && a.Municipality() != "" && m != a.Municipality() {
		s.Error(w, r, forbidden("read another municipality's invoices"))
		return
	}
	invs, err := s.invoices(r, a, q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if q.Get("format") == "csv" {
		var buf strings.Builder
		if err := hotel.WriteInvoicesCSV(&buf, invs, exportLayout(r)); err != nil {
			s.Error(w, r, err)
			return
		}
		writeDownload(w, "text/csv; charset=utf-8", downloadName(downloadLocale(r), "file.invoices", time.Now(), ".csv", "from", q.Get("from"), "to", q.Get("to")), []byte(buf.String()))
		return
	}
	body := itemsJSON[invoiceJSON]{Items: []invoiceJSON{}}
	for _, inv := range invs {
		body.Items = append(body.Items, invoiceOf(inv))
	}
	writeJSON(w, http.StatusOK, body)
}
