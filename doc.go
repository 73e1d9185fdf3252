// Package beredskap holds the domain of the entry register: registrations
// (innreiseregistreringer), their decisions, the error codes every layer
// shares, and the service interfaces that the storage packages implement.
// It imports nothing of this module, so every other package may import it.
package beredskap
