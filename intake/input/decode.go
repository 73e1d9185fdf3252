// Package input reads what a traveller submits into a registration: the
// JSON document, strictly (unknown fields, wrong types and oversized
// documents are errors naming the field), and the web form's fields. It
// only parses; package intake validates, decides and stores. It imports no
// database, so that its fuzz targets build quickly with fuzzing
// instrumentation (scripts/fuzz.sh).
package input

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"

	"beredskap"
)

// MaxBodyBytes is the largest registration document accepted.
const MaxBodyBytes = 1 << 20

// Decode reads one registration as strict JSON: unknown fields, values of the
// wrong type, trailing data and documents over MaxBodyBytes are errors. It
// returns an EINVALID *beredskap.Error whose Field is the JSON path of the
// offending field, or ETOOLARGE.
func Decode(r io.Reader) (*beredskap.Registration, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBodyBytes+1))
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return nil, beredskap.Errorf(beredskap.ETOOLARGE, "the body is over %d bytes", MaxBodyBytes)
		}
		return nil, beredskap.Errorf(beredskap.EINVALID, "read body: %v", err)
	}
	if len(data) > MaxBodyBytes {
		return nil, beredskap.Errorf(beredskap.ETOOLARGE, "the body is over %d bytes", MaxBodyBytes)
	}
	return DecodeBytes(data)
}

// DecodeBytes is Decode for a document already in memory.
func DecodeBytes(data []byte) (*beredskap.Registration, error) {
	var reg beredskap.Registration
	if err := DecodeStrict(data, &reg, "registration"); err != nil {
		return nil, err
	}
	return &reg, nil
}

// DecodeStrict reads data, which must hold exactly one JSON object, into the
// struct v points to: unknown fields, values of the wrong type and trailing
// data are EINVALID *beredskap.Error values whose Field is the JSON path of
// the offending field. What names the document in messages ("registration").
func DecodeStrict(data []byte, v any, what string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		// encoding/json names an unknown field without its path, so the
		// path is found by walking the document against the type.
		if strings.HasPrefix(err.Error(), "json: unknown field ") {
			return beredskap.Invalid(unknownFieldPath(data, reflect.TypeOf(v).Elem()), "unknown_field", "is not a field of a "+what)
		}
		return decodeError(err, reflect.TypeOf(v).Elem(), what)
	}
	if _, err := dec.Token(); err != io.EOF {
		return beredskap.Invalid("", "trailing_data", "the body must hold exactly one JSON object")
	}
	return nil
}

// decodeError turns an encoding/json error into an EINVALID error that
// names the field where the decoder says which.
func decodeError(err error, t reflect.Type, what string) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := jsonPath(t, typeErr.Field)
		if field == "" {
			return beredskap.Invalid("", "not_object", "the body must be a JSON object")
		}
		return beredskap.Invalid(field, "wrong_type", "must be a JSON "+jsonKind(typeErr.Type.Kind().String()))
	case errors.As(err, &syntaxErr):
		return beredskap.Invalid("", "syntax", "the body is not valid JSON")
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return beredskap.Invalid("", "syntax", "the body is empty or cut short")
	}
	return beredskap.Invalid("", "syntax", "the body is not a valid "+what)
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean (true or false)"
	case "slice", "array":
		return "array"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "number"
	case "struct":
		return "object"
	default:
		return "value of another type"
	}
}
