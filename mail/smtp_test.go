package mail_test

import (
	"context"
	"errors"
	"io"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/internal/testwait"
	"beredskap/mail"
	"beredskap/mail/mailtest"
)

func newSMTP(t *testing.T, cfg mail.SMTPConfig) *mail.SMTP {
	t.Helper()
	s, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const body = "Hei Åse Ærlig,\n\nDu har fått tilgang til innreiseregisteret. Følg lenken for å lage passord:\nhttps://beredskap.example.test/enrol/" +
	"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_abcdefghij\n\nMed vennleg helsing\nHelfo – tilgangsforvaltning\n"

func TestSMTPSend(t *testing.T) {
	srv := mailtest.StartServer(t)
	s := newSMTP(t, srv.Config())
	msg := mail.Message{
		To:      []string{"ase.aerlig@bodo.kommune.test", "Øystein Å <oystein@bodo.kommune.test>"},
		Cc:      []string{"kommuneoverlege@bodo.kommune.test"},
		Subject: "Tilgang til innreiseregisteret – æøå ÆØÅ",
		Text:    body,
	}
	before := time.Now().Truncate(time.Second) // the Date header counts whole seconds
	if err := s.Send(t.Context(), msg); err != nil {
		t.Fatal(err)
	}
	after := time.Now()
	got := srv.WaitFor(t, "oystein@bodo.kommune.test")
	if got.Subject != msg.Subject {
		t.Errorf("subject = %q, want %q", got.Subject, msg.Subject)
	}
	if got.Text != msg.Text {
		t.Errorf("text = %q, want %q", got.Text, msg.Text)
	}
	if got.From != "beredskap@example.test" {
		t.Errorf("envelope from = %q", got.From)
	}
	wantTo := []string{"ase.aerlig@bodo.kommune.test", "oystein@bodo.kommune.test", "kommuneoverlege@bodo.kommune.test"}
	if strings.Join(got.To, ",") != strings.Join(wantTo, ",") {
		t.Errorf("envelope recipients = %v, want %v", got.To, wantTo)
	}
	to, err := got.Header.AddressList("To")
	if err != nil || len(to) != 2 || to[1].Name != "Øystein Å" || to[1].Address != "oystein@bodo.kommune.test" {
		t.Errorf("To header = %v, %v", to, err)
	}
	cc, err := got.Header.AddressList("Cc")
	if err != nil || len(cc) != 1 || cc[0].Address != "kommuneoverlege@bodo.kommune.test" {
		t.Errorf("Cc header = %v, %v", cc, err)
	}
	if d, err := got.Header.Date(); err != nil || d.Before(before) || d.After(after) {
		t.Errorf("Date header = %v, %v; want the time of sending, between %v and %v", d, err, before, after)
	}
	if id := got.Header.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.test>") {
		t.Errorf("Message-ID = %q", id)
	}
	if ct := got.Header.Get("Content-Type"); !strings.Contains(ct, "text/plain") || !strings.Contains(strings.ToLower(ct), "utf-8") {
		t.Errorf("Content-Type = %q", ct)
	}
	for _, line := range strings.Split(string(got.Raw), "\r\n") {
		if len(line) > 998 {
			t.Errorf("a line of %d characters breaks RFC 5322", len(line))
		}
	}
	// Both To recipients and the Cc got the one message.
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages received, want 1", n)
	}
}

func TestSMTPBadAddress(t *testing.T) {
	srv := mailtest.StartServer(t)
	s := newSMTP(t, srv.Config())
	for _, tc := range []struct {
		name  string
		m     mail.Message
		field string
	}{
		{"no recipient", mail.Message{Subject: "x", Text: "x"}, "to"},
		{"bad to", mail.Message{To: []string{"ok@example.test", "not an address"}, Text: "x"}, "to"},
		{"bad cc", mail.Message{To: []string{"ok@example.test"}, Cc: []string{"@example.test"}, Text: "x"}, "cc"},
		{"header injection", mail.Message{To: []string{"ok@example.test\r\nBcc: evil@example.test"}, Text: "x"}, "to"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Send(t.Context(), tc.m)
			var e *beredskap.Error
			if !errors.As(err, &e) || e.Code != beredskap.EINVALID || e.Field != tc.field {
				t.Errorf("err = %v, want invalid %s", err, tc.field)
			}
		})
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages sent, want none", n)
	}
}

func TestSMTPSubjectNewlines(t *testing.T) {
	srv := mailtest.StartServer(t)
	s := newSMTP(t, srv.Config())
	err := s.Send(t.Context(), mail.Message{To: []string{"a@example.test"}, Subject: "Hei\r\nBcc: evil@example.test", Text: "x"})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, "a@example.test")
	if got.Header.Get("Bcc") != "" || got.Subject != "Hei Bcc: evil@example.test" {
		t.Errorf("subject = %q, Bcc = %q", got.Subject, got.Header.Get("Bcc"))
	}
}

