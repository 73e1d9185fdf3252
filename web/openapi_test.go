package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"beredskap"
	"beredskap/web"
)

// openAPI is the part of the document the tests read.
type openAPI struct {
	OpenAPI    string                               `json:"openapi"`
	Paths      map[string]map[string]map[string]any `json:"paths"`
	Components struct {
		Schemas map[string]map[string]any `json:"schemas"`
	} `json:"components"`
}

func fetchOpenAPI(t *testing.T, ts *testServer) openAPI {
	t.Helper()
	resp := ts.get(t, "/api/v1/openapi.json")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var doc openAPI
	decodeJSON(t, resp, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi %q; want 3.x", doc.OpenAPI)
	}
	return doc
}

// TestOpenAPIMatchesRoutes checks both ways: every documented operation is
// served, and every API route of the server is documented.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	ts := mustServer(t, web.Config{})
	doc := fetchOpenAPI(t, ts)

	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			pattern := strings.ToUpper(method) + " " + path
			documented[pattern] = true
			req, err := http.NewRequest(strings.ToUpper(method), ts.URL+path, bytes.NewReader(contractJSON(t)))
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
			code := fmt.Sprint(resp.StatusCode)
			if responses, _ := op["responses"].(map[string]any); responses[code] == nil {
				t.Errorf("%s answered %s, which is not documented", pattern, code)
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
	ts := mustServer(t, web.Config{})
	doc := fetchOpenAPI(t, ts)
	v := &validator{schemas: doc.Components.Schemas}

	var example any
	if err := json.Unmarshal(contractJSON(t), &example); err != nil {
		t.Fatal(err)
	}
	if errs := v.validate(ref("Registration"), example, ""); len(errs) > 0 {
		t.Errorf("contract example does not conform:\n%s", strings.Join(errs, "\n"))
	}

	// The validator itself must catch what the server refuses.
	bad := map[string]any{}
	_ = json.Unmarshal(contractWith(t, func(m map[string]any) {
		m["residence"] = "moon"
		m["colour"] = "red"
		delete(m, "arrival_time")
		m["documents"] = []any{"passport_photo"}
	}), &bad)
	errs := strings.Join(v.validate(ref("Registration"), bad, ""), "\n")
	for _, want := range []string{"residence", "colour", "arrival_time", "documents[0]"} {
		if !strings.Contains(errs, want) {
			t.Errorf("validator missed %s in:\n%s", want, errs)
		}
	}

	resp := ts.post(t, "/api/v1/evaluate", contractJSON(t))
	var decision any
	decodeJSON(t, resp, &decision)
	if errs := v.validate(ref("Decision"), decision, ""); len(errs) > 0 {
		t.Errorf("evaluate answer does not conform:\n%s", strings.Join(errs, "\n"))
	}
	resp = ts.post(t, "/api/v1/registrations", contractJSON(t))
	var created any
	decodeJSON(t, resp, &created)
	if errs := v.validate(ref("RegistrationCreated"), created, ""); len(errs) > 0 {
		t.Errorf("registrations answer does not conform:\n%s", strings.Join(errs, "\n"))
	}
	resp = ts.post(t, "/api/v1/registrations", []byte(`{"traveller": {"birth_date": 1}}`))
	var apiErr any
	decodeJSON(t, resp, &apiErr)
	if errs := v.validate(ref("Error"), apiErr, ""); len(errs) > 0 {
		t.Errorf("error answer does not conform:\n%s", strings.Join(errs, "\n"))
	}
}

// TestOpenAPIEnums checks that every enumerated field of the domain is
// documented with exactly its values.
func TestOpenAPIEnums(t *testing.T) {
	ts := mustServer(t, web.Config{})
	doc := fetchOpenAPI(t, ts)
	v := &validator{schemas: doc.Components.Schemas}
	for path, want := range beredskap.Enumerations {
		s := v.resolve(ref("Registration"))
		for _, name := range strings.Split(path, ".") {
			props, _ := s["properties"].(map[string]any)
			s, _ = props[name].(map[string]any)
		}
		if items, ok := s["items"].(map[string]any); ok {
			s = items
		}
		var got []string
		for _, e := range asSlice(s["enum"]) {
			if e != "" { // optional fields may be empty
				got = append(got, fmt.Sprint(e))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: documented enum %v; want %v", path, got, want)
		}
	}
}

func ref(name string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// validator checks a JSON value against the subset of JSON Schema that the
// document uses: $ref, type (also as a list), properties, required,
// additionalProperties false, items, enum and maxItems.
type validator struct {
	schemas map[string]map[string]any
}

func (v *validator) resolve(s map[string]any) map[string]any {
	for {
		r, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		s = v.schemas[strings.TrimPrefix(r, "#/components/schemas/")]
	}
}

func (v *validator) validate(s map[string]any, value any, path string) []string {
	s = v.resolve(s)
	if s == nil {
		return []string{path + ": no schema"}
	}
	var errs []string
	fail := func(format string, args ...any) {
		errs = append(errs, fmt.Sprintf("%s: ", pathOrRoot(path))+fmt.Sprintf(format, args...))
	}
	types := asSlice(s["type"])
	if t, ok := s["type"].(string); ok {
		types = []any{t}
	}
	if len(types) > 0 && !slices.ContainsFunc(types, func(t any) bool { return hasType(value, fmt.Sprint(t)) }) {
		fail("is %T; want %v", value, types)
		return errs
	}
	if enum := asSlice(s["enum"]); enum != nil && value != nil && !slices.Contains(enum, value) {
		fail("%v is not one of %v", value, enum)
	}
	switch x := value.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		for _, r := range asSlice(s["required"]) {
			if _, ok := x[r.(string)]; !ok {
				fail("required property %s is missing", join(path, r.(string)))
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ps, ok := props[k].(map[string]any)
			if !ok {
				if s["additionalProperties"] == false {
					fail("property %s is not documented", join(path, k))
				}
				continue
			}
			errs = append(errs, v.validate(ps, x[k], join(path, k))...)
		}
	case []any:
		if max, ok := s["maxItems"].(float64); ok && float64(len(x)) > max {
			fail("has %d items; at most %v", len(x), max)
		}
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range x {
				errs = append(errs, v.validate(items, e, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return errs
}

func hasType(value any, t string) bool {
	switch t {
	case "object":
		_, ok := value.(map[string]any)
		return ok
	case "array":
		_, ok := value.([]any)
		return ok
	case "string":
		_, ok := value.(string)
		return ok
	case "boolean":
		_, ok := value.(bool)
		return ok
	case "integer":
		f, ok := value.(float64)
		return ok && f == float64(int64(f))
	case "number":
		_, ok := value.(float64)
		return ok
	case "null":
		return value == nil
	}
	return false
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func pathOrRoot(path string) string {
	if path == "" {
		return "(root)"
	}
	return path
}
