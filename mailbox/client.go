package mailbox

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"beredskap/restcall"
)

// Client talks to a digital-mailbox provider's REST API:
//
//	GET  {base}/v1/recipients/{nationalID} → 200 {"has_mailbox": bool}, 404 when unknown
//	POST {base}/v1/letters {"recipient", "subject", "pdf" (base64)} → 2xx
//
// Every request carries "Authorization: Bearer <apiKey>"; deliveries carry
// an Idempotency-Key derived from the letter, so that a retried delivery
// is stored once. Calls answered 429 or 5xx, or failing in transport, are
// retried with backoff, at most MaxAttempts times in all.
type Client struct {
	base   string
	apiKey string
	hc     *http.Client
	// MaxAttempts bounds the tries of one call (4 by default), and
	// Backoff is the wait before the second, doubled before each further
	// one (200 ms by default).
	MaxAttempts int
	Backoff     time.Duration
}

var _ Mailbox = (*Client)(nil)

// ErrUnauthorized is returned when the provider refuses the API key (401
// or 403).
var ErrUnauthorized = errors.New("mailbox: the provider refused the API key")

// StatusError is an answer of the provider that is neither success nor
// retried to success: its status and the start of its body.
type StatusError struct {
	Op     string
	Status int
	Body   string
}

// Error names the call and the status.
func (e *StatusError) Error() string {
	return fmt.Sprintf("mailbox %s: provider answered %d: %s", e.Op, e.Status, e.Body)
}

// NewClient returns a client of the provider at baseURL that
// authenticates with apiKey. A nil hc uses a client with a 30-second
// timeout.
func NewClient(baseURL, apiKey string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), apiKey: apiKey, hc: hc, MaxAttempts: 4, Backoff: 200 * time.Millisecond}
}

// Has reports whether the person has a digital mailbox; a 404 means not.
// It returns ErrUnauthorized when the key is refused, and a *StatusError
// for other failures.
func (c *Client) Has(ctx context.Context, nationalID string) (bool, error) {
	var answer struct {
		HasMailbox bool `json:"has_mailbox"`
	}
	status, body, err := c.do(ctx, "recipient lookup", http.MethodGet, "/v1/recipients/"+url.PathEscape(nationalID), nil, "")
	if err != nil {
		return false, err
	}
	if status == http.StatusNotFound {
		return false, nil
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return false, fmt.Errorf("mailbox recipient lookup: decode answer: %w", err)
	}
	return answer.HasMailbox, nil
}

// deliveryRequest is the body of POST /v1/letters.
type deliveryRequest struct {
	Recipient string `json:"recipient"`
	Subject   string `json:"subject"`
	PDF       string `json:"pdf"`
}

// IdempotencyKey returns the key a delivery of l carries: the hex SHA-256
// of its recipient, subject and PDF, so that the same letter sent twice
// is one letter.
func IdempotencyKey(l Letter) string {
	h := sha256.New()
	h.Write([]byte(l.NationalID))
	h.Write([]byte{0})
	h.Write([]byte(l.Subject))
	h.Write([]byte{0})
	h.Write(l.PDF)
	return hex.EncodeToString(h.Sum(nil))
}

// Deliver puts the letter in the person's mailbox. It returns
// ErrUnauthorized when the key is refused, and a *StatusError when the
// provider refuses the letter (a 404: the person has no mailbox) or keeps
// failing.
func (c *Client) Deliver(ctx context.Context, l Letter) error {
	body, err := json.Marshal(deliveryRequest{
		Recipient: l.NationalID, Subject: l.Subject, PDF: base64.StdEncoding.EncodeToString(l.PDF),
	})
	if err != nil {
		return fmt.Errorf("mailbox delivery: %w", err)
	}
	status, answer, err := c.do(ctx, "delivery", http.MethodPost, "/v1/letters", body, IdempotencyKey(l))
	if err != nil {
		return err
	}
	if status == http.StatusNotFound {
		return &StatusError{Op: "delivery", Status: status, Body: restcall.Snippet(answer, "")}
	}
	return nil
}

// do sends one call through restcall (retrying 429, 5xx and transport
// failures) and returns the status (2xx or 404) and body of its answer,
// with errors named after op.
func (c *Client) do(ctx context.Context, op, method, path string, body []byte, idempotencyKey string) (int, []byte, error) {
	status, answer, err := restcall.Do(ctx, restcall.Config{
		Base: c.base, APIKey: c.apiKey, HTTP: c.hc, MaxAttempts: c.MaxAttempts, Backoff: c.Backoff,
	}, restcall.Call{Method: method, Path: path, Body: body, IdempotencyKey: idempotencyKey})
	if se, ok := errors.AsType[*restcall.StatusError](err); ok {
		return 0, nil, &StatusError{Op: op, Status: se.Status, Body: restcall.Snippet(se.Body, "")}
	}
	if errors.Is(err, restcall.ErrRefused) {
		return 0, nil, fmt.Errorf("mailbox %s: %w", op, ErrUnauthorized)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("mailbox %s: %w", op, err)
	}
	return status, answer, nil
}

// None is a Mailbox where nobody has a mailbox, so that every letter goes
// to print; the demo uses it.
type None struct{}

var _ Mailbox = None{}

// Has reports false.
func (None) Has(context.Context, string) (bool, error) { return false, nil }

// Deliver returns an error: nobody has a mailbox.
func (None) Deliver(context.Context, Letter) error {
	return errors.New("mailbox: no digital mailbox provider is configured")
}
