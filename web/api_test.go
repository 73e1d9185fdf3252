package web_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"beredskap"
	"beredskap/web"
)

func TestEvaluateContractExample(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, web.Config{})
	resp := ts.post(t, "/api/v1/evaluate", contractJSON(t), "Accept-Language", "nb-NO,nb;q=0.9,en;q=0.5")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, readBody(t, resp))
	}
	var d beredskap.Decision
	decodeJSON(t, resp, &d)
	if d.RuleSet.ID == "" || d.RuleSet.InForceFrom == "" {
		t.Errorf("rule_set %+v; want id and in_force_from", d.RuleSet)
	}
	q := d.Quarantine
	if !q.Required || q.Scope != beredskap.ScopeFull || q.FirstDay == nil || *q.FirstDay != "2020-12-20" || q.LastDay == nil || *q.LastDay != "2020-12-30" {
		t.Errorf("quarantine %+v; want full from 2020-12-20 to 2020-12-30", q)
	}
	if d.Hotel.Required || d.Hotel.ExemptionGroup == nil || *d.Hotel.ExemptionGroup != 4 || d.Hotel.Payer != beredskap.PayerNone {
		t.Errorf("hotel %+v; want not required, group 4, payer none", d.Hotel)
	}
	if len(d.Reasons) == 0 || d.Reasons[0].Ref == "" || d.Reasons[0].Text == "" {
		t.Errorf("reasons %+v; want texts with references", d.Reasons)
	}
	if d.Language != "nb" {
		t.Errorf("language %q; want nb from Accept-Language", d.Language)
	}
	if ts.count(t) != 0 {
		t.Errorf("evaluate stored a registration")
	}
}

func TestEvaluateLanguage(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, web.Config{})
	nynorsk := contractWith(t, func(m map[string]any) { m["traveller"].(map[string]any)["language"] = "nn" })
	tests := []struct {
		name, acceptLanguage string
		body                 []byte
		want                 string
	}{
		{"Accept-Language nb", "nb", contractJSON(t), "nb"},
		{"Accept-Language no means bokmål", "no", contractJSON(t), "nb"},
		{"Accept-Language nn wins over traveller.language", "nn-NO", contractJSON(t), "nn"},
		{"Accept-Language en-GB", "en-GB,en;q=0.8", nynorsk, "en"},
		{"unknown Accept-Language falls to traveller.language", "pl", nynorsk, "nn"},
		{"no header: traveller.language", "", nynorsk, "nn"},
		{"traveller.language without texts: English", "", contractJSON(t), "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.acceptLanguage != "" {
				headers = []string{"Accept-Language", tt.acceptLanguage}
			}
			resp := ts.post(t, "/api/v1/evaluate", tt.body, headers...)
			var d beredskap.Decision
			decodeJSON(t, resp, &d)
			if got := d.Language; got != tt.want {
				t.Errorf("language %q; want %q", got, tt.want)
			}
		})
	}
}

func TestRegisterAndIdempotency(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, web.Config{})
	type created struct {
		Receipt  string             `json:"receipt"`
		Decision beredskap.Decision `json:"decision"`
	}

	resp := ts.post(t, "/api/v1/registrations", contractJSON(t), "Idempotency-Key", "key-1")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d: %s", resp.StatusCode, readBody(t, resp))
	}
	var first created
	decodeJSON(t, resp, &first)
	if got, ok := beredskap.NormalizeReceipt(first.Receipt); !ok || got != first.Receipt {
		t.Errorf("receipt %q does not normalise to itself (%q, %v)", first.Receipt, got, ok)
	}
	if first.Decision.RuleSet.ID == "" {
		t.Errorf("decision missing: %+v", first.Decision)
	}

	resp = ts.post(t, "/api/v1/registrations", contractJSON(t), "Idempotency-Key", "key-1")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("retry: status %d, Idempotent-Replayed %q; want 200, true", resp.StatusCode, resp.Header.Get("Idempotent-Replayed"))
	}
	var again created
	decodeJSON(t, resp, &again)
	if again.Receipt != first.Receipt {
		t.Errorf("retry receipt %q; want %q", again.Receipt, first.Receipt)
	}
	if n := ts.count(t); n != 1 {
		t.Errorf("%d registrations stored; want 1", n)
	}

	other := contractWith(t, func(m map[string]any) { m["traveller"].(map[string]any)["first_name"] = "Maria" })
	resp = ts.post(t, "/api/v1/registrations", other, "Idempotency-Key", "key-1")
	var e apiError
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("same key, other body: status %d; want 409", resp.StatusCode)
	}
	decodeJSON(t, resp, &e)
	if e.Error.Code != beredskap.ECONFLICT {
		t.Errorf("code %q; want conflict", e.Error.Code)
	}

	resp = ts.post(t, "/api/v1/registrations", contractJSON(t))
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("without key: status %d; want 201", resp.StatusCode)
	}
	readBody(t, resp)
	if n := ts.count(t); n != 2 {
		t.Errorf("%d registrations stored; want 2", n)
	}
}

