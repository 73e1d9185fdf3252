package web

import (
	"errors"
	"mime"
	"net/http"
	"time"

	"beredskap"
	"beredskap/intake/input"
)

// MaxIdempotencyKeyLength is the longest Idempotency-Key accepted.
const MaxIdempotencyKeyLength = 200

// registrationCreated is the body of a successful POST /api/v1/registrations:
// the receipt, the decision, and the rule changes known to come during its
// quarantine (left out when there are none).
type registrationCreated struct {
	Receipt     string                 `json:"receipt"`
	Decision    beredskap.Decision     `json:"decision"`
	RuleChanges []beredskap.RuleChange `json:"rule_changes,omitempty"`
}

// evaluation is the body of POST /api/v1/evaluate: the decision with the
// rule changes known to come during its quarantine (left out when there
// are none).
type evaluation struct {
	beredskap.Decision
	RuleChanges []beredskap.RuleChange `json:"rule_changes,omitempty"`
}

// handleEvaluate decides a registration without storing it.
func (s *Server) handleEvaluate(w http.ResponseWriter, r *http.Request) {
	reg, err := s.decodeJSON(w, r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	start := time.Now()
	d, err := s.in.Evaluate(r.Context(), reg, apiLanguage(r))
	s.metrics.evaluation.Observe(time.Since(start).Seconds())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Language", d.Language)
	writeJSON(w, http.StatusOK, evaluation{Decision: d, RuleChanges: s.in.ComingChanges(reg, &d, d.Language)})
}

// handleRegister stores a registration and answers 201 with its receipt and
// decision, or 200 with the same body when an Idempotency-Key retry finds
// the registration stored before.
func (s *Server) handleRegister(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if err := checkIdempotencyKey(key); err != nil {
		s.Error(w, r, err)
		return
	}
	reg, err := s.decodeJSON(w, r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	stored, created, err := s.in.Register(r.Context(), reg, apiLanguage(r), key)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		s.metrics.registrations.Inc()
	} else {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Content-Language", stored.Decision.Language)
	writeJSON(w, status, registrationCreated{Receipt: stored.Receipt, Decision: stored.Decision,
		RuleChanges: s.in.ComingChanges(&stored.Registration, &stored.Decision, stored.Decision.Language)})
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(s.openapi)
}

// decodeJSON checks the media type and reads one registration from a body
// of at most the configured size. Errors: EINVALID, ETOOLARGE and
// eUnsupportedMediaType.
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request) (*beredskap.Registration, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, beredskap.Errorf(eUnsupportedMediaType, "the body must be JSON, sent with Content-Type: application/json")
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	reg, err := input.Decode(r.Body)
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return nil, beredskap.Errorf(beredskap.ETOOLARGE, "the body is over %d bytes", s.cfg.MaxBodyBytes)
		}
		return nil, err
	}
	return reg, nil
}

// checkIdempotencyKey accepts an empty key or one of at most
// MaxIdempotencyKeyLength printable ASCII characters. Errors: EINVALID.
func checkIdempotencyKey(key string) error {
	if len(key) > MaxIdempotencyKeyLength {
		return beredskap.Invalid("Idempotency-Key", "too_long", "must be at most 200 characters")
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return beredskap.Invalid("Idempotency-Key", "format_text", "must be printable ASCII")
		}
	}
	return nil
}
