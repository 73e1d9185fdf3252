package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"beredskap"
	"beredskap/auth"
	"beredskap/auth/oidctest"
)

const callback = "http://127.0.0.1:1/auth/oidc/callback"

// authorize follows authURL to the provider and returns the code and state
// it sends the browser back with, without following that last redirect.
func authorize(t *testing.T, authURL string) (code, state string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorization: status %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(loc.String(), callback+"?") {
		t.Fatalf("redirected to %s, want %s", loc, callback)
	}
	return loc.Query().Get("code"), loc.Query().Get("state")
}

func newRP(t *testing.T, p *oidctest.Provider, claim string) *auth.OIDC {
	t.Helper()
	cfg := p.Config(callback)
	cfg.Claim = claim
	o, err := auth.NewOIDC(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func wantUnauthorized(t *testing.T, err error) {
	t.Helper()
	if beredskap.ErrorCode(err) != beredskap.EUNAUTHORIZED {
		t.Fatalf("err = %v (code %q), want unauthorized", err, beredskap.ErrorCode(err))
	}
	t.Logf("refused: %s", beredskap.ErrorMessage(err))
}

func TestOIDC(t *testing.T) {
	p := oidctest.Start(t)
	rp := newRP(t, p, "")
	ctx := t.Context()

	t.Run("success", func(t *testing.T) {
		p.Login("kari.nordmann@oslo.kommune.test")
		authURL, st, err := rp.Begin()
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(authURL)
		q := u.Query()
		if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" ||
			q.Get("nonce") != st.Nonce || q.Get("state") != st.State || !strings.HasPrefix(q.Get("scope"), "openid") {
			t.Fatalf("authorization URL lacks PKCE, nonce, state or scope: %s", authURL)
		}
		code, state := authorize(t, authURL)
		got, err := rp.Finish(ctx, st, state, code)
		if err != nil {
			t.Fatal(err)
		}
		if got.Claim != "kari.nordmann@oslo.kommune.test" || got.Name != "" {
			t.Errorf("claim = %q", got)
		}
		// The code is spent.
		_, err = rp.Finish(ctx, st, state, code)
		wantUnauthorized(t, err)
	})

	t.Run("wrong state", func(t *testing.T) {
		p.Login("ola@example.test")
		authURL, st, _ := rp.Begin()
		code, _ := authorize(t, authURL)
		_, other, _ := rp.Begin()
		_, err := rp.Finish(ctx, st, other.State, code)
		wantUnauthorized(t, err)
		_, err = rp.Finish(ctx, auth.OIDCState{}, "", code)
		wantUnauthorized(t, err)
	})

	t.Run("tampered nonce", func(t *testing.T) {
		p.Login("ola@example.test")
		authURL, st, _ := rp.Begin()
		code, state := authorize(t, authURL)
		st.Nonce += "x"
		_, err := rp.Finish(ctx, st, state, code)
		wantUnauthorized(t, err)
		if !strings.Contains(beredskap.ErrorMessage(err), "nonce") {
			t.Errorf("message %q does not name the nonce", beredskap.ErrorMessage(err))
		}
	})

	t.Run("wrong PKCE verifier", func(t *testing.T) {
		p.Login("ola@example.test")
		authURL, st, _ := rp.Begin()
		code, state := authorize(t, authURL)
		_, other, _ := rp.Begin()
		st.Verifier = other.Verifier
		_, err := rp.Finish(ctx, st, state, code)
		wantUnauthorized(t, err)
	})

	t.Run("unknown code", func(t *testing.T) {
		_, st, _ := rp.Begin()
		_, err := rp.Finish(ctx, st, st.State, "no-such-code")
		wantUnauthorized(t, err)
		_, err = rp.Finish(ctx, st, st.State, "")
		wantUnauthorized(t, err)
	})

	t.Run("unverified e-mail", func(t *testing.T) {
		p.LoginUser(oidctest.User{Email: "ola@example.test", Unverified: true})
		authURL, st, _ := rp.Begin()
		code, state := authorize(t, authURL)
		_, err := rp.Finish(ctx, st, state, code)
		wantUnauthorized(t, err)
	})

	t.Run("pid claim", func(t *testing.T) {
		pid := newRP(t, p, "pid")
		p.LoginUser(oidctest.User{PID: "01017012345", Name: "Kari Nordmann"})
		authURL, st, _ := pid.Begin()
		code, state := authorize(t, authURL)
		got, err := pid.Finish(ctx, st, state, code)
		if err != nil {
			t.Fatal(err)
		}
		if got.Claim != "01017012345" || got.Name != "Kari Nordmann" {
			t.Errorf("pid = %+v; want the number and the name", got)
		}
		// A person without the claim is refused.
		p.Login("ola@example.test")
		authURL, st, _ = pid.Begin()
		code, state = authorize(t, authURL)
		_, err = pid.Finish(ctx, st, state, code)
		wantUnauthorized(t, err)
	})

	t.Run("unknown client", func(t *testing.T) {
		cfg := p.Config(callback)
		cfg.ClientID = "someone-else"
		other, err := auth.NewOIDC(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		authURL, _, _ := other.Begin()
		resp, err := http.Get(authURL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusFound {
			t.Errorf("status %d for an unknown client", resp.StatusCode)
		}
	})
}

func TestNewOIDCConfig(t *testing.T) {
	p := oidctest.Start(t)
	cfg := p.Config(callback)
	cfg.ClientSecret = ""
	_, err := auth.NewOIDC(t.Context(), cfg)
	var e *beredskap.Error
	if !errors.As(err, &e) || e.Code != beredskap.EINVALID || e.Field != "oidc.client_secret" {
		t.Errorf("err = %v, want invalid oidc.client_secret", err)
	}
	cfg = p.Config(callback)
	cfg.Issuer = p.Issuer() + "/elsewhere"
	if _, err := auth.NewOIDC(t.Context(), cfg); err == nil {
		t.Error("discovery at a wrong issuer: no error")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := auth.NewOIDC(ctx, p.Config(callback)); err == nil {
		t.Error("discovery with a cancelled context: no error")
	}
}
