package web

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"

	"beredskap"
	"beredskap/auth"
)

// oidcCookie holds the state, nonce and PKCE verifier of an OpenID Connect
// login under way, and where to go afterwards. It lives ten minutes, only
// on the callback's path.
const (
	oidcCookie     = "beredskap_oidc"
	oidcCookiePath = "/login/oidc"
	oidcCookieTTL  = 10 * time.Minute
)

// oidcLogin is what the OpenID Connect cookie carries.
type oidcLogin struct {
	auth.OIDCState
	Next string `json:"next,omitempty"`
	Lang string `json:"lang,omitempty"`
}

// handleOIDCBegin sends the browser to the OpenID provider, keeping the
// login's state in a short-lived cookie.
func (s *Server) handleOIDCBegin(w http.ResponseWriter, r *http.Request) {
	authURL, st, err := s.cfg.OIDC.Begin()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data, err := json.Marshal(oidcLogin{OIDCState: st, Next: nextParam(r), Lang: staffLocales.pageLanguage(r)})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// SameSite=Lax: the provider sends the browser back with a top-level
	// GET from its own site, which must carry the cookie.
	http.SetCookie(w, &http.Cookie{
		Name: oidcCookie, Value: base64.RawURLEncoding.EncodeToString(data), Path: oidcCookiePath,
		MaxAge: int(oidcCookieTTL / time.Second), HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, authURL, http.StatusFound)
}

// handleOIDCCallback completes an OpenID Connect login: it checks the
// state, exchanges the code, verifies the ID token and logs in the staff
// user its claim names. Errors: EUNAUTHORIZED.
func (s *Server) handleOIDCCallback(w http.ResponseWriter, r *http.Request) {
	var login oidcLogin
	c, err := r.Cookie(oidcCookie)
	if err == nil {
		var data []byte
		data, err = base64.RawURLEncoding.DecodeString(c.Value)
		if err == nil {
			err = json.Unmarshal(data, &login)
		}
	}
	http.SetCookie(w, &http.Cookie{
		Name: oidcCookie, Value: "", Path: oidcCookiePath, MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
	if err != nil || login.State == "" {
		s.Error(w, r, beredskap.Errorf(beredskap.EUNAUTHORIZED, "the login took too long or did not start here; start again"))
		return
	}
	q := r.URL.Query()
	id, err := s.cfg.OIDC.Finish(r.Context(), login.OIDCState, q.Get("state"), q.Get("code"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	res, err := s.staff.LoginOIDC(r.Context(), id.Claim)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.setSessionCookie(w, res.SessionToken)
	afterLogin(w, r, res.Session.Stage, login.Next, login.Lang)
}
