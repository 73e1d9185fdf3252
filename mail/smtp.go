package mail

import (
	"context"
	"fmt"
	"net"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"beredskap"
)

// The TLS modes of an SMTP connection.
const (
	TLSNone     = "none"     // plain text; credentials only to a loopback server
	TLSStartTLS = "starttls" // STARTTLS is required (submission, port 587)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
)

// SMTPConfig holds the settings of an SMTP server to send through.
type SMTPConfig struct {
	Host     string
	Port     int // 587 for starttls, 465 for tls, 25 for none when 0
	Username string
	Password string
	From     string // sender address, e.g. "Beredskap <noreply@example.no>"
	TLS      string // "none", "starttls" (when empty) or "tls"
	Timeout  time.Duration
}

// defaultTimeout bounds one delivery when SMTPConfig.Timeout is 0.
const defaultTimeout = 30 * time.Second

// SMTP sends messages through an SMTP server, one connection per message.
// It is safe for concurrent use.
type SMTP struct {
	cfg  SMTPConfig
	from *netmail.Address
}

var _ Sender = (*SMTP)(nil)

// NewSMTP returns a sender for cfg after checking it. It returns a
// *beredskap.Error EINVALID naming the setting ("smtp.host", "smtp.port",
// "smtp.from", "smtp.tls", "smtp.username", "smtp.timeout") when one is
// missing or wrong. Credentials are refused over a connection without TLS
// unless the server is on the loopback interface.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	if cfg.Host == "" {
		return nil, beredskap.Invalid("smtp.host", "required", "the SMTP host must be set")
	}
	switch cfg.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return nil, beredskap.Invalid("smtp.tls", "unknown_value",
			fmt.Sprintf("the SMTP TLS mode must be %q, %q or %q, not %q", TLSNone, TLSStartTLS, TLSImplicit, cfg.TLS))
	}
	if cfg.Port == 0 {
		cfg.Port = map[string]int{TLSNone: 25, TLSStartTLS: 587, TLSImplicit: 465}[cfg.TLS]
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, beredskap.Invalid("smtp.port", "out_of_range",
			fmt.Sprintf("the SMTP port must be between 1 and 65535, not %d", cfg.Port))
	}
	if cfg.Timeout < 0 {
		return nil, beredskap.Invalid("smtp.timeout", "out_of_range", "the SMTP timeout must not be negative")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = defaultTimeout
	}
	from, err := netmail.ParseAddress(cfg.From)
	if err != nil {
		return nil, beredskap.Invalid("smtp.from", "invalid_email",
			fmt.Sprintf("the SMTP sender %q is not an e-mail address", cfg.From))
	}
	if (cfg.Username != "" || cfg.Password != "") && cfg.TLS == TLSNone && !isLoopback(cfg.Host) {
		return nil, beredskap.Invalid("smtp.username", "insecure",
			"SMTP credentials would be sent in clear text; use starttls or tls")
	}
	return &SMTP{cfg: cfg, from: from}, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send delivers m through the server. It returns a *beredskap.Error
// EINVALID on "to" or "cc" when an address is wrong or there is no
// recipient, and an error when the server cannot be reached or refuses the
// message, or ctx ends first. The connection is bounded by ctx's deadline
// and the configured timeout, whichever comes first.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("send mail: %w", err)
	}
	msg, err := build(s.from, m)
	if err != nil {
		return err
	}
	timeout := s.cfg.Timeout
	if d, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(d))
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(timeout)}
	switch s.cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	}
	if s.cfg.Username != "" || s.cfg.Password != "" {
		mech := gomail.SMTPAuthAutoDiscover
		if s.cfg.TLS == TLSNone {
			mech = gomail.SMTPAuthPlainNoEnc // loopback only, see NewSMTP
		}
		opts = append(opts, gomail.WithSMTPAuth(mech),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("send mail: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("send mail through %s:%d: %w", s.cfg.Host, s.cfg.Port, err)
	}
	return nil
}

// build returns m as a go-mail message from from: UTF-8 plain text,
// quoted-printable, with Date and a Message-ID in the sender's domain.
func build(from *netmail.Address, m Message) (*gomail.Msg, error) {
	if len(m.To) == 0 {
		return nil, beredskap.Invalid("to", "required", "a message needs at least one recipient")
	}
	to, err := parseAll("to", m.To)
	if err != nil {
		return nil, err
	}
	cc, err := parseAll("cc", m.Cc)
	if err != nil {
		return nil, err
	}
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP),
		gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(from)
	msg.ToMailAddress(to...)
	if len(cc) > 0 {
		msg.CcMailAddress(cc...)
	}
	msg.Subject(strings.Join(strings.FieldsFunc(m.Subject, func(r rune) bool { return r == '\r' || r == '\n' }), " "))
	msg.SetDate()
	msg.SetMessageIDWithValue(messageID(from.Address))
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	return msg, nil
}

// parseAll parses addrs, returning EINVALID on field for the first that is
// not a single e-mail address.
func parseAll(field string, addrs []string) ([]*netmail.Address, error) {
	out := make([]*netmail.Address, 0, len(addrs))
	for _, a := range addrs {
		p, err := netmail.ParseAddress(a)
		if err != nil || !strings.Contains(p.Address, "@") {
			return nil, beredskap.Invalid(field, "invalid_email", fmt.Sprintf("%q is not an e-mail address", a))
		}
		out = append(out, p)
	}
	return out, nil
}