func TestIdempotencyKeyChecked(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, web.Config{})
	for _, key := range []string{strings.Repeat("k", 201), "tab\there", "ü-key"} {
		resp := ts.post(t, "/api/v1/registrations", contractJSON(t), "Idempotency-Key", key)
		var e apiError
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("key %q: status %d; want 400", key, resp.StatusCode)
		}
		decodeJSON(t, resp, &e)
		if e.Error.Field != "Idempotency-Key" {
			t.Errorf("key %q: field %q; want Idempotency-Key", key, e.Error.Field)
		}
	}
	resp := ts.post(t, "/api/v1/registrations", contractJSON(t), "Idempotency-Key", strings.Repeat("k", 200))
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("200-character key: status %d; want 201", resp.StatusCode)
	}
	readBody(t, resp)
	if n := ts.count(t); n != 1 {
		t.Errorf("%d registrations stored; want 1", n)
	}
}

func TestAPIErrors(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, web.Config{})
	tests := []struct {
		name        string
		path        string
		body        []byte
		contentType string
		status      int
		code        beredskap.Code
		field       string
	}{
		{"unknown field", "/api/v1/evaluate",
			contractWith(t, func(m map[string]any) { m["colour"] = "red" }), "application/json", 400, "invalid", "colour"},
		{"unknown nested field", "/api/v1/registrations",
			contractWith(t, func(m map[string]any) { m["traveller"].(map[string]any)["shoe_size"] = 42 }), "application/json", 400, "invalid", "traveller.shoe_size"},
		{"wrong type", "/api/v1/evaluate",
			contractWith(t, func(m map[string]any) { m["traveller"].(map[string]any)["birth_date"] = 19900517 }), "application/json", 400, "invalid", "traveller.birth_date"},
		{"wrong type of bool", "/api/v1/registrations",
			contractWith(t, func(m map[string]any) { m["accommodation"].(map[string]any)["single_room"] = "yes" }), "application/json", 400, "invalid", "accommodation.single_room"},
		{"missing arrival_time", "/api/v1/evaluate",
			contractWith(t, func(m map[string]any) { delete(m, "arrival_time") }), "application/json", 400, "invalid", "arrival_time"},
		{"birth date in the future", "/api/v1/registrations",
			contractWith(t, func(m map[string]any) { m["traveller"].(map[string]any)["birth_date"] = "2999-01-01" }), "application/json", 400, "invalid", "traveller.birth_date"},
		{"unknown enum value", "/api/v1/evaluate",
			contractWith(t, func(m map[string]any) { m["residence"] = "moon" }), "application/json", 400, "invalid", "residence"},
		{"trailing data", "/api/v1/evaluate", append(contractJSON(t), []byte(" {}")...), "application/json", 400, "invalid", ""},
		{"charset is fine", "/api/v1/evaluate", contractJSON(t), "application/json; charset=utf-8", 200, "", ""},
		{"text/plain", "/api/v1/evaluate", contractJSON(t), "text/plain", 415, "unsupported_media_type", ""},
		{"form", "/api/v1/registrations", contractJSON(t), "application/x-www-form-urlencoded", 415, "unsupported_media_type", ""},
		{"no content type", "/api/v1/registrations", contractJSON(t), "", 415, "unsupported_media_type", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, ts.URL+tt.path, bytes.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Errorf("status %d; want %d", resp.StatusCode, tt.status)
			}
			if tt.status == 200 {
				readBody(t, resp)
				return
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q; want JSON", ct)
			}
			var e apiError
			decodeJSON(t, resp, &e)
			if e.Error.Code != tt.code || e.Error.Field != tt.field || e.Error.Message == "" {
				t.Errorf("error %+v; want code %q field %q and a message", e.Error, tt.code, tt.field)
			}
		})
	}
	if n := ts.count(t); n != 0 {
		t.Errorf("%d registrations stored by bad requests; want 0", n)
	}
}

