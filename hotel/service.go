// Package hotel is the service layer of the quarantine-hotel scheme (seeds
// 001 and 004): the municipalities' hotels and their capacity, allocation
// of travellers to rooms (the border officer for land and sea arrivals, the
// hotel municipality's coordinator for air arrivals), stays with check-in,
// check-out, early departure, transfer to another suitable place and
// isolation, fee statements night by night from the rule version in force
// (CSV and PDF) and employer invoice data, § 6j dispensations and their
// delegation, and the impact of a rule change on every active quarantine
// with an SMS to each traveller whose obligations change. Every operation
// checks beredskap.Can for the actor in the context, runs in one store
// transaction, and audits every look at personal data in it.
package hotel

import (
	"context"
	"log/slog"
	"runtime"
	"time"

	"beredskap"
	"beredskap/mail"
	"beredskap/rules"
)

// Config holds the settings of the hotel service.
type Config struct {
	// Hotline is the control centre's phone number, the {hotline} of the
	// rule-change SMS; "+47 21 49 56 90" when empty.
	Hotline string
	// Workers is how many goroutines evaluate registrations in
	// ComputeImpact; GOMAXPROCS when 0.
	Workers int
	// ImpactBatch is how many changes ComputeImpact keeps in memory per
	// batch before handing them to the store; 10 000 when 0.
	ImpactBatch int
	// WatchInterval is how often RunImpactWatcher looks for rule versions
	// about to take effect; 1 minute when 0.
	WatchInterval time.Duration
	// WatchAhead is how far ahead RunImpactWatcher looks; 24 hours when 0.
	WatchAhead time.Duration
	// WatchBehind is how long after a version took effect
	// RunImpactWatcher still computes its impact; 1 hour when 0.
	WatchBehind time.Duration
	// Text returns the words of a locale key of the staff texts in a
	// language (web.StaffText), of which the mails to hotels' contact
	// points are written; without it no such mail is sent (and the lack is
	// logged).
	Text beredskap.Text
}

// withDefaults returns c with every zero setting replaced by its default.
func (c Config) withDefaults() Config {
	if c.Hotline == "" {
		c.Hotline = "+47 21 49 56 90"
	}
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.ImpactBatch <= 0 {
		c.ImpactBatch = 10000
	}
	if c.WatchInterval <= 0 {
		c.WatchInterval = time.Minute
	}
	if c.WatchAhead <= 0 {
		c.WatchAhead = 24 * time.Hour
	}
	if c.WatchBehind <= 0 {
		c.WatchBehind = time.Hour
	}
	return c
}

// Service is the quarantine-hotel service.
type Service struct {
	store  beredskap.HotelStore
	tx     beredskap.Transactions[beredskap.HotelTx]
	book   *rules.Book
	mail   mail.Sender
	clock  beredskap.Clock
	cfg    Config
	logger *slog.Logger
}

// New returns the service. sender carries the notices to the hotels'
// contact points (nil sends none); clock is the register's clock; a nil
// logger discards.
func New(store beredskap.HotelStore, book *rules.Book, sender mail.Sender, clock beredskap.Clock, cfg Config, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, tx: store.UpdateHotels, book: book, mail: sender, clock: clock, cfg: cfg.withDefaults(), logger: logger}
}

// Config returns the settings in force, defaults filled in.
func (s *Service) Config() Config { return s.cfg }

// Book returns the rule book the service evaluates with.
func (s *Service) Book() *rules.Book { return s.book }

// now returns the register's current instant in UTC to the microsecond.
func (s *Service) now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

// Context keys are not needed: the actor travels in ctx (beredskap.ActorFrom).
var _ = context.Background
