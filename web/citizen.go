package web

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"beredskap"
	"beredskap/auth"
	"beredskap/citizen"
	"beredskap/internal/datefmt"
)

// citizenLocales are the languages of the citizen pages (locales/citizen/:
// bokmål, nynorsk and English), loaded once.
var citizenLocales = mustLoadLocales("locales/citizen")

// Cookie names of the citizen pages. A citizen session is separate from
// the staff session and has its own cookie.
const (
	citizenCookieSecure = "__Host-beredskap_citizen"
	citizenCookiePlain  = "beredskap_citizen"
	citizenOIDCCookie   = "beredskap_citizen_oidc"
	citizenOIDCPath     = "/citizen/login"
)

// defaultAttachmentBytes is the citizen service's default limit on an
// uploaded identity document, and uploadMargin what a multipart body may
// carry besides the file (the other fields and the part headers).
const (
	defaultAttachmentBytes = 5 << 20
	uploadMargin           = 64 << 10
)

// caseInputs says how the text-like fields of the case forms are
// rendered, for citizens and for citizen support alike.
var caseInputs = map[string]inputSpec{
	"name":              {Type: "text", Autocomplete: "name", MaxLength: beredskap.MaxNameLength},
	"national_id":       {Type: "text", Autocomplete: "off", Inputmode: "numeric", MaxLength: 13, Class: "w-id"},
	"document_expires":  {Type: "date", Autocomplete: "off", Class: "w-date"},
	"block_name":        {Type: "text", Autocomplete: "off", MaxLength: beredskap.MaxNameLength},
	"block_national_id": {Type: "text", Autocomplete: "off", Inputmode: "numeric", MaxLength: 13, Class: "w-id"},
	"block_reason":      {Type: "textarea", MaxLength: beredskap.MaxTextLength},
	"reason":            {Type: "textarea", MaxLength: beredskap.MaxTextLength},
	"case_number":       {Type: "text", Autocomplete: "off", MaxLength: 20, Class: "w-id"},
	"code":              {Type: "text", Autocomplete: "off", MaxLength: 32, Class: "w-id"},
}

// caseChoices are the radio fields of the case forms with their values.
var caseChoices = map[string][]string{
	"document_kind": {string(beredskap.IDPassport), string(beredskap.IDDrivingLicence), string(beredskap.IDNationalCard)},
	"kind":          {string(beredskap.CaseBlock), string(beredskap.CaseReopen)},
	"status":        {"open", string(beredskap.CaseReceived), string(beredskap.CaseAwaitingCode), string(beredskap.CaseCompleted), string(beredskap.CaseRejected), "all"},
}

// caseForm is the state of a case form: the values sent, the messages
// next to wrong fields and the error summary. Its texts are under "case."
// in the citizen locales and in the staff locales' citizen part.
type caseForm struct {
	Values  url.Values
	Errors  map[string]string
	Summary []SummaryItem
	// Prefix is put before the service's field names, so that two forms
	// of one page keep their ids apart ("block_" for a block made at once).
	Prefix string
	text   staffText
}

// T returns the text of key in the page's language.
func (f *caseForm) T(key string, args ...any) string {
	return f.text.T(key, args...)
}

func (f *caseForm) base(name string) Field {
	fd := Field{
		ID: fieldID(name), Name: name, Label: f.text.T("case.label." + name), Value: f.Values.Get(name),
		Error: f.Errors[name], OptionalText: f.text.T("form.optional"), ChooseText: f.text.T("form.choose"),
	}
	if f.text.Has("case.hint." + name) {
		fd.Hint, fd.HintID = f.text.T("case.hint."+name), fd.ID+"-hint"
	}
	if fd.Error != "" {
		fd.ErrorID = fd.ID + "-error"
	}
	fd.DescribedBy = strings.TrimSpace(fd.HintID + " " + fd.ErrorID)
	return fd
}

// Input returns a text, date or multi-line field.
func (f *caseForm) Input(name string) Field {
	fd := f.base(name)
	spec := caseInputs[name]
	fd.Type, fd.Autocomplete, fd.Inputmode = spec.Type, spec.Autocomplete, spec.Inputmode
	fd.Optional, fd.MaxLength, fd.Class = spec.Optional, spec.MaxLength, spec.Class
	return fd
}

