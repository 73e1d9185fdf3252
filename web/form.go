package web

import (
	"net/url"
	"time"
	_ "time/tzdata" // Europe/Oslo must resolve on hosts without zoneinfo
)

// oslo is the time zone in which travellers give their arrival time.
var oslo = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		panic(err) // time/tzdata is embedded, so this cannot happen
	}
	return loc
}()

// Names of form fields that are not JSON paths of a registration (and
// not read by input.DecodeForm).
const (
	fieldIdempotencyToken  = "idempotency_token"
	fieldLanguage          = "lang"
	maxIdempotencyTokenLen = 64
)

// formToken returns the idempotency token of a submitted form, or "" when
// it is missing or not one the form could have made.
func formToken(form url.Values) string {
	t := form.Get(fieldIdempotencyToken)
	if t == "" || len(t) > maxIdempotencyTokenLen || checkIdempotencyKey(t) != nil {
		return ""
	}
	return "form-" + t
}
