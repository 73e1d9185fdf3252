package web

import (
	"net/http"
	"net/url"
	"strconv"

	"beredskap"
)

// hotelArea holds the quarantine hotels' pages and API (hotels and
// capacity, allocation, stays, fee statements, § 6j dispensations and
// delegations, rule-change impact), when the server has a hotel service:
// hotel coordinators reach their hotels, stays and allocation; border
// officers allocation; municipal officers and staff dispensations; the
// officer delegations; whoever may, the rule-change impact.
func hotelArea() area {
	return area{
		Name:    "hotel",
		Enabled: func(c *Config) bool { return c.Hotels != nil },
		Wide:    true,
		Pages: []string{
			"hotel_list.html", "hotel_form.html", "hotel_page.html", "hotel_allocate.html", "hotel_stays.html",
			"hotel_stay.html", "hotel_fees.html", "hotel_invoices.html",
			"dispensation_list.html", "dispensation_form.html", "dispensation_delegations.html",
			"impact_page.html",
		},
		Links: []navLink{
			{Group: "hotels", Path: "/staff/hotels", Key: "hotel.nav.hotels", Allowed: can(beredskap.PermManageHotels)},
			{Group: "hotels", Path: "/staff/allocate", Key: "hotel.nav.allocate", Allowed: can(beredskap.PermAllocateStay)},
			{Group: "hotels", Path: "/staff/stays", Key: "hotel.nav.stays", Allowed: can(beredskap.PermManageStays)},
			{Group: "hotels", Path: "/staff/invoices", Key: "hotel.nav.invoices", Allowed: can(beredskap.PermManageStays)},
			{Group: "dispensations", Path: "/staff/dispensations", Key: "hotel.nav.dispensations",
				Allowed: can(beredskap.PermReadDispensations)},
			{Group: "dispensations", Path: "/staff/delegations", Key: "hotel.nav.delegations",
				Allowed: can(beredskap.PermDelegateDispensations)},
			{Group: "registrations", Path: "/staff/rule-impact", Key: "hotel.nav.impact", Allowed: can(beredskap.PermRuleImpact)},
		},
		Routes: (*Server).registerHotelPages,
	}
}

func (s *Server) registerHotelPages() {
	s.handle("GET /staff/hotels", s.handleHotels)
	s.handle("GET /staff/hotels/new", s.handleHotelNew)
	s.handle("POST /staff/hotels", s.handleHotelCreate)
	s.handle("GET /staff/hotels/{hotel}", s.handleHotel)
	s.handle("POST /staff/hotels/{hotel}", s.handleHotelUpdate)
	s.handle("POST /staff/hotels/{hotel}/capacity", s.handleHotelCapacity)

	s.handle("GET /staff/allocate", s.handleAllocateForm)
	s.handle("POST /staff/allocate", s.handleAllocate)
	s.handle("GET /staff/stays", s.handleStays)
	s.handle("GET /staff/stays/{stay}", s.handleStay)
	for _, action := range stayActions {
		s.handle("POST /staff/stays/{stay}/"+action, s.handleStayAction(action))
	}
	s.handle("GET /staff/stays/{stay}/fees", s.handleFeeStatement)
	s.handle("GET /staff/stays/{stay}/fees.csv", s.handleFeeCSV)
	s.handle("GET /staff/stays/{stay}/fees.pdf", s.handleFeePDF)
	s.handle("GET /staff/invoices", s.handleInvoices)

	s.handle("GET /staff/dispensations", s.handleDispensations)
	s.handle("GET /staff/dispensations/new", s.handleDispensationForm)
	s.handle("POST /staff/dispensations", s.handleDispensationGrant)
	s.handle("POST /staff/dispensations/{dispensation}/end", s.handleDispensationEnd)
	s.handle("GET /staff/delegations", s.handleDelegations)
	s.handle("POST /staff/delegations", s.handleDelegate)
	s.handle("POST /staff/delegations/{delegation}/end", s.handleDelegationEnd)

	s.handle("GET /staff/rule-impact", s.handleImpact)
	s.handle("POST /staff/rule-impact", s.handleImpactCompute)
	s.handle("POST /staff/rule-impact/{run}/notify", s.handleImpactNotify)

	s.registerHotelAPI()
}

// mayAny answers 403 before a form or body is read unless the actor may
// do one of ps in their own municipality (anywhere, for national roles),
// and returns the actor.
func (s *Server) mayAny(w http.ResponseWriter, r *http.Request, what string, ps ...beredskap.Permission) (*beredskap.Actor, bool) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return nil, false
	}
	for _, p := range ps {
		if beredskap.Can(a, p, a.Municipality()) {
			return a, true
		}
	}
	s.Error(w, r, forbidden(what))
	return nil, false
}

// itoa writes an id.
func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// hotelPath returns the path of a hotel, stay or dispensation page.
func hotelPath(kind string, id int64, rest ...string) string {
	p := "/staff/" + kind + "/" + itoa(id)
	for _, r := range rest {
		p += "/" + r
	}
	return p
}

// redirectDone sends the browser to path in the page's language with a
// done flag naming what was done, for the page to confirm.
func redirectDone(w http.ResponseWriter, r *http.Request, path, done string) {
	q := url.Values{"lang": {staffLocales.pageLanguage(r)}}
	if done != "" {
		q.Set("done", done)
	}
	http.Redirect(w, r, path+"?"+q.Encode(), http.StatusSeeOther)
}