// Radios returns a group of radio buttons.
func (f *caseForm) Radios(name string) Field {
	fd := f.base(name)
	fd.Type = "radio"
	for _, v := range caseChoices[name] {
		fd.Options = append(fd.Options, Option{
			ID: fd.ID + "-" + v, Value: v, Label: f.text.T("case." + name + "." + v),
			Checked: slices.Contains(f.Values[name], v),
		})
	}
	return fd
}

// Select returns a drop-down list.
func (f *caseForm) Select(name string) Field {
	fd := f.Radios(name)
	fd.Type, fd.Optional = "", true
	return fd
}

// Check returns a single checkbox.
func (f *caseForm) Check(name string) Field {
	fd := f.base(name)
	fd.Optional = true
	fd.Options = []Option{{ID: fd.ID, Label: fd.Label, Checked: f.Values.Get(name) == "true"}}
	return fd
}

// File returns the upload of the identity document's copy.
func (f *caseForm) File(name string) Field {
	fd := f.base(name)
	fd.Type = "file"
	return fd
}

// setError puts the problems of an EINVALID or ETOOLARGE error next to
// their fields and into the error summary; a problem of no field of the
// form links to the form formID. It reports false for other errors, which
// the caller shows as an error page.
func (f *caseForm) setError(err error, formID string) bool {
	var e *beredskap.Error
	if !errors.As(err, &e) {
		return false
	}
	problems := e.Problems
	switch {
	case e.Code == beredskap.ETOOLARGE:
		problems = []beredskap.Problem{{Field: "file", Reason: "too_large", Message: e.Message}}
	case e.Code != beredskap.EINVALID && e.Code != beredskap.ECONFLICT:
		return false
	case len(problems) == 0:
		problems = []beredskap.Problem{{Field: e.Field, Reason: e.Reason, Message: e.Message}}
	}
	if e.Code == beredskap.ECONFLICT {
		problems = []beredskap.Problem{{Reason: "conflict", Message: e.Message}}
	}
	f.Errors = map[string]string{}
	for _, p := range problems {
		field := f.Prefix + p.Field
		msg := f.reasonText(p)
		_, input := caseInputs[field]
		_, choice := caseChoices[field]
		label, href := f.text.T("case.label."+field), "#"+fieldID(field)
		switch {
		case field == "file" || field == "suspected_misuse":
		case choice:
			href += "-" + caseChoices[field][0]
		case !input:
			label, href = f.text.T("case.other_problem"), "#"+formID
			field = ""
		}
		if field != "" {
			if prev, ok := f.Errors[field]; ok && !strings.Contains(prev, msg) {
				f.Errors[field] = prev + " " + msg
			} else if !ok {
				f.Errors[field] = msg
			}
		}
		f.Summary = append(f.Summary, SummaryItem{Href: href, Text: label + ": " + msg})
	}
	return true
}

// reasonText translates a problem's reason, falling back to its English
// message.
func (f *caseForm) reasonText(p beredskap.Problem) string {
	for _, key := range []string{"case.reason." + p.Reason, "reason." + p.Reason} {
		if f.text.Has(key) {
			return f.text.T(key)
		}
	}
	return p.Message
}

// caseInput reads a case form from a multipart body within the upload
// limit: the person, the identity document and its copy. It checks the
// CSRF token with check after parsing. Errors: ETOOLARGE, EINVALID,
// EFORBIDDEN.
func (s *Server) caseInput(w http.ResponseWriter, r *http.Request, check func(*http.Request) error) (citizen.CaseInput, error) {
	limit := s.cfg.MaxAttachmentBytes
	if limit <= 0 {
		limit = defaultAttachmentBytes
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+uploadMargin)
	var in citizen.CaseInput
	if err := r.ParseMultipartForm(limit + uploadMargin); err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return in, beredskap.Errorf(beredskap.ETOOLARGE, "the file is over %d bytes", limit)
		}
		return in, beredskap.Invalid("", "syntax", "the form could not be read")
	}
	if err := check(r); err != nil {
		return in, err
	}
	in = citizen.CaseInput{
		Kind:            beredskap.CaseKind(r.PostFormValue("kind")),
		NationalID:      strings.TrimSpace(r.PostFormValue("national_id")),
		Name:            strings.TrimSpace(r.PostFormValue("name")),
		DocumentKind:    beredskap.IDDocumentKind(r.PostFormValue("document_kind")),
		DocumentExpires: strings.TrimSpace(r.PostFormValue("document_expires")),
		SuspectedMisuse: r.PostFormValue("suspected_misuse") == "true",
	}
	file, _, err := r.FormFile("file")
	if err == nil {
		defer file.Close()
		in.File, err = io.ReadAll(io.LimitReader(file, limit+1))
		if err != nil {
			return in, beredskap.Invalid("file", "syntax", "the file could not be read")
		}
		if int64(len(in.File)) > limit {
			return in, beredskap.Errorf(beredskap.ETOOLARGE, "the file is over %d bytes", limit)
		}
	}
	return in, nil
}

