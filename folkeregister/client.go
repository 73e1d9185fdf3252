package folkeregister

import (
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

	"beredskap"
)

// Client talks to the population register's REST API:
//
//	GET {base}/v1/persons/{nationalID}/address → 200 {"address_lines": [...],
//	    "postal_code", "postal_place", "country"}, 404 when the person is
//	    unknown or has no registered address
//
// Every request carries "Authorization: Bearer <apiKey>". Calls answered
// 429 or 5xx, or failing in transport, are retried with backoff, at most
// MaxAttempts times in all. No error it returns holds the national
// identity number.
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

var _ Register = (*Client)(nil)

// ErrUnauthorized is returned when the register refuses the API key (401
// or 403).
var ErrUnauthorized = errors.New("folkeregister: the register refused the API key")

// StatusError is an answer of the register that is neither success, nor
// not found, nor retried to success: its status and the start of its
// body.
type StatusError struct {
	Status int
	Body   string
}

// Error names the status and the start of the body.
func (e *StatusError) Error() string {
	return fmt.Sprintf("folkeregister address lookup: register answered %d: %s", e.Status, e.Body)
}

// NewClient returns a client of the register at baseURL that
// authenticates with apiKey. A nil hc uses a client with a 30-second
// timeout.
func NewClient(baseURL, apiKey string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{
		base: strings.TrimRight(baseURL, "/"), apiKey: apiKey, hc: hc,
		MaxAttempts: 4, Backoff: 200 * time.Millisecond,
	}
}

// addressAnswer is the body of a 200 answer to an address lookup.
type addressAnswer struct {
	AddressLines []string `json:"address_lines"`
	PostalCode   string   `json:"postal_code"`
	PostalPlace  string   `json:"postal_place"`
	Country      string   `json:"country"`
}

// Address returns the person's registered postal address. It returns
// ENOTFOUND when the register answers 404 or with an empty address,
// ErrUnauthorized when the key is refused, and a *StatusError for other
// failures.
func (c *Client) Address(ctx context.Context, nationalID string) (*Address, error) {
	status, body, err := c.get(ctx, "/v1/persons/"+url.PathEscape(nationalID)+"/address", nationalID)
	if err != nil {
		return nil, err
	}
	if status == http.StatusNotFound {
		return nil, errNoAddress()
	}
	var answer addressAnswer
	if err := json.Unmarshal(body, &answer); err != nil {
		return nil, fmt.Errorf("folkeregister address lookup: decode answer: %w", err)
	}
	a := &Address{Lines: answer.AddressLines, PostalCode: answer.PostalCode, PostalPlace: answer.PostalPlace, Country: answer.Country}
	if len(a.Envelope()) == 0 {
		return nil, errNoAddress()
	}
	return a, nil
}

// errNoAddress is the ENOTFOUND answer for a person without a registered
// address.
func errNoAddress() error {
	return beredskap.Errorf(beredskap.ENOTFOUND, "the population register has no address for the person")
}

// get sends a GET, retrying 429, 5xx and transport failures, and returns
// the status (200 or 404) and body of the answer. Errors quote the body
// with secret, the national identity number, blanked out.
func (c *Client) get(ctx context.Context, path, secret string) (int, []byte, error) {
	wait := c.Backoff
	var last error
	for attempt := range max(c.MaxAttempts, 1) {
		if attempt > 0 {
			if err := sleep(ctx, wait); err != nil {
				return 0, nil, fmt.Errorf("folkeregister address lookup: %w (after %v)", err, last)
			}
			wait *= 2
		}
		status, body, retryAfter, err := c.send(ctx, path)
		if err != nil {
			last = fmt.Errorf("folkeregister address lookup: %w", err)
			if ctx.Err() != nil {
				return 0, nil, last
			}
			continue
		}
		switch {
		case status == http.StatusOK || status == http.StatusNotFound:
			return status, body, nil
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			return 0, nil, fmt.Errorf("folkeregister address lookup: %w", ErrUnauthorized)
		case status == http.StatusTooManyRequests || status >= 500:
			last = &StatusError{Status: status, Body: snippet(body, secret)}
			if retryAfter > wait {
				wait = min(retryAfter, 10*time.Second)
			}
		default:
			return 0, nil, &StatusError{Status: status, Body: snippet(body, secret)}
		}
	}
	return 0, nil, last
}

// sleep waits for d or until ctx ends, and then returns ctx's error.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// send makes one request and returns the status, at most 1 MiB of the
// body and any Retry-After in seconds. A transport error is returned
// without its URL, which holds the national identity number.
func (c *Client) send(ctx context.Context, path string) (status int, body []byte, retryAfter time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return 0, nil, 0, errors.New("build request: invalid register URL")
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			return 0, nil, 0, ue.Err
		}
		return 0, nil, 0, err
	}
	defer resp.Body.Close()
	if body, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20)); err != nil {
		return 0, nil, 0, err
	}
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs > 0 {
		retryAfter = time.Duration(secs) * time.Second
	}
	return resp.StatusCode, body, retryAfter, nil
}

// snippet returns the start of a body for an error message, with any
// occurrence of secret blanked out.
func snippet(b []byte, secret string) string {
	s := strings.TrimSpace(string(b))
	if secret != "" {
		s = strings.ReplaceAll(s, secret, "[national id]")
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
