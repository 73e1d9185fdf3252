package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/intake"
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
		"too_large": 413, "unsupported_media_type": 415, "internal": 500, "": 500, "whatever": 500,
	}
	for code, want := range tests {
		if got := statusOf(code); got != want {
			t.Errorf("statusOf(%q) = %d; want %d", code, got, want)
		}
	}
}