func TestAPIReportsEveryProblem(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, web.Config{})
	body := contractWith(t, func(m map[string]any) {
		tr := m["traveller"].(map[string]any)
		tr["first_name"] = ""
		tr["birth_date"] = "17.05.1990"
		m["accommodation"].(map[string]any)["address"].(map[string]any)["postal_code"] = "01X5"
	})
	resp := ts.post(t, "/api/v1/registrations", body)
	var e apiError
	decodeJSON(t, resp, &e)
	var fields []string
	for _, p := range e.Error.Problems {
		fields = append(fields, p.Field+":"+p.Reason)
	}
	got := strings.Join(fields, " ")
	for _, want := range []string{"traveller.first_name:required", "traveller.birth_date:format_date", "accommodation.address.postal_code:format_postal_code"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems %s; want %s among them", got, want)
		}
	}
	if e.Error.Field != "traveller.first_name" {
		t.Errorf("field %q; want the first problem's", e.Error.Field)
	}
}

func TestBodyTooLarge(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, web.Config{})
	big := contractWith(t, func(m map[string]any) {
		m["traveller"].(map[string]any)["first_name"] = strings.Repeat("a", 1<<20)
	})
	for _, path := range []string{"/api/v1/evaluate", "/api/v1/registrations"} {
		resp := ts.post(t, path, big)
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: status %d; want 413", path, resp.StatusCode)
		}
		var e apiError
		decodeJSON(t, resp, &e)
		if e.Error.Code != beredskap.ETOOLARGE {
			t.Errorf("%s: code %q; want too_large", path, e.Error.Code)
		}
	}

	small := mustServer(t, web.Config{MaxBodyBytes: 512})
	resp := small.post(t, "/api/v1/evaluate", contractJSON(t))
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("limit 512: status %d; want 413", resp.StatusCode)
	}
	readBody(t, resp)
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	plain := mustServer(t, web.Config{})
	secure := mustServer(t, web.Config{SecureCookies: true})
	for _, path := range []string{"/", "/api/v1/openapi.json", "/healthz", "/no-such-page"} {
		resp := plain.get(t, path)
		readBody(t, resp)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'", "script-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: Content-Security-Policy %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code: %q", path, csp)
		}
		for name, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "no-referrer",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("%s: %s %q; want %q", path, name, got, want)
			}
		}
		if h.Get("Permissions-Policy") == "" || h.Get("X-Request-Id") == "" {
			t.Errorf("%s: Permissions-Policy %q, X-Request-Id %q; want both", path, h.Get("Permissions-Policy"), h.Get("X-Request-Id"))
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS without SecureCookies", path)
		}
		resp = secure.get(t, path)
		readBody(t, resp)
		if !strings.Contains(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
			t.Errorf("%s: no HSTS with SecureCookies", path)
		}
	}
}

func TestRequestIDCarriesThrough(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, web.Config{})
	resp := ts.get(t, "/healthz", "X-Request-Id", "proxy-id-123")
	readBody(t, resp)
	if got := resp.Header.Get("X-Request-Id"); got != "proxy-id-123" {
		t.Errorf("X-Request-Id %q; want the proxy's", got)
	}
	resp = ts.get(t, "/healthz", "X-Request-Id", "bad id <script>")
	readBody(t, resp)
	if got := resp.Header.Get("X-Request-Id"); got == "" || strings.ContainsAny(got, " <>") {
		t.Errorf("X-Request-Id %q; want a fresh id", got)
	}
}

