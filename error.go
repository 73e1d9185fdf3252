package beredskap

import (
	"errors"
	"fmt"
)

// Code is the kind of an Error. Its value is the "code" of the JSON API's
// errors; the HTTP layer maps each to one status.
type Code string

// Error codes shared by every layer.
const (
	EINVALID      Code = "invalid"      // the input is wrong; Field names it
	ENOTFOUND     Code = "not_found"    // the thing does not exist or may not be seen
	ECONFLICT     Code = "conflict"     // the request clashes with stored state
	EUNAUTHORIZED Code = "unauthorized" // no or bad credentials
	EFORBIDDEN    Code = "forbidden"    // credentials fine, action not allowed
	ETOOLARGE     Code = "too_large"    // the request body is over its limit
	EUNAVAILABLE  Code = "unavailable"  // the database cannot be reached or written now; try again
	EINTERNAL     Code = "internal"     // anything else; its text is never shown
)

// Error is a domain error with a code, the JSON path of the offending field
// (for EINVALID), a reason key that user interfaces translate, and an English
// message for logs and API clients.
type Error struct {
	Code    Code
	Field   string
	Reason  string
	Message string
	// Problems lists every field problem found, the first of which is also
	// in Field, Reason and Message. It is empty for errors other than EINVALID.
	Problems []Problem
}

// Problem is one invalid field: its JSON path, a reason key such as
// "required" or "unknown_value", and an English message.
type Problem struct {
	Field   string
	Reason  string
	Message string
}

// Error returns the English message, prefixed with the field when there is one.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Errorf returns an Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error about one field.
func Invalid(field, reason, message string) *Error {
	p := Problem{Field: field, Reason: reason, Message: message}
	return &Error{Code: EINVALID, Field: field, Reason: reason, Message: message, Problems: []Problem{p}}
}

// Forbidden returns the EFORBIDDEN error of an action the policy refuses.
func Forbidden(action string) *Error {
	return &Error{Code: EFORBIDDEN, Reason: "forbidden", Message: "you may not do this (" + action + ")"}
}

// NotFound returns the ENOTFOUND error about what, such as "registration".
func NotFound(what string) *Error {
	return &Error{Code: ENOTFOUND, Reason: "not_found", Message: what + " not found"}
}

// Conflict returns an ECONFLICT error with a reason key and a message.
func Conflict(reason, message string) *Error {
	return &Error{Code: ECONFLICT, Reason: reason, Message: message}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) Code {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the message of the first *Error in err's chain, or a
// generic text for internal errors so that their details never reach users.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
