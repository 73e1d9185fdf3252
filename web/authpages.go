package web

import (
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"beredskap"
	"beredskap/staff"
)

// AuthPage is the data of the login and enrolment pages.
type AuthPage struct {
	Page
	CSRF   string
	Action string  // where the form posts, with next and lang
	Fields []Field // the form's inputs
	Alert  string  // a message above the form: wrong credentials, a lockout
	Email  string  // whose enrolment this is
	OIDC   string  // the OpenID Connect login link, "" when it is off

	// TOTP enrolment: the QR code of the otpauth:// URL, and the secret
	// for manual entry in groups of four.
	QR           template.URL
	Secret       string
	SecretGroups string

	// Codes are the recovery codes, shown once after enrolment; Continue
	// is where the user goes next.
	Codes    []string
	Continue string

	// LinkProblem says why an enrolment link cannot be used ("used",
	// "expired", "enrolled" or "unknown"), for the page that explains it.
	LinkProblem string
}

// authArea holds login, logout and enrolment of staff.
func authArea() area {
	return area{
		Name: "auth",
		Pages: []string{"auth_login.html", "auth_totp.html", "auth_recovery.html", "auth_enrol.html",
			"auth_enrol_totp.html", "auth_enrol_link.html"},
		Routes: (*Server).registerAuthPages,
	}
}

// registerAuthPages registers login, logout and enrolment, and OpenID
// Connect login when it is configured.
func (s *Server) registerAuthPages() {
	s.handle("GET /login", s.handleLoginForm)
	s.handle("POST /login", s.handleLogin)
	s.handle("GET /login/totp", s.handleTOTPForm)
	s.handle("POST /login/totp", s.handleTOTP)
	s.handle("POST /logout", s.handleLogout)
	s.handle("GET /enrol/totp", s.handleEnrolTOTPForm)
	s.handle("POST /enrol/totp", s.handleEnrolTOTP)
	s.handle("GET /enrol/{token}", s.handleEnrolForm)
	s.handle("POST /enrol/{token}", s.handleEnrol)
	if s.cfg.OIDC != nil {
		s.handle("GET /login/oidc", s.handleOIDCBegin)
		s.handle("GET /login/oidc/callback", s.handleOIDCCallback)
	}
}

// authPage returns the frame of a login or enrolment page whose form
// posts to action (next and lang are added).
func (s *Server) authPage(w http.ResponseWriter, r *http.Request, titleKey, action string) *AuthPage {
	pg := s.pages.staffPage(r, r.URL.Path, titleKey)
	p := &AuthPage{Page: pg, CSRF: s.formCSRF(w, r), Action: withQuery(action, r, pg.Lang)}
	return p
}

// withQuery returns path with the request's next parameter (when local)
// and the page's language.
func withQuery(path string, r *http.Request, lang string) string {
	q := url.Values{}
	if next := nextParam(r); next != "" {
		q.Set("next", next)
	}
	q.Set("lang", lang)
	return path + "?" + q.Encode()
}

// nextParam returns the request's next parameter when it is a local path.
func nextParam(r *http.Request) string {
	next := r.FormValue("next")
	if next == "" || localPath(next) != next {
		return ""
	}
	return next
}

// field returns a text input of an auth page.
func (p *AuthPage) field(name, typ, autocomplete, value string) Field {
	id := "f-" + name
	f := Field{
		ID: id, Name: name, Label: p.T("auth.label." + name), Type: typ, Autocomplete: autocomplete,
		Value: value, ErrorID: id + "-error", MaxLength: 256,
	}
	if hint, ok := p.L.Lookup("auth.hint." + name); ok {
		f.Hint, f.HintID = hint, id+"-hint"
		f.DescribedBy = f.HintID
	}
	return f
}

// setError shows err on the page: at its field when it names one of the
// page's fields, else above the form.
func (p *AuthPage) setError(err error) {
	var e *beredskap.Error
	if !errors.As(err, &e) {
		p.Alert = p.T("auth.error.internal")
		return
	}
	for _, pr := range e.Problems {
		for i := range p.Fields {
			if p.Fields[i].Name == pr.Field && p.Fields[i].Error == "" {
				p.Fields[i].Error = p.reasonText(pr.Reason)
				p.Fields[i].DescribedBy = strings.TrimSpace(p.Fields[i].DescribedBy + " " + p.Fields[i].ErrorID)
			}
		}
	}
	for _, f := range p.Fields {
		if f.Error != "" {
			return
		}
	}
	if msg, ok := p.L.Lookup("auth.error." + e.Reason); ok && e.Reason != "" {
		p.Alert = msg
		return
	}
	p.Alert = p.T("auth.error." + string(e.Code))
}

func (p *AuthPage) reasonText(reason string) string {
	if msg, ok := p.L.Lookup("auth.reason." + reason); ok {
		return msg
	}
	return p.T("auth.reason.invalid")
}

