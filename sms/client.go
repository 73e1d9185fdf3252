package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client sends messages through a provider's REST API:
//
//	POST {base}/v1/messages
//	Authorization: Bearer <api key>
//	Idempotency-Key: <Message.ID>
//	Content-Type: application/json
//
//	{"to": "+4791234567", "body": "...", "reference": "<Message.ID>"}
//
// The provider answers 202 Accepted (200 and 201 are taken alike) with
// {"id": "<provider id>"}, the same id again for an Idempotency-Key it has
// seen, without sending twice. Delivery receipts later name that id (see
// ParseReceipt). Client tries each message once: the outbox worker retries
// with backoff that survives restarts. Its errors are *SendError:
//
//   - 429 Too Many Requests: temporary, with the Retry-After header (seconds
//     or an HTTP date) as RetryAfter;
//   - 5xx, 408, and failures in transport or of the context: temporary;
//   - 401 and 403: temporary as well, since a refused key is a fault of the
//     configuration, not of the message, and messages should wait for it to
//     be fixed rather than fail;
//   - any other 4xx: permanent (the provider refuses the message itself,
//     such as a number it cannot reach).
//
// Errors never hold the request's URL, number or text.
type Client struct {
	base   string
	apiKey string
	hc     *http.Client
}

var _ Gateway = (*Client)(nil)

// maxAnswer caps how much of an answer's body is read.
const maxAnswer = 64 << 10

// NewClient returns a client of the provider at baseURL that
// authenticates with apiKey. A nil hc uses a client with a 15-second
// timeout and room for many concurrent connections to the one host.
func NewClient(baseURL, apiKey string, hc *http.Client) *Client {
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64
		hc = &http.Client{Timeout: 15 * time.Second, Transport: tr}
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), apiKey: apiKey, hc: hc}
}

// request is the JSON body of a send.
type request struct {
	To        string `json:"to"`
	Body      string `json:"body"`
	Reference string `json:"reference"`
}

// Send hands m to the provider and returns the provider's id for it. Any
// error is a *SendError.
func (c *Client) Send(ctx context.Context, m Message) (string, error) {
	if m.ID == "" {
		return "", &SendError{Err: errors.New("message without an id")}
	}
	payload, err := json.Marshal(request{To: m.To, Body: m.Body, Reference: m.ID})
	if err != nil {
		return "", &SendError{Err: fmt.Errorf("encode message: %w", err)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/v1/messages", bytes.NewReader(payload))
	if err != nil {
		return "", &SendError{Err: errors.New("build request: invalid provider URL")}
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Idempotency-Key", m.ID)
	resp, err := c.hc.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err // its text holds the URL
		}
		return "", &SendError{Temporary: true, Err: fmt.Errorf("send: %w", err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return "", &SendError{Temporary: true, Err: fmt.Errorf("read answer: %w", err)}
	}
	switch s := resp.StatusCode; {
	case s == http.StatusOK || s == http.StatusCreated || s == http.StatusAccepted:
		var answer struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(body, &answer); err != nil || answer.ID == "" {
			// The provider took the message but its answer is lost to
			// us; a retry with the same key gets the id.
			return "", &SendError{Temporary: true, Err: fmt.Errorf("provider answered %d without an id", s)}
		}
		return answer.ID, nil
	case s == http.StatusTooManyRequests:
		return "", &SendError{Temporary: true, RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now()), Err: statusError(s, body)}
	case s >= 500, s == http.StatusRequestTimeout, s == http.StatusUnauthorized, s == http.StatusForbidden:
		return "", &SendError{Temporary: true, RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now()), Err: statusError(s, body)}
	default:
		return "", &SendError{Err: statusError(s, body)}
	}
}

// statusError describes an answer by its status and the provider's error
// code, when the body is JSON with an "error" member; the rest of the body
// may echo the message and is left out.
func statusError(status int, body []byte) error {
	var answer struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &answer) == nil && answer.Error != "" && isCode(answer.Error) {
		return fmt.Errorf("provider answered %d (%s)", status, answer.Error)
	}
	return fmt.Errorf("provider answered %d", status)
}

// retryAfter reads a Retry-After header given in seconds or as an HTTP
// date, and returns 0 when there is none or it cannot be read.
func retryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(h)); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// isCode reports whether s looks like an error code: at most 64 lower-case
// letters and underscores, nothing that could be a number or a text.
func isCode(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && r != '_' {
			return false
		}
	}
	return true
}