func TestOperationalEndpoints(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, web.Config{})
	resp := ts.get(t, "/healthz")
	if body := readBody(t, resp); resp.StatusCode != 200 || !strings.HasPrefix(string(body), "ok") {
		t.Errorf("/healthz: %d %q", resp.StatusCode, body)
	}
	resp = ts.get(t, "/readyz")
	if body := readBody(t, resp); resp.StatusCode != 200 {
		t.Errorf("/readyz: %d %q", resp.StatusCode, body)
	}

	// One registration, then the metrics show it and the request counts.
	resp = ts.post(t, "/api/v1/registrations", contractJSON(t))
	readBody(t, resp)
	resp = ts.post(t, "/api/v1/evaluate", contractJSON(t))
	readBody(t, resp)
	// /metrics is not served with the rest (issue 13, item 9), but on the
	// handler the metrics listener serves.
	resp = ts.get(t, "/metrics")
	if readBody(t, resp); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the public address: %d; want 404", resp.StatusCode)
	}
	rec := httptest.NewRecorder()
	ts.Web.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	metrics := rec.Body.String()
	for _, want := range []string{
		`beredskap_http_requests_total{route="POST /api/v1/registrations",status="201"} 1`,
		`beredskap_http_request_duration_seconds_bucket{route="POST /api/v1/evaluate",status="200"`,
		`beredskap_registrations_created_total 1`,
		`beredskap_evaluation_duration_seconds_count 1`,
		`beredskap_http_requests_total{route="GET /readyz",status="200"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestReadyzFailsWhenNotReady(t *testing.T) {
	t.Parallel()
	down := errors.New("database is down")
	ts := startServer(t, web.Config{ReadyGrace: time.Nanosecond}, func(context.Context) error { return down })
	resp := ts.get(t, "/readyz")
	readBody(t, resp)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz: %d; want 503", resp.StatusCode)
	}
	resp = ts.get(t, "/healthz")
	readBody(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %d; want 200 while not ready", resp.StatusCode)
	}
}

func TestNoPersonalDataInLogs(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, web.Config{})
	resp := ts.post(t, "/api/v1/registrations", contractJSON(t))
	var c struct{ Receipt string }
	decodeJSON(t, resp, &c)
	resp = ts.get(t, "/receipt/"+c.Receipt)
	readBody(t, resp)
	logs := ts.Logs.String()
	if !strings.Contains(logs, `"route":"POST /api/v1/registrations"`) {
		t.Errorf("no access log line for the registration:\n%s", logs)
	}
	for _, secret := range []string{"Kowalska", "1990-05-17", "EA1234567", "anna@example.com", "601234567", c.Receipt} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs hold %q:\n%s", secret, logs)
		}
	}
}

func TestUnknownRoutes(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, web.Config{})
	resp := ts.get(t, "/api/v1/evaluate")
	readBody(t, resp)
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /api/v1/evaluate: %d; want 405", resp.StatusCode)
	}
	resp = ts.get(t, "/receipt/not-a-receipt")
	body := string(readBody(t, resp))
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "<html") {
		t.Errorf("unknown receipt: %d; want 404 page", resp.StatusCode)
	}
}

// While the database does not answer for less than the grace (a failover),
// /readyz stays ready on every instance, so that the balancer keeps them
// and they answer 503 with Retry-After themselves; a draining instance is
// not ready whatever the database does.
func TestReadyzWithinGraceAndDraining(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var dbErr error
	ts := startServer(t, web.Config{ReadyGrace: time.Hour}, func(context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		return dbErr
	})
	ready := func() (int, string) {
		resp := ts.get(t, "/readyz")
		return resp.StatusCode, string(readBody(t, resp))
	}
	if code, body := ready(); code != http.StatusOK || body != "ready\n" {
		t.Errorf("/readyz with the database up: %d %q", code, body)
	}
	mu.Lock()
	dbErr = errors.New("failover")
	mu.Unlock()
	if code, body := ready(); code != http.StatusOK || !strings.Contains(body, "has not answered") {
		t.Errorf("/readyz in a failover: %d %q; want 200 saying the database has not answered", code, body)
	}
	mu.Lock()
	dbErr = nil
	mu.Unlock()
	ts.Web.Drain()
	if code, body := ready(); code != http.StatusServiceUnavailable || body != "draining\n" {
		t.Errorf("/readyz while draining: %d %q; want 503", code, body)
	}
}
