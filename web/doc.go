// Package web is the HTTP layer of the entry register: the public JSON API of
// docs/contract.md (evaluate, register, its OpenAPI document), the operational
// endpoints (health, readiness, Prometheus metrics) and the public pages a
// traveller uses to register without JavaScript (the form, the receipt with
// its QR code and the decision in plain language). For staff it serves the
// registrations and audit API with bearer tokens, and login with a second
// factor (or OpenID Connect), enrolment and the staff pages with server-side
// sessions and CSRF tokens; every staff action goes through package staff,
// which authorises and audits it. Pages are rendered with
// html/template in bokmål, nynorsk or English from embedded locale files and
// styled with Norway's design system (Designsystemet), whose CSS is embedded
// under assets/. Every registration goes through package intake; this
// package only decodes, renders and maps error codes to statuses, in one
// place: Error.
package web
