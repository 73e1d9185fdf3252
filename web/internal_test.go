package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/intake"
	"beredskap/sqlite"
	"beredskap/staff"
)

// TestPanicBecomes500 checks the middleware: a panic in a handler is
// answered with the generic internal error, logged with its request id and
// stack, and its text never reaches the client.
func TestPanicBecomes500(t *testing.T) {
	var logs bytes.Buffer
	// The staff service is never reached: no request carries credentials.
	svc := staff.New(nil, nil, time.Now, staff.Config{}, nil)
	s := NewServer(Config{}, &intake.Intake{}, svc, nil, slog.New(slog.NewJSONHandler(&logs, nil)))
	boom := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret detail 12345") })
	h := s.requestID(s.accessLog(s.recoverPanic(s.securityHeaders(boom))))

	for _, path := range []string{"/api/v1/evaluate", "/"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, strings.NewReader("{}")))
		body := rec.Body.String()
		if rec.Code != http.StatusInternalServerError {
			t.Errorf("%s: status %d; want 500", path, rec.Code)
		}
		if strings.Contains(body, "secret detail") {
			t.Errorf("%s: the panic's text reached the client: %s", path, body)
		}
		id := rec.Header().Get("X-Request-Id")
		if id == "" || !strings.Contains(body, id) {
			t.Errorf("%s: body does not give the request id %q: %s", path, id, body)
		}
		if !strings.Contains(logs.String(), `"request_id":"`+id+`"`) || !strings.Contains(logs.String(), "secret detail") {
			t.Errorf("%s: panic not logged with request id %s:\n%s", path, id, logs.String())
		}
	}
	if !strings.Contains(logs.String(), `"status":500`) {
		t.Errorf("access log lacks the 500:\n%s", logs.String())
	}
}

func TestStatusOfEveryCode(t *testing.T) {
	tests := map[beredskap.Code]int{
		"invalid": 400, "unauthorized": 401, "forbidden": 403, "not_found": 404, "conflict": 409,
		"too_large": 413, "unsupported_media_type": 415, "unavailable": 503, "internal": 500, "": 500, "whatever": 500,
	}
	for code, want := range tests {
		if got := statusOf(code); got != want {
			t.Errorf("statusOf(%q) = %d; want %d", code, got, want)
		}
	}
}

// A database that cannot take work now (a failover) is answered with 503
// and Retry-After, on the API and on pages, so that clients retry rather
// than give up; its cause is not shown.
func TestUnavailableIs503WithRetryAfter(t *testing.T) {
	db, err := sqlite.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := staff.New(sqlite.NewStaffStore(db, time.Now), nil, time.Now, staff.Config{}, nil)
	s := NewServer(Config{}, &intake.Intake{}, svc, nil, slog.New(slog.DiscardHandler))
	cause := fmt.Errorf("create registration: %w: %w",
		&beredskap.Error{Code: beredskap.EUNAVAILABLE, Message: "the database is not available at the moment; try again shortly"},
		errors.New("read-only transaction on 10.0.0.7"))
	for _, path := range []string{"/api/v1/registrations", "/"} {
		rec := httptest.NewRecorder()
		s.Error(rec, httptest.NewRequest(http.MethodPost, path, nil), cause)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s: status %d, Retry-After %q; want 503 with Retry-After", path, rec.Code, rec.Header().Get("Retry-After"))
		}
		if strings.Contains(rec.Body.String(), "10.0.0.7") {
			t.Errorf("%s: the cause reached the client: %s", path, rec.Body.String())
		}
	}
	if !documented(http.MethodPost, "/api/v1/registrations", http.StatusServiceUnavailable) {
		t.Error("the OpenAPI document does not name the 503 of POST /api/v1/registrations")
	}
}

// documented reports whether the OpenAPI document names status among the
// answers of method and path, with its Retry-After when it is 503.
func documented(method, path string, status int) bool {
	item := openAPIDocument("test", "", false).Paths.Find(path)
	if item == nil || item.GetOperation(method) == nil {
		return false
	}
	r := item.GetOperation(method).Responses.Status(status)
	return r != nil && (status != http.StatusServiceUnavailable || r.Value.Headers["Retry-After"] != nil)
}

// epochUnavailable is a staff store on a real database whose auth epoch
// cannot be read, as during a failover.
type epochUnavailable struct{ beredskap.StaffStore }

func (epochUnavailable) AuthEpoch(context.Context) (int64, error) {
	return 0, fmt.Errorf("read auth epoch: %w",
		&beredskap.Error{Code: beredskap.EUNAVAILABLE, Message: "the database is not available at the moment; try again shortly"})
}

// A token that cannot be checked because the database is unavailable is
// answered with 503 and Retry-After, not 401: the client's token is not
// bad, and a 401 would send it to log in again or give up.
func TestTokenCheckDuringFailoverIs503(t *testing.T) {
	db, err := sqlite.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := staff.New(epochUnavailable{sqlite.NewStaffStore(db, time.Now)}, nil, time.Now, staff.Config{}, nil)
	s := NewServer(Config{}, &intake.Intake{}, svc, nil, slog.New(slog.DiscardHandler))
	req := httptest.NewRequest(http.MethodGet, "/api/v1/registrations", nil)
	req.Header.Set("Authorization", "Bearer "+staff.TokenPrefix+"abcdefghijklmnopqrstuvwxyz0123456789")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("status %d, Retry-After %q; want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	if !documented(http.MethodGet, "/api/v1/registrations", http.StatusServiceUnavailable) {
		t.Error("the OpenAPI document does not name the 503 of GET /api/v1/registrations")
	}
}
