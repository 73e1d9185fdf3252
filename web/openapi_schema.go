package web

import (
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// The schemas of the OpenAPI document are reflected from the Go types the
// handlers read and write, so that a field added to a type is documented
// without another edit.

// schemaRules add to what reflection finds: which fields are required, the
// enums and formats of strings, bounds and descriptions, by JSON path.
type schemaRules struct {
	required map[string]bool
	// present says that every field not left out when empty is there in
	// every value (a response), so required in the schema, while an
	// optional enumerated string may still be empty.
	present      bool
	enums        map[string][]string
	formats      map[string]string
	descriptions map[string]string
	bounds       map[string][2]int
	maxItems     int
}

// allRequired marks every field as required (responses always carry all).
var allRequired = map[string]bool{"*": true}

// staffRules describe an answer of the staff API: every field is there.
var staffRules = schemaRules{required: allRequired}

func setOf(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// schemaFor returns the JSON Schema (OpenAPI 3.1) of the Go type T under
// the rules sr.
func schemaFor[T any](sr schemaRules) *openapi3.Schema { return schemaAt[T](sr, "") }

// schemaAt returns the schema of the Go type T at the JSON path path of a
// larger value, under the rules sr.
func schemaAt[T any](sr schemaRules, path string) *openapi3.Schema {
	return sr.schemaOf(reflect.TypeFor[T](), path, false)
}

// schemaOf returns the schema of t, whose JSON path is path. An optional
// enumerated string (not a list item) may also be empty.
func (sr *schemaRules) schemaOf(t reflect.Type, path string, item bool) *openapi3.Schema {
	s := &openapi3.Schema{}
	nullable := false
	if t.Kind() == reflect.Pointer {
		t, nullable = t.Elem(), true
	}
	switch {
	case t == reflect.TypeFor[time.Time]():
		// An instant is written in RFC 3339.
		s = dateTime()
	case t.Kind() == reflect.Struct:
		s = openapi3.NewObjectSchema().WithoutAdditionalProperties()
		sr.fields(t, path, s)
	case t.Kind() == reflect.Slice:
		s = openapi3.NewArraySchema()
		s.Items = sr.schemaOf(t.Elem(), path, true).NewRef()
		s.Items.Value.Description = ""
		if sr.maxItems > 0 {
			s.WithMaxItems(int64(sr.maxItems))
		}
	case t.Kind() == reflect.String:
		s = openapi3.NewStringSchema()
		if e, ok := sr.enums[path]; ok {
			if !item && !sr.required["*"] && !sr.required[path] {
				e = append(slices.Clone(e), "")
			}
			s = enum(e...)
		}
		s.Format = sr.formats[path]
	case t.Kind() == reflect.Bool:
		s = openapi3.NewBoolSchema()
	case t.Kind() == reflect.Int || t.Kind() == reflect.Int64 || t.Kind() == reflect.Int32:
		s = openapi3.NewIntegerSchema()
		if b, ok := sr.bounds[path]; ok {
			s.WithMin(float64(b[0])).WithMax(float64(b[1]))
		}
	}
	s.Description = sr.descriptions[path]
	if nullable && s.Type != nil {
		*s.Type = append(*s.Type, openapi3.TypeNull)
	}
	return s
}

// fields adds the properties of struct t, at path, to the object schema s,
// and the names of the required ones to its required list. As in
// encoding/json, the fields of an embedded struct without a JSON name are
// the outer struct's own.
func (sr *schemaRules) fields(t reflect.Type, path string, s *openapi3.Schema) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			sr.fields(f.Type, path, s)
			continue
		}
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		p := name
		if path != "" {
			p = path + "." + name
		}
		s.Properties[name] = sr.schemaOf(f.Type, p, false).NewRef()
		// A field left out when empty is required only where named.
		omitted := slices.ContainsFunc(strings.Split(opts, ","), func(o string) bool { return o == "omitempty" || o == "omitzero" })
		if (sr.required["*"] || sr.present) && !omitted || sr.required[p] {
			s.Required = append(s.Required, name)
		}
	}
}

// described returns a reference to s, described as description.
func described(s *openapi3.Schema, description string) *openapi3.SchemaRef {
	s.Description = description
	return s.NewRef()
}

// describedString returns a string described as description.
func describedString(description string) *openapi3.SchemaRef {
	return described(openapi3.NewStringSchema(), description)
}

// ref returns a reference to the component schema name.
func ref(name string) *openapi3.SchemaRef {
	return openapi3.NewSchemaRef("#/components/schemas/"+name, nil)
}

// arrayOf returns the schema of a list of items.
func arrayOf(items *openapi3.SchemaRef) *openapi3.SchemaRef {
	s := openapi3.NewArraySchema()
	s.Items = items
	return s.NewRef()
}

// objectOf returns the schema of an object without other properties than
// props, of which required are always there.
func objectOf(props openapi3.Schemas, required ...string) *openapi3.Schema {
	s := openapi3.NewObjectSchema().WithoutAdditionalProperties()
	s.Properties, s.Required = props, required
	return s
}

// itemsSchema returns the schema of an object whose items are item, with
// no paging.
func itemsSchema(item *openapi3.SchemaRef) *openapi3.Schema {
	return objectOf(openapi3.Schemas{"items": arrayOf(item)}, "items")
}

// listSchema returns the schema of a page of items.
func listSchema(item *openapi3.SchemaRef) *openapi3.Schema {
	s := itemsSchema(item)
	s.Properties["next_page_token"] = openapi3.NewStringSchema().NewRef()
	return s
}

// enum returns the schema of a string that takes one of values.
func enum[S ~string](values ...S) *openapi3.Schema {
	s := openapi3.NewStringSchema()
	for _, v := range values {
		s.Enum = append(s.Enum, string(v))
	}
	return s
}

func dateTime() *openapi3.Schema { return openapi3.NewStringSchema().WithFormat("date-time") }

func date() *openapi3.Schema { return openapi3.NewStringSchema().WithFormat("date") }

// digits returns the schema of a string of n digits.
func digits(n string) *openapi3.Schema {
	return openapi3.NewStringSchema().WithPattern("^[0-9]{" + n + "}$")
}

// positiveID is the schema of a stored object's id.
func positiveID() *openapi3.Schema { return openapi3.NewIntegerSchema().WithMin(1) }

// binary is the schema of a file that is not text.
func binary() *openapi3.Schema { return openapi3.NewStringSchema().WithFormat("binary") }
