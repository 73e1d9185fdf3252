package sms

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"beredskap"
)

// Worker delivers the SMS outbox. Each round takes the due messages in one
// short store transaction (marking them sending under a lease), sends them
// concurrently through the gateway under a token-bucket rate limit with
// the outbox id as idempotency key, and saves every outcome in one more
// transaction; no send happens inside a store transaction. A sent message
// is sent with its provider id; a temporary failure goes back to the queue
// after exponential backoff with jitter, or after the provider's
// Retry-After; a permanent failure, or a temporary one on the last
// attempt, is failed with the error. A message whose worker died while
// sending is taken again when its lease lapses, and the idempotency key
// keeps the provider from sending it twice.
//
// Set the exported fields before the first round and leave them alone
// afterwards; zero values take the defaults named.
type Worker struct {
	Store   beredskap.FollowUpStore
	Gateway Gateway
	Clock   beredskap.Clock // time.Now when nil
	Logger  *slog.Logger    // discards when nil

	// Rate is the most messages sent per second (1 000 when 0), Burst how
	// many may go at once after a pause (Concurrency when 0).
	Rate  float64
	Burst int
	// MaxAttempts bounds the sends of one message (6 when 0). Tries the
	// provider turned away with a Retry-After (rate limits) do not count.
	MaxAttempts int
	// Backoff is the wait after the first failure (30 s when 0), doubled
	// after each further one up to MaxBackoff (1 h when 0); each wait is
	// drawn between half of it and all of it.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// Batch is how many messages a round takes (200 when 0) and
	// Concurrency how many sends run at once (32 when 0).
	Batch       int
	Concurrency int
	// Lease is how long a taken message stays with this worker before
	// another may take it (2 min when 0); SendTimeout bounds one send (15 s
	// when 0) and must be well below it.
	Lease       time.Duration
	SendTimeout time.Duration

	once    sync.Once
	limiter *rate.Limiter
	stats   workerStats
}

// WorkerStats counts what a worker did since it started.
type WorkerStats struct {
	Sent      int64 // messages the provider took
	Retried   int64 // temporary failures put back on the queue
	Failed    int64 // messages given up
	Requeued  int64 // messages taken but not sent because the worker stopped
	Conflicts int64 // outcomes not saved because a receipt or another worker came first
}

type workerStats struct {
	sent, retried, failed, requeued, conflicts atomic.Int64
}

// Stats returns the worker's counts.
func (w *Worker) Stats() WorkerStats {
	return WorkerStats{
		Sent: w.stats.sent.Load(), Retried: w.stats.retried.Load(), Failed: w.stats.failed.Load(),
		Requeued: w.stats.requeued.Load(), Conflicts: w.stats.conflicts.Load(),
	}
}

// setup fills in the defaults and makes the rate limiter, once.
func (w *Worker) setup() {
	w.once.Do(func() {
		if w.Clock == nil {
			w.Clock = time.Now
		}
		if w.Logger == nil {
			w.Logger = slog.New(slog.DiscardHandler)
		}
		if w.Rate <= 0 {
			w.Rate = 1000
		}
		if w.MaxAttempts <= 0 {
			w.MaxAttempts = 6
		}
		if w.Backoff <= 0 {
			w.Backoff = 30 * time.Second
		}
		if w.MaxBackoff <= 0 {
			w.MaxBackoff = time.Hour
		}
		if w.Batch <= 0 {
			w.Batch = 200
		}
		if w.Concurrency <= 0 {
			w.Concurrency = 32
		}
		if w.Burst <= 0 {
			w.Burst = w.Concurrency
		}
		if w.Lease <= 0 {
			w.Lease = 2 * time.Minute
		}
		if w.SendTimeout <= 0 {
			w.SendTimeout = 15 * time.Second
		}
		w.limiter = rate.NewLimiter(rate.Limit(w.Rate), w.Burst)
	})
}

// outcome is what became of one taken message.
type outcome struct {
	providerID string
	err        error
	unsent     bool // not tried: the worker stopped first
}

// RunOnce delivers one batch of due messages and returns how many the
// provider took. It returns an error only when the store fails; failed
// sends are recorded on their messages. When ctx ends, sends under way
// finish, messages not yet sent go back to the queue untouched, and the
// outcomes are saved all the same.
func (w *Worker) RunOnce(ctx context.Context) (sent int, err error) {
	sent, _, err = w.round(ctx)
	return sent, err
}

// round is RunOnce that also returns how many messages it took.
func (w *Worker) round(ctx context.Context) (sent, took int, err error) {
	w.setup()
	now := w.Clock()
	var batch []*beredskap.SMSMessage
	err = w.Store.UpdateFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		var err error
		batch, err = tx.TakeDueSMS(ctx, now, now.Add(w.Lease), w.Batch)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("take due sms: %w", err)
	}
	if len(batch) == 0 {
		return 0, 0, nil
	}
	outcomes := w.sendAll(ctx, batch)
	sent, err = w.save(context.WithoutCancel(ctx), batch, outcomes)
	return sent, len(batch), err
}

// sendAll sends the batch with Concurrency senders under the rate limit
// and returns the outcome of each message.
func (w *Worker) sendAll(ctx context.Context, batch []*beredskap.SMSMessage) []outcome {
	outcomes := make([]outcome, len(batch))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(w.Concurrency, len(batch)) {
		wg.Go(func() {
			for i := range next {
				outcomes[i] = w.send(ctx, batch[i])
			}
		})
	}
	for i := range batch {
		next <- i
	}
	close(next)
	wg.Wait()
	return outcomes
}

