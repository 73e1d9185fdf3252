package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"time"

	"beredskap"
	"beredskap/followup"
)

// labourNoticesPage is the labour inspectorate's list of notices of
// employers that seem not to meet their duties, newest first.
type labourNoticesPage struct {
	staffFrame
	Form                followUpForm
	Rows                []labourNoticeRow
	CSVHref, XLSXHref   string
	NextHref, FirstHref string
}

// labourNoticeRow is one notice: the employer, what was suspected and
// when, and nothing of the traveller beyond that.
type labourNoticeRow struct {
	ID                                                             int64
	OrgNumber, Employer, Suspicion, Municipality, Arrival, Created string
	// Suspected is what was suspected, in the page's language; Suspicion
	// the operator's words on a notice made before the fixed list.
	Suspected string
}

// noticeFilter reads the filters of the notices (org_number, from, to as
// YYYY-MM-DD in Europe/Oslo, inclusive; page_token) from q. Wrong values
// are EINVALID naming the parameter.
func noticeFilter(q url.Values) (beredskap.NoticeFilter, error) {
	f := beredskap.NoticeFilter{OrgNumber: strings.ReplaceAll(strings.TrimSpace(q.Get("org_number")), " ", ""),
		PageToken: q.Get("page_token")}
	if f.OrgNumber != "" && (len(f.OrgNumber) != 9 || strings.Trim(f.OrgNumber, "0123456789") != "") {
		return f, beredskap.Invalid("org_number", "format_org_number", "must be an organisation number of 9 digits")
	}
	day := func(name string) (time.Time, error) {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return time.Time{}, nil
		}
		d, err := time.ParseInLocation(time.DateOnly, v, oslo)
		if err != nil {
			return time.Time{}, beredskap.Invalid(name, "format_date", "must be a date written YYYY-MM-DD")
		}
		return d, nil
	}
	var err error
	if f.From, err = day("from"); err != nil {
		return f, err
	}
	if f.To, err = day("to"); err != nil {
		return f, err
	}
	if !f.To.IsZero() {
		if !f.From.IsZero() && f.To.Before(f.From) {
			return f, beredskap.Invalid("to", "before_from", "must not be before from")
		}
		f.To = f.To.AddDate(0, 0, 1)
	}
	return f, nil
}

// handleLabourNotices lists the notices the filters select, or exports
// them when format is csv or xlsx.
func (s *Server) handleLabourNotices(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	if format := q.Get("format"); format != "" {
		s.exportNotices(w, r, q, format)
		return
	}
	page := &labourNoticesPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/labour/notices", "labour.notices.title")}
	page.Form = followUpForm{frame: &page.staffFrame}
	page.Values = url.Values{}
	for _, k := range []string{"org_number", "from", "to"} {
		page.Values.Set(k, strings.TrimSpace(q.Get(k)))
	}
	f, err := noticeFilter(q)
	if problems, invalid := invalidProblems(err); invalid {
		page.Form.setProblems(problems, "filter-form", nil)
		s.render(w, r, http.StatusBadRequest, "labour_notices.html", page)
		return
	}
	f.Limit = staffPageSize
	notices, next, err := s.cfg.FollowUp.LabourNotices(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	for _, n := range notices {
		page.Rows = append(page.Rows, labourNoticeRow{
			ID: n.ID, OrgNumber: n.OrgNumber, Employer: n.EmployerName, Suspicion: n.Suspicion,
			Suspected:    suspicionWords(page.text, n.Suspected),
			Municipality: municipalityNameAt(n.Municipality, n.CreatedAt), Arrival: page.DateOf(n.ArrivalDate), Created: page.Time(n.CreatedAt),
		})
	}
	filter := []string{"org_number", page.Values.Get("org_number"), "from", page.Values.Get("from"), "to", page.Values.Get("to")}
	page.CSVHref = page.Href("/staff/labour/notices", append(filter, "format", followup.FormatCSV)...)
	page.XLSXHref = page.Href("/staff/labour/notices", append(filter, "format", followup.FormatXLSX)...)
	if next != "" {
		page.NextHref = page.Href("/staff/labour/notices", append(filter, "page_token", next)...)
	}
	if f.PageToken != "" {
		page.FirstHref = page.Href("/staff/labour/notices", filter...)
	}
	s.render(w, r, http.StatusOK, "labour_notices.html", page)
}

// exportNotices writes the notices q selects as a CSV or XLSX file. The
// file is made in memory first, so that an error becomes an error answer
// rather than half a file.
func (s *Server) exportNotices(w http.ResponseWriter, r *http.Request, q url.Values, format string) {
	var contentType string
	switch format {
	case followup.FormatCSV:
		contentType = "text/csv; charset=utf-8"
	case followup.FormatXLSX:
		contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	default:
		s.Error(w, r, beredskap.Invalid("format", "unknown_value", "must be csv or xlsx"))
		return
	}
	f, err := noticeFilter(q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := s.cfg.FollowUp.ExportNotices(r.Context(), f, format, exportLayout(r), &buf); err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", contentType)
	setAttachment(w.Header(), downloadName(downloadLocale(r), "file.labour_notices", time.Now(), "."+format))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// labourNoticeJSON is a notice as the API shows it.
type labourNoticeJSON struct {
	ID           int64     `json:"id"`
	OrgNumber    string    `json:"org_number"`
	EmployerName string    `json:"employer_name"`
	Suspected    []string  `json:"suspected"`
	Suspicion    string    `json:"suspicion"`
	Municipality string    `json:"municipality"`
	ArrivalDate  string    `json:"arrival_date"`
	CreatedAt    time.Time `json:"created_at"`
}

// labourNoticeList is the body of GET /api/v1/labour-notices.
type labourNoticeList struct {
	Items         []labourNoticeJSON `json:"items"`
	NextPageToken string             `json:"next_page_token,omitempty"`
}

// apiLabourNotices lists the notices, or exports them with ?format=csv or
// ?format=xlsx.
func (s *Server) apiLabourNotices(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	q := r.URL.Query()
	if format := q.Get("format"); format != "" {
		s.exportNotices(w, r, q, format)
		return
	}
	limit, err := pageLimit(q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f, err := noticeFilter(q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f.Limit = limit
	notices, next, err := s.cfg.FollowUp.LabourNotices(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	body := labourNoticeList{Items: make([]labourNoticeJSON, 0, len(notices)), NextPageToken: next}
	for _, n := range notices {
		body.Items = append(body.Items, labourNoticeJSON{ID: n.ID, OrgNumber: n.OrgNumber, EmployerName: n.EmployerName,
			Suspected: namesOf(n.Suspected), Suspicion: n.Suspicion, Municipality: n.Municipality, ArrivalDate: n.ArrivalDate, CreatedAt: n.CreatedAt})
	}
	writeJSON(w, http.StatusOK, body)
}