// citizenFrame is what every citizen page shows around its content: the
// page in bokmål, nynorsk or English, the logged-in person and the CSRF
// token of the page's forms.
type citizenFrame struct {
	Page
	Session *beredskap.CitizenSession
	CSRF    string
	caseForm
}

// T returns the text of key in the page's language: from the citizen
// locale, else from the public one (the site's frame).
func (f *citizenFrame) T(key string, args ...any) string {
	return f.text.T(key, args...)
}

// Href returns path with the page's language.
func (f *citizenFrame) Href(path string) string {
	return path + "?lang=" + url.QueryEscape(f.Lang)
}

// Time writes an instant in Europe/Oslo to the minute.
func (f *citizenFrame) Time(t time.Time) string {
	return datefmt.Minute(f.Lang, t)
}

// DateOf writes a YYYY-MM-DD day in the page's language.
func (f *citizenFrame) DateOf(s string) string { return datefmt.DayOf(f.Lang, s) }

// newCitizenFrame returns the frame of a citizen page at path for the
// session sess, which is nil on the public pages.
func (s *Server) newCitizenFrame(w http.ResponseWriter, r *http.Request, sess *beredskap.CitizenSession, path, titleKey string) citizenFrame {
	pg := s.pages.pageIn(citizenLocales, r, path, titleKey)
	f := citizenFrame{Page: pg, Session: sess}
	f.text = staffText{staff: pg.L, public: allLocales.get(pg.Lang)}
	f.Title = f.text.T(titleKey)
	f.Values = url.Values{}
	if sess != nil {
		f.CSRF = sess.CSRFToken
		f.Menu = f.menu(path)
	} else {
		f.CSRF = s.formCSRF(w, r)
	}
	return f
}

// menu returns the navigation of a logged-in person's pages, with the
// page at current marked.
func (f *citizenFrame) menu(current string) *siteMenu {
	var links []staffLink
	for _, l := range []struct{ path, key string }{
		{"/citizen", "citizen.nav.home"}, {"/citizen/block", "citizen.nav.block"}, {"/citizen/withdraw", "citizen.nav.withdraw"},
	} {
		links = append(links, staffLink{Href: f.Href(l.path), Text: f.T(l.key), Current: l.path == current})
	}
	return &siteMenu{
		Label: f.T("citizen.nav.label"), Groups: []navGroup{{Links: links}},
		Logout: f.Href("/citizen/logout"), LogoutID: "citizen-logout", LogoutText: f.T("citizen.nav.logout"), CSRF: f.CSRF,
	}
}

func (s *Server) citizenCookieName() string {
	if s.cfg.SecureCookies {
		return citizenCookieSecure
	}
	return citizenCookiePlain
}

// setCitizenCookie gives the browser the citizen session's token, or
// removes it when token is "".
func (s *Server) setCitizenCookie(w http.ResponseWriter, token string) {
	c := &http.Cookie{
		Name: s.citizenCookieName(), Value: token, Path: "/",
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	}
	if token == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// citizenSession returns the session of the request's citizen cookie, or
// nil when there is none or it has ended (the cookie is then removed).
// Only internal errors are returned.
func (s *Server) citizenSession(w http.ResponseWriter, r *http.Request) (*beredskap.CitizenSession, string, error) {
	c, err := r.Cookie(s.citizenCookieName())
	if err != nil || c.Value == "" {
		return nil, "", nil
	}
	sess, err := s.cfg.Citizens.Authenticate(r.Context(), c.Value)
	switch beredskap.ErrorCode(err) {
	case "":
		return sess, c.Value, nil
	case beredskap.EINTERNAL:
		return nil, "", err
	}
	s.setCitizenCookie(w, "")
	return nil, "", nil
}

// requireCitizen returns the logged-in citizen. Without one it sends the
// browser to the citizen login and returns false.
func (s *Server) requireCitizen(w http.ResponseWriter, r *http.Request) (*beredskap.CitizenSession, bool) {
	sess, _, err := s.citizenSession(w, r)
	if err != nil {
		s.Error(w, r, err)
		return nil, false
	}
	if sess == nil {
		http.Redirect(w, r, "/citizen/login?lang="+url.QueryEscape(citizenLocales.pageLanguage(r)), http.StatusSeeOther)
		return nil, false
	}
	return sess, true
}

// checkCitizenCSRF compares the form field "csrf" with the citizen
// session's token in constant time. Errors: EFORBIDDEN.
func checkCitizenCSRF(sess *beredskap.CitizenSession) func(*http.Request) error {
	return func(r *http.Request) error {
		got := r.PostFormValue(csrfField)
		if sess.CSRFToken == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRFToken)) != 1 {
			return beredskap.Errorf(beredskap.EFORBIDDEN, "the form's security token is missing or wrong; reload the page and try again")
		}
		return nil
	}
}

