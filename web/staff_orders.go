package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"beredskap"
	"beredskap/staff"
)

// accessOrdersPage lists access orders: a municipal officer's own
// municipality's, or the access administrators' queue.
type accessOrdersPage struct {
	staffFrame
	// Admin says the actor sees every municipality and may filter by one.
	Admin     bool
	Rows      []accessOrderRow
	NextHref  string
	FirstHref string
}

// accessOrderRow is one access order in the list.
type accessOrderRow struct {
	ID                                                           int64
	Href, Kind, Name, Email, Municipality, Role, Status, Created string
	Open                                                         bool
}

// statusesOf returns the order statuses a status filter choice selects.
func statusesOf(choice string) ([]beredskap.OrderStatus, error) {
	switch choice {
	case "", "open":
		return []beredskap.OrderStatus{beredskap.OrderPending, beredskap.OrderAwaitingConfirmation}, nil
	case "all":
		return nil, nil
	case string(beredskap.OrderPending), string(beredskap.OrderAwaitingConfirmation),
		string(beredskap.OrderApproved), string(beredskap.OrderRejected):
		return []beredskap.OrderStatus{beredskap.OrderStatus(choice)}, nil
	}
	return nil, beredskap.Invalid("status", "unknown_value", "is not a status of access orders")
}

