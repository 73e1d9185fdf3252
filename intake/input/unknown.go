package input

import (
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"beredskap"
)

var registrationType = reflect.TypeFor[beredskap.Registration]()

// unknownFieldPath returns the JSON path of the first field in data (keys in
// sorted order) that the registration type does not have, or "" when none is
// found.
func unknownFieldPath(data []byte) string {
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return ""
	}
	return findUnknown(doc, registrationType, "")
}

func findUnknown(v any, t reflect.Type, path string) string {
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
			f, ok := fieldByTag(t, k)
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
// encoding/json does: exactly, or else case-insensitively.
func fieldByTag(t reflect.Type, key string) (reflect.StructField, bool) {
	var fold reflect.StructField
	found := false
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == key {
			return f, true
		}
		if !found && strings.EqualFold(name, key) {
			fold, found = f, true
		}
	}
	return fold, found
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
