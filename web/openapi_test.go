package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"beredskap"
	"beredskap/web"
)

// fetchOpenAPI returns the document the server serves, loaded by
// kin-openapi.
func fetchOpenAPI(t *testing.T, ts *testServer) *openapi3.T {
	t.Helper()
	resp := ts.get(t, "/api/v1/openapi.json")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	doc, err := openapi3.NewLoader().LoadFromData(readBody(t, resp))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi %q; want 3.x", doc.OpenAPI)
	}
	return doc
}

// TestOpenAPIMatchesRoutes checks both ways: every documented operation is
// served, and every API route of the server is documented.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, web.Config{})
	doc := fetchOpenAPI(t, ts)

	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			pattern := method + " " + path
			documented[pattern] = true
			req, err := http.NewRequest(method, ts.URL+path, bytes.NewReader(contractJSON(t)))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			readBody(t, resp)
			if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
				t.Errorf("%s is documented but answers %d", pattern, resp.StatusCode)
			}
			if op.Responses.Status(resp.StatusCode) == nil {
				t.Errorf("%s answered %d, which is not documented", pattern, resp.StatusCode)
			}
		}
	}

	var served []string
	for _, pattern := range ts.Web.Routes() {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok {
			t.Errorf("route %q has no method", pattern)
			continue
		}
		if !strings.HasPrefix(path, "/api/") {
			continue
		}
		served = append(served, pattern)
		if !documented[method+" "+path] {
			t.Errorf("route %s is not in the OpenAPI document", pattern)
		}
	}
	if len(served) < 3 {
		t.Errorf("API routes %v; want at least evaluate, registrations and openapi.json", served)
	}
}

// TestOpenAPISchemas validates the contract example against the documented
// request schema, and real answers against the response schemas.
func TestOpenAPISchemas(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, web.Config{})
	var example any
	if err := json.Unmarshal(contractJSON(t), &example); err != nil {
		t.Fatal(err)
	}
	if errs := conformance(t, "Registration", example); errs != "" {
		t.Errorf("contract example does not conform: %s", errs)
	}

	// The validator itself must catch what the server refuses.
	bad := map[string]any{}
	_ = json.Unmarshal(contractWith(t, func(m map[string]any) {
		m["residence"] = "moon"
		m["colour"] = "red"
		delete(m, "arrival_time")
		m["documents"] = []any{"passport_photo"}
	}), &bad)
	errs := conformance(t, "Registration", bad)
	for _, want := range []string{"/residence", "colour", "arrival_time", "/documents/0"} {
		if !strings.Contains(errs, want) {
			t.Errorf("validator missed %s in:\n%s", want, errs)
		}
	}

	resp := ts.post(t, "/api/v1/evaluate", contractJSON(t))
	var decision any
	decodeJSON(t, resp, &decision)
	if errs := conformance(t, "Decision", decision); errs != "" {
		t.Errorf("evaluate answer does not conform: %s", errs)
	}
	resp = ts.post(t, "/api/v1/registrations", contractJSON(t))
	var created any
	decodeJSON(t, resp, &created)
	if errs := conformance(t, "RegistrationCreated", created); errs != "" {
		t.Errorf("registrations answer does not conform: %s", errs)
	}
	resp = ts.post(t, "/api/v1/registrations", []byte(`{"traveller": {"birth_date": 1}}`))
	var apiErr any
	decodeJSON(t, resp, &apiErr)
	if errs := conformance(t, "Error", apiErr); errs != "" {
		t.Errorf("error answer does not conform: %s", errs)
	}
}

// TestOpenAPIEnums checks that every enumerated field of the domain is
// documented with exactly its values.
func TestOpenAPIEnums(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, web.Config{})
	doc := fetchOpenAPI(t, ts)
	for path, want := range beredskap.Enumerations {
		s := doc.Components.Schemas["Registration"]
		for _, name := range strings.Split(path, ".") {
			s = s.Value.Properties[name]
			if s == nil {
				t.Fatalf("%s: the Registration schema has no %s", path, name)
			}
		}
		if s.Value.Items != nil {
			s = s.Value.Items
		}
		var got []string
		for _, e := range s.Value.Enum {
			if e != "" { // optional fields may be empty
				got = append(got, fmt.Sprint(e))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: documented enum %v; want %v", path, got, want)
		}
	}
}

// conformance returns what is wrong with value against the component
// schema name of the OpenAPI document, as the library that checks every
// answer of the test servers (contract_check_test.go) finds it, or "".
func conformance(t *testing.T, name string, value any) string {
	t.Helper()
	doc, err := apiDocument()
	if err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas[name]
	if s == nil {
		t.Fatalf("the document has no schema %s", name)
	}
	if err := s.Value.VisitJSON(value, openapi3.EnableJSONSchema2020(), openapi3.MultiErrors()); err != nil {
		return brief(err)
	}
	return ""
}
