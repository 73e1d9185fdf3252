// Package mailtest starts a real SMTP server (github.com/emersion/go-smtp)
// on a local port for tests. It keeps every message it receives, decoded
// far enough for a test to read the subject and the plain-text body, so
// that tests exercise the same SMTP code path production uses.
package mailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"beredskap/internal/testwait"
	"beredskap/mail"
)

// Received is one message the server accepted.
type Received struct {
	From    string   // envelope sender (MAIL FROM)
	To      []string // envelope recipients (RCPT TO)
	Subject string   // decoded
	Header  netmail.Header
	// Text is the body with its transfer encoding (quoted-printable or
	// base64) undone and line ends turned from CRLF into LF.
	Text string
	Raw  []byte
}

// Server is a running SMTP server. Its methods are safe for concurrent use.
type Server struct {
	addr *net.TCPAddr
	// timeout is how long a sender may take, up to the test's deadline.
	timeout time.Duration

	mu       sync.Mutex
	msgs     []Received
	taken    int // messages before this index were returned by WaitFor
	user     string
	password string
	// held, when not nil, keeps every message sent from waiting for the
	// server's answer until Release closes it; holding counts them.
	held    chan struct{}
	holding int
}

// StartServer starts an SMTP server on 127.0.0.1 without TLS that accepts
// mail for anyone, and stops it when the test ends. It fails the test when
// the server cannot start.
func StartServer(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	// No time limits of a wall clock: under the race detector on a loaded
	// machine a delivery can take long, and the server stops with the test.
	s := &Server{addr: ln.Addr().(*net.TCPAddr), timeout: 24 * time.Hour}
	if d, ok := testwait.Deadline(t); ok {
		s.timeout = time.Until(d)
	}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "mailtest.localhost"
	srv.AllowInsecureAuth = true
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 100
	done := make(chan struct{})
	var closing atomic.Bool
	go func() {
		defer close(done)
		err := srv.Serve(ln)
		if err != nil && !closing.Load() && !errors.Is(err, smtp.ErrServerClosed) {
			t.Errorf("mailtest: serve: %v", err)
		}
	}()
	t.Cleanup(func() {
		s.Release()
		closing.Store(true)
		srv.Close()
		// Close may come before Serve has taken the listener over.
		ln.Close()
		<-done
	})
	return s
}

// RequireAuth makes the server accept mail only from clients that log in
// with username and password (AUTH PLAIN).
func (s *Server) RequireAuth(username, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user, s.password = username, password
}

// Addr returns the server's address, host:port.
func (s *Server) Addr() string { return s.addr.String() }

// Config returns the settings of a sender that delivers to this server:
// no TLS, from beredskap@example.test, and a timeout that lasts until the
// test's deadline.
func (s *Server) Config() mail.SMTPConfig {
	return mail.SMTPConfig{
		Host:    s.addr.IP.String(),
		Port:    s.addr.Port,
		From:    "beredskap@example.test",
		TLS:     mail.TLSNone,
		Timeout: s.timeout,
	}
}

// Hold makes the server keep every message sent to it from now on
// waiting: it reads the message but neither answers nor keeps it until
// Release. Tests use it to see that an answer does not wait for mail.
func (s *Server) Hold() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held == nil {
		s.held = make(chan struct{})
	}
}

// Release lets the messages held since Hold through and stops holding.
func (s *Server) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held != nil {
		close(s.held)
		s.held = nil
	}
}

// WaitHeld waits until n messages are held, and fails the test when they
// are not by its deadline (see testwait).
func (s *Server) WaitHeld(t testing.TB, n int) {
	t.Helper()
	holding := 0
	if !testwait.Until(t, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		holding = s.holding
		return holding >= n
	}) {
		t.Fatalf("mailtest: %d messages held by the test's deadline; want %d", holding, n)
	}
}

// hold waits while the server holds messages.
func (s *Server) hold() {
	s.mu.Lock()
	held := s.held
	if held != nil {
		s.holding++
	}
	s.mu.Unlock()
	if held != nil {
		<-held
		s.mu.Lock()
		s.holding--
		s.mu.Unlock()
	}
}

// Messages returns every message received so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.msgs)
}

// WaitFor returns the oldest message to the envelope recipient to that an
// earlier WaitFor has not returned, waiting for it to arrive. It fails the
// test when none arrives by the test's deadline (see testwait).
func (s *Server) WaitFor(t testing.TB, to string) Received {
	t.Helper()
	var r Received
	if !testwait.Until(t, func() bool {
		var ok bool
		r, ok = s.take(to)
		return ok
	}) {
		t.Fatalf("mailtest: no message to %s by the test's deadline (%d received in all)", to, len(s.Messages()))
	}
	return r
}

// take returns the first message to to at or after s.taken and moves it
// before s.taken, keeping the others in arrival order.
func (s *Server) take(to string) (Received, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := s.taken; i < len(s.msgs); i++ {
		r := s.msgs[i]
		if !slices.ContainsFunc(r.To, func(a string) bool { return strings.EqualFold(a, to) }) {
			continue
		}
		copy(s.msgs[s.taken+1:i+1], s.msgs[s.taken:i])
		s.msgs[s.taken] = r
		s.taken++
		return r, true
	}
	return Received{}, false
}

func (s *Server) credentials() (user, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.user, s.password
}

func (s *Server) add(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r)
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

// session is one SMTP connection.
type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		u, p := x.s.credentials()
		if u == "" || username != u || password != p {
			return smtp.ErrAuthFailed
		}
		x.authed = true
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if u, _ := x.s.credentials(); u != "" && !x.authed {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.hold()
	rec, err := decode(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "cannot parse message: " + err.Error()}
	}
	rec.From, rec.To = x.from, slices.Clone(x.to)
	x.s.add(rec)
	return nil
}

func (x *session) Reset() { x.from, x.to = "", nil }

func (x *session) Logout() error { return nil }

// decode parses raw as an RFC 5322 message with a single text body.
func decode(raw []byte) (Received, error) {
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return Received{}, err
	}
	var body io.Reader = m.Body
	switch strings.ToLower(strings.TrimSpace(m.Header.Get("Content-Transfer-Encoding"))) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		return Received{}, err
	}
	return Received{
		Subject: subject,
		Header:  m.Header,
		Text:    strings.ReplaceAll(string(text), "\r\n", "\n"),
		Raw:     raw,
	}, nil
}
