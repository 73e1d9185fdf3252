package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"beredskap"
	"beredskap/auth"
	"beredskap/followup"
	"beredskap/hotel"
	"beredskap/intake"
	"beredskap/internal/teststore"
	"beredskap/mail"
	"beredskap/retention"
	"beredskap/rules"
	"beredskap/sqlite"
	"beredskap/staff"
	"beredskap/web"
)

// testServer is the real server on 127.0.0.1 with the embedded rules and a
// SQLite database in a temporary directory.
type testServer struct {
	*httptest.Server
	Web           *web.Server
	Registrations beredskap.RegistrationService
	Staff         *staff.Service
	StaffStore    beredskap.StaffStore
	MailDir       string // where the staff service's e-mail goes, unless options named a sender
	Logs          *syncBuffer
	// FollowUp is the follow-up service, whose clock is FollowUpClock.
	FollowUp      *followup.Service
	FollowUpClock *testClock
	// Hotels is the hotel service, on the follow-up's clock.
	Hotels *hotel.Service
	// Retention keeps legal holds, on the follow-up's clock.
	Retention *retention.Service
}

// testPasswords are argon2id costs far below the default (64 MiB, three
// passes), for the hashes the test server's staff service makes: what a
// test proves about logins does not depend on the cost, which auth's tests
// cover.
var testPasswords = auth.PasswordParams{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// serverOptions change what startServerWith builds. The zero value gives
// the defaults.
type serverOptions struct {
	// ready is the readiness check; nil means the database's ping.
	ready func(context.Context) error
	// mail receives the staff service's e-mail; nil means a directory.
	mail mail.Sender
	// staff is the staff service's configuration.
	staff staff.Config
	// oidc, when set, returns the OpenID Connect client for the server's
	// base URL.
	oidc func(tb testing.TB, baseURL string) *auth.OIDC
	// configure, when set, completes the server's configuration once the
	// store and the staff service exist (the citizen tests add the
	// citizen service with it).
	configure func(tb testing.TB, ts *testServer, cfg *web.Config)
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// mustServer starts a server; cfg.BaseURL is filled in.
func mustServer(tb testing.TB, cfg web.Config) *testServer {
	tb.Helper()
	return startServerWith(tb, cfg, serverOptions{})
}

// startServer starts a server whose readiness check is ready, or the
// database's ping when ready is nil.
func startServer(tb testing.TB, cfg web.Config, ready func(context.Context) error) *testServer {
	tb.Helper()
	return startServerWith(tb, cfg, serverOptions{ready: ready})
}

// startServerWith starts a server as opts say; cfg.BaseURL is filled in.
func startServerWith(tb testing.TB, cfg web.Config, opts serverOptions) *testServer {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, teststore.SQLitePath(tb))
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	book, err := rules.Embedded()
	if err != nil {
		tb.Fatalf("rules: %v", err)
	}
	regs := sqlite.NewRegistrationService(db, time.Now)
	in := &intake.Intake{Rules: book, Registrations: regs, Clock: time.Now}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ts := &testServer{Registrations: regs, Logs: logs, StaffStore: sqlite.NewStaffStore(db, time.Now)}
	ts.Server = httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + ts.Listener.Addr().String()
	sender := opts.mail
	if sender == nil {
		ts.MailDir = tb.TempDir()
		sender = mail.Dir{Path: ts.MailDir}
	}
	staffCfg := opts.staff
	staffCfg.BaseURL = cfg.BaseURL
	if staffCfg.PasswordParams == (auth.PasswordParams{}) {
		staffCfg.PasswordParams = testPasswords
	}
	staffCfg.Text = web.StaffText
	ts.Staff = staff.New(ts.StaffStore, sender, time.Now, staffCfg, logger)
	tb.Cleanup(ts.Staff.Wait) // mail sent after an answer, before the database closes
	ts.FollowUpClock = newTestClock(time.Now())
	if fs, ok := any(ts.StaffStore).(beredskap.FollowUpStore); ok {
		ts.FollowUp = followup.New(fs, book, sender, ts.FollowUpClock.Now, followup.Config{BaseURL: cfg.BaseURL, Text: web.StaffText, Plural: web.StaffPlural}, logger)
		cfg.FollowUp = ts.FollowUp
	}
	if hs, ok := any(ts.StaffStore).(beredskap.HotelStore); ok {
		ts.Hotels = hotel.New(hs, book, sender, ts.FollowUpClock.Now, hotel.Config{Text: web.StaffText}, logger)
		cfg.Hotels = ts.Hotels
	}
	if rs, ok := any(ts.StaffStore).(beredskap.RetentionStore); ok {
		ts.Retention = retention.New(rs, retention.MustEmbedded(), ts.FollowUpClock.Now, logger, retention.Config{})
		cfg.Retention = ts.Retention
	}
	if opts.oidc != nil {
		cfg.OIDC = opts.oidc(tb, cfg.BaseURL)
	}
	if opts.configure != nil {
		opts.configure(tb, ts, &cfg)
	}
	ready := opts.ready
	if ready == nil {
		ready = db.Ping
	}
	ts.Web = web.NewServer(cfg, in, ts.Staff, ready, logger)
	ts.Config.Handler = checkContract(tb, ts.Web.Handler(), cfg.SMSReceipts != nil)
	ts.Start()
	tb.Cleanup(ts.Close)
	return ts
}

// contractJSON returns the registration example of docs/contract.md.
func contractJSON(tb testing.TB) []byte {
	tb.Helper()
	data, err := os.ReadFile("testdata/contract.json")
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// contractWith returns the contract example changed by edit.
func contractWith(tb testing.TB, edit func(m map[string]any)) []byte {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(contractJSON(tb), &m); err != nil {
		tb.Fatal(err)
	}
	edit(m)
	data, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// post sends body as JSON with the extra headers (name, value pairs).
func (ts *testServer) post(tb testing.TB, path string, body []byte, headers ...string) *http.Response {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, ts.URL+path, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	return resp
}

func (ts *testServer) get(tb testing.TB, path string, headers ...string) *http.Response {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	return resp
}

// count returns how many registrations are stored.
func (ts *testServer) count(tb testing.TB) int {
	tb.Helper()
	regs, _, err := ts.Registrations.ListRegistrations(context.Background(), beredskap.RegistrationFilter{Limit: beredskap.MaxPageSize})
	if err != nil {
		tb.Fatal(err)
	}
	return len(regs)
}

// readBody reads and closes the body.
func readBody(tb testing.TB, resp *http.Response) []byte {
	tb.Helper()
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// decodeJSON reads the body as JSON into v.
func decodeJSON(tb testing.TB, resp *http.Response, v any) {
	tb.Helper()
	data := readBody(tb, resp)
	if err := json.Unmarshal(data, v); err != nil {
		tb.Fatalf("decode %s: %v", data, err)
	}
}

// apiError is the error body of the API.
type apiError struct {
	Error struct {
		Code     beredskap.Code `json:"code"`
		Field    string         `json:"field"`
		Reason   string         `json:"reason"`
		Message  string         `json:"message"`
		Problems []struct {
			Field, Reason, Message string
		} `json:"problems"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

// locale reads one of the locale files the pages use.
func locale(tb testing.TB, lang string) map[string]string {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("locales", lang+".json"))
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		tb.Fatal(err)
	}
	return m
}

// testClock is a clock tests set and move; it is safe for the server's
// goroutines.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock(t time.Time) *testClock { return &testClock{now: t} }

// Now returns the clock's instant.
func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}
