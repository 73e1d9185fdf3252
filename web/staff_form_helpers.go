package web

import (
	"errors"
	"net/url"
	"strings"

	"beredskap"
)

// Helpers the staff pages share for forms: the problems of an EINVALID
// error, error codes, and trimmed form values.

// invalidProblems returns the problems of an EINVALID error, and false
// for any other error.
func invalidProblems(err error) ([]beredskap.Problem, bool) {
	var e *beredskap.Error
	if !errors.As(err, &e) || e.Code != beredskap.EINVALID {
		return nil, false
	}
	if len(e.Problems) == 0 {
		return []beredskap.Problem{{Field: e.Field, Reason: e.Reason, Message: e.Message}}, true
	}
	return e.Problems, true
}

// trimmed returns a copy of form with every value trimmed of spaces.
func trimmed(form url.Values) url.Values {
	out := url.Values{}
	for k, vs := range form {
		if k == csrfField {
			continue
		}
		for _, v := range vs {
			out.Add(k, strings.TrimSpace(v))
		}
	}
	return out
}
