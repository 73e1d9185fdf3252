package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"beredskap"
	"beredskap/hotel"
	"beredskap/rules"
)

// dispensationListPage lists § 6j dispensations: the municipality's, or
// one traveller's when a receipt is asked for.
type dispensationListPage struct {
	staffFrame
	Rows            []dispensationRow
	Receipt         string
	Grant, Delegate bool
	Done            string
}

// dispensationRow is one dispensation as the pages show it.
type dispensationRow struct {
	ID                                                int64
	Receipt, Purpose, Relation, Place, Window, Status string
	GrantedBy, Rule, Ended                            string
	Active                                            bool
	EndAction                                         string
}

// dispensationRowOf returns the row of d in the page's language.
func (f *staffFrame) dispensationRowOf(d *beredskap.Dispensation) dispensationRow {
	row := dispensationRow{
		ID: d.ID, Receipt: d.Receipt, Purpose: f.T("hotel.purpose." + string(d.Purpose)),
		Relation: f.T("hotel.relation." + d.Relation), Place: d.Place,
		Window: f.T("hotel.dispensation.window", "from", f.Time(d.From), "to", f.Time(d.To)),
		Status: f.T("hotel.dispensation.status." + string(d.Status)), GrantedBy: d.GrantedBy, Rule: f.RuleVersion(d.RuleID),
		Active:    d.Status == beredskap.DispensationGranted,
		EndAction: f.Href(hotelPath("dispensations", d.ID, "end")),
	}
	if d.RelationNote != "" {
		row.Relation += " (" + d.RelationNote + ")"
	}
	if d.EndedAt != nil {
		row.Ended = f.T("hotel.dispensation.ended_at", "time", f.Time(*d.EndedAt), "reason", f.T("hotel.end."+d.EndReason))
	}
	return row
}

