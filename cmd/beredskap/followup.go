package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"beredskap"
	"beredskap/followup"
	"beredskap/hotel"
	"beredskap/mail"
	"beredskap/rules"
	"beredskap/sms"
	"beredskap/web"
)

// followUpSettings are the options of the control centre's follow-up: the
// SMS provider, its receipt webhook, and the register's clock.
type followUpSettings struct {
	SMSProviderURL   string
	SMSAPIKey        string
	SMSWebhookSecret string
	SMSRate          float64
	Hotline          string
	// DigestHour is the hour (Europe/Oslo, 1–23) municipal users' daily
	// digest goes out.
	DigestHour int
	// Now, when set (RFC 3339), runs the register's follow-up clock from
	// that instant at start-up, moving on in real time; the demo sets it
	// so that its 2021 arrivals are in quarantine. Logins, sessions and
	// the audit trail keep the real time.
	Now string
}

// bind defines the follow-up flags on fs.
func (s *followUpSettings) bind(fs *flag.FlagSet) {
	fs.StringVar(&s.SMSProviderURL, "sms-provider-url", "", "base URL of the SMS provider's REST API; without it SMS are only recorded in the log (development)")
	fs.StringVar(&s.SMSAPIKey, "sms-api-key", "", "API key of the SMS provider (better set as BEREDSKAP_SMS_API_KEY)")
	fs.StringVar(&s.SMSWebhookSecret, "sms-webhook-secret", "", "shared secret that signs the SMS provider's delivery receipts (better set as BEREDSKAP_SMS_WEBHOOK_SECRET); the receipt webhook is off without it")
	fs.Float64Var(&s.SMSRate, "sms-rate", 50, "most SMS sent per second")
	fs.StringVar(&s.Hotline, "hotline", "+47 21 49 56 90", "the control centre's phone number, as SMS print it")
	fs.IntVar(&s.DigestHour, "digest-hour", 7, "hour (Europe/Oslo, 1-23) at which municipal users' daily e-mail digest goes out")
	fs.StringVar(&s.Now, "register-now", "", "run the follow-up clock from this RFC 3339 instant (demos); empty means the real time")
}

// clock returns the register's follow-up clock: the store's clock, or one
// running from --register-now, which on PostgreSQL every instance shares
// (the first to start records when it began).
func (s followUpSettings) clock(ctx context.Context, st *store) (beredskap.Clock, error) {
	if s.Now == "" {
		return st.now, nil
	}
	start, err := time.Parse(time.RFC3339, s.Now)
	if err != nil {
		return nil, usageError{fmt.Sprintf("--register-now: %q is not an RFC 3339 instant", s.Now)}
	}
	if st.registerClock != nil {
		return st.registerClock(ctx, start)
	}
	offset := start.Sub(st.now())
	return func() time.Time { return st.now().Add(offset) }, nil
}

// gateway returns the SMS gateway: the provider's REST client when a URL
// is set, else a recorder that only logs.
func (s followUpSettings) gateway(logger *slog.Logger) (sms.Gateway, error) {
	if s.SMSProviderURL == "" {
		return sms.NewRecorder(logger), nil
	}
	if s.SMSAPIKey == "" {
		return nil, usageError{"--sms-provider-url needs --sms-api-key (or BEREDSKAP_SMS_API_KEY)"}
	}
	return sms.NewClient(s.SMSProviderURL, s.SMSAPIKey, &http.Client{Timeout: 20 * time.Second}), nil
}

// followUp is the running follow-up: the service, the SMS worker, the
// receipt webhook, and the hotel service with its watch on rule changes.
type followUp struct {
	service  *followup.Service
	worker   *sms.Worker
	receipts http.Handler
	hotels   *hotel.Service
	leader   beredskap.Leadership
	logger   *slog.Logger
	// setClock is the follow-up clock when --register-now set it, else nil.
	setClock func() time.Time
}

// newFollowUp builds the follow-up over the store.
func newFollowUp(ctx context.Context, st *store, book *rules.Book, sender mail.Sender, base string, s followUpSettings, logger *slog.Logger) (*followUp, error) {
	if s.DigestHour < 1 || s.DigestHour > 23 {
		return nil, usageError{fmt.Sprintf("--digest-hour: %d is not an hour from 1 to 23", s.DigestHour)}
	}
	clock, err := s.clock(ctx, st)
	if err != nil {
		return nil, err
	}
	gw, err := s.gateway(logger)
	if err != nil {
		return nil, err
	}
	f := &followUp{
		service: followup.New(st.followUp, book, sender, clock, followup.Config{BaseURL: base, Hotline: s.Hotline, DigestHour: s.DigestHour, Wall: st.now,
			Text: web.StaffText, Plural: web.StaffPlural}, logger),
		worker: &sms.Worker{Store: st.followUp, Gateway: gw, Clock: clock, Logger: logger, Rate: s.SMSRate},
		hotels: hotel.New(st.hotels, book, sender, clock, hotel.Config{Hotline: s.Hotline, Text: web.StaffText}, logger),
		leader: st.leader,
		logger: logger,
	}
	if s.Now != "" {
		f.setClock = clock
	}
	if s.SMSWebhookSecret != "" {
		f.receipts = sms.NewReceiptHandler([]byte(s.SMSWebhookSecret), st.followUp, clock, time.Now, logger)
	}
	return f, nil
}

// run runs the planner, the SMS worker, the digests and the watch on rule
// changes until ctx ends, each in the one process that leads it among all
// on the database, and returns a function that waits until all have
// stopped.
func (f *followUp) run(ctx context.Context) (wait func()) {
	jobs := map[string]func(ctx context.Context){
		"followup.planner": func(ctx context.Context) { f.service.RunPlanner(ctx, 10*time.Second) },
		"sms.worker":       func(ctx context.Context) { f.worker.Run(ctx, time.Second) },
		"followup.digests": func(ctx context.Context) { f.service.RunDigests(ctx) },
		"hotel.rule-watch": func(ctx context.Context) {
			if err := f.hotels.RunImpactWatcher(ctx); err != nil && ctx.Err() == nil {
				f.logger.Error("rule-change watch stopped", "err", err)
			}
		},
	}
	done := make(chan struct{}, len(jobs))
	for name, fn := range jobs {
		go func() {
			f.leader.Lead(ctx, name, func(ctx context.Context) {
				f.logger.Info("leading", "job", name)
				fn(ctx)
			})
			done <- struct{}{}
		}()
	}
	return func() {
		for range jobs {
			<-done
		}
	}
}