// send sends one message once the rate limit lets it. A send under way
// runs to its end (or SendTimeout) even when ctx ends meanwhile.
func (w *Worker) send(ctx context.Context, m *beredskap.SMSMessage) outcome {
	if ctx.Err() != nil || w.limiter.Wait(ctx) != nil {
		return outcome{unsent: true}
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.SendTimeout)
	defer cancel()
	id, err := w.Gateway.Send(sctx, Message{ID: strconv.FormatInt(m.ID, 10), To: m.To, Body: m.Body})
	if err == nil && id == "" {
		err = &SendError{Temporary: true, Err: errors.New("gateway returned no provider id")}
	}
	return outcome{providerID: id, err: err}
}

// save records the outcomes of the batch in one transaction and returns
// how many messages were sent.
func (w *Worker) save(ctx context.Context, batch []*beredskap.SMSMessage, outcomes []outcome) (int, error) {
	now := w.Clock()
	var sent, retried, failed, requeued, conflicts int64
	err := w.Store.UpdateFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		sent, retried, failed, requeued, conflicts = 0, 0, 0, 0, 0
		for i, m := range batch {
			o := outcomes[i]
			cur, err := tx.FindSMS(ctx, m.ID)
			if err != nil {
				return fmt.Errorf("find sms %d: %w", m.ID, err)
			}
			if cur.Status != beredskap.SMSSending || cur.Attempts != m.Attempts {
				// A receipt overtook us, or our lease lapsed and
				// another worker took the message: keep what is
				// stored, adding only the provider id we learnt.
				conflicts++
				if o.err == nil && !o.unsent {
					sent++
					if cur.ProviderID == "" {
						cur.ProviderID = o.providerID
						if cur.Status == beredskap.SMSSending || cur.Status == beredskap.SMSQueued {
							cur.Status = beredskap.SMSSent
						}
						if err := tx.SaveSMS(ctx, cur); err != nil {
							return fmt.Errorf("save sms %d: %w", m.ID, err)
						}
					}
				}
				continue
			}
			u := *m
			switch w.apply(&u, o, now) {
			case beredskap.SMSSent:
				sent++
			case beredskap.SMSFailed:
				failed++
			default:
				if o.unsent {
					requeued++
				} else {
					retried++
				}
			}
			if err := tx.SaveSMS(ctx, &u); err != nil {
				return fmt.Errorf("save sms %d: %w", m.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("save sms outcomes: %w", err)
	}
	w.stats.sent.Add(sent)
	w.stats.retried.Add(retried)
	w.stats.failed.Add(failed)
	w.stats.requeued.Add(requeued)
	w.stats.conflicts.Add(conflicts)
	return int(sent), nil
}

// apply sets m's status, attempts, next attempt and error from o at now,
// and returns the new status.
func (w *Worker) apply(m *beredskap.SMSMessage, o outcome, now time.Time) beredskap.SMSStatus {
	switch {
	case o.unsent:
		m.Status = beredskap.SMSQueued
		m.Attempts = max(m.Attempts-1, 0)
		m.NextAttemptAt = now
		return m.Status
	case o.err == nil:
		m.Status = beredskap.SMSSent
		m.ProviderID = o.providerID
		m.LastError = ""
		return m.Status
	}
	m.LastError = errorText(o.err)
	var se *SendError
	temporary := true // an error that is no *SendError is taken as temporary
	var wait time.Duration
	if errors.As(o.err, &se) {
		temporary, wait = se.Temporary, se.RetryAfter
	}
	if temporary && wait > 0 {
		// The provider asked us to come back later: not the message's
		// fault, so the try does not count.
		m.Attempts = max(m.Attempts-1, 0)
	}
	if !temporary || m.Attempts >= w.MaxAttempts {
		m.Status = beredskap.SMSFailed
		w.Logger.Warn("sms failed", "id", m.ID, "attempts", m.Attempts, "err", m.LastError)
		return m.Status
	}
	if wait <= 0 {
		wait = w.backoff(m.Attempts)
	}
	m.Status = beredskap.SMSQueued
	m.NextAttemptAt = now.Add(wait)
	w.Logger.Debug("sms send failed, will retry", "id", m.ID, "attempts", m.Attempts, "retry_in", wait, "err", m.LastError)
	return m.Status
}

// backoff returns the wait after the given number of failed attempts:
// Backoff doubled per attempt after the first, capped at MaxBackoff, and
// drawn between half of that and all of it.
func (w *Worker) backoff(attempts int) time.Duration {
	d := w.Backoff
	for i := 1; i < attempts && d < w.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, w.MaxBackoff)
	half := d / 2
	return half + rand.N(d-half+1)
}

// errorText returns err's text for LastError, bounded.
func errorText(err error) string {
	s := err.Error()
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// Run delivers the outbox until ctx ends: a round at once, another at
// once while rounds take full batches, and otherwise one every every. A
// round under way when ctx ends finishes its sends and saves them. Store
// errors are logged and tried again the next time.
func (w *Worker) Run(ctx context.Context, every time.Duration) {
	w.setup()
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		_, took, err := w.round(ctx)
		if err != nil && ctx.Err() == nil {
			w.Logger.Error("sms worker round failed", "err", err)
		}
		if err == nil && took >= w.Batch {
			t.Reset(0)
		} else {
			t.Reset(every)
		}
	}
}
