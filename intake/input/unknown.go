package input

import (
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// unknownFieldPath returns the JSON path of the first field in data (keys in
// sorted order) that type t does not have, or "" when none is found.
func unknownFieldPath(data []byte, t reflect.Type) string {
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return ""
	}
	return findUnknown(doc, t, "")
}

func findUnknown(v any, t reflect.Type, path string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			f, _, ok := fieldByTag(t, k)
			if !ok {
				return join(path, k)
			}
			if p := findUnknown(obj[k], f.Type, join(path, k)); p != "" {
				return p
			}
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			return ""
		}
		for i, e := range arr {
			if p := findUnknown(e, t.Elem(), path+"["+strconv.Itoa(i)+"]"); p != "" {
				return p
			}
		}
	}
	return ""
}

// fieldByTag finds the struct field whose JSON name matches key the way
// encoding/json does: exactly, or else case-insensitively, looking into
// embedded structs without a name of their own. Exact tells which.
func fieldByTag(t reflect.Type, key string) (f reflect.StructField, exact, ok bool) {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		inner := sf.Type
		if inner.Kind() == reflect.Pointer {
			inner = inner.Elem()
		}
		if sf.Anonymous && name == "" && inner.Kind() == reflect.Struct {
			ef, eexact, eok := fieldByTag(inner, key)
			if eok && eexact {
				return ef, true, true
			}
			if eok && !ok {
				f, ok = ef, true
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if name == key {
			return sf, true, true
		}
		if !ok && strings.EqualFold(name, key) {
			f, ok = sf, true
		}
	}
	return f, false, ok
}

// jsonPath turns the path encoding/json gives in an UnmarshalTypeError, which
// names an embedded struct by its Go type, into the path as the document
// spells it, without the embedded structs.
func jsonPath(t reflect.Type, field string) string {
	var out []string
	for _, seg := range strings.Split(field, ".") {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() == reflect.Struct {
			if sf, ok := t.FieldByName(seg); ok && sf.Anonymous {
				if name, _, _ := strings.Cut(sf.Tag.Get("json"), ","); name == "" {
					t = sf.Type
					continue
				}
			}
			if sf, _, ok := fieldByTag(t, seg); ok {
				t = sf.Type
			}
		}
		out = append(out, seg)
	}
	return strings.Join(out, ".")
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
