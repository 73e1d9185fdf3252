package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"beredskap"
)

// decodeStaffJSON reads one JSON object of at most the configured size from
// the body into v. Unknown fields, wrong types and trailing data are
// EINVALID naming the field; a body that is not JSON is
// eUnsupportedMediaType, one too large ETOOLARGE.
func (s *Server) decodeStaffJSON(w http.ResponseWriter, r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return beredskap.Errorf(eUnsupportedMediaType, "the body must be JSON, sent with Content-Type: application/json")
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return beredskap.Errorf(beredskap.ETOOLARGE, "the body is over %d bytes", s.cfg.MaxBodyBytes)
		}
		return beredskap.Invalid("", "syntax", "the body could not be read")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return staffJSONProblem(err)
	}
	if dec.More() {
		return beredskap.Invalid("", "syntax", "the body must hold one JSON object")
	}
	return nil
}

// staffJSONProblem turns a decoding error into an EINVALID error naming the
// field.
func staffJSONProblem(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return beredskap.Invalid("", "syntax", "the body must be a JSON object")
		}
		return beredskap.Invalid(field, "wrong_type", "must be a JSON "+typeErr.Type.Kind().String())
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return beredskap.Invalid("", "syntax", "the body is not valid JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return beredskap.Invalid(field, "unknown_field", "is not a field of this request")
	}
	return beredskap.Invalid("", "syntax", "the body could not be read")
}