// renderAuth renders an auth page; when err is not nil the status follows
// its code and the page shows it.
func (s *Server) renderAuth(w http.ResponseWriter, r *http.Request, name string, p *AuthPage, err error) {
	status := http.StatusOK
	if err != nil {
		status = statusOf(beredskap.ErrorCode(err))
		if status == http.StatusInternalServerError {
			s.Error(w, r, err)
			return
		}
		p.setError(err)
	}
	s.render(w, r, status, name, p)
}

// parseForm reads a posted form of at most the body limit and checks its
// CSRF token. Errors: ETOOLARGE, EINVALID, EFORBIDDEN.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) error {
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

// afterLogin sends a browser whose session is at stage on to the next
// step: the TOTP code, TOTP enrolment, or the page it came for.
func afterLogin(w http.ResponseWriter, r *http.Request, stage beredskap.SessionStage, next, lang string) {
	q := url.Values{}
	q.Set("lang", lang)
	target := localPath(next)
	switch stage {
	case beredskap.StageTOTP:
		q.Set("next", target)
		target = "/login/totp"
	case beredskap.StageEnrol:
		target = "/enrol/totp"
	}
	if !strings.Contains(target, "?") {
		target += "?" + q.Encode()
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, email string) *AuthPage {
	p := s.authPage(w, r, "auth.login.title", "/login")
	p.Fields = []Field{p.field("email", "email", "username", email), p.field("password", "password", "current-password", "")}
	if s.cfg.OIDC != nil {
		p.OIDC = withQuery("/login/oidc", r, p.Lang)
	}
	return p
}

// handleLoginForm shows the login form, or sends a logged-in user on.
func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	if beredskap.ActorFrom(r.Context()).User != nil {
		http.Redirect(w, r, localPath(r.FormValue("next")), http.StatusSeeOther)
		return
	}
	s.renderAuth(w, r, "auth_login.html", s.loginPage(w, r, ""), nil)
}

// handleLogin checks an e-mail and password and starts a session that
// waits for the second factor.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	res, err := s.staff.Login(r.Context(), email, r.PostForm.Get("password"))
	if err != nil {
		s.renderAuth(w, r, "auth_login.html", s.loginPage(w, r, email), err)
		return
	}
	s.setSessionCookie(w, res.SessionToken)
	afterLogin(w, r, res.Session.Stage, r.FormValue("next"), staffLocales.pageLanguage(r))
}

func (s *Server) totpPage(w http.ResponseWriter, r *http.Request) *AuthPage {
	p := s.authPage(w, r, "auth.totp.title", "/login/totp")
	f := p.field("code", "text", "one-time-code", "")
	f.Inputmode, f.MaxLength, f.Class = "text", 20, "w-id"
	p.Fields = []Field{f}
	return p
}

// handleTOTPForm asks for the code of the authenticator app.
func (s *Server) handleTOTPForm(w http.ResponseWriter, r *http.Request) {
	if sess := s.session(r); sess == nil || sess.Stage != beredskap.StageTOTP {
		http.Redirect(w, r, withQuery("/login", r, staffLocales.pageLanguage(r)), http.StatusSeeOther)
		return
	}
	s.renderAuth(w, r, "auth_totp.html", s.totpPage(w, r), nil)
}

// handleTOTP checks a TOTP or recovery code and completes the login.
func (s *Server) handleTOTP(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	st := stateOf(r)
	if st.session == nil || st.session.Session.Stage != beredskap.StageTOTP {
		http.Redirect(w, r, withQuery("/login", r, staffLocales.pageLanguage(r)), http.StatusSeeOther)
		return
	}
	sess, err := s.staff.VerifySecondFactor(r.Context(), st.token, r.PostForm.Get("code"))
	if err != nil {
		s.renderAuth(w, r, "auth_totp.html", s.totpPage(w, r), err)
		return
	}
	afterLogin(w, r, sess.Stage, r.FormValue("next"), staffLocales.pageLanguage(r))
}

