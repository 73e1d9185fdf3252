package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"

	"github.com/goccy/go-yaml"

	"beredskap"
)

// baseFile is versions/_base.yaml: the registration example cases start from.
type baseFile struct {
	Registration map[string]any `yaml:"registration"`
}

const baseName = "versions/_base.yaml"

// exampleCase is a compiled example case of a version file.
type exampleCase struct {
	name   string
	lang   string
	reg    beredskap.Registration
	expect expectFile
}

func loadBase(fsys fs.FS) (map[string]any, error) {
	data, err := fs.ReadFile(fsys, baseName)
	if err != nil {
		// No base: cases must then give full registrations.
		return map[string]any{}, nil
	}
	var f baseFile
	if err := yaml.UnmarshalWithOptions(data, &f, yaml.Strict()); err != nil {
		return nil, &FileError{File: baseName, Message: yamlMessage(err)}
	}
	if _, err := decodeRegistration(f.Registration); err != nil {
		return nil, &FileError{File: baseName, Field: "registration", Message: err.Error()}
	}
	return f.Registration, nil
}

func compileCases(file string, cs []caseFile, base map[string]any) ([]exampleCase, error) {
	seen := map[string]bool{}
	var out []exampleCase
	for i, c := range cs {
		field := fmt.Sprintf("cases[%d]", i)
		if c.Name == "" {
			return nil, &FileError{File: file, Field: field + ".name", Message: "is required"}
		}
		if c.Source == "" {
			return nil, &FileError{File: file, Field: field + ".source", Message: "is required (the text the expected decision rests on)"}
		}
		if seen[c.Name] {
			return nil, &FileError{File: file, Field: field + ".name", Message: fmt.Sprintf("%q is used twice", c.Name)}
		}
		seen[c.Name] = true
		reg, err := decodeRegistration(merge(base, c.Registration))
		if err != nil {
			return nil, &FileError{File: file, Field: field + ".registration", Message: err.Error()}
		}
		lang := c.Lang
		if lang == "" {
			lang = fallbackLanguage
		}
		out = append(out, exampleCase{name: c.Name, lang: lang, reg: reg, expect: c.Expect})
	}
	return out, nil
}

// merge returns base with over laid on top: maps merge key by key, any other
// value (lists included) replaces the base's.
func merge(base, over map[string]any) map[string]any {
	out := maps.Clone(base)
	if out == nil {
		out = map[string]any{}
	}
	for k, v := range over {
		bm, ok1 := out[k].(map[string]any)
		om, ok2 := v.(map[string]any)
		if ok1 && ok2 {
			out[k] = merge(bm, om)
			continue
		}
		out[k] = v
	}
	return out
}

// decodeRegistration turns a YAML registration into the domain type through
// its JSON contract, refusing unknown fields.
func decodeRegistration(m map[string]any) (beredskap.Registration, error) {
	var r beredskap.Registration
	data, err := json.Marshal(m)
	if err != nil {
		return r, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return r, err
	}
	return r, nil
}
