package web

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"beredskap"
	"beredskap/intake/input"
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
	return input.DecodeStrict(data, v, "request")
}
