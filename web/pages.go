package web

import (
	"embed"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"beredskap"
	"beredskap/intake/input"
	"beredskap/internal/datefmt"
	"beredskap/norway"
)

//go:embed templates/*.html
var templateFiles embed.FS

// Page is what every page shows around its content: the language, the
// language switcher, the stylesheets and the data attribution.
type Page struct {
	// Home is where the site name in the header leads: the public form,
	// or /staff on the staff pages.
	Home        string
	L           *Locale
	Lang        string
	Title       string
	Languages   []LanguageLink
	Stylesheets []string
	Attribution string
	// Menu is the bar of a logged-in staff member or citizen: who they
	// are, the navigation and the logout button; nil on public pages.
	Menu *siteMenu
	// Wide gives the page the wide content column; render sets it from
	// the page's area.
	Wide bool
}

func (p *Page) page() *Page { return p }

// LanguageLink is one entry of the language switcher.
type LanguageLink struct {
	Code, Name, Href string
	Current          bool
}

// T returns the text of key in the page's language; see Locale.T.
func (p *Page) T(key string, args ...any) string {
	return p.L.T(key, args...)
}

// N returns the text of key for the count n in the page's language; see
// Locale.N.
func (p *Page) N(key string, n int, args ...any) string {
	return p.L.N(key, n, args...)
}

// ErrorPage is shown for errors on pages.
type ErrorPage struct {
	Page
	Status    int
	Code      string
	Text      string // what happened and what to do
	RequestID string
	Back      string // where the page's way back leads: "/" or "/staff"
	// Reload is the page to open a refused form again on, when the form
	// expired; "" otherwise.
	Reload string
}

// pages holds the areas of the site and their parsed pages.
type pages struct {
	locales *locales
	areas   []area
	tmpl    map[string]pageTemplate
}

// mustLoadPages parses the pages of every area of the site.
func mustLoadPages() *pages {
	areas := siteAreas()
	ts, err := loadTemplates(areas)
	if err != nil {
		panic(err)
	}
	return &pages{locales: allLocales, areas: areas, tmpl: ts}
}

// page returns the frame of a public page in the visitor's language at
// path.
func (p *pages) page(r *http.Request, path, titleKey string) Page {
	return p.pageIn(p.locales, r, path, titleKey)
}

// staffPage returns the frame of a staff page (login, enrolment and the
// pages under /staff) at path, in bokmål or English.
func (p *pages) staffPage(r *http.Request, path, titleKey string) Page {
	pg := p.pageIn(staffLocales, r, path, titleKey)
	pg.Home = "/staff"
	return pg
}

func (p *pages) pageIn(ls *locales, r *http.Request, path, titleKey string) Page {
	lang := ls.pageLanguage(r)
	l := ls.get(lang)
	pg := Page{
		Home:        "/",
		L:           l,
		Lang:        lang,
		Title:       l.T(titleKey),
		Stylesheets: stylesheets(),
		Attribution: norway.Attribution,
	}
	for _, code := range ls.codes {
		pg.Languages = append(pg.Languages, LanguageLink{
			Code:    code,
			Name:    autonym(code),
			Href:    path + "?lang=" + url.QueryEscape(code),
			Current: code == lang,
		})
	}
	return pg
}

// renderError shows an error page in the frame of the part of the site
// the request was for: the staff pages (bokmål and English, the
// navigation of a logged-in staff member, a way back to /staff) or the
// public ones. A refusal says whether the page is not for the staff
// member's role, the form came from another site, or the form expired (and
// then offers to open it again).
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, e errorDetail) {
	title := "error.title." + string(e.Code)
	page := &ErrorPage{Status: status, Code: string(e.Code), RequestID: e.RequestID, Back: "/"}
	textKey := "error.text." + string(e.Code)
	expired := e.Code == beredskap.EFORBIDDEN && e.Reason == reasonFormExpired
	if expired {
		title, textKey = "error.title.form_expired", "error.text.form_expired"
		page.Reload = s.formPage(r)
	}
	if staffPath(r.URL.Path) {
		page.Back = "/staff"
		if a := beredskap.ActorFrom(r.Context()); a.User != nil {
			f := s.newStaffFrame(w, r, a, r.URL.Path, title)
			page.Page = f.Page
			if e.Code == beredskap.EFORBIDDEN && e.Reason != reasonCrossOrigin && !expired {
				page.Text = f.T("error.text.forbidden_role", "role", f.Role(a.Role()))
			}
		} else {
			page.Page = s.pages.staffPage(r, r.URL.Path, title)
		}
	} else {
		page.Page = s.pages.page(r, "/", title)
	}
	if e.Code == beredskap.EFORBIDDEN && e.Reason == reasonCrossOrigin {
		textKey = "error.text.forbidden_origin"
	}
	if page.Text == "" {
		page.Text = page.T(textKey)
	}
	if err := s.pages.render(w, status, "error.html", page); err != nil {
		http.Error(w, http.StatusText(status), status)
	}
}

