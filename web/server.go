package web

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"beredskap/auth"
	"beredskap/citizen"
	"beredskap/followup"
	"beredskap/hotel"
	"beredskap/intake"
	"beredskap/retention"
	"beredskap/staff"
)

// DefaultMaxBodyBytes is the body limit used when Config.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 1 << 20

// Config holds the settings of the HTTP layer.
type Config struct {
	// SecureCookies says the site is served over HTTPS: cookies get the
	// Secure flag and responses carry Strict-Transport-Security.
	SecureCookies bool
	// MaxBodyBytes limits request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// ReadyGrace is how long /readyz still reports ready while the
	// database does not answer (DefaultReadyGrace when 0): longer than a
	// failover, so that a failover takes no instance out of the balancer.
	ReadyGrace time.Duration
	// BaseURL is the public address of the site, such as https://example.no.
	BaseURL string
	// Version is shown in the OpenAPI document.
	Version string
	// OIDC, when not nil, offers login through an OpenID Connect provider.
	OIDC *auth.OIDC
	// TrustProxy says the server runs behind a reverse proxy: the client
	// address is taken from the last entry of X-Forwarded-For, which the
	// proxy appends. Without it the header is ignored, so that clients
	// cannot choose their own address.
	TrustProxy bool
	// Citizens, when not nil, serves the citizen pages (seed 003) and
	// citizen support's case pages.
	Citizens *citizen.Service
	// CitizenOIDC, when not nil together with Citizens, offers citizens
	// login through the national ID portal, matching them on the "pid"
	// claim.
	CitizenOIDC *auth.OIDC
	// MaxAttachmentBytes is the citizen service's limit on the copy of an
	// identity document; 0 means its default of 5 MiB.
	MaxAttachmentBytes int64
	// FollowUp, when not nil, serves the control centre's work queue, the
	// municipal reports and the labour inspectorate's notices, pages and
	// API.
	FollowUp *followup.Service
	// SMSReceipts, when not nil, receives the SMS provider's delivery
	// receipts at POST /api/v1/sms/receipts; it checks their signature.
	SMSReceipts http.Handler
	// Hotels, when not nil, serves the quarantine hotels, stays, fee
	// statements, § 6j dispensations and rule-change impact, pages and
	// API.
	Hotels *hotel.Service
	// Clock, when not nil, is the register's set follow-up clock (the
	// demo's 2021): the public form suggests its date as the arrival and
	// says why, so that a new registration lands in the same time as the
	// follow-up and the demo data.
	Clock func() time.Time
	// Retention, when not nil, serves the legal holds (pages and API);
	// the citizen's copy of their data uses its policy.
	Retention *retention.Service
}

// Server serves the JSON API, the operational endpoints, the public pages
// and the staff pages.
type Server struct {
	cfg     Config
	in      *intake.Intake
	staff   *staff.Service
	ready   func(context.Context) error
	health  readiness
	logger  *slog.Logger
	metrics *metrics
	pages   *pages
	openapi []byte
	mux     *http.ServeMux
	routes  []string
	handler http.Handler
}

// NewServer returns a server that registers and evaluates through in, serves
// staff through staff, reports readiness with ready (nil means always ready)
// and logs to logger (nil means slog.Default). It panics when staff is nil or
// the embedded templates or locale files are broken, which tests catch.
func NewServer(cfg Config, in *intake.Intake, staff *staff.Service, ready func(context.Context) error, logger *slog.Logger) *Server {
	if staff == nil {
		panic("web: NewServer needs a staff service")
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if ready == nil {
		ready = func(context.Context) error { return nil }
	}
	if logger == nil {
		logger = slog.Default()
	}
	s := &Server{
		cfg:     cfg,
		in:      in,
		staff:   staff,
		ready:   ready,
		health:  readiness{since: time.Now(), grace: cfg.ReadyGrace},
		logger:  logger,
		metrics: newMetrics(),
		pages:   mustLoadPages(),
		mux:     http.NewServeMux(),
	}
	s.openapi = mustOpenAPI(cfg.Version, cfg.BaseURL, cfg.SMSReceipts != nil)

	s.handle("POST /api/v1/evaluate", s.handleEvaluate)
	s.handle("POST /api/v1/registrations", s.handleRegister)
	s.handle("GET /api/v1/openapi.json", s.handleOpenAPI)
	s.handle("GET /api/v1/registrations", s.handleListRegistrations)
	s.handle("GET /api/v1/registrations/{receipt}", s.handleGetRegistration)
	s.handle("GET /api/v1/audit", s.handleSearchAudit)

	s.handle("GET /healthz", s.handleHealth)
	s.handle("GET /readyz", s.handleReady)

	if cfg.SMSReceipts != nil {
		s.handle("POST /api/v1/sms/receipts", s.handleSMSReceipts)
	}
	for _, a := range s.pages.areas {
		if a.Routes != nil && (a.Enabled == nil || a.Enabled(&s.cfg)) {
			a.Routes(s)
		}
	}

	// Browser form posts from another site are refused; API clients that
	// send neither Origin nor Sec-Fetch-Site pass untouched.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, errForbiddenOrigin)
	}))

	// authenticate sits above accessLog because it copies the request to
	// carry the actor, and accessLog reads the route from the request the
	// mux saw.
	s.handler = s.requestID(s.authenticate(s.accessLog(s.recoverPanic(s.securityHeaders(cop.Handler(s.unmatched(s.mux)))))))
	return s
}

// MetricsHandler returns the Prometheus metrics as an HTTP handler, to be
// served on a listen address of its own (--metrics-addr): the public
// handler does not serve /metrics, which needs no login and tells about
// the traffic.
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics.handler())
	return mux
}

// Frame wraps h in the middleware every route runs through (request id,
// access log and metrics, panic recovery, security headers) but not in
// authentication. Benchmarks use it to measure what authentication,
// authorization and audit add to a route against the same work without
// them; the server's own routes never go through it.
func (s *Server) Frame(h http.Handler) http.Handler {
	return s.requestID(s.accessLog(s.recoverPanic(s.securityHeaders(h))))
}

// Handler returns the server's handler with all middleware applied.
func (s *Server) Handler() http.Handler {
	return s.handler
}

// Routes returns the patterns registered on the server's mux, such as
// "POST /api/v1/evaluate", in the order they were registered.
func (s *Server) Routes() []string {
	return slices.Clone(s.routes)
}

func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, confirmAuth(s, h))
	s.routes = append(s.routes, pattern)
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}
