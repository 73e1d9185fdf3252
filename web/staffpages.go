package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"beredskap"
	"beredskap/internal/datefmt"
	"beredskap/norway"
)

// staffArea holds the staff home page, registrations, access orders, users
// and grants, and audit search.
func staffArea() area {
	return area{
		Name: "staff",
		Wide: true,
		Pages: []string{
			"staff_home.html", "staff_registrations.html", "staff_registration.html",
			"staff_orders.html", "staff_order_form.html", "staff_order.html", "staff_request_sent.html",
			"staff_users.html", "staff_user.html", "staff_audit.html",
		},
		Links: []navLink{
			{Path: "/staff", Key: "staff.nav.home"},
			{Group: "registrations", Path: "/staff/registrations", Key: "staff.nav.registrations",
				Allowed: can(beredskap.PermListRegistrations)},
			{Group: "registrations", Path: "/staff/registrations", Key: "staff.nav.lookup",
				Allowed: func(a *beredskap.Actor) bool {
					return can(beredskap.PermReadRegistration)(a) && !can(beredskap.PermListRegistrations)(a)
				}},
			{Group: "access", Path: "/staff/access-orders", Key: "staff.nav.orders", Allowed: can(beredskap.PermViewAccessOrders)},
			{Group: "access", Path: "/staff/access-orders/new", Key: "staff.nav.order_new", Allowed: can(beredskap.PermOrderAccess)},
			{Group: "access", Path: "/staff/users", Key: "staff.nav.users", Allowed: canAnywhere(beredskap.PermManageUsers)},
			{Group: "access", Path: "/staff/audit", Key: "staff.nav.audit", Allowed: canAnywhere(beredskap.PermSearchAudit)},
		},
		Routes: (*Server).registerStaffPages,
	}
}

// canAnywhere returns a navLink.Allowed that asks whether the actor may
// do p without a municipality (a national permission).
func canAnywhere(p beredskap.Permission) func(*beredskap.Actor) bool {
	return func(a *beredskap.Actor) bool { return beredskap.Can(a, p, "") }
}

// registerStaffPages registers the routes of the staff pages: registrations,
// access orders, users and grants, and audit search.
func (s *Server) registerStaffPages() {
	s.handle("GET /staff", s.handleStaffHome)
	s.handle("GET /staff/registrations", s.handleStaffRegistrations)
	s.handle("GET /staff/registrations/{receipt}", s.handleStaffRegistration)

	s.handle("GET /staff/access-orders", s.handleAccessOrders)
	s.handle("GET /staff/access-orders/new", s.handleAccessOrderForm)
	s.handle("POST /staff/access-orders", s.handleAccessOrderCreate)
	s.handle("GET /staff/access-orders/{id}", s.handleAccessOrder)
	s.handle("POST /staff/access-orders/{id}/confirm", s.handleAccessOrderConfirm)
	s.handle("POST /staff/access-orders/{id}/approve", s.handleAccessOrderApprove)
	s.handle("POST /staff/access-orders/{id}/reject", s.handleAccessOrderReject)
	s.handle("GET /access/request", s.handleAccessRequestForm)
	s.handle("POST /access/request", s.handleAccessRequest)

	s.handle("GET /staff/users", s.handleStaffUsers)
	s.handle("GET /staff/users/{id}", s.handleStaffUser)
	s.handle("POST /staff/users/{id}/remove", s.handleStaffUserRemove)
	s.handle("POST /staff/users/{id}/invitation", s.handleStaffUserInvitation)
	s.handle("POST /staff/users/{id}/reset", s.handleStaffUserReset)

	s.handle("GET /staff/audit", s.handleStaffAudit)
}

// staffPageSize is how many rows a staff list shows at a time.
const staffPageSize = 50

// staffFrame is what every staff page shows around its content: the page
// in bokmål or English, the acting staff member and the links their role
// allows, the CSRF token of its forms, and the state of its form.
type staffFrame struct {
	Page
	Actor *beredskap.Actor
	// Tasks are the pages the actor may use besides the home page.
	Tasks []staffLink
	CSRF  string
	staffForm
	text staffText
}

// staffLink is one link of the staff navigation or the home page.
type staffLink struct {
	Href, Text, Hint string
	Current          bool
}

// newStaffFrame returns the frame of a staff page at path for actor a,
// which is nil on public pages.
func (s *Server) newStaffFrame(w http.ResponseWriter, r *http.Request, a *beredskap.Actor, path, titleKey string) staffFrame {
	pg := s.pages.staffPage(r, path, titleKey)
	f := staffFrame{
		Page:  pg,
		Actor: a,
		CSRF:  s.formCSRF(w, r),
		text:  staffText{staff: pg.L, public: allLocales.get(pg.Lang)},
	}
	f.staffForm.text = f.text
	if a != nil {
		f.Menu, f.Tasks = s.staffMenu(&f, path)
	}
	return f
}

// T returns the text of key in the page's language; see staffText.T.
func (f *staffFrame) T(key string, args ...any) string {
	return f.text.T(key, args...)
}

// N returns the text of key for the count n in the page's language; see
// Locale.N.
func (f *staffFrame) N(key string, n int, args ...any) string {
	return f.text.N(key, n, args...)
}

// staffText finds the texts of the staff pages: in the staff locale when
// it has the key, else in the public locale of the same language, which
// holds the site's frame (name, footer) and the shared reasons.
type staffText struct {
	staff, public *Locale
}

