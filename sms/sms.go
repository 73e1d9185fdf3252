// Package sms sends the control centre's text messages: templates in the
// travellers' languages with placeholders, GSM-7 and UCS-2 segment
// counting, a gateway interface with a client for a provider's REST API and
// a development sender that only records, the outbox worker that delivers
// with retries, backoff and a rate limit, and delivery receipts on a signed
// webhook.
package sms

import (
	"context"
	"time"
)

// Message is one SMS handed to a gateway. ID is the idempotency key: a
// gateway sends a message with an ID it has seen once only.
type Message struct {
	ID   string
	To   string // E.164
	Body string
}

// Gateway hands messages to an SMS provider.
type Gateway interface {
	// Send hands m over and returns the provider's id for it. A
	// *SendError says whether trying again may help.
	Send(ctx context.Context, m Message) (providerID string, err error)
}

// SendError is a failed send. Temporary errors (rate limits, 5xx, network)
// are retried with backoff; RetryAfter, when set, is the provider's wish.
type SendError struct {
	Temporary  bool
	RetryAfter time.Duration
	Err        error
}

// Error returns the cause's text, prefixed with "sms: ".
func (e *SendError) Error() string { return "sms: " + e.Err.Error() }

// Unwrap returns the cause.
func (e *SendError) Unwrap() error { return e.Err }
