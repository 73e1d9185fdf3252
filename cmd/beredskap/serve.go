package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"beredskap/followup"
	"beredskap/hotel"
	"beredskap/intake"
	"beredskap/staff"
	"beredskap/web"
)

// runServe runs the web server until the context is cancelled (SIGINT or
// SIGTERM), then shuts down in order: HTTP first, the database last.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var s settings
	fs := newFlagSet("serve", stdout)
	s.bindServer(fs, "beredskap.db")
	if err := parse(fs, args); err != nil {
		return err
	}
	logger, err := s.logger(stderr)
	if err != nil {
		return err
	}
	return serve(ctx, s, logger, stdout, nil)
}

// services are the services serve builds, for the demo to fill.
type services struct {
	in       *intake.Intake
	staff    *staff.Service
	followUp *followup.Service
	hotels   *hotel.Service
}

// serve opens the store and serves until ctx ends. When seed is not nil it
// runs on the open services before the server starts serving, and the
// function it returns (if any) once the server listens.
func serve(ctx context.Context, s settings, logger *slog.Logger, stdout io.Writer, seed func(context.Context, services) (func(), error)) error {
	book, err := loadRules(s.RulesDir)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, s.DB, nil, logger)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.close()
	in := &intake.Intake{Rules: book, Registrations: st.registrations, Clock: st.now, AllowSyntheticIDs: s.AllowSyntheticIDs}

	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	base := s.BaseURL
	if base == "" {
		base = "http://" + ln.Addr().String()
	}
	sender, err := s.Staff.sender()
	if err != nil {
		return err
	}
	oidc, err := s.Staff.oidc(ctx, base)
	if err != nil {
		return err
	}
	staffService := newStaffService(st, sender, st.now, base, s.Staff, logger)
	// Mail sent after an answer goes out before the store closes.
	defer staffService.Wait()
	citizens, err := newCitizenService(st, s.DB, base, s.Citizen, s.Audit, s.AllowSyntheticIDs, logger)
	if err != nil {
		return err
	}
	citizenOIDC, err := s.Citizen.oidc(ctx, base)
	if err != nil {
		return err
	}
	fu, err := newFollowUp(ctx, st, book, sender, base, s.FollowUp, logger)
	if err != nil {
		return err
	}
	var after func()
	if seed != nil {
		if after, err = seed(ctx, services{in: in, staff: staffService, followUp: fu.service, hotels: fu.hotels}); err != nil {
			return err
		}
	}
	// The checkpoint signer runs in the process that leads the job (and
	// holds the signer's own lock while it signs); it stops after the
	// workers, which append audit entries too, and signs a last checkpoint
	// before the database closes.
	checkpointer, err := s.Audit.checkpointer(st, s.DB, logger)
	if err != nil {
		return err
	}
	signCtx, stopSigning := context.WithCancel(ctx)
	signed := make(chan struct{})
	go func() { defer close(signed); st.leader.Lead(signCtx, "audit.checkpoint", checkpointer.Run) }()
	defer func() { stopSigning(); <-signed }()
	workCtx, stopWork := context.WithCancel(ctx)
	waitWork := fu.run(workCtx)
	defer waitWork()
	purgeClock, err := s.FollowUp.clock(ctx, st)
	if err != nil {
		stopWork()
		return err
	}
	retentionService := newRetention(st, purgeClock, s.Retention, logger)
	waitPurge := startPurge(workCtx, st, retentionService, s.Retention)
	defer waitPurge()
	defer stopWork()
	srv := web.NewServer(web.Config{
		SecureCookies: s.SecureCookies,
		ReadyGrace:    s.ReadyGrace,
		BaseURL:       base,
		Version:       version,
		OIDC:          oidc,
		TrustProxy:    s.Staff.TrustProxy,
		Citizens:      citizens,
		CitizenOIDC:   citizenOIDC,
		FollowUp:      fu.service,
		SMSReceipts:   fu.receipts,
		Hotels:        fu.hotels,
		Clock:         fu.setClock,
		Retention:     retentionService,
	}, in, staffService, st.ping, logger)
	httpServer := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("serving", "url", base, "db", st.kind, "rules", len(book.Versions()))
	fmt.Fprintf(stdout, "beredskap is serving at %s/ (API at %s/api/v1/, database %s %s)\n", base, base, st.kind, redactDSN(s.DB))
	if after != nil {
		after()
	}

	errc := make(chan error, 2)
	go func() { errc <- httpServer.Serve(ln) }()
	var metricsServer *http.Server
	if s.MetricsAddr != "" {
		mln, err := net.Listen("tcp", s.MetricsAddr)
		if err != nil {
			httpServer.Close()
			return fmt.Errorf("listen for metrics: %w", err)
		}
		metricsServer = &http.Server{Handler: srv.MetricsHandler(), ReadHeaderTimeout: 5 * time.Second,
			ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
		logger.Info("serving metrics", "url", "http://"+mln.Addr().String()+"/metrics")
		go func() { errc <- metricsServer.Serve(mln) }()
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	// /readyz fails first, so that the balancer stops sending new
	// requests here before the listener closes.
	srv.Drain()
	select {
	case <-time.After(s.DrainDelay):
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.ShutdownTimeout)
	defer cancel()
	if metricsServer != nil {
		_ = metricsServer.Shutdown(shutdownCtx)
	}
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