// T returns the text of key with its placeholders filled; see Locale.T.
func (x staffText) T(key string, args ...any) string {
	if _, ok := x.staff.Lookup(key); ok {
		return x.staff.T(key, args...)
	}
	return x.public.T(key, args...)
}

// N returns the text of key for the count n; see Locale.N.
func (x staffText) N(key string, n int, args ...any) string {
	if _, ok := x.staff.Lookup(key + ".other"); ok {
		return x.staff.N(key, n, args...)
	}
	return x.public.N(key, n, args...)
}

// Has reports whether either locale has key.
func (x staffText) Has(key string) bool {
	_, ok := x.staff.Lookup(key)
	_, pub := x.public.Lookup(key)
	return ok || pub
}

// Own reports whether the language itself, in either locale, has key:
// not only its English fallback.
func (x staffText) Own(key string) bool {
	return x.staff.Has(key) || x.public.Has(key)
}

// Href returns path with the page's language and the given query
// parameters (name, value pairs; empty values are left out).
func (f *staffFrame) Href(path string, query ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(query); i += 2 {
		if query[i+1] != "" {
			q.Set(query[i], query[i+1])
		}
	}
	q.Set("lang", f.Lang)
	return path + "?" + q.Encode()
}

// Role names a role in the page's language.
func (f *staffFrame) Role(r beredskap.Role) string {
	if r == "" {
		return f.T("staff.role.none")
	}
	return f.T("staff.role." + string(r))
}

// Scope describes a grant's scope, naming the municipality or county.
func (f *staffFrame) Scope(sc beredskap.Scope) string {
	switch sc.Kind {
	case beredskap.ScopeMunicipality:
		return f.T("staff.scope.municipality", "name", municipalityName(sc.Code))
	case beredskap.ScopeCounty:
		return f.T("staff.scope.county", "name", countyName(sc.Code))
	case "":
		return f.T("staff.scope.none")
	default:
		return f.T("staff.scope." + string(sc.Kind))
	}
}

// MunicipalityName names a municipality with its number.
func (f *staffFrame) MunicipalityName(code string) string {
	return municipalityName(code)
}

// TripPurpose names the purpose of a trip abroad given in a registration
// (trip_purpose) in the page's language, or says that none was given.
func (f *staffFrame) TripPurpose(purpose string) string {
	if purpose == "" {
		return f.T("staff.trip_purpose.none")
	}
	return f.T("staff.trip_purpose." + purpose)
}

// Certificate says what the corona certificate given in a registration
// (covid_certificate) shows and who issued it, in the page's language, or
// that none was given.
func (f *staffFrame) Certificate(c beredskap.CovidCertificate) string {
	if c.Status == "" {
		return f.T("staff.certificate.none")
	}
	return f.T("staff.certificate.shows", "status", f.T("staff.certificate.status."+c.Status),
		"system", f.T("staff.certificate.system."+c.System))
}

// Time writes an instant in Europe/Oslo to the minute.
func (f *staffFrame) Time(t time.Time) string {
	return datefmt.Minute(f.Lang, t)
}

// TimeOr writes an instant like Time, or the text of key when it is nil.
func (f *staffFrame) TimeOr(t *time.Time, key string) string {
	if t == nil {
		return f.T(key)
	}
	return f.Time(*t)
}

// arrival writes an RFC 3339 arrival time in Europe/Oslo, or returns it
// as stored when it does not parse.
func (f *staffFrame) arrival(s string) string {
	return datefmt.Instant(f.Lang, s)
}

// Date writes the Europe/Oslo calendar date of an instant, or the text of
// key when it is nil.
func (f *staffFrame) Date(t *time.Time, key string) string {
	if t == nil {
		return f.T(key)
	}
	return datefmt.Day(f.Lang, *t)
}

// municipalityName returns "Name (code)" for a municipality as it is
// named today, or for a number no longer in use (before the reform of
// 2024) as it was named when last in use; the code alone for a number
// never used.
func municipalityName(code string) string {
	return municipalityNameAt(code, time.Now())
}

// municipalityNameAt returns "Name (code)" for the municipality with that
// number on the date of at, or in the period of that number closest to
// it; the code alone for a number never used.
func municipalityNameAt(code string, at time.Time) string {
	if m, ok := norway.MunicipalityNear(code, at); ok {
		return m.Name + " (" + code + ")"
	}
	return code
}

// countyName returns "Name (code)" for a county known today, or the code.
func countyName(code string) string {
	for _, c := range norway.Counties(time.Now()) {
		if c.Code == code {
			return c.Name + " (" + code + ")"
		}
	}
	return code
}

// parseStaffForm reads a staff form's body within the size limit and checks
// its CSRF token.
func (s *Server) parseStaffForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return beredskap.Errorf(beredskap.ETOOLARGE, "the form is over %d bytes", s.cfg.MaxBodyBytes)
		}
		return beredskap.Invalid("", "syntax", "the form could not be read")
	}
	return s.checkCSRF(r)
}

// pathID returns the numeric path value name, or ENOTFOUND.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, beredskap.Errorf(beredskap.ENOTFOUND, "no such %s", name)
	}
	return id, nil
}

// forbidden is the error of a page the actor's role may not use.
func forbidden(what string) error {
	return beredskap.Errorf(beredskap.EFORBIDDEN, "your role may not %s", what)
}

// RuleVersion names a rule version by the day it came into force, and the
// time when that was not midnight, in the page's language: "15.02.2021"
// for version 2021-02-15, "13.12.2020 17:00" for 2020-12-13-1700.
func (f *staffFrame) RuleVersion(id string) string { return datefmt.RuleVersion(f.Lang, id) }
