package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"beredskap"
)

// followUpQueuePage is the control centre's work queue: the travellers
// due a call, in priority order, and who holds whom.
type followUpQueuePage struct {
	staffFrame
	Form followUpForm
	Rows []followUpQueueRow
	// Empty says claim-next found nobody to claim.
	Empty bool
	// Total is how many travellers the queue holds; From and To number
	// the first and last shown. NextHref and FirstHref lead to the next
	// and the first page ("" when there is none).
	Total, From, To     int
	NextHref, FirstHref string
}

// queuePageSize is how many travellers one page of the queue shows.
const queuePageSize = 50

// followUpQueueRow is one traveller of the queue.
type followUpQueueRow struct {
	ID                                                     int64
	Receipt, Href, ClaimAction, Name, Language, LangName   string
	Municipality, LastDay, NextCall, ClaimedBy, LeaseUntil string
	Reached, Breach, Mine                                  bool
	Attempts                                               int
}

// queueFilter reads the queue's filters (language and municipality) from
// q. An unknown language or a malformed municipality is EINVALID.
func queueFilter(q url.Values) (beredskap.QueueFilter, error) {
	f := beredskap.QueueFilter{
		Language:     strings.TrimSpace(q.Get("language")),
		Municipality: strings.TrimSpace(q.Get("municipality")),
	}
	if f.Language != "" && !travellerLanguage(f.Language) {
		return f, beredskap.Invalid("language", "unknown_value", "is not a language of the register")
	}
	if f.Municipality != "" && !fourDigitCode(f.Municipality) {
		return f, beredskap.Invalid("municipality", "format_municipality", "must be a municipality number of 4 digits")
	}
	return f, nil
}

// travellerLanguage reports whether code is a language travellers may choose.
func travellerLanguage(code string) bool {
	for _, v := range beredskap.Enumerations["traveller.language"] {
		if v == code {
			return true
		}
	}
	return false
}

func fourDigitCode(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// handleFollowUpQueue shows the work queue with its filters.
func (s *Server) handleFollowUpQueue(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	page := s.queuePage(w, r, a, r.URL.Query())
	f, err := queueFilter(page.Values)
	if err != nil {
		if problems, ok := invalidProblems(err); ok {
			page.Form.setProblems(problems, "filter-form", nil)
			s.render(w, r, http.StatusBadRequest, "followup_queue.html", page)
			return
		}
		s.Error(w, r, err)
		return
	}
	if err := s.fillQueue(r, page, f); err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "followup_queue.html", page)
}

// queuePage returns the frame of the queue page holding the filter values.
func (s *Server) queuePage(w http.ResponseWriter, r *http.Request, a *beredskap.Actor, q url.Values) *followUpQueuePage {
	page := &followUpQueuePage{staffFrame: s.newStaffFrame(w, r, a, "/staff/followup", "centre.queue.title")}
	page.Form = followUpForm{frame: &page.staffFrame}
	page.Values = url.Values{"language": {strings.TrimSpace(q.Get("language"))},
		"municipality": {strings.TrimSpace(q.Get("municipality"))}, "page": {strings.TrimSpace(q.Get("page"))}}
	return page
}

// queuePageNumber reads the page of the queue asked for: 1 unless page is
// a number from 1 up.
func queuePageNumber(v url.Values) int {
	n, err := strconv.Atoi(v.Get("page"))
	if err != nil || n < 1 || n > 1<<20 {
		return 1
	}
	return n
}

// fillQueue puts the queue that f selects into page's rows.
func (s *Server) fillQueue(r *http.Request, page *followUpQueuePage, f beredskap.QueueFilter) error {
	total, err := s.cfg.FollowUp.QueueSize(r.Context(), f)
	if err != nil {
		return err
	}
	n := queuePageNumber(page.Values)
	if last := max(1, (total+queuePageSize-1)/queuePageSize); n > last {
		n = last
	}
	f.Limit, f.Offset = queuePageSize, (n-1)*queuePageSize
	plans, err := s.cfg.FollowUp.Queue(r.Context(), f)
	if err != nil {
		return err
	}
	page.Total, page.From, page.To = total, f.Offset+1, f.Offset+len(plans)
	filters := []string{"language", page.Values.Get("language"), "municipality", page.Values.Get("municipality")}
	if page.To < total {
		page.NextHref = page.Href("/staff/followup", append(filters, "page", strconv.Itoa(n+1))...)
	}
	if n > 1 {
		page.FirstHref = page.Href("/staff/followup", filters...)
	}
	me := page.Actor.User.Email
	for _, p := range plans {
		row := followUpQueueRow{
			ID:           p.ID,
			Receipt:      p.Receipt,
			Href:         planHref(p.ID, p.Receipt, page.Lang),
			ClaimAction:  page.Href("/staff/followup/queue/" + strconv.FormatInt(p.ID, 10) + "/claim"),
			Name:         strings.TrimSpace(p.FirstName + " " + p.LastName),
			Language:     p.Language,
			LangName:     autonym(p.Language),
			Municipality: municipalityName(p.Municipality),
			LastDay:      page.DateOf(p.LastDay),
			NextCall:     page.Time(p.NextCallAt),
			ClaimedBy:    p.ClaimedBy,
			Reached:      p.Reached,
			Breach:       p.BreachSuspected,
			Attempts:     p.Attempts,
			Mine:         p.ClaimedBy != "" && p.ClaimedBy == me,
		}
		if p.LeaseUntil != nil && p.ClaimedBy != "" {
			row.LeaseUntil = page.Time(*p.LeaseUntil)
		}
		page.Rows = append(page.Rows, row)
	}
	return nil
}

// DateOf writes a YYYY-MM-DD date as the pages write dates, or as it is when
// it does not parse.
func (f *staffFrame) DateOf(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return d.Format("02.01.2006")
}

// handleFollowUpClaimNext claims the first free traveller of the queue
// that the posted filters select and goes to their page; an empty queue
// shows the queue again with a notice.
func (s *Server) handleFollowUpClaimNext(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	page := s.queuePage(w, r, a, r.PostForm)
	f, err := queueFilter(page.Values)
	if err == nil {
		var p *beredskap.FollowUpPlan
		p, err = s.cfg.FollowUp.ClaimNext(r.Context(), f)
		if err == nil {
			http.Redirect(w, r, planHref(p.ID, p.Receipt, page.Lang), http.StatusSeeOther)
			return
		}
	}
	status := statusOf(beredskap.ErrorCode(err))
	switch problems, invalid := invalidProblems(err); {
	case invalid:
		page.Form.setProblems(problems, "filter-form", nil)
	case beredskap.ErrorCode(err) == beredskap.ENOTFOUND:
		page.Empty, status = true, http.StatusOK
		if err := s.fillQueue(r, page, f); err != nil {
			s.Error(w, r, err)
			return
		}
	default:
		s.Error(w, r, err)
		return
	}
	s.render(w, r, status, "followup_queue.html", page)
}

// handleFollowUpClaim claims one traveller and goes to their page.
func (s *Server) handleFollowUpClaim(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	id, err := pathID(r, "plan")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.cfg.FollowUp.Claim(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, planHref(p.ID, p.Receipt, staffLocales.pageLanguage(r)), http.StatusSeeOther)
}

// handleFollowUpRelease lets go of a traveller and goes back to the
// queue.
func (s *Server) handleFollowUpRelease(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	if err := s.parseStaffForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	id, err := pathID(r, "plan")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.cfg.FollowUp.Release(r.Context(), id); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/followup?lang="+url.QueryEscape(staffLocales.pageLanguage(r)), http.StatusSeeOther)
}
