// Package mail sends e-mail: through an SMTP server, or, for development,
// into a directory of .eml files.
package mail

import "context"

// Message is one e-mail. Text is the plain-text body.
type Message struct {
	To      []string
	Cc      []string
	Subject string
	Text    string
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}
