package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"beredskap"
	"beredskap/hotel"
	"beredskap/norway"
)

// feePage is a stay's fee statement, night by night, as a page a person
// can print, with links to the same as CSV and PDF.
type feePage struct {
	staffFrame
	St                         *beredskap.FeeStatement
	Lines                      []feeRow
	Total, Payer, Nights       string
	StayHref, CSVHref, PDFHref string
}

// feeRow is one night of a statement.
type feeRow struct {
	Night, RuleID, Category, Amount string
}

// nokText writes an amount the Norwegian way: "1 500 kr".
func nokText(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(r)
	}
	return b.String() + "\u00a0kr"
}

// handleFeeStatement shows a stay's fee statement.
func (s *Server) handleFeeStatement(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	st, ok := s.feeStatement(w, r)
	if !ok {
		return
	}
	path := hotelPath("stays", st.Stay.ID)
	page := &feePage{staffFrame: s.newStaffFrame(w, r, a, path+"/fees", "hotel.fees.title"), St: st}
	page.Title = page.T("hotel.fees.title_named", "id", itoa(st.Stay.ID), "name", st.Stay.GuestName)
	for _, l := range st.Lines {
		cat := l.Category
		if page.text.Has("hotel.fee." + cat) {
			cat = page.T("hotel.fee." + cat)
		}
		page.Lines = append(page.Lines, feeRow{Night: page.DateOf(l.Night), RuleID: l.RuleID, Category: cat, Amount: nokText(l.NOK)})
	}
	page.Total = nokText(st.TotalNOK)
	// The statement's Payer also names the employer; the words come from
	// the stay's code.
	payer := st.Payer
	if st.Stay != nil {
		payer = st.Stay.Payer
	}
	page.Payer = page.T("hotel.payer." + payer)
	page.Nights = page.nightsText(st.Stay)
	page.StayHref = page.Href(path)
	page.CSVHref = page.Href(path + "/fees.csv")
	page.PDFHref = page.Href(path + "/fees.pdf")
	s.render(w, r, http.StatusOK, "hotel_fees.html", page)
}

// feeStatement reads the statement of the stay in the path, or answers
// with the error.
func (s *Server) feeStatement(w http.ResponseWriter, r *http.Request) (*beredskap.FeeStatement, bool) {
	id, err := pathID(r, "stay")
	if err != nil {
		s.Error(w, r, err)
		return nil, false
	}
	st, err := s.cfg.Hotels.FeeStatement(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return nil, false
	}
	return st, true
}

