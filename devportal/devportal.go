// Package devportal is a development stand-in for ID-porten, the national
// ID portal citizens log in through. It runs a real OpenID Connect provider
// (github.com/oauth2-proxy/mockoidc) on 127.0.0.1 whose authorization step
// is a page where the visitor picks one of a few synthetic demo persons
// instead of proving who they are; the ID token then carries that person's
// "pid" claim (national identity number) and name. Anybody who can reach
// the page can log in as anybody on its list, so it is for the demo only:
// `beredskap demo` starts it, `beredskap serve` never does.
package devportal

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"
)

// Person is a synthetic person the portal lets the visitor log in as.
type Person struct {
	Name string // shown on the page and sent as the "name" claim
	PID  string // sent as the "pid" claim, as ID-porten sends the national identity number
}

// Portal is a running development ID portal. Its methods are safe for
// concurrent use.
type Portal struct {
	m      *mockoidc.MockOIDC
	people []Person
	// mu serialises the provider's requests: mockoidc keeps its sessions
	// in a plain map, and a pick must queue its person and authorize in
	// one step.
	mu sync.Mutex
}

//go:embed pick.html
var pickHTML string

var pickPage = template.Must(template.New("pick").Parse(pickHTML))

// Start starts a portal on 127.0.0.1 (a free port) with a fresh signing
// key and client credentials, offering people. It returns an error when
// people is empty or the portal cannot listen.
func Start(people []Person) (*Portal, error) {
	if len(people) == 0 {
		return nil, errors.New("devportal: no people to offer")
	}
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		return nil, fmt.Errorf("devportal: new provider: %w", err)
	}
	p := &Portal{m: m, people: slices.Clone(people)}
	if err := m.AddMiddleware(p.middleware); err != nil {
		return nil, fmt.Errorf("devportal: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("devportal: listen: %w", err)
	}
	if err := m.Start(ln, nil); err != nil {
		ln.Close()
		return nil, fmt.Errorf("devportal: start: %w", err)
	}
	return p, nil
}

// Issuer returns the portal's OpenID Connect issuer URL.
func (p *Portal) Issuer() string { return p.m.Issuer() }

// ClientID returns the only client id the portal accepts.
func (p *Portal) ClientID() string { return p.m.ClientID }

// ClientSecret returns the secret of that client.
func (p *Portal) ClientSecret() string { return p.m.ClientSecret }

// People returns the persons the portal offers, in the order shown.
func (p *Portal) People() []Person { return slices.Clone(p.people) }

// Close stops the portal's HTTP server.
func (p *Portal) Close() error { return p.m.Shutdown() }

// middleware runs one provider request at a time and puts the pick page in
// front of the authorization endpoint: a POST naming a person queues that
// person and lets mockoidc authorize (and redirect back to the client);
// any other request to the endpoint shows the page.
func (p *Portal) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if r.URL.Path != mockoidc.AuthorizationEndpoint {
			next.ServeHTTP(w, r)
			return
		}
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if r.Method == http.MethodPost && r.PostForm.Has("person") {
			i, err := strconv.Atoi(r.PostForm.Get("person"))
			if err != nil || i < 0 || i >= len(p.people) {
				http.Error(w, "unknown demo person", http.StatusBadRequest)
				return
			}
			p.m.QueueUser(user(p.people[i]))
			next.ServeHTTP(w, r)
			return
		}
		p.renderPick(w, r)
	})
}

// pickData is what the pick page shows and posts back.
type pickData struct {
	Action string
	Hidden []field
	People []Person
}

// field is one authorization request parameter, carried through the page.
type field struct{ Name, Value string }

// renderPick writes the pick page for the authorization request r, whose
// parameters the page's form posts back unchanged.
func (p *Portal) renderPick(w http.ResponseWriter, r *http.Request) {
	data := pickData{Action: mockoidc.AuthorizationEndpoint, People: p.people}
	names := make([]string, 0, len(r.Form))
	for name := range r.Form {
		if name != "person" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		data.Hidden = append(data.Hidden, field{name, r.Form.Get(name)})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := pickPage.Execute(w, data); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

// user returns the mockoidc user of a person: its subject is a hash of the
// national identity number (ID-porten's subject is likewise not the number
// itself), and its ID token and userinfo carry "pid" and "name".
func user(pr Person) mockoidc.User {
	sum := sha256.Sum256([]byte("devportal\x00" + pr.PID))
	return &personUser{Person: pr, sub: hex.EncodeToString(sum[:12])}
}

// personUser is a Person as a mockoidc.User.
type personUser struct {
	Person
	sub string
}

// personClaims are the claims a person adds to the ID token and userinfo.
type personClaims struct {
	PID  string `json:"pid"`
	Name string `json:"name"`
}

// idToken is the ID token of a person: mockoidc's standard claims and the
// person's own.
type idToken struct {
	*mockoidc.IDTokenClaims
	personClaims
}

// ID returns the subject of the person's tokens.
func (u *personUser) ID() string { return u.sub }

// Userinfo returns the person's claims as JSON, whatever the scopes.
func (u *personUser) Userinfo([]string) ([]byte, error) {
	return json.Marshal(personClaims{PID: u.PID, Name: u.Name})
}

// Claims returns the ID token claims of the person built on base.
func (u *personUser) Claims(_ []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	return &idToken{IDTokenClaims: base, personClaims: personClaims{PID: u.PID, Name: u.Name}}, nil
}
