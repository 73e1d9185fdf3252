package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"beredskap"
)

// accessOrderPage is one access order, its history, and the steps the
// actor may take on it now.
type accessOrderPage struct {
	staffFrame
	Order      *beredskap.AccessOrder
	History    []*beredskap.AuditEntry
	CanConfirm bool
	CanProcess bool
	Base       string // the order's path, which its forms post under
	UserHref   string // the page of the user the approval made, for those who manage users
}

// handleAccessOrder shows an access order and its history.
func (s *Server) handleAccessOrder(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	page, err := s.accessOrderPage(w, r, a)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "staff_order.html", page)
}

// accessOrderPage reads the order of the path and builds its page.
func (s *Server) accessOrderPage(w http.ResponseWriter, r *http.Request, a *beredskap.Actor) (*accessOrderPage, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	o, history, err := s.staff.GetAccessOrder(r.Context(), id)
	if err != nil {
		return nil, err
	}
	base := "/staff/access-orders/" + strconv.FormatInt(o.ID, 10)
	page := &accessOrderPage{
		staffFrame: s.newStaffFrame(w, r, a, base, "staff.order.title"),
		Order:      o,
		History:    history,
		Base:       base,
		CanConfirm: o.Status == beredskap.OrderAwaitingConfirmation &&
			beredskap.Can(a, beredskap.PermConfirmAccessOrder, o.Municipality),
		CanProcess: o.Status == beredskap.OrderPending &&
			beredskap.Can(a, beredskap.PermProcessAccessOrders, o.Municipality),
	}
	page.Title = page.T("staff.order.title_id", "id", o.ID)
	if o.UserID != 0 && beredskap.Can(a, beredskap.PermManageUsers, "") {
		page.UserHref = page.Href("/staff/users/" + strconv.FormatInt(o.UserID, 10))
	}
	return page, nil
}

// handleAccessOrderConfirm confirms an order an employee filed with the
// officer on copy, sending it on to the access administrators.
func (s *Server) handleAccessOrderConfirm(w http.ResponseWriter, r *http.Request) {
	s.orderStep(w, r, s.staff.ConfirmAccessOrder)
}

// handleAccessOrderApprove approves an order: the user and grant are
// created or changed and the invitation is sent.
func (s *Server) handleAccessOrderApprove(w http.ResponseWriter, r *http.Request) {
	s.orderStep(w, r, s.staff.ApproveAccessOrder)
}

// orderStep takes a step without input on the order of the path and
// shows the order again.
func (s *Server) orderStep(w http.ResponseWriter, r *http.Request, step func(context.Context, int64) (*beredskap.AccessOrder, error)) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	o, err := step(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, orderHref(o.ID, staffLocales.pageLanguage(r)), http.StatusSeeOther)
}

// handleAccessOrderReject rejects an order with a reason, or shows the
// order again with a message at the reason when it is missing.
func (s *Server) handleAccessOrderReject(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	o, err := s.staff.RejectAccessOrder(r.Context(), id, r.PostForm.Get("reason"))
	var e *beredskap.Error
	switch {
	case err == nil:
		http.Redirect(w, r, orderHref(o.ID, staffLocales.pageLanguage(r)), http.StatusSeeOther)
	case errors.As(err, &e) && e.Code == beredskap.EINVALID:
		page, perr := s.accessOrderPage(w, r, a)
		if perr != nil {
			s.Error(w, r, perr)
			return
		}
		page.Values = r.PostForm
		page.setProblems(e.Problems, "reject-form")
		page.Title = page.T("staff.form.title_errors", "title", page.Title)
		s.render(w, r, statusOf(e.Code), "staff_order.html", page)
	default:
		s.Error(w, r, err)
	}
}

// Action names an audited action in the page's language, or returns its
// code when there is no name for it.
func (f *staffFrame) Action(action string) string {
	if key := "staff.action." + action; f.text.Has(key) {
		return f.T(key)
	}
	return action
}
