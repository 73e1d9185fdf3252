package web

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"sync"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"beredskap"
)

// eUnsupportedMediaType is the code of a request body that is not JSON. It is
// private to the HTTP layer: no other layer knows about media types.
const eUnsupportedMediaType beredskap.Code = "unsupported_media_type"

// eMethodNotAllowed is the code of a request whose path has routes, none
// for its method.
const eMethodNotAllowed beredskap.Code = "method_not_allowed"

// reasonCrossOrigin marks the refusal of a form posted from another site,
// which the error page explains apart from a page the role may not use.
const reasonCrossOrigin = "cross_origin"

// reasonFormExpired marks the refusal of a form whose security token is
// missing or no longer the session's (the page was open across a new
// login, or for too long): the error page says the form expired and
// offers to open it again, rather than naming the role.
const reasonFormExpired = "form_expired"

var errFormExpired = &beredskap.Error{
	Code: beredskap.EFORBIDDEN, Reason: reasonFormExpired,
	Message: "the form's security token is missing or wrong; reload the page and try again",
}

var errForbiddenOrigin = &beredskap.Error{
	Code: beredskap.EFORBIDDEN, Reason: reasonCrossOrigin, Message: "cross-origin form submissions are refused",
}

// statusOf maps an error code to its HTTP status. It is the only place in
// the package that chooses a status for an error.
func statusOf(code beredskap.Code) int {
	switch code {
	case beredskap.EINVALID:
		return http.StatusBadRequest
	case beredskap.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case beredskap.EFORBIDDEN:
		return http.StatusForbidden
	case beredskap.ENOTFOUND:
		return http.StatusNotFound
	case beredskap.ECONFLICT:
		return http.StatusConflict
	case beredskap.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case eUnsupportedMediaType:
		return http.StatusUnsupportedMediaType
	case beredskap.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case eMethodNotAllowed:
		return http.StatusMethodNotAllowed
	default:
		return http.StatusInternalServerError
	}
}

// retryAfterSeconds is the Retry-After of a 503: the database cannot take
// work now, as during a failover.
const retryAfterSeconds = "3"

// errorBody is the JSON of an API error.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      beredskap.Code `json:"code"`
	Field     string         `json:"field,omitempty"`
	Reason    string         `json:"reason,omitempty"`
	Message   string         `json:"message"`
	Problems  []problemJSON  `json:"problems,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
}

type problemJSON struct {
	Field   string `json:"field"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// Error writes err as a response: the status follows the error code, API
// requests (under /api/) get the JSON error of docs/contract.md and pages get an
// HTML page in the visitor's language. Internal errors are logged with the
// request id and their text is never shown.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	code := beredskap.ErrorCode(err)
	status := statusOf(code)
	reqID := RequestID(r.Context())
	detail := errorDetail{Code: code, Message: beredskap.ErrorMessage(err), RequestID: reqID}
	var e *beredskap.Error
	if errors.As(err, &e) {
		detail.Field, detail.Reason = e.Field, e.Reason
		for _, p := range e.Problems {
			detail.Problems = append(detail.Problems, problemJSON(p))
		}
	}
	if status == http.StatusInternalServerError {
		s.logger.Error("internal error", "request_id", reqID, "route", r.Pattern, "err", err)
		detail.Code = beredskap.EINTERNAL
		detail.Message = "internal error"
		detail.Field, detail.Reason, detail.Problems = "", "", nil
	}

	if status == http.StatusServiceUnavailable {
		// A failover takes some ten seconds; a client that waits a few
		// and retries (with its idempotency key) finds the new primary.
		w.Header().Set("Retry-After", retryAfterSeconds)
	}
	if isAPI(r) {
		writeJSON(w, status, errorBody{Error: detail})
		return
	}
	s.renderError(w, r, status, detail)
}

// unmatched answers requests that no route takes with the site's own
// not-found or method-not-allowed page (JSON under /api/) instead of the
// mux's plain text.
func (s *Server) unmatched(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := s.mux.Handler(r); pattern != "" {
			next.ServeHTTP(w, r)
			return
		}
		uw := &unmatchedWriter{ResponseWriter: w}
		next.ServeHTTP(uw, r)
		switch uw.status {
		case http.StatusNotFound:
			s.Error(w, r, beredskap.Errorf(beredskap.ENOTFOUND, "no page at this address"))
		case http.StatusMethodNotAllowed:
			s.Error(w, r, beredskap.Errorf(eMethodNotAllowed, "the address does not take %s", r.Method))
		}
	})
}

// unmatchedWriter passes every response through but a 404 or 405, which
// it keeps back for unmatched to replace.
type unmatchedWriter struct {
	http.ResponseWriter
	status int
}

func (w *unmatchedWriter) WriteHeader(status int) {
	if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
		w.status = status
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *unmatchedWriter) Write(b []byte) (int, error) {
	if w.status != 0 {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// isAPI reports whether the request is for the JSON API.
func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/")
}

// apiJSON is encoding/json's behaviour except that a nil slice is written
// as [] rather than null: the OpenAPI document promises a list wherever a
// field is one, also when a decision or a page has nothing in it.
var apiJSON = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsonv2.FormatNilSliceAsNull(false))

// writeJSON writes v as compact JSON with the status. Lists of a few hundred
// registrations cost noticeably more to indent, and to send, than to encode.
// v is encoded into a pooled buffer first, so that an error is answered
// whole and an answer costs no new buffer of its size.
func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	defer putJSONBuffer(buf)
	if err := jsonv2.MarshalWrite(buf, v, apiJSON); err != nil {
		http.Error(w, `{"error":{"code":"internal","message":"internal error"}}`, http.StatusInternalServerError)
		return
	}
	buf.WriteByte('\n')
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// jsonBuffers keeps writeJSON's buffers; one that grew past
// maxPooledJSONBuffer is left to the garbage collector instead.
var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledJSONBuffer = 1 << 20

func putJSONBuffer(buf *bytes.Buffer) {
	if buf.Cap() > maxPooledJSONBuffer {
		return
	}
	buf.Reset()
	jsonBuffers.Put(buf)
}
