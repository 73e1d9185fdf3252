package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"beredskap"
	"beredskap/auth"
	"beredskap/mail"
	"beredskap/staff"
	"beredskap/web"
)

// staffSettings are the settings of staff login, sessions and e-mail.
type staffSettings struct {
	SMTPHost         string
	SMTPPort         int
	SMTPUsername     string
	SMTPPassword     string
	SMTPFrom         string
	SMTPTLS          string
	MailDir          string
	OIDCIssuer       string
	OIDCClientID     string
	OIDCClientSecret string
	OIDCClaim        string
	SessionIdle      time.Duration
	SessionMax       time.Duration
	TrustProxy       bool
}

// bind defines the staff flags on fs.
func (s *staffSettings) bind(fs *flag.FlagSet) {
	fs.StringVar(&s.SMTPHost, "smtp-host", "", "SMTP server for e-mail (invitations, order copies); without it mail goes to --mail-dir")
	fs.IntVar(&s.SMTPPort, "smtp-port", 587, "SMTP port")
	fs.StringVar(&s.SMTPUsername, "smtp-username", "", "SMTP user name")
	fs.StringVar(&s.SMTPPassword, "smtp-password", "", "SMTP password (better set as BEREDSKAP_SMTP_PASSWORD)")
	fs.StringVar(&s.SMTPFrom, "smtp-from", "beredskap@localhost", "sender address of e-mail")
	fs.StringVar(&s.SMTPTLS, "smtp-tls", "starttls", "starttls, tls or none")
	fs.StringVar(&s.MailDir, "mail-dir", "beredskap-mail", "directory that receives e-mail as .eml files when no --smtp-host is set")
	fs.StringVar(&s.OIDCIssuer, "oidc-issuer", "", "OpenID Connect issuer URL for staff login (off when empty)")
	fs.StringVar(&s.OIDCClientID, "oidc-client-id", "", "OpenID Connect client id")
	fs.StringVar(&s.OIDCClientSecret, "oidc-client-secret", "", "OpenID Connect client secret (better set as BEREDSKAP_OIDC_CLIENT_SECRET)")
	fs.StringVar(&s.OIDCClaim, "oidc-claim", "email", "claim that identifies a staff user: email or pid (national identity number)")
	fs.DurationVar(&s.SessionIdle, "session-idle", 30*time.Minute, "staff sessions end after this long without a request")
	fs.DurationVar(&s.SessionMax, "session-max", 12*time.Hour, "staff sessions end this long after login, whatever the activity")
	fs.BoolVar(&s.TrustProxy, "trust-proxy", false, "take the client address from X-Forwarded-For (set behind a reverse proxy)")
}

// sender returns the mail sender the settings ask for: SMTP when a host is
// set, else a directory of .eml files.
func (s *staffSettings) sender() (mail.Sender, error) {
	if s.SMTPHost == "" {
		return mail.Dir{Path: s.MailDir}, nil
	}
	m, err := mail.NewSMTP(mail.SMTPConfig{
		Host:     s.SMTPHost,
		Port:     s.SMTPPort,
		Username: s.SMTPUsername,
		Password: s.SMTPPassword,
		From:     s.SMTPFrom,
		TLS:      s.SMTPTLS,
		Timeout:  30 * time.Second,
	})
	if err != nil {
		return nil, usageError{fmt.Sprintf("smtp settings: %v", err)}
	}
	return m, nil
}

// oidc returns the OpenID Connect client, or nil when no issuer is set.
func (s *staffSettings) oidc(ctx context.Context, baseURL string) (*auth.OIDC, error) {
	if s.OIDCIssuer == "" {
		return nil, nil
	}
	if s.OIDCClientID == "" {
		return nil, usageError{"--oidc-client-id is required with --oidc-issuer"}
	}
	o, err := auth.NewOIDC(ctx, auth.OIDCConfig{
		Issuer:       s.OIDCIssuer,
		ClientID:     s.OIDCClientID,
		ClientSecret: s.OIDCClientSecret,
		RedirectURL:  baseURL + "/login/oidc/callback",
		Claim:        s.OIDCClaim,
	})
	if err != nil {
		return nil, fmt.Errorf("openid connect: %w", err)
	}
	return o, nil
}

// newStaffService returns the staff service over the store.
func newStaffService(st *store, sender mail.Sender, clock beredskap.Clock, baseURL string, s staffSettings, logger *slog.Logger) *staff.Service {
	return staff.New(st.staff, sender, clock, staff.Config{
		BaseURL:     baseURL,
		Text:        web.StaffText,
		SessionIdle: s.SessionIdle,
		SessionMax:  s.SessionMax,
		OIDCClaim:   s.OIDCClaim,
	}, logger)
}