// citizenLogin is what the citizen login's cookie carries.
type citizenLogin struct {
	auth.OIDCState
	Lang string `json:"lang,omitempty"`
}

// handleCitizenLogin sends the browser to the national ID portal, keeping
// the login's state in a short-lived cookie on the callback's path.
func (s *Server) handleCitizenLogin(w http.ResponseWriter, r *http.Request) {
	authURL, st, err := s.cfg.CitizenOIDC.Begin()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data, err := json.Marshal(citizenLogin{OIDCState: st, Lang: citizenLocales.pageLanguage(r)})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: citizenOIDCCookie, Value: base64.RawURLEncoding.EncodeToString(data), Path: citizenOIDCPath,
		MaxAge: int(oidcCookieTTL / time.Second), HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, authURL, http.StatusFound)
}

// handleCitizenCallback completes a citizen login: it checks the state,
// verifies the ID token, and logs in the person its "pid" claim names. A
// blocked person gets a page saying so and how to reopen. Errors:
// EUNAUTHORIZED.
func (s *Server) handleCitizenCallback(w http.ResponseWriter, r *http.Request) {
	var login citizenLogin
	c, err := r.Cookie(citizenOIDCCookie)
	if err == nil {
		var data []byte
		if data, err = base64.RawURLEncoding.DecodeString(c.Value); err == nil {
			err = json.Unmarshal(data, &login)
		}
	}
	http.SetCookie(w, &http.Cookie{
		Name: citizenOIDCCookie, Value: "", Path: citizenOIDCPath, MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
	if err != nil || login.State == "" {
		s.Error(w, r, beredskap.Errorf(beredskap.EUNAUTHORIZED, "the login took too long or did not start here; start again"))
		return
	}
	q := r.URL.Query()
	id, err := s.cfg.CitizenOIDC.Finish(r.Context(), login.OIDCState, q.Get("state"), q.Get("code"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	res, err := s.cfg.Citizens.Login(r.Context(), id.Claim, id.Name)
	if beredskap.ErrorCode(err) == beredskap.EFORBIDDEN {
		if login.Lang != "" {
			r.URL.RawQuery = "lang=" + url.QueryEscape(login.Lang)
		}
		page := s.newCitizenFrame(w, r, nil, "/citizen", "citizen.blocked.title")
		s.render(w, r, http.StatusForbidden, "citizen_blocked.html", &page)
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.setCitizenCookie(w, res.SessionToken)
	http.Redirect(w, r, "/citizen?lang="+url.QueryEscape(login.Lang), http.StatusSeeOther)
}

// handleCitizenLogout ends the citizen's session and removes its cookie.
func (s *Server) handleCitizenLogout(w http.ResponseWriter, r *http.Request) {
	sess, token, err := s.citizenSession(w, r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lang := citizenLocales.pageLanguage(r)
	if sess != nil {
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		if err := r.ParseForm(); err != nil {
			s.Error(w, r, beredskap.Invalid("", "syntax", "the form could not be read"))
			return
		}
		if err := checkCitizenCSRF(sess)(r); err != nil {
			s.Error(w, r, err)
			return
		}
		if err := s.cfg.Citizens.Logout(r.Context(), token); err != nil {
			s.Error(w, r, err)
			return
		}
		s.setCitizenCookie(w, "")
	}
	http.Redirect(w, r, "/?lang="+url.QueryEscape(lang), http.StatusSeeOther)
}

// CitizenText returns the citizen pages' text of key in lang (bokmål,
// nynorsk or English; English for another language) with its {name}
// placeholders filled from args: the words of the letters the citizen
// service writes (citizen.Config.Text).
func CitizenText(lang, key string, args ...any) string {
	return citizenLocales.get(lang).T(key, args...)
}
