// Package restcall sends calls to the REST APIs of outside providers (the
// digital mailbox, the population register): a bearer API key, bounded
// answers, and retries with backoff of calls answered 429 or 5xx or failing
// in transport. Errors never carry the request URL, which may hold a
// national identity number.
package restcall

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is where calls go and how they are retried.
type Config struct {
	Base   string // the API's base URL, without a trailing slash
	APIKey string
	HTTP   *http.Client
	// MaxAttempts bounds the tries of one call (at least one), and Backoff
	// is the wait before the second, doubled before each further one; a
	// Retry-After longer than the wait is honoured up to maxRetryAfter.
	MaxAttempts int
	Backoff     time.Duration
}

// maxRetryAfter caps the wait a provider may ask for with Retry-After.
const maxRetryAfter = 10 * time.Second

// maxAnswer caps how much of an answer's body is read.
const maxAnswer = 1 << 20

// Call is one request: a method, a path below the base URL, an optional
// JSON body and an optional Idempotency-Key.
type Call struct {
	Method         string
	Path           string
	Body           []byte
	IdempotencyKey string
}

// ErrRefused is returned when the provider refuses the API key (401 or 403).
var ErrRefused = errors.New("the provider refused the API key")

// StatusError is an answer that is neither success nor not found, nor
// retried to success: its status and body.
type StatusError struct {
	Status int
	Body   []byte
}

// Error names the status.
func (e *StatusError) Error() string {
	return fmt.Sprintf("the provider answered %d", e.Status)
}

// Do sends the call, retrying 429, 5xx and transport failures, and returns
// the status (2xx or 404) and body of the answer. It returns ErrRefused for
// a refused key, a *StatusError for any other status, and the transport's
// or ctx's error (without the URL) when retries run out or ctx ends.
func Do(ctx context.Context, cfg Config, call Call) (int, []byte, error) {
	wait := cfg.Backoff
	var last error
	for attempt := range max(cfg.MaxAttempts, 1) {
		if attempt > 0 {
			if err := sleep(ctx, wait); err != nil {
				return 0, nil, fmt.Errorf("%w (after %v)", err, last)
			}
			wait *= 2
		}
		status, body, retryAfter, err := send(ctx, cfg, call)
		switch {
		case err != nil:
			last = err
			if ctx.Err() != nil {
				return 0, nil, last
			}
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			return 0, nil, ErrRefused
		case status == http.StatusTooManyRequests || status >= 500:
			last = &StatusError{Status: status, Body: body}
			if retryAfter > wait {
				wait = min(retryAfter, maxRetryAfter)
			}
		case status == http.StatusNotFound || (status >= 200 && status < 300):
			return status, body, nil
		default:
			return 0, nil, &StatusError{Status: status, Body: body}
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

// send makes one request and returns the status, at most maxAnswer bytes
// of the body and any Retry-After given in seconds.
func send(ctx context.Context, cfg Config, call Call) (status int, body []byte, retryAfter time.Duration, err error) {
	var r io.Reader
	if call.Body != nil {
		r = bytes.NewReader(call.Body)
	}
	req, err := http.NewRequestWithContext(ctx, call.Method, cfg.Base+call.Path, r)
	if err != nil {
		return 0, nil, 0, errors.New("build request: invalid provider URL")
	}
	req.Header.Set("Authorization", "Bearer "+cfg.APIKey)
	req.Header.Set("Accept", "application/json")
	if call.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if call.IdempotencyKey != "" {
		req.Header.Set("Idempotency-Key", call.IdempotencyKey)
	}
	resp, err := cfg.HTTP.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			return 0, nil, 0, ue.Err // its text holds the URL
		}
		return 0, nil, 0, err
	}
	defer resp.Body.Close()
	if body, err = io.ReadAll(io.LimitReader(resp.Body, maxAnswer)); err != nil {
		return 0, nil, 0, err
	}
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs > 0 {
		retryAfter = time.Duration(secs) * time.Second
	}
	return resp.StatusCode, body, retryAfter, nil
}

// Snippet returns the start of an answer's body for an error message, with
// every occurrence of secret (such as the national identity number the call
// was about) blanked out.
func Snippet(b []byte, secret string) string {
	s := strings.TrimSpace(string(b))
	if secret != "" {
		s = strings.ReplaceAll(s, secret, "[national id]")
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