// writeDownload answers with a file to save.
func writeDownload(w http.ResponseWriter, contentType, filename string, data []byte) {
	w.Header().Set("Content-Type", contentType)
	setAttachment(w.Header(), filename)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// handleFeeCSV answers a stay's fee statement as CSV.
func (s *Server) handleFeeCSV(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	st, ok := s.feeStatement(w, r)
	if !ok {
		return
	}
	s.feeCSV(w, r, st)
}

func (s *Server) feeCSV(w http.ResponseWriter, r *http.Request, st *beredskap.FeeStatement) {
	var buf bytes.Buffer
	if err := hotel.WriteFeeCSV(&buf, st, exportLayout(r)); err != nil {
		s.Error(w, r, err)
		return
	}
	writeDownload(w, "text/csv; charset=utf-8", downloadName(downloadLocale(r), "file.fee_statement", time.Now(), ".csv", "stay", st.Stay.ID), buf.Bytes())
}

// handleFeePDF answers a stay's fee statement as a printable PDF.
func (s *Server) handleFeePDF(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireActor(w, r); !ok {
		return
	}
	st, ok := s.feeStatement(w, r)
	if !ok {
		return
	}
	s.feePDF(w, r, st)
}

// feePDF answers a statement as a PDF for its reader: in the staff page's
// language, or for the API in the language Accept-Language asks for among
// the staff languages. When the API's caller names none, the reader's
// language is unknown and the statement is in bokmål and English, each
// text followed by its translation.
func (s *Server) feePDF(w http.ResponseWriter, r *http.Request, st *beredskap.FeeStatement) {
	lang := staffLocales.pageLanguage(r)
	text := staffLocales.get(lang).T
	if strings.HasPrefix(r.URL.Path, "/api/") {
		lang = staffLocales.match(r.Header.Get("Accept-Language"))
		text = staffLocales.get(lang).T
		if lang == "" {
			lang, text = "nb", bilingual(staffLocales.get("nb"), staffLocales.get("en"))
		}
	}
	data, err := hotel.FeePDF(st, lang, text)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeDownload(w, "application/pdf", downloadName(downloadLocale(r), "file.fee_statement", time.Now(), ".pdf", "stay", st.Stay.ID), data)
}

// invoicesPage is the employer invoice data of a period: per organisation
// number, each worker's nights and the total.
type invoicesPage struct {
	staffFrame
	Form     hotelForm
	Invoices []*hotel.EmployerInvoice
	CSVHref  string
	Searched bool
}

// handleInvoices shows the employer invoice data of the actor's
// municipality for a period, optionally of one organisation number, or
// with format=csv the same as a file.
func (s *Server) handleInvoices(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	q := trimmed(r.URL.Query())
	page := &invoicesPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/invoices", "hotel.invoices.title")}
	page.Form = newHotelForm(&page.staffFrame)
	page.Values = q
	if q.Get("from") == "" && q.Get("to") == "" {
		now := time.Now().In(oslo)
		first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, oslo)
		page.Values.Set("from", first.Format(time.DateOnly))
		page.Values.Set("to", first.AddDate(0, 1, -1).Format(time.DateOnly))
	} else {
		page.Searched = true
	}
	invs, err := s.invoices(r, a, page.Values)
	if err != nil {
		problems, invalid := invalidProblems(err)
		if !invalid {
			s.Error(w, r, err)
			return
		}
		page.Form.setProblems(problems, "invoice-form")
		s.render(w, r, http.StatusBadRequest, "hotel_invoices.html", page)
		return
	}
	if q.Get("format") == "csv" {
		var buf bytes.Buffer
		if err := hotel.WriteInvoicesCSV(&buf, invs, exportLayout(r)); err != nil {
			s.Error(w, r, err)
			return
		}
		writeDownload(w, "text/csv; charset=utf-8", downloadName(downloadLocale(r), "file.invoices", time.Now(), ".csv", "from", page.Values.Get("from"), "to", page.Values.Get("to")), buf.Bytes())
		return
	}
	page.Invoices = invs
	page.CSVHref = page.Href("/staff/invoices", "from", page.Values.Get("from"), "to", page.Values.Get("to"),
		"org_number", page.Values.Get("org_number"), "format", "csv")
	s.render(w, r, http.StatusOK, "hotel_invoices.html", page)
}

// invoices returns the invoice data the query asks for, of the actor's
// municipality (or the one named, for national roles), one organisation
// number's only when named; a malformed one is EINVALID naming org_number.
func (s *Server) invoices(r *http.Request, a *beredskap.Actor, q map[string][]string) ([]*hotel.EmployerInvoice, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	m := a.Municipality()
	if m == "" {
		m = get("municipality")
	}
	org := strings.ReplaceAll(get("org_number"), " ", "")
	if org != "" {
		if !norway.ValidOrgNumber(org) {
			return nil, beredskap.Invalid("org_number", "invalid_org_number", "is not a valid organisation number")
		}
	}
	invs, err := s.cfg.Hotels.EmployerInvoices(r.Context(), m, get("from"), get("to"))
	if err != nil || org == "" {
		return invs, err
	}
	var out []*hotel.EmployerInvoice
	for _, inv := range invs {
		if inv.OrgNumber == org {
			out = append(out, inv)
		}
	}
	return out, nil
}

// NOK writes an amount the Norwegian way.
func (page *invoicesPage) NOK(n int) string { return nokText(n) }
