package web

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"strings"

	"beredskap"
	"beredskap/staff"
)

// Cookie names. The session cookie takes the __Host- prefix over HTTPS, so
// that no subdomain and no plain-http page can set it.
const (
	sessionCookieSecure = "__Host-beredskap_session"
	sessionCookiePlain  = "beredskap_session"
	csrfCookie          = "beredskap_csrf"
	csrfField           = "csrf"
)

// authState is what authenticate learned about a request.
type authState struct {
	token   string               // the session cookie's value, "" without one
	session *staff.Authenticated // the session found by the cookie, or nil
	err     error                // an internal error while authenticating
}

type authStateKey struct{}

// authenticate puts the acting user into the request's context: the
// holder of the bearer token of the Authorization header, or of the
// session cookie when the session is fully logged in. Other requests get
// an anonymous actor. Every actor carries the client address and the
// request id for the audit trail. Wrong or expired credentials leave the
// request anonymous, so that the handler answers 401 or redirects to the
// login page; a session cookie that names no session is removed. A GET
// or HEAD with a token found before leaves the token's auth epoch to its
// first transaction (staff.Service.AuthenticateTokenPending), and its
// route confirms it before answering (confirmAuth).
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/assets/") {
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		addr, reqID := s.clientAddress(r), RequestID(ctx)
		actor := &beredskap.Actor{Address: addr, RequestID: reqID}
		// The service audits what it does with the address and request id
		// of the context's actor, failed logins included.
		ctx = beredskap.WithActor(ctx, actor)
		st := &authState{}
		var pending *beredskap.PendingAuth
		if bearer, ok := bearerToken(r); ok {
			if a, p := s.bearerActor(ctx, st, bearer, safeMethod(r.Method)); a != nil {
				actor, pending = a, p
			}
		} else if c, err := r.Cookie(s.sessionCookieName()); err == nil && c.Value != "" {
			st.token = c.Value
			au, err := s.staff.Authenticate(ctx, c.Value)
			switch beredskap.ErrorCode(err) {
			case "":
				st.session = au
				if au.Actor != nil {
					actor = au.Actor
				}
			case beredskap.EINTERNAL, beredskap.EUNAVAILABLE:
				st.err = err
			default:
				st.token = ""
				s.clearSessionCookie(w)
			}
		}
		actor.Address, actor.RequestID = addr, reqID
		ctx = beredskap.WithActor(ctx, actor)
		if pending != nil {
			ctx = beredskap.WithPendingAuth(ctx, pending)
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, authStateKey{}, st)))
	})
}

// bearerActor returns the actor of a bearer token, nil when the token does
// not hold or cannot be checked (st.err then says why), and, when the
// request lets it (mayPend) and the service found the token before, the
// pending authentication to confirm (staff.Service.AuthenticateTokenPending).
func (s *Server) bearerActor(ctx context.Context, st *authState, bearer string, mayPend bool) (*beredskap.Actor, *beredskap.PendingAuth) {
	var a *beredskap.Actor
	var p *beredskap.PendingAuth
	var err error
	if mayPend {
		a, p, err = s.staff.AuthenticateTokenPending(ctx, bearer)
	} else {
		a, err = s.staff.AuthenticateToken(ctx, bearer)
	}
	switch beredskap.ErrorCode(err) {
	case "":
		return a, p
	case beredskap.EINTERNAL, beredskap.EUNAVAILABLE:
		st.err = err
	}
	return nil, nil
}

// bearerToken returns the token of an "Authorization: Bearer" header.
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// clientAddress returns the client's IP address: the last entry of
// X-Forwarded-For when the server trusts its proxy, else the peer's.
func (s *Server) clientAddress(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func stateOf(r *http.Request) *authState {
	if st, ok := r.Context().Value(authStateKey{}).(*authState); ok {
		return st
	}
	return &authState{}
}

// requireActor returns the logged-in actor of the request. Without one it
// answers itself and returns false: 401 with WWW-Authenticate for the API,
// and for pages a redirect to the login page (or to the second step of a
// login or enrolment under way) that comes back to this page.
func (s *Server) requireActor(w http.ResponseWriter, r *http.Request) (*beredskap.Actor, bool) {
	st := stateOf(r)
	if st.err != nil {
		s.Error(w, r, st.err)
		return nil, false
	}
	a := beredskap.ActorFrom(r.Context())
	if a.User != nil {
		return a, true
	}
	if isAPI(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="beredskap"`)
		s.Error(w, r, beredskap.Errorf(beredskap.EUNAUTHORIZED, "a valid bearer token is required"))
		return nil, false
	}
	target := "/login"
	if st.session != nil {
		switch st.session.Session.Stage {
		case beredskap.StageTOTP:
			target = "/login/totp"
		case beredskap.StageEnrol:
			target = "/enrol/totp"
		}
	}
	next := r.URL.RequestURI()
	if r.Method != http.MethodGet {
		next = r.URL.Path
	}
	http.Redirect(w, r, target+"?next="+url.QueryEscape(next), http.StatusSeeOther)
	return nil, false
}

// session returns the session of the request's cookie, at any stage, or
// nil when there is none.
func (s *Server) session(r *http.Request) *beredskap.Session {
	if st := stateOf(r); st.session != nil {
		return st.session.Session
	}
	return nil
}

// formCSRF returns the CSRF token a page puts in its forms' hidden field
// "csrf": the session's when there is a session, else the double-submit
// cookie's, which it sets when the visitor has none.
func (s *Server) formCSRF(w http.ResponseWriter, r *http.Request) string {
	if sess := s.session(r); sess != nil && sess.CSRFToken != "" {
		return sess.CSRFToken
	}
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	token := randomToken(32)
	http.SetCookie(w, &http.Cookie{
		Name: csrfCookie, Value: token, Path: "/",
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode,
	})
	return token
}

// checkCSRF compares the form field "csrf" of a parsed form with the token
// formCSRF gave the page, in constant time. Errors: EFORBIDDEN.
func (s *Server) checkCSRF(r *http.Request) error {
	var want string
	if sess := s.session(r); sess != nil && sess.CSRFToken != "" {
		want = sess.CSRFToken
	} else if c, err := r.Cookie(csrfCookie); err == nil {
		want = c.Value
	}
	got := r.PostFormValue(csrfField)
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errFormExpired
	}
	return nil
}

func (s *Server) sessionCookieName() string {
	if s.cfg.SecureCookies {
		return sessionCookieSecure
	}
	return sessionCookiePlain
}

// setSessionCookie gives the browser the session token. The cookie lives
// as long as the browser runs; the server ends the session itself.
func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: s.sessionCookieName(), Value: token, Path: "/",
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: s.sessionCookieName(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

// localPath returns next when it is a path on this site ("/staff?x=1"),
// and "/staff" otherwise, so that a login link cannot send the user
// elsewhere.
func localPath(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/staff"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/staff"
	}
	return next
}
