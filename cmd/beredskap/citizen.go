package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	"beredskap/auth"
	"beredskap/citizen"
	"beredskap/folkeregister"
	"beredskap/mailbox"
	"beredskap/web"
)

// citizenSettings are the settings of the citizen services.
type citizenSettings struct {
	AttachmentKey    string
	MailboxURL       string
	MailboxAPIKey    string
	RegisterURL      string
	RegisterAPIKey   string
	OIDCIssuer       string
	OIDCClientID     string
	OIDCClientSecret string
	NameDelay        time.Duration
}

// bind defines the citizen flags on fs.
func (s *citizenSettings) bind(fs *flag.FlagSet) {
	fs.StringVar(&s.AttachmentKey, "attachment-key", "", "base64 of the 32-byte key that encrypts ID copies and letters at rest "+
		"(better set as BEREDSKAP_ATTACHMENT_KEY; with a SQLite file and no key, one is kept in DB.key)")
	fs.StringVar(&s.MailboxURL, "mailbox-url", "", "base URL of the digital mailbox provider's API (without it, every answer is a letter to print)")
	fs.StringVar(&s.MailboxAPIKey, "mailbox-api-key", "", "API key of the digital mailbox provider (better set as BEREDSKAP_MAILBOX_API_KEY)")
	fs.StringVar(&s.RegisterURL, "population-register-url", "", "base URL of the population register's (Folkeregisteret's) API, for the addresses of print letters "+
		"(without it, citizen support adds the address by hand)")
	fs.StringVar(&s.RegisterAPIKey, "population-register-api-key", "", "API key of the population register (better set as BEREDSKAP_POPULATION_REGISTER_API_KEY)")
	fs.StringVar(&s.OIDCIssuer, "citizen-oidc-issuer", "", "OpenID Connect issuer of the national ID portal for citizen login (off when empty)")
	fs.StringVar(&s.OIDCClientID, "citizen-oidc-client-id", "", "client id at the national ID portal")
	fs.StringVar(&s.OIDCClientSecret, "citizen-oidc-client-secret", "", "client secret at the national ID portal (better set as BEREDSKAP_CITIZEN_OIDC_CLIENT_SECRET)")
	fs.DurationVar(&s.NameDelay, "name-delay", 14*24*time.Hour, "how long before a citizen sees the name of a staff member who looked at their data")
}

// attachmentKey returns the key of the settings, or for a SQLite file
// without one, the key kept beside it (made on first use).
func (s *citizenSettings) attachmentKey(db string) ([]byte, error) {
	if s.AttachmentKey != "" {
		k, err := base64.StdEncoding.DecodeString(s.AttachmentKey)
		if err != nil || len(k) != 32 {
			return nil, usageError{"--attachment-key must be base64 of 32 bytes"}
		}
		return k, nil
	}
	if strings.Contains(db, "://") || db == ":memory:" {
		return nil, usageError{"--attachment-key is required with a PostgreSQL database"}
	}
	path := db + ".key"
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		k := make([]byte, 32)
		_, _ = rand.Read(k)
		b = []byte(base64.StdEncoding.EncodeToString(k) + "\n")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, fmt.Errorf("write attachment key: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("read attachment key: %w", err)
	}
	k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(k) != 32 {
		return nil, fmt.Errorf("attachment key file %s does not hold base64 of 32 bytes", path)
	}
	return k, nil
}

// mailbox returns the digital mailbox client, or mailbox.None when no
// provider is set.
func (s *citizenSettings) mailbox() mailbox.Mailbox {
	if s.MailboxURL == "" {
		return mailbox.None{}
	}
	return mailbox.NewClient(s.MailboxURL, s.MailboxAPIKey, nil)
}

// register returns the population register client, or nil when no
// register is set.
func (s *citizenSettings) register() folkeregister.Register {
	if s.RegisterURL == "" {
		return nil
	}
	return folkeregister.NewClient(s.RegisterURL, s.RegisterAPIKey, nil)
}

// oidc returns the national ID portal client, or nil when no issuer is set.
func (s *citizenSettings) oidc(ctx context.Context, baseURL string) (*auth.OIDC, error) {
	if s.OIDCIssuer == "" {
		return nil, nil
	}
	o, err := auth.NewOIDC(ctx, auth.OIDCConfig{
		Issuer:       s.OIDCIssuer,
		ClientID:     s.OIDCClientID,
		ClientSecret: s.OIDCClientSecret,
		RedirectURL:  baseURL + "/citizen/login/callback",
		Claim:        "pid",
		Scopes:       []string{"profile"},
	})
	if err != nil {
		return nil, fmt.Errorf("citizen openid connect: %w", err)
	}
	return o, nil
}

// newCitizenService returns the citizen service over the store.
func newCitizenService(st *store, db, baseURL string, s citizenSettings, audit auditSettings, allowSyntheticIDs bool, logger *slog.Logger) (*citizen.Service, error) {
	key, err := s.attachmentKey(db)
	if err != nil {
		return nil, err
	}
	prover, err := audit.prover(st, db)
	if err != nil {
		return nil, err
	}
	return citizen.New(st.citizens, s.mailbox(), time.Now, citizen.Config{
		BaseURL:           baseURL,
		NameDelay:         s.NameDelay,
		AttachmentKey:     key,
		AllowSyntheticIDs: allowSyntheticIDs,
		Register:          s.register(),
		AuditProofs:       prover,
		Text:              web.CitizenText,
	}, logger)
}
