package auditlog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"beredskap"
)

// ErrNotSigner is returned by Checkpoint when another process is the
// signer (PostgreSQL with several servers).
var ErrNotSigner = errors.New("another server signs the audit checkpoints")

// extendBatch is how many entries one transaction makes leaves.
const extendBatch = 4096

// Checkpointer extends the audit tree and signs checkpoints of it, every
// Every entries or Interval after an entry waits, and at shutdown, and
// hands them to its keepers. Of several servers on one database one is
// the signer at a time (beredskap.AuditTreeStore.AcquireSigner); the
// others follow, and take over when it stops.
type Checkpointer struct {
	Store    beredskap.AuditTreeStore
	Signer   Signer
	Verifier note.Verifier // the signer's verifier key
	// Keepers keep the checkpoints outside the database, in order: a
	// witness's cosignature is part of the note the next keepers get.
	Keepers  []Keeper
	Every    int64         // 1000 when 0
	Interval time.Duration // 10s when 0
	Now      func() time.Time
	Logger   *slog.Logger

	mu     sync.Mutex
	lease  beredskap.SignerLease
	signed *Checkpoint // the newest checkpoint signed or found
}

func (c *Checkpointer) every() int64 {
	if c.Every > 0 {
		return c.Every
	}
	return 1000
}

func (c *Checkpointer) interval() time.Duration {
	if c.Interval > 0 {
		return c.Interval
	}
	return 10 * time.Second
}

func (c *Checkpointer) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Run signs checkpoints until ctx ends, then signs a last one (if it is
// the signer) and gives the signer's role up.
func (c *Checkpointer) Run(ctx context.Context) {
	tick := min(max(c.interval()/10, 100*time.Millisecond), time.Second)
	t := time.NewTicker(tick)
	defer t.Stop()
	var waitingSince time.Time
	for {
		select {
		case <-ctx.Done():
			c.Close()
			return
		case <-t.C:
		}
		_, entries, err := c.Store.AuditTreeSize(ctx)
		if err != nil {
			if ctx.Err() == nil {
				c.Logger.Error("audit checkpoint: read the trail's size", "err", err)
			}
			continue
		}
		c.mu.Lock()
		var signed int64 = -1
		if c.signed != nil {
			signed = c.signed.Size
		}
		c.mu.Unlock()
		if entries == 0 || entries <= signed {
			waitingSince = time.Time{}
			continue
		}
		now := c.now()
		if waitingSince.IsZero() {
			waitingSince = now
		}
		if signed >= 0 && entries-signed < c.every() && now.Sub(waitingSince) < c.interval() {
			continue
		}
		if _, err := c.Checkpoint(ctx); err == nil {
			waitingSince = time.Time{}
		} else if !errors.Is(err, ErrNotSigner) && ctx.Err() == nil {
			c.Logger.Error("audit checkpoint", "err", err)
		}
	}
}

// Close signs a last checkpoint when this process is the signer and
// entries wait, and gives the signer's role up.
func (c *Checkpointer) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := c.Checkpoint(ctx); err != nil && !errors.Is(err, ErrNotSigner) {
		c.Logger.Error("audit checkpoint at shutdown", "err", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lease != nil {
		c.lease.Release()
		c.lease = nil
	}
}

// Checkpoint makes every entry a leaf of the tree and, when the tree has
// grown since the newest checkpoint, signs one, hands it to the keepers
// and keeps a copy in the database. It returns the newest checkpoint,
// with the errors of keepers that could not keep it (they get the next
// one), or ErrNotSigner when another process is the signer.
func (c *Checkpointer) Checkpoint(ctx context.Context) (*Checkpoint, error) {
	if c.Signer == nil {
		return nil, errNoSigner
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lease != nil {
		if err := c.lease.Check(ctx); err != nil {
			c.lease.Release()
			c.lease = nil
			return nil, err
		}
	} else {
		lease, err := c.Store.AcquireSigner(ctx)
		if err != nil {
			return nil, err
		}
		if lease == nil {
			return nil, ErrNotSigner
		}
		c.lease, c.signed = lease, nil
	}
	if c.signed == nil {
		msg, err := c.Store.LatestCheckpoint(ctx)
		if err != nil {
			return nil, err
		}
		if msg != nil {
			if c.signed, err = Open(msg, c.Verifier); err != nil {
				return nil, fmt.Errorf("the newest checkpoint in the database: %w", err)
			}
		}
	}
	size, err := c.extend(ctx)
	if err != nil {
		return nil, err
	}
	if c.signed != nil && c.signed.Size >= size {
		return c.signed, nil
	}
	if size == 0 {
		return nil, nil
	}
	cp, err := c.sign(ctx, size)
	if cp != nil {
		// A keeper that failed (a witness down) gets the next
		// checkpoint, with a consistency proof from the last it has;
		// signing this size again every tick would not help it.
		c.signed = cp
	}
	return cp, err
}

// extend makes every entry there is now a leaf, and returns the tree's
// size.
func (c *Checkpointer) extend(ctx context.Context) (int64, error) {
	tree, entries, err := c.Store.AuditTreeSize(ctx)
	if err != nil {
		return 0, err
	}
	for tree < entries {
		next, err := c.Store.ExtendAuditTree(ctx, extendBatch)
		if err != nil {
			return 0, err
		}
		if next <= tree {
			return 0, fmt.Errorf("the audit tree stopped at %d of %d entries", tree, entries)
		}
		tree = next
	}
	return tree, nil
}

// sign signs a checkpoint of the tree of size leaves, hands it to the
// keepers and saves a copy in the database. It returns the checkpoint
// with the keepers' errors, if any, and no checkpoint when it could not
// sign.
func (c *Checkpointer) sign(ctx context.Context, size int64) (*Checkpoint, error) {
	root, err := tlog.TreeHash(size, c.Store)
	if err != nil {
		return nil, err
	}
	msg, err := Sign(c.Signer, size, root, c.now())
	if err != nil {
		return nil, err
	}
	cp, err := Open(msg, c.Verifier)
	if err != nil {
		return nil, fmt.Errorf("the new checkpoint: %w", err)
	}
	prove := func(old int64) (tlog.TreeProof, error) { return tlog.ProveTree(size, old, c.Store) }
	var errs []error
	for _, k := range c.Keepers {
		kept, err := k.Publish(ctx, cp, prove)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if extra, ok := bytes.CutPrefix(kept, cp.Note); ok && len(extra) > 0 {
			cp.Note = append(bytes.Clone(cp.Note), extra...)
		}
	}
	if err := c.Store.SaveCheckpoint(ctx, size, cp.Note); err != nil {
		errs = append(errs, err)
	}
	c.Logger.Info("audit checkpoint signed", "size", size, "root", root.String())
	return cp, errors.Join(errs...)
}
