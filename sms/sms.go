// Package sms sends the control centre's text messages: templates in the
// travellers' languages with placeholders, GSM-7 and UCS-2 segment
// counting, a gateway interface with a client for a provider's REST API and
// a development sender that only records, the outbox worker that delivers
// with retries, backoff and a rate limit, and delivery receipts on a signed
// webhook.
package sms

import (
	"context"
	"errors"
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

func (e *SendError) Error() string { return "sms: " + e.Err.Error() }
func (e *SendError) Unwrap() error { return e.Err }

// errNotBuilt is returned by parts still being written.
var errNotBuilt = errors.New("sms: not built yet")

// Encodings.
const (
	GSM7 = "GSM-7"
	UCS2 = "UCS-2"
)

// Count returns the encoding body needs and how many segments it takes.
func Count(body string) (encoding string, segments int) { return UCS2, 0 }

// Placeholders are the names templates may use, written {name}.
var Placeholders = []string{"name", "last_day", "hotline"}

// CheckTemplate returns an error naming the first unknown or malformed
// placeholder of body, or nil.
func CheckTemplate(body string) error { return errNotBuilt }

// Render fills body's placeholders from values.
func Render(body string, values map[string]string) (string, error) { return "", errNotBuilt }

// Template keys.
const (
	TemplateDay2       = "day2"
	TemplateDay5       = "day5"
	TemplateNotReached = "not_reached"
	TemplateRuleChange = "rule_change"
)