func TestSMTPContext(t *testing.T) {
	srv := mailtest.StartServer(t)
	s := newSMTP(t, srv.Config())
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.Send(ctx, mail.Message{To: []string{"a@example.test"}, Text: "x"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v, want context.Canceled", err)
	}

	// A server that accepts the connection but never greets: the
	// context's deadline ends the attempt.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	cfg := srv.Config()
	cfg.Port = ln.Addr().(*net.TCPAddr).Port
	cfg.Timeout = 24 * time.Hour // so that only the context's deadline can end the attempt
	silent := newSMTP(t, cfg)
	ctx, cancel = context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	sent := make(chan error, 1)
	go func() { sent <- silent.Send(ctx, mail.Message{To: []string{"a@example.test"}, Text: "x"}) }()
	if err := testwait.Receive(t, sent, "Send to a silent server to end at its context's deadline"); err == nil {
		t.Error("silent server: no error")
	}
	if len(srv.Messages()) != 0 {
		t.Error("a message was delivered")
	}
}

func TestSMTPAuth(t *testing.T) {
	srv := mailtest.StartServer(t)
	srv.RequireAuth("beredskap", "s3cret-pass")
	msg := mail.Message{To: []string{"a@example.test"}, Subject: "auth", Text: "x"}

	if err := newSMTP(t, srv.Config()).Send(t.Context(), msg); err == nil {
		t.Error("without credentials: no error")
	}
	cfg := srv.Config()
	cfg.Username, cfg.Password = "beredskap", "wrong"
	if err := newSMTP(t, cfg).Send(t.Context(), msg); err == nil {
		t.Error("wrong password: no error")
	}
	cfg.Password = "s3cret-pass"
	if err := newSMTP(t, cfg).Send(t.Context(), msg); err != nil {
		t.Fatal(err)
	}
	if got := srv.WaitFor(t, "a@example.test"); got.Subject != "auth" {
		t.Errorf("subject = %q", got.Subject)
	}
}

func TestNewSMTPConfig(t *testing.T) {
	good := mail.SMTPConfig{Host: "smtp.example.test", From: "Beredskap <noreply@example.test>"}
	if _, err := mail.NewSMTP(good); err != nil {
		t.Fatalf("good config: %v", err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*mail.SMTPConfig)
		field string
	}{
		{"no host", func(c *mail.SMTPConfig) { c.Host = "" }, "smtp.host"},
		{"bad from", func(c *mail.SMTPConfig) { c.From = "noreply" }, "smtp.from"},
		{"no from", func(c *mail.SMTPConfig) { c.From = "" }, "smtp.from"},
		{"port too high", func(c *mail.SMTPConfig) { c.Port = 70000 }, "smtp.port"},
		{"negative port", func(c *mail.SMTPConfig) { c.Port = -1 }, "smtp.port"},
		{"unknown tls", func(c *mail.SMTPConfig) { c.TLS = "ssl" }, "smtp.tls"},
		{"negative timeout", func(c *mail.SMTPConfig) { c.Timeout = -time.Second }, "smtp.timeout"},
		{"password in clear to a remote host", func(c *mail.SMTPConfig) {
			c.TLS, c.Username, c.Password = "none", "u", "p"
		}, "smtp.username"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.edit(&c)
			_, err := mail.NewSMTP(c)
			var e *beredskap.Error
			if !errors.As(err, &e) || e.Code != beredskap.EINVALID || e.Field != tc.field {
				t.Errorf("err = %v, want invalid %s", err, tc.field)
			}
		})
	}
}

func TestDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox")
	d := mail.Dir{Path: path}
	msg := mail.Message{To: []string{"ase@bodo.kommune.test"}, Cc: []string{"lege@bodo.kommune.test"}, Subject: "Tilgang – æøå", Text: body}
	for range 3 {
		if err := d.Send(t.Context(), msg); err != nil {
			t.Fatal(err)
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o700 {
		t.Errorf("directory mode = %v, want 0700", st.Mode().Perm())
	}
	files, err := filepath.Glob(filepath.Join(path, "*.eml"))
	if err != nil || len(files) != 3 {
		t.Fatalf("%d .eml files, %v; want 3 with distinct names", len(files), err)
	}
	st, err = os.Stat(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("file mode = %v, want 0600", st.Mode().Perm())
	}
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := netmail.ReadMessage(f)
	if err != nil {
		t.Fatal(err)
	}
	if to, err := m.Header.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != "ase@bodo.kommune.test" {
		t.Errorf("To = %v, %v", to, err)
	}
	if _, err := m.Header.AddressList("From"); err != nil {
		t.Errorf("From: %v", err)
	}
	if _, err := m.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if m.Header.Get("Message-Id") == "" {
		t.Error("no Message-ID")
	}
	if cte := m.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
		t.Fatalf("Content-Transfer-Encoding = %q", cte)
	}
	text, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.ReplaceAll(string(text), "\r\n", "\n"); got != body {
		t.Errorf("body = %q, want %q", got, body)
	}

	err = d.Send(t.Context(), mail.Message{To: []string{"nope"}, Text: "x"})
	if beredskap.ErrorCode(err) != beredskap.EINVALID {
		t.Errorf("bad address: err = %v, want invalid", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := d.Send(ctx, msg); err == nil {
		t.Error("cancelled context: no error")
	}
}