// formPage returns the address of the page a refused form was most likely
// sent from, with the form's query (its language): the nearest address at
// or above the form's action that a browser may open. The Referer would
// say, but the site sends none (Referrer-Policy: no-referrer).
func (s *Server) formPage(r *http.Request) string {
	p := r.URL.Path
	for {
		get := &http.Request{Method: http.MethodGet, Host: r.Host, URL: &url.URL{Path: p}}
		if _, pattern := s.mux.Handler(get); pattern != "" {
			if r.URL.RawQuery != "" {
				return p + "?" + r.URL.RawQuery
			}
			return p
		}
		if p == "/" || p == "" {
			return ""
		}
		p = p[:strings.LastIndex(strings.TrimSuffix(p, "/"), "/")+1]
		if len(p) > 1 {
			p = strings.TrimSuffix(p, "/")
		}
	}
}

// staffPath reports whether path belongs to the staff pages.
func staffPath(path string) bool {
	for _, prefix := range []string{"/staff", "/login", "/logout", "/enrol"} {
		if path == prefix || strings.HasPrefix(path, prefix+"/") {
			return true
		}
	}
	return false
}

// publicArea is the travellers' part of the site: the registration form,
// the receipt with its decision and QR code, the error page and the
// stylesheets.
func publicArea() area {
	return area{
		Name:   "public",
		Public: true,
		Pages:  []string{"form.html", "receipt.html", "error.html", "rule_changes.html"},
		Routes: (*Server).registerPublicPages,
	}
}

func (s *Server) registerPublicPages() {
	s.handle("GET /{$}", s.handleForm)
	s.handle("POST /register", s.handleFormSubmit)
	s.handle("GET /receipt/{receipt}", s.handleReceipt)
	s.handle("GET /receipt/{receipt}/qr.png", s.handleQR)
	s.handle("GET /rules/changes", s.handleRuleChanges)
	s.handle("GET /assets/", s.handleAsset)
}

// handleForm shows an empty registration form with a fresh idempotency
// token, so that a double submit stores one registration.
func (s *Server) handleForm(w http.ResponseWriter, r *http.Request) {
	pg := s.pages.page(r, "/", "form.title")
	values := url.Values{}
	values.Set("destination", beredskap.DestinationMainland)
	values.Set("traveller.language", pg.Lang)
	page := &FormPage{Page: pg, Values: values, Token: randomToken(16)}
	if s.cfg.Clock != nil {
		at := s.cfg.Clock().In(oslo)
		values.Set(input.FieldArrivalDate, at.Format(time.DateOnly))
		values.Set(input.FieldArrivalClock, at.Format("15:04"))
		page.ClockNote = pg.L.T("form.clock_note", "date", datefmt.Day(pg.Lang, at))
	}
	s.renderForm(w, r, http.StatusOK, page)
}

// handleFormSubmit registers what the form holds and redirects to the
// receipt, or shows the form again with a message next to each wrong field.
func (s *Server) handleFormSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			s.Error(w, r, beredskap.Errorf(beredskap.ETOOLARGE, "the form is over %d bytes", s.cfg.MaxBodyBytes))
			return
		}
		s.Error(w, r, beredskap.Invalid("", "syntax", "the form could not be read"))
		return
	}
	pg := s.pages.page(r, "/", "form.title")
	reg := input.DecodeForm(r.PostForm)
	token := r.PostForm.Get(fieldIdempotencyToken)
	stored, created, err := s.in.Register(r.Context(), reg, pg.Lang, formToken(r.PostForm))
	var e *beredskap.Error
	switch {
	case err == nil:
	case errors.As(err, &e) && e.Code == beredskap.EINVALID:
		if formToken(r.PostForm) == "" {
			token = randomToken(16)
		}
		page := &FormPage{Page: pg, Values: r.PostForm, Token: token}
		page.Title = pg.L.T("form.title.errors", "title", pg.Title)
		page.setProblems(e.Problems, reg)
		s.renderForm(w, r, http.StatusUnprocessableEntity, page)
		return
	case errors.As(err, &e) && e.Code == beredskap.ECONFLICT:
		// The token was used for another registration: this is an old
		// form sent again after a change. Show it with a fresh token.
		page := &FormPage{Page: pg, Values: r.PostForm, Token: randomToken(16), Conflict: true}
		s.renderForm(w, r, http.StatusConflict, page)
		return
	default:
		s.Error(w, r, err)
		return
	}
	if created {
		s.metrics.registrations.Inc()
	}
	http.Redirect(w, r, "/receipt/"+url.PathEscape(stored.Receipt)+"?lang="+url.QueryEscape(pg.Lang), http.StatusSeeOther)
}

func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, status int, page *FormPage) {
	s.render(w, r, status, "form.html", page)
}

// autonym returns the name of a language in itself, capitalised as the
// start of a label: "Norsk bokmål", "Nynorsk", "English".
func autonym(code string) string {
	name := display.Self.Name(language.Make(code))
	r, size := utf8.DecodeRuneInString(name)
	if r == utf8.RuneError {
		return code
	}
	return string(unicode.ToUpper(r)) + name[size:]
}