// handleDispensations lists the dispensations of the actor's municipality,
// or those of the receipt asked for.
func (s *Server) handleDispensations(w http.ResponseWriter, r *http.Request) {
	a, ok := s.mayAny(w, r, "read dispensations", beredskap.PermReadDispensations)
	if !ok {
		return
	}
	page := &dispensationListPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/dispensations", "hotel.dispensations.title")}
	page.Receipt = r.URL.Query().Get("receipt")
	var ds []*beredskap.Dispensation
	var err error
	switch {
	case page.Receipt != "":
		ds, err = s.cfg.Hotels.Dispensations(r.Context(), page.Receipt)
	case a.Municipality() != "":
		ds, err = s.cfg.Hotels.MunicipalDispensations(r.Context(), a.Municipality(), staffPageSize)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	m := a.Municipality()
	page.Grant = beredskap.Can(a, beredskap.PermGrantDispensation, m)
	page.Delegate = beredskap.Can(a, beredskap.PermDelegateDispensations, m)
	if done := r.URL.Query().Get("done"); done != "" && page.text.Has("hotel.done."+done) {
		page.Done = page.T("hotel.done." + done)
	}
	for _, d := range ds {
		page.Rows = append(page.Rows, page.dispensationRowOf(d))
	}
	s.render(w, r, http.StatusOK, "dispensation_list.html", page)
}

// dispensationFormPage is the form that grants a dispensation.
type dispensationFormPage struct {
	staffFrame
	Form   hotelForm
	Action string
	Rule   string
}

// dispensationParams returns the § 6j parameters in force at t, or those
// of the first version that has them.
func dispensationParams(book *rules.Book, t time.Time) (rules.DispensationParams, string) {
	if v, err := book.At(t); err == nil {
		if p, ok := v.Dispensation(); ok {
			return p, v.ID
		}
	}
	for _, v := range book.Versions() {
		if p, ok := v.Dispensation(); ok {
			return p, v.ID
		}
	}
	return rules.DispensationParams{Purposes: rules.DispensationPurposes, Relations: rules.DispensationRelations}, ""
}

// newDispensationForm returns the grant form holding values, its choices
// from the rule version in force now.
func (s *Server) newDispensationForm(w http.ResponseWriter, r *http.Request, a *beredskap.Actor, values url.Values) *dispensationFormPage {
	page := &dispensationFormPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/dispensations/new", "hotel.dispensation_form.title")}
	page.Form = newHotelForm(&page.staffFrame)
	page.Form.rename = map[string]string{"from": "from_time", "to": "to_time"}
	page.Values = values
	page.Action = page.Href("/staff/dispensations")
	p, id := dispensationParams(s.cfg.Hotels.Book(), time.Now())
	page.Rule = page.RuleVersion(id)
	for _, v := range p.Purposes {
		page.Form.opts["purpose"] = append(page.Form.opts["purpose"], Option{Value: v, Label: page.T("hotel.purpose." + v)})
	}
	for _, v := range p.Relations {
		page.Form.opts["relation"] = append(page.Form.opts["relation"], Option{Value: v, Label: page.T("hotel.relation." + v)})
	}
	return page
}

// handleDispensationForm shows the grant form, the receipt filled in when
// asked for.
func (s *Server) handleDispensationForm(w http.ResponseWriter, r *http.Request) {
	a, ok := s.mayAny(w, r, "grant dispensations", beredskap.PermGrantDispensation)
	if !ok {
		return
	}
	page := s.newDispensationForm(w, r, a, url.Values{"receipt": {r.URL.Query().Get("receipt")}})
	s.render(w, r, http.StatusOK, "dispensation_form.html", page)
}

// handleDispensationGrant grants a dispensation, or shows the form again
// with the problems at their fields (a purpose or relation the rules do
// not allow, a window outside the quarantine).
func (s *Server) handleDispensationGrant(w http.ResponseWriter, r *http.Request) {
	a, ok := s.mayAny(w, r, "grant dispensations", beredskap.PermGrantDispensation)
	if !ok {
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	form := trimmed(r.PostForm)
	req, err := dispensationRequest(form)
	var d *beredskap.Dispensation
	if err == nil {
		d, err = s.cfg.Hotels.GrantDispensation(r.Context(), req)
	}
	if err == nil {
		q := url.Values{"lang": {staffLocales.pageLanguage(r)}, "done": {"granted"}, "receipt": {d.Receipt}}
		http.Redirect(w, r, "/staff/dispensations?"+q.Encode(), http.StatusSeeOther)
		return
	}
	problems, invalid := invalidProblems(err)
	if !invalid {
		s.Error(w, r, err)
		return
	}
	page := s.newDispensationForm(w, r, a, form)
	page.Form.setProblems(problems, "dispensation-form")
	s.render(w, r, http.StatusBadRequest, "dispensation_form.html", page)
}

// dispensationRequest reads the grant form; instants that do not parse
// are EINVALID naming their field.
func dispensationRequest(form url.Values) (hotel.DispensationRequest, error) {
	req := hotel.DispensationRequest{Receipt: form.Get("receipt"), Purpose: beredskap.DispensationPurpose(form.Get("purpose")),
		Relation: form.Get("relation"), RelationNote: form.Get("relation_note"), Place: form.Get("place")}
	var ps beredskap.Problems
	for _, f := range []struct {
		field string
		to    *time.Time
	}{{"from_time", &req.From}, {"to_time", &req.To}} {
		v := form.Get(f.field)
		if v == "" {
			ps.Add(f.field, "required", "is required")
			continue
		}
		t, err := parseLocal(f.field, v)
		if err != nil {
			ps.Add(f.field, "format_instant", "must be a date and time")
			continue
		}
		*f.to = t
	}
	return req, ps.Err()
}

// handleDispensationEnd ends a dispensation at once: symptoms reported, or
// revoked.
func (s *Server) handleDispensationEnd(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.mayAny(w, r, "end dispensations", beredskap.PermEndDispensation); !ok {
		return
	}
	id, err := pathID(r, "dispensation")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	reason := r.PostForm.Get("reason")
	if reason == "" {
		reason = "symptoms"
	}
	d, err := s.cfg.Hotels.EndDispensation(r.Context(), id, reason)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	q := url.Values{"lang": {staffLocales.pageLanguage(r)}, "done": {"ended"}, "receipt": {d.Receipt}}
	http.Redirect(w, r, "/staff/dispensations?"+q.Encode(), http.StatusSeeOther)
}

// delegationsPage lists the staff members who may grant dispensations on
// the municipal officer's behalf, with the form that adds one.
type delegationsPage struct {
	staffFrame
	Form   hotelForm
	Rows   []delegationRow
	Action string
	Done   string
}

// delegationRow is one delegation.
type delegationRow struct {
	ID                int64
	UserID, By, Since string
	Ended, EndAction  string
}

// handleDelegations shows the municipality's delegations.
func (s *Server) handleDelegations(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	page, err := s.delegationsPageOf(w, r, a, url.Values{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if done := r.URL.Query().Get("done"); done != "" && page.text.Has("hotel.done."+done) {
		page.Done = page.T("hotel.done." + done)
	}
	s.render(w, r, http.StatusOK, "dispensation_delegations.html", page)
}

// delegationsPageOf returns the delegations page with its form holding
// values.
func (s *Server) delegationsPageOf(w http.ResponseWriter, r *http.Request, a *beredskap.Actor, values url.Values) (*delegationsPage, error) {
	ds, err := s.cfg.Hotels.Delegations(r.Context(), a.Municipality())
	if err != nil {
		return nil, err
	}
	page := &delegationsPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/delegations", "hotel.delegations.title")}
	page.Form = newHotelForm(&page.staffFrame)
	page.Values = values
	page.Action = page.Href("/staff/delegations")
	for _, d := range ds {
		row := delegationRow{ID: d.ID, UserID: strconv.FormatInt(d.UserID, 10), By: d.GrantedBy, Since: page.Time(d.CreatedAt)}
		if d.EndedAt != nil {
			row.Ended = page.Time(*d.EndedAt)
		} else {
			row.EndAction = page.Href(hotelPath("delegations", d.ID, "end"))
		}
		page.Rows = append(page.Rows, row)
	}
	return page, nil
}

// handleDelegate lets a staff member of the officer's municipality grant
// dispensations.
func (s *Server) handleDelegate(w http.ResponseWriter, r *http.Request) {
	a, ok := s.mayAny(w, r, "delegate dispensations", beredskap.PermDelegateDispensations)
	if !ok {
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	form := trimmed(r.PostForm)
	userID, err := strconv.ParseInt(form.Get("user_id"), 10, 64)
	if err != nil || userID <= 0 {
		err = beredskap.Invalid("user_id", "format_number", "must be a user number")
	} else {
		_, err = s.cfg.Hotels.Delegate(r.Context(), userID, a.Municipality())
	}
	if err == nil {
		redirectDone(w, r, "/staff/delegations", "delegated")
		return
	}
	problems, invalid := invalidProblems(err)
	if !invalid && beredskap.ErrorCode(err) != beredskap.ECONFLICT && beredskap.ErrorCode(err) != beredskap.ENOTFOUND {
		s.Error(w, r, err)
		return
	}
	page, perr := s.delegationsPageOf(w, r, a, form)
	if perr != nil {
		s.Error(w, r, perr)
		return
	}
	status := http.StatusBadRequest
	if !invalid {
		status = statusOf(beredskap.ErrorCode(err))
		problems = []beredskap.Problem{{Field: "user_id", Reason: "delegation_" + string(beredskap.ErrorCode(err)), Message: beredskap.ErrorMessage(err)}}
	}
	page.Form.setProblems(problems, "delegation-form")
	s.render(w, r, status, "dispensation_delegations.html", page)
}

// handleDelegationEnd ends a delegation.
func (s *Server) handleDelegationEnd(w http.ResponseWriter, r *http.Request) {
	a, ok := s.mayAny(w, r, "delegate dispensations", beredskap.PermDelegateDispensations)
	if !ok {
		return
	}
	id, err := pathID(r, "delegation")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.cfg.Hotels.EndDelegation(r.Context(), a.Municipality(), id); err != nil {
		s.Error(w, r, err)
		return
	}
	redirectDone(w, r, "/staff/delegations", "delegation_ended")
}
