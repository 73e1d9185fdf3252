// Package followup is the service layer of the control centre's follow-up
// of travellers in quarantine (seed 000; RULES.md 2021-02-15): follow-up
// plans made from the rule version in force, the operators' work queue with
// expiring claims, SMS in the traveller's language through an outbox, call
// reports and their corrections, notices to the labour inspectorate, and
// the municipalities' view of their own travellers with exports, charts and
// e-mail digests. Every operation checks beredskap.Can for the actor in the
// context, runs in one store transaction, and audits every look at
// personal data in it.
package followup

import (
	"log/slog"
	"time"

	"beredskap"
	"beredskap/mail"
	"beredskap/rules"
)

// Config holds the settings of the follow-up service.
type Config struct {
	// BaseURL is the public address of the site, for links in digests.
	BaseURL string
	// Lease is how long a claim holds a traveller; 15 minutes when 0.
	Lease time.Duration
	// Hotline is the control centre's phone number, the {hotline} of SMS
	// templates; "+47 21 49 56 90" when empty.
	Hotline string
	// RetryCall is how long after an unanswered call the next one is
	// due; 2 hours when 0.
	RetryCall time.Duration
	// DigestHour is the hour (Europe/Oslo) the daily digest goes out; 7
	// when 0.
	DigestHour int
	// Wall is the real time, by which staff grants are valid (the
	// service's clock is the register's, which a demo sets in the past);
	// time.Now when nil.
	Wall beredskap.Clock
	// Text returns the words of a key of the staff texts in a language
	// (web.StaffText), and Plural those of a key with plural forms for a
	// count (web.StaffPlural): the digest mails are written with them.
	// Without them no digest can be written, and a due one fails.
	Text   beredskap.Text
	Plural func(lang, key string, n int, args ...any) string
}

// withDefaults returns c with every zero setting replaced by its default.
func (c Config) withDefaults() Config {
	if c.Lease <= 0 {
		c.Lease = 15 * time.Minute
	}
	if c.Hotline == "" {
		c.Hotline = "+47 21 49 56 90"
	}
	if c.RetryCall <= 0 {
		c.RetryCall = 2 * time.Hour
	}
	if c.DigestHour <= 0 {
		c.DigestHour = 7
	}
	if c.Wall == nil {
		c.Wall = time.Now
	}
	return c
}

// Service is the follow-up service.
type Service struct {
	store  beredskap.FollowUpStore
	tx     beredskap.Transactions[beredskap.FollowUpTx]
	book   *rules.Book
	mail   mail.Sender
	clock  beredskap.Clock
	cfg    Config
	logger *slog.Logger
	// wake tells the digest worker that a report wants an immediate
	// e-mail; sends never block.
	wake chan struct{}
}

// New returns the service. clock is the register's clock, which decides
// which quarantines are active and when SMS and calls are due (the demo
// runs it in early 2021); a nil logger discards.
func New(store beredskap.FollowUpStore, book *rules.Book, sender mail.Sender, clock beredskap.Clock, cfg Config, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{
		store: store, tx: store.UpdateFollowUp, book: book, mail: sender, clock: clock, cfg: cfg.withDefaults(), logger: logger,
		wake: make(chan struct{}, 1),
	}
}

// Config returns the settings in force, defaults filled in.
func (s *Service) Config() Config { return s.cfg }

// Now returns the register's current instant, by which quarantines are
// active and SMS and calls fall due; pages use it for default date ranges.
func (s *Service) Now() time.Time { return s.clock() }

// now returns the register's current instant in UTC to the microsecond.
func (s *Service) now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

// wakeDigests asks the digest worker to look for reports that want an
// immediate e-mail.
func (s *Service) wakeDigests() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}
