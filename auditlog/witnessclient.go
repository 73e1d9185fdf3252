package auditlog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// WitnessClient keeps checkpoints with a witness over HTTP (see Witness):
// it hands each new checkpoint over with its consistency proof and keeps
// the witness's cosignature with it.
type WitnessClient struct {
	URL    string // the witness's base URL
	Client *http.Client

	mu   sync.Mutex
	size int64 // the size the witness last cosigned, as far as known
}

// Name returns the witness's URL.
func (c *WitnessClient) Name() string { return c.URL }

func (c *WitnessClient) client() *http.Client {
	if c.Client != nil {
		return c.Client
	}
	return &http.Client{Timeout: 30 * time.Second}
}

// Publish sends the checkpoint with the proof from the size the witness
// last cosigned, learning that size from the witness's answer once when
// it is not known, and returns the note with the witness's signature.
func (c *WitnessClient) Publish(ctx context.Context, cp *Checkpoint, prove func(old int64) (tlog.TreeProof, error)) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for try := 0; ; try++ {
		var proof tlog.TreeProof
		if c.size > 0 && c.size < cp.Size {
			var err error
			if proof, err = prove(c.size); err != nil {
				return nil, fmt.Errorf("witness %s: %w", c.URL, err)
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(c.URL, "/")+witnessAddPath,
			bytes.NewReader(formatAddCheckpoint(c.size, proof, cp.Note)))
		if err != nil {
			return nil, fmt.Errorf("witness %s: %w", c.URL, err)
		}
		resp, err := c.client().Do(req)
		if err != nil {
			return nil, fmt.Errorf("witness %s: %w", c.URL, err)
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, witnessMaxBody))
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("witness %s: %w", c.URL, err)
		}
		switch {
		case resp.StatusCode == http.StatusOK:
			c.size = cp.Size
			return append(bytes.Clone(cp.Note), body...), nil
		case resp.StatusCode == http.StatusConflict && resp.Header.Get("Content-Type") == "text/x.tlog.size" && try == 0:
			size, err := strconv.ParseInt(strings.TrimSpace(string(body)), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("witness %s: an unreadable size", c.URL)
			}
			c.size = size
		default:
			return nil, fmt.Errorf("witness %s refused the checkpoint: %s: %s", c.URL, resp.Status, strings.TrimSpace(string(body)))
		}
	}
}

// Kept returns the newest checkpoint the witness cosigned, or none.
func (c *WitnessClient) Kept(ctx context.Context) ([]Kept, error) {
	b, err := c.fetch(ctx)
	if err != nil || b == nil {
		return nil, err
	}
	return []Kept{{Label: c.URL, Note: b, Size: -1}}, nil
}

// fetch returns the witness's newest checkpoint, or nil when it has none.
func (c *WitnessClient) fetch(ctx context.Context) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(c.URL, "/")+witnessLatestPath, nil)
	if err != nil {
		return nil, fmt.Errorf("witness %s: %w", c.URL, err)
	}
	resp, err := c.client().Do(req)
	if err != nil {
		return nil, fmt.Errorf("witness %s: %w", c.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, witnessMaxBody))
	switch {
	case err != nil:
		return nil, fmt.Errorf("witness %s: %w", c.URL, err)
	case resp.StatusCode == http.StatusNotFound:
		return nil, nil
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("witness %s: %s", c.URL, resp.Status)
	}
	return body, nil
}

// errNoSigner is returned by a Checkpointer without a signer.
var errNoSigner = errors.New("no audit signing key")
