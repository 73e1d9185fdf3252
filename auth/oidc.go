package auth

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"beredskap"
)

// OIDCConfig holds the settings of an OpenID Connect login.
type OIDCConfig struct {
	Issuer       string // the provider's issuer URL, where discovery starts
	ClientID     string
	ClientSecret string
	RedirectURL  string // our callback, registered at the provider
	// Claim is the ID token claim users are matched on: "email" (the
	// default) or, for example, "pid" for a national identity number.
	Claim string
	// Scopes to ask for besides "openid", which is always asked for first.
	// "email" is added when Claim is "email".
	Scopes []string
}

// OIDC is a relying party of one OpenID Connect provider, doing the
// authorization code flow with state, nonce and PKCE (S256). It is safe for
// concurrent use.
type OIDC struct {
	claim    string
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	client   *http.Client
}

// OIDCState is what the browser must bring back to finish a login: the
// state parameter, the nonce the ID token must carry and the PKCE verifier.
// The web layer keeps it in a short-lived HttpOnly cookie.
type OIDCState struct {
	State    string
	Nonce    string
	Verifier string
}

// oidcTimeout bounds each request to the provider.
const oidcTimeout = 15 * time.Second

// NewOIDC returns a relying party for cfg after fetching the provider's
// discovery document. It returns EINVALID naming the setting when one is
// missing, and an error when discovery fails or the issuer it reports
// differs from cfg.Issuer.
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	for _, s := range []struct{ name, value string }{
		{"oidc.issuer", cfg.Issuer},
		{"oidc.client_id", cfg.ClientID},
		{"oidc.client_secret", cfg.ClientSecret},
		{"oidc.redirect_url", cfg.RedirectURL},
	} {
		if s.value == "" {
			return nil, beredskap.Invalid(s.name, "required", s.name+" must be set for OpenID Connect login")
		}
	}
	claim := cfg.Claim
	if claim == "" {
		claim = "email"
	}
	scopes := []string{oidc.ScopeOpenID}
	if claim == "email" {
		scopes = append(scopes, "email")
	}
	for _, s := range cfg.Scopes {
		if s != "" && !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}

	client := &http.Client{Timeout: oidcTimeout}
	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, client), cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("openid connect discovery at %s: %w", cfg.Issuer, err)
	}
	return &OIDC{
		claim: claim,
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			Endpoint:     provider.Endpoint(),
			RedirectURL:  cfg.RedirectURL,
			Scopes:       scopes,
		},
		verifier: provider.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
		client:   client,
	}, nil
}

// Begin starts a login. It returns the provider's authorization URL to
// redirect the browser to, and the state to keep until the browser comes
// back. It does not fail in practice; the error is for a broken random
// source.
func (o *OIDC) Begin() (authURL string, st OIDCState, err error) {
	state, _ := NewSecret()
	nonce, _ := NewSecret()
	st = OIDCState{State: state, Nonce: nonce, Verifier: oauth2.GenerateVerifier()}
	authURL = o.oauth.AuthCodeURL(st.State,
		oidc.Nonce(st.Nonce),
		oauth2.S256ChallengeOption(st.Verifier),
	)
	return authURL, st, nil
}

// Finish completes a login when the provider has sent the browser back
// with gotState and code. It checks gotState against st in constant time,
// exchanges code with st's PKCE verifier, verifies the ID token (signature,
// issuer, audience, expiry) and its nonce, and returns the value of the
// configured claim, with the person's name when the token carries one.
// For the "email" claim it refuses an address the provider says is not
// verified. Every refusal is a *beredskap.Error EUNAUTHORIZED; ctx bounds
// the calls to the provider.
func (o *OIDC) Finish(ctx context.Context, st OIDCState, gotState, code string) (OIDCIdentity, error) {
	var none OIDCIdentity
	if st.State == "" || st.Nonce == "" || st.Verifier == "" {
		return none, beredskap.Errorf(beredskap.EUNAUTHORIZED, "the login has expired or was started elsewhere; please start again")
	}
	if subtle.ConstantTimeCompare([]byte(st.State), []byte(gotState)) != 1 {
		return none, beredskap.Errorf(beredskap.EUNAUTHORIZED, "the login state does not match; please start again")
	}
	if code == "" {
		return none, beredskap.Errorf(beredskap.EUNAUTHORIZED, "the identity provider returned no authorization code")
	}
	ctx = oidc.ClientContext(ctx, o.client)
	tok, err := o.oauth.Exchange(ctx, code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		return none, unauthorized("the identity provider did not accept the authorization code", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return none, beredskap.Errorf(beredskap.EUNAUTHORIZED, "the identity provider returned no ID token")
	}
	idt, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return none, unauthorized("the ID token from the identity provider is not valid", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.Nonce)) != 1 {
		return none, beredskap.Errorf(beredskap.EUNAUTHORIZED, "the ID token was issued for another login (nonce mismatch)")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return none, unauthorized("the ID token's claims cannot be read", err)
	}
	value, ok := claims[o.claim].(string)
	if !ok || value == "" {
		return none, beredskap.Errorf(beredskap.EUNAUTHORIZED, "the identity provider did not send the %q claim", o.claim)
	}
	if o.claim == "email" {
		if v, present := claims["email_verified"]; present && !isTrue(v) {
			return none, beredskap.Errorf(beredskap.EUNAUTHORIZED, "the identity provider has not verified the e-mail address")
		}
	}
	return OIDCIdentity{Claim: value, Name: claimedName(claims)}, nil
}

// OIDCIdentity is who a finished login identified: the value of the
// configured claim and, when the provider sent it, the person's name.
type OIDCIdentity struct {
	Claim string
	Name  string // "" when the token names no one
}

// claimedName returns the "name" claim, or the given and family names
// joined, or "".
func claimedName(claims map[string]any) string {
	str := func(k string) string {
		v, _ := claims[k].(string)
		return strings.TrimSpace(v)
	}
	if n := str("name"); n != "" {
		return n
	}
	return strings.TrimSpace(str("given_name") + " " + str("family_name"))
}

// isTrue reads a boolean claim, which some providers send as a string.
func isTrue(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return v == "true"
	default:
		return false
	}
}

// unauthorized returns an error whose first *beredskap.Error is an
// EUNAUTHORIZED with msg, the text users see, and which wraps cause for the
// log.
func unauthorized(msg string, cause error) error {
	return fmt.Errorf("%w: %w", beredskap.Errorf(beredskap.EUNAUTHORIZED, "%s", msg), cause)
}
