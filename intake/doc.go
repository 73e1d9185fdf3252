// Package intake turns what a traveller submits into a decision and a stored
// registration: it validates every field of a registration that package
// input has decoded from the JSON or the web form (including identity
// numbers, phone numbers and postal codes against the reference data of
// package norway), asks the rules for the decision, derives the quarantine
// municipality from the address, and stores the record. The JSON API, the
// web form and the command line all go through it, so that there is one way
// to register.
package intake
