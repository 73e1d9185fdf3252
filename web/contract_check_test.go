package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"beredskap/web"
)

// Every test server checks each answer under /api/ against the OpenAPI
// document the server publishes: the operation must be documented for the
// method and path, and the status, the content type and the body must be
// the documented ones. A test whose requests got an undocumented answer
// fails, so a handler and its documentation cannot drift apart.

// apiDocument returns the OpenAPI document of a server with every part
// configured, loaded and validated against the OpenAPI specification once
// per test binary.
func apiDocument() (*openapi3.T, error) { return contracts[1].doc() }

// apiContract returns the router that finds a request's operation in the
// document of a server with every part configured.
func apiContract() (routers.Router, error) { return contracts[1].router() }

// contracts are the documents a test server may serve: without ([0]) and
// with ([1]) the SMS provider's webhook.
var contracts = [2]contract{newContract(false), newContract(true)}

// contract is one document and its router, each made once.
type contract struct {
	doc    func() (*openapi3.T, error)
	router func() (routers.Router, error)
}

func newContract(smsReceipts bool) contract {
	doc := sync.OnceValues(func() (*openapi3.T, error) {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(web.OpenAPIJSON(smsReceipts))
		if err != nil {
			return nil, fmt.Errorf("load the OpenAPI document: %w", err)
		}
		if err := doc.Validate(loader.Context); err != nil {
			return nil, fmt.Errorf("the OpenAPI document is not valid: %w", err)
		}
		return doc, nil
	})
	router := sync.OnceValues(func() (routers.Router, error) {
		d, err := doc()
		if err != nil {
			return nil, err
		}
		return legacy.NewRouter(d)
	})
	return contract{doc: doc, router: router}
}

// contractChecker wraps a test server's handler and keeps what it found
// wrong until the test ends.
type contractChecker struct {
	router routers.Router
	next   http.Handler

	mu       sync.Mutex
	failures []string
}

// checkContract returns next, the handler of a server whose document has
// the SMS provider's webhook when smsReceipts, wrapped in a checker whose
// findings fail tb when it ends. The checker must be set up before the
// server starts, so that its cleanup runs after the server is closed and
// every answer is in.
func checkContract(tb testing.TB, next http.Handler, smsReceipts bool) http.Handler {
	tb.Helper()
	c := contracts[0]
	if smsReceipts {
		c = contracts[1]
	}
	router, err := c.router()
	if err != nil {
		tb.Fatal(err)
	}
	checker := &contractChecker{router: router, next: next}
	tb.Cleanup(func() {
		checker.mu.Lock()
		defer checker.mu.Unlock()
		for _, f := range checker.failures {
			tb.Errorf("answer not as the OpenAPI document says: %s", f)
		}
	})
	return checker
}

func (c *contractChecker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		c.next.ServeHTTP(w, r)
		return
	}
	rec := &recordingWriter{ResponseWriter: w}
	c.next.ServeHTTP(rec, r)
	if err := c.check(r, rec); err != nil {
		c.mu.Lock()
		c.failures = append(c.failures, fmt.Sprintf("%s %s → %d: %s", r.Method, r.URL.Path, rec.status(), brief(err)))
		c.mu.Unlock()
	}
}

// check compares one answer with the document. A path or method the
// document does not name may only be answered 404 or 405 with an error
// body.
func (c *contractChecker) check(r *http.Request, rec *recordingWriter) error {
	route, params, err := c.router.FindRoute(r)
	if err != nil {
		status := rec.status()
		if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
			return fmt.Errorf("not documented (%v)", err)
		}
		return nil
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 rec.status(),
		Header:                 rec.Header(),
		Body:                   io.NopCloser(bytes.NewReader(rec.body.Bytes())),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	return openapi3filter.ValidateResponse(context.Background(), input)
}

// recordingWriter passes an answer on and keeps its status and body.
type recordingWriter struct {
	http.ResponseWriter
	code int
	body bytes.Buffer
}

func (w *recordingWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	w.body.Write(p)
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the server's writer.
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *recordingWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

// brief keeps the lines of a validation error that say what is wrong and
// where, without the dumps of schemas and values between them (which are
// JSON, so start with a quote, a bracket, a digit or a literal).
func brief(err error) string {
	var kept []string
	for _, line := range strings.Split(err.Error(), "\n") {
		line = strings.TrimSpace(strings.TrimLeft(line, " \t|"))
		switch {
		case line == "" || line == "Schema:" || line == "Value:" || line == "true" || line == "false" || line == "null":
		case unicode.IsLetter(rune(line[0])):
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, " | ")
}

// TestOpenAPIDocumentIsValid checks the served document against the
// OpenAPI 3.1 specification (kin-openapi's loader and validator), with and
// without the SMS provider's webhook.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	t.Parallel()
	for _, c := range contracts {
		if _, err := c.doc(); err != nil {
			t.Error(err)
		}
	}
	ts := mustServer(t, web.Config{})
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(readBody(t, ts.get(t, "/api/v1/openapi.json")))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Errorf("the served document is not valid OpenAPI: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi %s; want 3.1", doc.OpenAPI)
	}
}

// TestContractCheckCatchesDrift runs the checker every test server has
// over a handler that answers against its document: an undocumented
// status, a body of the wrong shape, an undocumented content type and an
// undocumented path are each found; a 404 for an unknown path is not.
func TestContractCheckCatchesDrift(t *testing.T) {
	t.Parallel()
	router, err := apiContract()
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]func(w http.ResponseWriter){
		"/api/v1/registrations?status=418": func(w http.ResponseWriter) { w.WriteHeader(http.StatusTeapot) },
		"/api/v1/registrations?shape=wrong": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"items": 3}`))
		},
		"/api/v1/registrations?type=text": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte(`{"items": []}`))
		},
		"/api/v1/nowhere": func(w http.ResponseWriter) { w.WriteHeader(http.StatusOK) },
		"/api/v1/unknown": func(w http.ResponseWriter) { http.NotFound(w, nil) },
	}
	c := &contractChecker{router: router, next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answers[r.URL.RequestURI()](w)
	})}
	for target := range answers {
		c.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, target, nil))
	}
	found := strings.Join(c.failures, "\n")
	for _, want := range []string{"→ 418: ", "/api/v1/registrations → 200: response body doesn't match",
		"response header Content-Type has unexpected value", "/api/v1/nowhere → 200: not documented"} {
		if !strings.Contains(found, want) {
			t.Errorf("the checker did not report %q; it found:\n%s", want, found)
		}
	}
	if len(c.failures) != 4 {
		t.Errorf("%d failures; want 4:\n%s", len(c.failures), found)
	}
}
