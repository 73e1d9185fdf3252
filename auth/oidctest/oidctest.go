// Package oidctest starts a real OpenID Connect provider on a local port
// for tests (github.com/oauth2-proxy/mockoidc): discovery, an authorization
// endpoint that signs in whichever user the test queued and redirects back
// at once, a token endpoint that checks the client secret and PKCE, and
// RS256-signed ID tokens. Other packages' end-to-end tests log people in
// through it with the same auth.OIDC code production uses.
package oidctest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"beredskap/auth"
)

// Provider is a running OpenID provider. Its methods are safe for
// concurrent use.
type Provider struct {
	m *mockoidc.MockOIDC
}

// User is a person the provider signs in. Subject defaults to a value
// derived from Email and PID. The ID token carries "email" and
// "email_verified" (true unless Unverified) when Email is set, and "pid"
// (a national identity number, as ID-porten sends it) when PID is set.
type User struct {
	Subject    string
	Email      string
	Unverified bool
	PID        string
	Name       string // sent as the "name" claim when set
}

// Start starts a provider on 127.0.0.1 with a fresh signing key and client
// credentials, and stops it when the test ends. It fails the test when the
// provider cannot start.
func Start(t testing.TB) *Provider {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatalf("oidctest: new provider: %v", err)
	}
	// mockoidc keeps its sessions in a plain map; one request at a time
	// keeps parallel tests free of data races.
	var mu sync.Mutex
	if err := m.AddMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			next.ServeHTTP(w, r)
		})
	}); err != nil {
		t.Fatalf("oidctest: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("oidctest: listen: %v", err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatalf("oidctest: start: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Shutdown(); err != nil {
			t.Errorf("oidctest: shutdown: %v", err)
		}
	})
	return &Provider{m: m}
}

// Issuer returns the provider's issuer URL.
func (p *Provider) Issuer() string { return p.m.Issuer() }

// ClientID returns the client id the provider accepts.
func (p *Provider) ClientID() string { return p.m.ClientID }

// ClientSecret returns the client secret the provider accepts.
func (p *Provider) ClientSecret() string { return p.m.ClientSecret }

// Config returns the settings of a relying party of this provider that
// matches users by e-mail and is sent back to redirectURL.
func (p *Provider) Config(redirectURL string) auth.OIDCConfig {
	return auth.OIDCConfig{
		Issuer:       p.Issuer(),
		ClientID:     p.ClientID(),
		ClientSecret: p.ClientSecret(),
		RedirectURL:  redirectURL,
		Claim:        "email",
	}
}

// Login queues a person with a verified e-mail address for the next
// authorization. Queued people are signed in in order; with none queued
// the provider signs in mockoidc's default user, jane.doe@example.com.
func (p *Provider) Login(email string) { p.LoginUser(User{Email: email}) }

// LoginUser queues u for the next authorization.
func (p *Provider) LoginUser(u User) {
	if u.Subject == "" {
		sum := sha256.Sum256([]byte(u.Email + "\x00" + u.PID))
		u.Subject = hex.EncodeToString(sum[:8])
	}
	p.m.QueueUser(&user{u})
}

// user is a mockoidc.User with the claims of User.
type user struct{ User }

type userinfo struct {
	Email         string `json:"email,omitempty"`
	EmailVerified *bool  `json:"email_verified,omitempty"`
	PID           string `json:"pid,omitempty"`
	Name          string `json:"name,omitempty"`
}

type idClaims struct {
	*mockoidc.IDTokenClaims
	userinfo
}

func (u *user) ID() string { return u.Subject }

func (u *user) info() userinfo {
	var i userinfo
	if u.Email != "" {
		verified := !u.Unverified
		i.Email, i.EmailVerified = u.Email, &verified
	}
	i.PID, i.Name = u.PID, u.Name
	return i
}

func (u *user) Userinfo([]string) ([]byte, error) { return json.Marshal(u.info()) }

func (u *user) Claims(_ []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	return &idClaims{IDTokenClaims: base, userinfo: u.info()}, nil
}