// handleAccessOrders lists access orders, the open ones by default with
// those waiting for the administrators first.
func (s *Server) handleAccessOrders(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	page := &accessOrdersPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/access-orders", "staff.orders.title")}
	page.Values = url.Values{"status": {"open"}}
	if st := q.Get("status"); st != "" {
		page.Values.Set("status", st)
	}
	statuses, err := statusesOf(page.Values.Get("status"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	municipality := a.Municipality()
	if municipality == "" {
		page.Admin = true
		municipality = strings.TrimSpace(q.Get("filter_municipality"))
		page.Values.Set("filter_municipality", municipality)
		page.Municipalities = allMunicipalities()
	}
	token := q.Get("page_token")
	orders, next, err := s.staff.ListAccessOrders(r.Context(), beredskap.AccessOrderFilter{
		Statuses: statuses, Municipality: municipality, Limit: staffPageSize, PageToken: token,
	})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	slices.SortStableFunc(orders, func(x, y *beredskap.AccessOrder) int {
		return statusRank(x.Status) - statusRank(y.Status)
	})
	for _, o := range orders {
		page.Rows = append(page.Rows, accessOrderRow{
			ID:           o.ID,
			Href:         page.Href("/staff/access-orders/" + strconv.FormatInt(o.ID, 10)),
			Kind:         page.T("staff.kind." + string(o.Kind)),
			Name:         strings.TrimSpace(o.FirstName + " " + o.LastName),
			Email:        o.Email,
			Municipality: municipalityName(o.Municipality),
			Role:         page.Role(o.Role),
			Status:       page.T("staff.status." + string(o.Status)),
			Created:      page.Time(o.CreatedAt),
			Open:         o.Status.Open(),
		})
	}
	filter := []string{"status", page.Values.Get("status")}
	if page.Admin {
		filter = append(filter, "filter_municipality", municipality)
	}
	if next != "" {
		page.NextHref = page.Href("/staff/access-orders", append(filter, "page_token", next)...)
	}
	if token != "" {
		page.FirstHref = page.Href("/staff/access-orders", filter...)
	}
	s.render(w, r, http.StatusOK, "staff_orders.html", page)
}

// statusRank orders statuses in the queue: waiting for the administrators
// first, then waiting for confirmation, then decided.
func statusRank(st beredskap.OrderStatus) int {
	switch st {
	case beredskap.OrderPending:
		return 0
	case beredskap.OrderAwaitingConfirmation:
		return 1
	default:
		return 2
	}
}

// accessOrderFormPage is the access-order form: a municipal officer's
// order, or the request an employee files for themselves (Public).
type accessOrderFormPage struct {
	staffFrame
	Action string
	Public bool
}

// handleAccessOrderForm shows an empty access-order form for the
// officer's own municipality.
func (s *Server) handleAccessOrderForm(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	if !beredskap.Can(a, beredskap.PermOrderAccess, a.Municipality()) {
		s.Error(w, r, forbidden("order access"))
		return
	}
	page := s.orderFormPage(w, r, a, url.Values{
		"kind": {string(beredskap.OrderGrant)}, "role": {string(beredskap.RoleMunicipalStaff)},
		"municipality": {a.Municipality()},
	})
	s.render(w, r, http.StatusOK, "staff_order_form.html", page)
}

// handleAccessOrderCreate files the officer's access order and shows it,
// or shows the form again with a message at each wrong field.
func (s *Server) handleAccessOrderCreate(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	o, err := s.staff.OrderAccess(r.Context(), decodeOrderForm(r.PostForm))
	if err != nil {
		s.orderFormError(w, r, s.orderFormPage(w, r, a, r.PostForm), err)
		return
	}
	http.Redirect(w, r, orderHref(o.ID, staffLocales.pageLanguage(r)), http.StatusSeeOther)
}

// orderFormPage returns the form of an officer's order (a is set) or of
// an employee's own request (a is nil), holding values.
func (s *Server) orderFormPage(w http.ResponseWriter, r *http.Request, a *beredskap.Actor, values url.Values) *accessOrderFormPage {
	if a == nil {
		page := &accessOrderFormPage{staffFrame: s.newStaffFrame(w, r, nil, "/access/request", "staff.request.title"), Public: true}
		page.Action, page.Self, page.Values = page.Href("/access/request"), true, values
		page.Municipalities = allMunicipalities()
		return page
	}
	page := &accessOrderFormPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/access-orders/new", "staff.order_form.title")}
	page.Action, page.Values = page.Href("/staff/access-orders"), values
	page.Municipalities = []string{a.Municipality()}
	return page
}

// orderFormError shows the order form again: with field messages for an
// EINVALID error, with a notice for a conflicting open order, and as an
// error page otherwise.
func (s *Server) orderFormError(w http.ResponseWriter, r *http.Request, page *accessOrderFormPage, err error) {
	var e *beredskap.Error
	switch {
	case errors.As(err, &e) && e.Code == beredskap.EINVALID:
		page.setProblems(e.Problems, "order-form")
		page.Title = page.T("staff.form.title_errors", "title", page.Title)
	case errors.As(err, &e) && e.Code == beredskap.ECONFLICT:
		page.Conflict = true
	default:
		s.Error(w, r, err)
		return
	}
	s.render(w, r, statusOf(e.Code), "staff_order_form.html", page)
}

// decodeOrderForm reads the access-order form, trimming every value.
func decodeOrderForm(form url.Values) staff.OrderInput {
	v := func(name string) string { return strings.TrimSpace(form.Get(name)) }
	return staff.OrderInput{
		Kind:         beredskap.OrderKind(v("kind")),
		FirstName:    v("first_name"),
		LastName:     v("last_name"),
		Email:        v("email"),
		Mobile:       v("mobile"),
		Municipality: v("municipality"),
		Position:     v("position"),
		Role:         beredskap.Role(v("role")),
		ServiceNeed:  v("service_need"),
		ValidTo:      v("valid_to"),
		OfficerEmail: v("officer_email"),
	}
}

// orderHref returns the address of an access order's page in lang.
func orderHref(id int64, lang string) string {
	return "/staff/access-orders/" + strconv.FormatInt(id, 10) + "?lang=" + url.QueryEscape(lang)
}

// accessRequestSentPage answers an employee's own request: the same page
// whether it was filed or not, so that it tells no one who holds access.
type accessRequestSentPage struct {
	staffFrame
}

// handleAccessRequestForm shows the form an employee fills in to request
// access for themselves, naming their municipal officer.
func (s *Server) handleAccessRequestForm(w http.ResponseWriter, r *http.Request) {
	page := s.orderFormPage(w, r, nil, url.Values{
		"kind": {string(beredskap.OrderGrant)}, "role": {string(beredskap.RoleMunicipalStaff)},
	})
	s.render(w, r, http.StatusOK, "staff_order_form.html", page)
}

// handleAccessRequest files an employee's own request, which waits for
// their municipal officer's confirmation.
func (s *Server) handleAccessRequest(w http.ResponseWriter, r *http.Request) {
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.staff.RequestAccess(r.Context(), decodeOrderForm(r.PostForm)); err != nil {
		s.orderFormError(w, r, s.orderFormPage(w, r, nil, r.PostForm), err)
		return
	}
	page := &accessRequestSentPage{staffFrame: s.newStaffFrame(w, r, nil, "/access/request", "staff.request_sent.title")}
	s.render(w, r, http.StatusOK, "staff_request_sent.html", page)
}