// handleLogout ends the session and removes its cookie.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	if st := stateOf(r); st.token != "" {
		if err := s.staff.Logout(r.Context(), st.token); err != nil && beredskap.ErrorCode(err) != beredskap.ENOTFOUND {
			s.Error(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/login?lang="+url.QueryEscape(staffLocales.pageLanguage(r)), http.StatusSeeOther)
}

func (s *Server) enrolPage(w http.ResponseWriter, r *http.Request, user *beredskap.User) *AuthPage {
	p := s.authPage(w, r, "auth.enrol.title", "/enrol/"+url.PathEscape(r.PathValue("token")))
	p.Email = user.Email
	p.Fields = []Field{p.field("password", "password", "new-password", ""), p.field("password2", "password", "new-password", "")}
	return p
}

// handleEnrolForm shows the form of an enrolment link: a new password,
// twice. An expired or used link is refused.
func (s *Server) handleEnrolForm(w http.ResponseWriter, r *http.Request) {
	user, err := s.staff.CheckEnrolment(r.Context(), r.PathValue("token"))
	if err != nil {
		s.enrolLinkError(w, r, err)
		return
	}
	s.renderAuth(w, r, "auth_enrol.html", s.enrolPage(w, r, user), nil)
}

// enrolLinkError explains why an enrolment link cannot be used — used or
// replaced, expired, the account set up already, or unknown — with a link
// to the login page, and shows other errors on the error page.
func (s *Server) enrolLinkError(w http.ResponseWriter, r *http.Request, err error) {
	var e *beredskap.Error
	if !errors.As(err, &e) || e.Code != beredskap.EINVALID || e.Field != "token" {
		s.Error(w, r, err)
		return
	}
	p := s.authPage(w, r, "auth.enrol_link.title."+e.Reason, "/login")
	p.LinkProblem = e.Reason
	status := http.StatusGone
	if e.Reason == "unknown" {
		status = http.StatusNotFound
	}
	s.render(w, r, status, "auth_enrol_link.html", p)
}

// handleEnrol sets the password of an enrolment link and starts a session
// that must enrol TOTP next.
func (s *Server) handleEnrol(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	token := r.PathValue("token")
	user, err := s.staff.CheckEnrolment(r.Context(), token)
	if err != nil {
		s.enrolLinkError(w, r, err)
		return
	}
	password := r.PostForm.Get("password")
	if password != r.PostForm.Get("password2") {
		err := beredskap.Invalid("password2", "mismatch", "the passwords differ")
		s.renderAuth(w, r, "auth_enrol.html", s.enrolPage(w, r, user), err)
		return
	}
	res, err := s.staff.Enrol(r.Context(), token, password)
	if e := (*beredskap.Error)(nil); errors.As(err, &e) && e.Field == "token" {
		s.enrolLinkError(w, r, err)
		return
	} else if beredskap.ErrorCode(err) == beredskap.EINVALID {
		s.renderAuth(w, r, "auth_enrol.html", s.enrolPage(w, r, user), err)
		return
	} else if err != nil {
		s.Error(w, r, err)
		return
	}
	s.setSessionCookie(w, res.SessionToken)
	afterLogin(w, r, res.Session.Stage, "", staffLocales.pageLanguage(r))
}

// totpSetupPage shows a TOTP secret to enrol: its QR code, its groups of
// four for typing in, and the code field.
func (s *Server) totpSetupPage(w http.ResponseWriter, r *http.Request, setup *staff.TOTPSetup) *AuthPage {
	p := s.authPage(w, r, "auth.enrol_totp.title", "/enrol/totp")
	p.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(setup.QRPNG))
	p.Secret = setup.Secret
	p.SecretGroups = groupsOfFour(setup.Secret)
	f := p.field("code", "text", "one-time-code", "")
	f.Inputmode, f.MaxLength, f.Class = "numeric", 8, "w-short"
	// Recovery codes come only once this code is confirmed, so the hint
	// does not offer them.
	f.Hint = p.T("auth.hint.enrol_code")
	p.Fields = []Field{f}
	return p
}

// groupsOfFour writes s in groups of four characters for typing by hand.
func groupsOfFour(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}

// enrolSession returns the session token of a browser at the TOTP
// enrolment step, or redirects and returns false.
func (s *Server) enrolSession(w http.ResponseWriter, r *http.Request) (string, bool) {
	st := stateOf(r)
	if st.session == nil || st.session.Session.Stage != beredskap.StageEnrol {
		target := withQuery("/login", r, staffLocales.pageLanguage(r))
		if st.session != nil && st.session.Session.Stage == beredskap.StageActive {
			target = "/staff"
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return "", false
	}
	return st.token, true
}

// handleEnrolTOTPForm shows a fresh TOTP secret to enrol.
func (s *Server) handleEnrolTOTPForm(w http.ResponseWriter, r *http.Request) {
	token, ok := s.enrolSession(w, r)
	if !ok {
		return
	}
	setup, err := s.staff.NewTOTP(r.Context(), token)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderAuth(w, r, "auth_enrol_totp.html", s.totpSetupPage(w, r, setup), nil)
}

// handleEnrolTOTP checks a code of the secret being enrolled, completes
// the login and shows the recovery codes once. A wrong code shows the same
// secret again, so that an app that scanned it need not scan again.
func (s *Server) handleEnrolTOTP(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.Error(w, r, err)
		return
	}
	token, ok := s.enrolSession(w, r)
	if !ok {
		return
	}
	codes, err := s.staff.ConfirmTOTP(r.Context(), token, r.PostForm.Get("code"))
	if err != nil {
		code := beredskap.ErrorCode(err)
		if code != beredskap.EINVALID && code != beredskap.EUNAUTHORIZED {
			s.Error(w, r, err)
			return
		}
		setup, serr := s.staff.NewTOTP(r.Context(), token)
		if serr != nil {
			s.Error(w, r, serr)
			return
		}
		s.renderAuth(w, r, "auth_enrol_totp.html", s.totpSetupPage(w, r, setup), err)
		return
	}
	p := s.authPage(w, r, "auth.recovery.title", "/staff")
	p.Codes, p.Continue = codes, "/staff?lang="+url.QueryEscape(p.Lang)
	s.renderAuth(w, r, "auth_recovery.html", p, nil)
}
