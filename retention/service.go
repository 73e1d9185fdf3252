package retention

import (
	"log/slog"
	"strconv"
	"time"

	"beredskap"
)

// DefaultBudget is how long a purge transaction of registrations runs
// unless Config.Budget says otherwise.
const DefaultBudget = 2 * time.Millisecond

// Config tunes the purge.
type Config struct {
	// Batch is the most registrations one purge transaction removes
	// (default 1000), and how many rows of the other categories one
	// transaction removes.
	Batch int
	// Budget is how long one purge transaction of registrations may run
	// before it ends (default DefaultBudget): after the step in which it is spent
	// the batch is audited and committed. On SQLite a batch also ends
	// early when registrations wait for the writer, and the next begins
	// when none waits (or after ten budgets), so that registrations
	// arriving meanwhile wait at most about one step of a batch and its
	// commit (see bench.BenchmarkPurge).
	Budget time.Duration
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
	tx     beredskap.Transactions[beredskap.RetentionTx]
	book   *Book
	clock  beredskap.Clock
	logger *slog.Logger
	cfg    Config
}

// New returns a service over store applying the policy versions of book.
func New(store beredskap.RetentionStore, book *Book, clock beredskap.Clock, logger *slog.Logger, cfg Config) *Service {
	if cfg.Batch <= 0 {
		cfg.Batch = 1000
	}
	if cfg.Budget <= 0 {
		cfg.Budget = DefaultBudget
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 10 * time.Minute
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, tx: store.UpdateRetention, book: book, clock: clock, logger: logger, cfg: cfg}
}

// Policy returns the policy version in force now.
func (s *Service) Policy() *Policy { return s.book.At(s.clock()) }

func holdObject(id int64) string { return "legal_hold:" + strconv.FormatInt(id, 10) }

// osloDay returns the date of t in Europe/Oslo, YYYY-MM-DD.
func osloDay(t time.Time) string { return t.In(oslo).Format(time.DateOnly) }
