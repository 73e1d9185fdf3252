package mailtest

import (
	"net"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
)

// send delivers raw through a plain go-smtp client, bypassing package mail,
// so that the decoding is tested against messages written by hand.
func send(t *testing.T, s *Server, from string, to []string, raw string) {
	t.Helper()
	conn, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	c := smtp.NewClient(conn)
	defer c.Close()
	if err := c.SendMail(from, to, strings.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
}

func TestDecode(t *testing.T) {
	s := StartServer(t)
	send(t, s, "a@example.test", []string{"b64@example.test"}, "Subject: =?UTF-8?B?w6bDuMOl?=\r\n"+
		"Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"+
		"SGVpIMOmw7jDpQpMaW5q\r\nZSB0bw==\r\n")
	send(t, s, "a@example.test", []string{"qp@example.test"}, "Subject: =?UTF-8?q?Hei_=C3=A5?=\r\n"+
		"Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"+
		"Bl=C3=A5b=C3=A6r og en lang linje som er myk=\r\nt brutt.\r\nLinje to\r\n")
	send(t, s, "a@example.test", []string{"plain@example.test"}, "Subject: plain\r\n\r\n.leading dot\r\n")

	for _, tc := range []struct{ to, subject, text string }{
		{"b64@example.test", "æøå", "Hei æøå\nLinje to"},
		{"qp@example.test", "Hei å", "Blåbær og en lang linje som er mykt brutt.\nLinje to\n"},
		{"plain@example.test", "plain", ".leading dot\n"},
	} {
		got := s.WaitFor(t, tc.to)
		if got.Subject != tc.subject || got.Text != tc.text || got.From != "a@example.test" {
			t.Errorf("%s: got from %q subject %q text %q, want subject %q text %q",
				tc.to, got.From, got.Subject, got.Text, tc.subject, tc.text)
		}
	}
}

func TestWaitForTakesInOrder(t *testing.T) {
	s := StartServer(t)
	send(t, s, "a@example.test", []string{"x@example.test"}, "Subject: one\r\n\r\n1\r\n")
	send(t, s, "a@example.test", []string{"y@example.test"}, "Subject: other\r\n\r\n2\r\n")
	send(t, s, "a@example.test", []string{"X@example.test"}, "Subject: two\r\n\r\n3\r\n")
	for _, want := range []string{"one", "two"} {
		if got := s.WaitFor(t, "x@example.test"); got.Subject != want {
			t.Errorf("WaitFor = %q, want %q", got.Subject, want)
		}
	}
	if got := s.WaitFor(t, "y@example.test"); got.Subject != "other" {
		t.Errorf("WaitFor = %q, want other", got.Subject)
	}
	var subjects []string
	for _, m := range s.Messages() {
		subjects = append(subjects, m.Subject)
	}
	if len(subjects) != 3 {
		t.Errorf("Messages = %v, want all three", subjects)
	}
	// Both messages to x are taken; take is what WaitFor polls.
	if _, ok := s.take("x@example.test"); ok {
		t.Error("a message was returned twice")
	}
}
