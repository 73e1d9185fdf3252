package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"beredskap"
)

// registerHotelPages registers the quarantine hotels' pages and API
// (hotels and capacity, allocation, stays, fee statements, § 6j
// dispensations and delegations, rule-change impact), when the server has
// a hotel service.
func (s *Server) registerHotelPages() {
	if s.cfg.Hotels == nil {
		return
	}
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

// hotelTemplates holds the parsed pages of hotels, stays, dispensations
// and rule-change impact, each with the layout, the form controls and the
// staff parts.
var hotelTemplates = mustLoadHotelTemplates()

func mustLoadHotelTemplates() map[string]*template.Template {
	names := []string{
		"hotel_list.html", "hotel_form.html", "hotel_page.html", "hotel_allocate.html", "hotel_stays.html",
		"hotel_stay.html", "hotel_fees.html", "hotel_invoices.html",
		"dispensation_list.html", "dispensation_form.html", "dispensation_delegations.html",
		"impact_page.html",
	}
	ts := map[string]*template.Template{}
	for _, name := range names {
		t, err := template.New(name).ParseFS(templateFiles,
			"templates/layout.html", "templates/fields.html", "templates/staff_parts.html", "templates/hotel_parts.html", "templates/"+name)
		if err != nil {
			panic(err)
		}
		ts[name] = t
	}
	return ts
}

// renderHotel renders one of the hotel pages like renderStaff.
func (s *Server) renderHotel(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := hotelTemplates[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// hotelLinks returns the links of the hotel, dispensation and rule-change
// pages the actor's role may use, for the navigation and the staff home
// page: hotel coordinators their hotels, stays and allocation; border
// officers allocation; municipal officers and staff dispensations; the
// officer delegations; whoever may, the rule-change impact.
func (f *staffFrame) hotelLinks(current string) []staffLink {
	a, m := f.Actor, f.Actor.Municipality()
	var links []staffLink
	add := func(ok bool, path, key string) {
		if ok {
			links = append(links, staffLink{
				Href: f.Href(path), Text: f.T(key), Hint: f.T(key + ".hint"), Current: path == current,
			})
		}
	}
	add(beredskap.Can(a, beredskap.PermManageHotels, m), "/staff/hotels", "hotel.nav.hotels")
	add(beredskap.Can(a, beredskap.PermAllocateStay, m), "/staff/allocate", "hotel.nav.allocate")
	add(beredskap.Can(a, beredskap.PermManageStays, m), "/staff/stays", "hotel.nav.stays")
	add(beredskap.Can(a, beredskap.PermManageStays, m), "/staff/invoices", "hotel.nav.invoices")
	add(beredskap.Can(a, beredskap.PermGrantDispensation, m) || (m == "" && beredskap.Can(a, beredskap.PermEndDispensation, m)),
		"/staff/dispensations", "hotel.nav.dispensations")
	add(beredskap.Can(a, beredskap.PermDelegateDispensations, m), "/staff/delegations", "hotel.nav.delegations")
	add(beredskap.Can(a, beredskap.PermRuleImpact, m), "/staff/rule-impact", "hotel.nav.impact")
	return links
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
