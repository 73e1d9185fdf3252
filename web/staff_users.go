package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"beredskap"
)

// staffUsersPage is the access administrators' user search.
type staffUsersPage struct {
	staffFrame
	Rows      []staffUserRow
	NextHref  string
	FirstHref string
}

// staffUserRow is one user in the search result.
type staffUserRow struct {
	Href, Name, Email, Status string
	Grants                    []string
	Enrolled                  bool
}

// handleStaffUsers lists users whose e-mail or name holds the query.
func (s *Server) handleStaffUsers(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	page := &staffUsersPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/users", "staff.users.title")}
	page.Values = url.Values{"q": {strings.TrimSpace(q.Get("q"))}}
	token := q.Get("page_token")
	users, next, err := s.staff.ListUsers(r.Context(), beredskap.UserFilter{
		Query: page.Values.Get("q"), Limit: staffPageSize, PageToken: token,
	})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	now := time.Now()
	for _, u := range users {
		row := staffUserRow{
			Href:     page.Href("/staff/users/" + strconv.FormatInt(u.ID, 10)),
			Name:     u.Name(),
			Email:    u.Email,
			Status:   page.T("staff.user_status." + string(u.Status)),
			Enrolled: u.Enrolled(),
		}
		for _, g := range u.ValidGrants(now) {
			row.Grants = append(row.Grants, page.Role(g.Role)+", "+page.Scope(g.Scope))
		}
		page.Rows = append(page.Rows, row)
	}
	if next != "" {
		page.NextHref = page.Href("/staff/users", "q", page.Values.Get("q"), "page_token", next)
	}
	if token != "" {
		page.FirstHref = page.Href("/staff/users", "q", page.Values.Get("q"))
	}
	s.render(w, r, http.StatusOK, "staff_users.html", page)
}

// staffUserPage is one user with their grants and API tokens.
type staffUserPage struct {
	staffFrame
	User   *beredskap.User
	Grants []staffGrantRow
	Tokens []*beredskap.APIToken
	Base   string // the user's path, which its forms post under
	// Notice is the key of a message about the step just taken.
	Notice string
}

// staffGrantRow is one grant with where it came from.
type staffGrantRow struct {
	Role, Scope, ValidFrom, ValidTo, Ended string
	Provenance, ProvenanceHref             string
	OrderedBy, ApprovedBy                  string
	InForce                                bool
}

// userNotices are the messages a user's page shows after a step.
var userNotices = map[string]bool{"removed": true, "invited": true, "reset": true}

// handleStaffUser shows a user, their grants with provenance, and their
// API tokens.
func (s *Server) handleStaffUser(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	page, err := s.staffUserPage(w, r, a)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if n := r.URL.Query().Get("notice"); userNotices[n] {
		page.Notice = "staff.user.notice." + n
	}
	s.render(w, r, http.StatusOK, "staff_user.html", page)
}

// staffUserPage reads the user of the path and builds their page.
func (s *Server) staffUserPage(w http.ResponseWriter, r *http.Request, a *beredskap.Actor) (*staffUserPage, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	u, tokens, err := s.staff.GetUser(r.Context(), id)
	if err != nil {
		return nil, err
	}
	base := "/staff/users/" + strconv.FormatInt(u.ID, 10)
	page := &staffUserPage{staffFrame: s.newStaffFrame(w, r, a, base, "staff.user.title"), User: u, Tokens: tokens, Base: base}
	page.Title = u.Name()
	now := time.Now()
	for _, g := range u.Grants {
		row := staffGrantRow{
			Role:       page.Role(g.Role),
			Scope:      page.Scope(g.Scope),
			ValidFrom:  page.Date(&g.ValidFrom, ""),
			ValidTo:    page.Date(g.ValidTo, "staff.user.open_ended"),
			Ended:      page.TimeOr(g.EndedAt, "staff.user.not_ended"),
			OrderedBy:  g.OrderedBy,
			ApprovedBy: g.ApprovedBy,
			InForce:    g.ValidAt(now),
		}
		row.Provenance, row.ProvenanceHref = page.provenance(g.Provenance)
		page.Grants = append(page.Grants, row)
	}
	return page, nil
}

// provenance says where a grant came from, with a link to the access
// order that gave it.
func (f *staffFrame) provenance(p string) (text, href string) {
	switch {
	case p == beredskap.ProvenanceCountyGovernor:
		return f.T("staff.provenance.county_governor"), ""
	case strings.HasPrefix(p, "access_order:"):
		id := strings.TrimPrefix(p, "access_order:")
		return f.T("staff.provenance.access_order", "id", id), f.Href("/staff/access-orders/" + url.PathEscape(id))
	case p == "cli":
		return f.T("staff.provenance.cli"), ""
	case p == "":
		return f.T("staff.provenance.unknown"), ""
	}
	return p, ""
}

// handleStaffUserRemove removes a user at once, giving a reason: their
// grants end and their sessions and tokens die.
func (s *Server) handleStaffUserRemove(w http.ResponseWriter, r *http.Request) {
	s.userActionWithReason(w, r, "reason", "remove-form", "removed", s.staff.RemoveUser)
}

// handleStaffUserInvitation sends a user a fresh invitation with a new
// enrolment link.
func (s *Server) handleStaffUserInvitation(w http.ResponseWriter, r *http.Request) {
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
	if err := s.staff.ResendInvitation(r.Context(), id); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, userHref(id, staffLocales.pageLanguage(r), "invited"), http.StatusSeeOther)
}

// handleStaffUserReset resets a user's login, giving a reason: their
// password, second factor and recovery codes stop working, their sessions
// and tokens die, and a new invitation is mailed.
func (s *Server) handleStaffUserReset(w http.ResponseWriter, r *http.Request) {
	s.userActionWithReason(w, r, "reset_reason", "reset-form", "reset", s.staff.ResetCredentials)
}

// userActionWithReason runs do on the user of the path with the reason
// posted in reasonField. On success it goes back to the user's page with
// notice; a refused reason shows the page again with the problems on the
// form formID (a problem of the service's field "reason" is reasonField's).
func (s *Server) userActionWithReason(w http.ResponseWriter, r *http.Request, reasonField, formID, notice string,
	do func(ctx context.Context, id int64, reason string) error) {
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
	err = do(r.Context(), id, strings.TrimSpace(r.PostForm.Get(reasonField)))
	var e *beredskap.Error
	switch {
	case err == nil:
		http.Redirect(w, r, userHref(id, staffLocales.pageLanguage(r), notice), http.StatusSeeOther)
	case errors.As(err, &e) && e.Code == beredskap.EINVALID:
		page, perr := s.staffUserPage(w, r, a)
		if perr != nil {
			s.Error(w, r, perr)
			return
		}
		problems := append([]beredskap.Problem(nil), e.Problems...)
		for i := range problems {
			if problems[i].Field == "reason" {
				problems[i].Field = reasonField
			}
		}
		page.Values = r.PostForm
		page.setProblems(problems, formID)
		page.Title = page.T("staff.form.title_errors", "title", page.Title)
		s.render(w, r, statusOf(e.Code), "staff_user.html", page)
	default:
		s.Error(w, r, err)
	}
}

// userHref returns the address of a user's page in lang with a notice.
func userHref(id int64, lang, notice string) string {
	return "/staff/users/" + strconv.FormatInt(id, 10) + "?lang=" + url.QueryEscape(lang) + "&notice=" + notice
}
