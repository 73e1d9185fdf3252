package folkeregister

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"beredskap"
	"beredskap/restcall"
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

// get sends a GET through restcall (retrying 429, 5xx and transport
// failures) and returns the status (200 or 404) and body of the answer.
// Errors quote the body with secret, the national identity number,
// blanked out.
func (c *Client) get(ctx context.Context, path, secret string) (int, []byte, error) {
	status, body, err := restcall.Do(ctx, restcall.Config{
		Base: c.base, APIKey: c.apiKey, HTTP: c.hc, MaxAttempts: c.MaxAttempts, Backoff: c.Backoff,
	}, restcall.Call{Method: http.MethodGet, Path: path})
	if se, ok := errors.AsType[*restcall.StatusError](err); ok {
		return 0, nil, &StatusError{Status: se.Status, Body: restcall.Snippet(se.Body, secret)}
	}
	if errors.Is(err, restcall.ErrRefused) {
		return 0, nil, fmt.Errorf("folkeregister address lookup: %w", ErrUnauthorized)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("folkeregister address lookup: %w", err)
	}
	if status != http.StatusOK && status != http.StatusNotFound {
		return 0, nil, &StatusError{Status: status, Body: restcall.Snippet(body, secret)}
	}
	return status, body, nil
}
