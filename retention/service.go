package retention

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"beredskap"
)

// Config tunes the purge.
type Config struct {
	// Batch is how many registrations one purge transaction removes
	// (default 500): small enough that registrations arriving meanwhile
	// wait little for the writer.
	Batch int
	// Pause is the rest between two batches (default none), which leaves
	// the writer to other work on a busy system.
	Pause time.Duration
	// Lease is how long a claim of the day's purge lasts before another
	// instance may take it over (default 10 minutes); the runner renews
	// it after every batch.
	Lease time.Duration
}

// Service carries out the retention policy and keeps legal holds. Every
// operation asks beredskap.Can first and writes its audit entries in the
// same transaction as its work.
type Service struct {
	store  beredskap.RetentionStore
	book   *Book
	clock  beredskap.Clock
	logger *slog.Logger
	cfg    Config
}

// New returns a service over store applying the policy versions of book.
func New(store beredskap.RetentionStore, book *Book, clock beredskap.Clock, logger *slog.Logger, cfg Config) *Service {
	if cfg.Batch <= 0 {
		cfg.Batch = 500
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 10 * time.Minute
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, book: book, clock: clock, logger: logger, cfg: cfg}
}

// Policy returns the policy version in force now.
func (s *Service) Policy() *Policy { return s.book.At(s.clock()) }

// audit appends rec in tx and returns any error with the action named.
func audit(ctx context.Context, tx beredskap.RetentionTx, rec beredskap.AuditRecord) error {
	if _, err := tx.Audit(ctx, rec); err != nil {
		return fmt.Errorf("audit %s: %w", rec.Action, err)
	}
	return nil
}

// deny writes an audit entry with OutcomeDenied in a transaction of its
// own and returns EFORBIDDEN (or the error of writing the entry).
func (s *Service) deny(ctx context.Context, a *beredskap.Actor, action, object string, receipts ...string) error {
	rec := beredskap.RecordFor(a, action, object, beredskap.OutcomeDenied)
	rec.Subjects = receipts
	if err := s.store.UpdateRetention(ctx, func(ctx context.Context, tx beredskap.RetentionTx) error {
		return audit(ctx, tx, rec)
	}); err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	return beredskap.Forbidden(action)
}

func holdObject(id int64) string { return "legal_hold:" + strconv.FormatInt(id, 10) }

// osloDay returns the date of t in Europe/Oslo, YYYY-MM-DD.
func osloDay(t time.Time) string { return t.In(oslo).Format(time.DateOnly) }
