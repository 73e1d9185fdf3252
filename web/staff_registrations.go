package web

import (
	"net/http"
	"net/url"
	"strings"

	"beredskap"
)

// staffHomePage is where staff land after logging in: who they are, the
// grant they act in, and the pages their role may use.
type staffHomePage struct {
	staffFrame
	Grant *beredskap.Grant
}

// handleStaffHome shows the staff home page.
func (s *Server) handleStaffHome(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	page := &staffHomePage{staffFrame: s.newStaffFrame(w, r, a, "/staff", "staff.home.title"), Grant: a.Grant}
	s.render(w, r, http.StatusOK, "staff_home.html", page)
}

// staffRegistrationsPage is a page of the registrations the actor may
// list, newest first.
type staffRegistrationsPage struct {
	staffFrame
	// Municipality is the municipality listed; "" lists all. Filter says
	// the actor may choose it (national reach).
	Municipality string
	Filter       bool
	// Listing is false for roles that may only look one receipt up.
	Listing   bool
	Rows      []staffRegistrationRow
	NextHref  string
	FirstHref string
}

// staffRegistrationRow is one registration in the list.
type staffRegistrationRow struct {
	Receipt, Href, Name, Arrival, Municipality, Quarantine, Registered string
}

// handleStaffRegistrations lists registrations: of the actor's own
// municipality for municipal roles, of all (or one chosen) for the control
// centre. A receipt in the query, from the look-up form, goes to that
// registration's page.
func (s *Server) handleStaffRegistrations(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	frame := s.newStaffFrame(w, r, a, "/staff/registrations", "staff.registrations.title")
	if receipt := strings.TrimSpace(q.Get("receipt")); receipt != "" {
		http.Redirect(w, r, frame.Href("/staff/registrations/"+url.PathEscape(receipt)), http.StatusSeeOther)
		return
	}
	page := &staffRegistrationsPage{staffFrame: frame}
	page.Values = q
	page.Municipality = a.Municipality()
	if page.Municipality == "" {
		page.Filter = true
		page.Municipality = strings.TrimSpace(q.Get("filter_municipality"))
		page.Municipalities = allMunicipalities()
	}
	if !beredskap.Can(a, beredskap.PermListRegistrations, page.Municipality) &&
		beredskap.Can(a, beredskap.PermReadRegistration, page.Municipality) {
		// The border officer may look a receipt up but not list.
		s.render(w, r, http.StatusOK, "staff_registrations.html", page)
		return
	}
	page.Listing = true
	token := q.Get("page_token")
	regs, next, err := s.staff.ListRegistrations(r.Context(), beredskap.RegistrationFilter{
		Municipality: page.Municipality, Limit: staffPageSize, PageToken: token,
	})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	for _, reg := range regs {
		t := reg.Registration.Traveller
		page.Rows = append(page.Rows, staffRegistrationRow{
			Receipt:      reg.Receipt,
			Href:         page.Href("/staff/registrations/" + url.PathEscape(reg.Receipt)),
			Name:         strings.TrimSpace(t.FirstName + " " + t.LastName),
			Arrival:      page.arrival(reg.Registration.ArrivalTime),
			Municipality: municipalityNameAt(reg.Municipality, reg.CreatedAt),
			Quarantine:   page.T("decision.headline." + reg.Decision.Quarantine.Scope),
			Registered:   page.Time(reg.CreatedAt),
		})
	}
	filter := ""
	if page.Filter {
		filter = page.Municipality
	}
	if next != "" {
		page.NextHref = page.Href("/staff/registrations", "filter_municipality", filter, "page_token", next)
	}
	if token != "" {
		page.FirstHref = page.Href("/staff/registrations", "filter_municipality", filter)
	}
	s.render(w, r, http.StatusOK, "staff_registrations.html", page)
}

// staffRegistrationPage is one registration with its decision.
type staffRegistrationPage struct {
	staffFrame
	Reg      *beredskap.StoredRegistration
	Name     string
	Arrival  string
	Decision DecisionView
	Hotel    *travellerHotel
}

// handleStaffRegistration shows one registration and its decision, when
// the actor may see it; otherwise the service answers not found.
func (s *Server) handleStaffRegistration(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	reg, err := s.staff.GetRegistration(r.Context(), r.PathValue("receipt"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	path := "/staff/registrations/" + url.PathEscape(reg.Receipt)
	page := &staffRegistrationPage{staffFrame: s.newStaffFrame(w, r, a, path, "staff.registration.title"), Reg: reg}
	t := reg.Registration.Traveller
	page.Name = strings.TrimSpace(t.FirstName + " " + t.LastName)
	page.Arrival = page.arrival(reg.Registration.ArrivalTime)
	page.Decision = s.storedDecisionView(r, page.text.public, reg, page.Lang)
	page.Hotel = s.travellerHotelOf(r, &page.staffFrame, reg.Receipt)
	s.render(w, r, http.StatusOK, "staff_registration.html", page)
}
