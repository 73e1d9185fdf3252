package web

import (
	"encoding/json"
	"maps"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"beredskap"
	"beredskap/rules"
)

// The OpenAPI document is built once at start from a declaration of each
// operation (openapi_operation.go) and the schemas reflected from the Go
// types of the contract (openapi_schema.go), so that a field added to
// beredskap.Registration or beredskap.Decision is documented without
// another edit, and every enum comes from beredskap.Enumerations.

// registrationRules describe a registration.
var registrationRules = schemaRules{
	required: setOf("arrival_time", "traveller", "traveller.first_name", "traveller.last_name",
		"traveller.birth_date", "countries_visited", "arrival", "arrival.mode", "residence", "purpose",
		"accommodation", "accommodation.type", "destination"),
	enums:    beredskap.Enumerations,
	maxItems: beredskap.MaxListLength,
	formats: map[string]string{
		"arrival_time": "date-time", "traveller.birth_date": "date", "traveller.id_document.expires": "date",
		"traveller.email": "email",
	},
	descriptions: map[string]string{
		"arrival_time":                       "RFC 3339 instant of arrival in Norway; the rules in force then (Europe/Oslo) decide.",
		"traveller.birth_date":               "YYYY-MM-DD, not in the future.",
		"traveller.national_id":              "Optional Norwegian fødselsnummer, D-number or H-number (11 digits), checked.",
		"traveller.nationality":              "ISO 3166-1 alpha-2 code.",
		"traveller.phone":                    "Phone number with country code, such as +4791234567.",
		"traveller.language":                 "Language for contact and, when Accept-Language names none of nb, nn, en, for the reason texts.",
		"countries_visited":                  "ISO 3166-1 alpha-2 codes (or ISO 3166-2 areas of Sweden, Finland and Denmark such as FI-01; Åland is AX or FI-01) of the countries stayed in during the 10 days before arrival; XX, UK, EU and other codes that are not countries are refused; may be empty.",
		"residence":                          "registered_resident, permanent_home (owns or rents a permanent home in Norway) or none.",
		"family_of_resident":                 "Married to, or has a child with, a person with a permanent home in Norway; or a minor child of such a person.",
		"trip_purpose":                       "Optional: why a traveller who lives in Norway went abroad (work_trip, studies_abroad, strong_welfare_reasons, leisure). From 17 March to 26 May 2021 only a necessary trip (not leisure), shown with its document, exempts a resident from the quarantine hotel; empty counts as not shown.",
		"employer.org_number":                "Norwegian organisation number (9 digits), checked.",
		"accommodation.address.postal_code":  "Norwegian postal code (4 digits).",
		"accommodation.address.municipality": "Municipality number (4 digits); derived from the postal code when empty.",
		"critical_function_sector":           "One of the 16 functions of circular G-07/2020, when critical_function is claimed.",
		"documents":                          "Documents held at arrival.",
		"covid_certificate":                  "Optional: the corona certificate the traveller can show at the border, which the border control can verify. From 25 September 2021 a certificate of full vaccination or of covid-19 in the last six months, Norwegian or under the EU's rules, exempts from entry quarantine; status and system are given together or not at all.",
		"covid_certificate.status":           "vaccinated (fully vaccinated) or recovered (covid-19 in the last six months).",
		"covid_certificate.system":           "norwegian (the Norwegian corona certificate) or eu (a certificate under the EU's rules for digital COVID certificates).",
	},
}

// decisionRules describe a decision: every field is there.
var decisionRules = schemaRules{
	required: allRequired,
	enums: map[string][]string{
		"quarantine.scope":          {beredskap.ScopeFull, beredskap.ScopeLeisure, beredskap.ScopeNone},
		"hotel.payer":               {beredskap.PayerTraveller, beredskap.PayerEmployer, beredskap.PayerNone},
		"documents_required.any_of": beredskap.Enumerations["documents"],
	},
	formats: map[string]string{
		"quarantine.first_day": "date", "quarantine.last_day": "date", "quarantine.early_end.earliest_day": "date",
	},
	descriptions: map[string]string{
		"quarantine.required":     "False exactly when scope is none.",
		"quarantine.scope":        "full; leisure (exempt while working and commuting, quarantine otherwise); none.",
		"quarantine.first_day":    "The arrival date in Europe/Oslo (day 0); null when no quarantine is required.",
		"quarantine.last_day":     "The last day of quarantine; null when no quarantine is required.",
		"hotel.exemption_group":   "1–6 (the groups of 2020-12-13) when an exemption applies, null otherwise.",
		"hotel.fee_nok_per_night": "The co-payment per night at the quarantine hotel; 0 when no hotel.",
		"restrictions":            "Codes such as avoid_close_contact, no_workplace_with_others, no_school_or_kindergarten, no_public_transport, no_onward_travel_svalbard.",
		"language":                "The language of the reason and warning texts.",
	},
	bounds: map[string][2]int{"hotel.exemption_group": {1, 6}, "hotel.fee_nok_per_night": {0, 100000}},
}

// publicOperations are the operations anyone may call: evaluate and
// register an entry, and read this document.
func publicOperations() []operation {
	acceptLanguage := openapi3.NewHeaderParameter("Accept-Language").WithSchema(openapi3.NewStringSchema()).WithDescription(
		"Language of the reason and warning texts: the best match among nb, nn and en; " +
			"otherwise traveller.language, and English when the rules have no texts in that language.")
	idempotencyKey := openapi3.NewHeaderParameter("Idempotency-Key").WithDescription(
		"Makes a retry return the registration stored by the first request instead of storing another: at most " +
			"200 printable ASCII characters. The same key with another body is a conflict (409).").
		WithSchema(openapi3.NewStringSchema().WithMaxLength(MaxIdempotencyKeyLength).WithPattern(`^[\x20-\x7E]*$`))
	invalid := "The body is not a valid registration; error.field is the JSON path of the first wrong field and " +
		"error.problems lists every one."
	return []operation{
		{route: "POST /api/v1/evaluate", id: "evaluate", summary: "Decide a registration without storing it.",
			params: params(acceptLanguage), body: ref("Registration"),
			answers: []answer{jsonAnswer(200, "The decision, with the rule changes known to come during its quarantine.", "Evaluation")},
			errors:  map[int]string{400: invalid}},
		{route: "POST /api/v1/registrations", id: "register", summary: "Store a registration and return its receipt and decision.",
			params: params(acceptLanguage, idempotencyKey), body: ref("Registration"),
			answers: []answer{jsonAnswer(201, "Stored.", "RegistrationCreated"),
				jsonAnswer(200, "A retry with the same Idempotency-Key and body: the registration stored before, with the "+
					"header Idempotent-Replayed: true. Nothing new is stored.", "RegistrationCreated")},
			errors: map[int]string{400: invalid, 409: "The Idempotency-Key was used before with another body.",
				503: unavailableText}},
		{route: "GET /api/v1/openapi.json", id: "openapi", summary: "This document.", plain: true,
			answers: []answer{{status: 200, description: "The OpenAPI document.", content: jsonOf(openapi3.NewObjectSchema().NewRef())}}},
	}
}

func params(p ...*openapi3.Parameter) []*openapi3.Parameter { return p }

// publicSchemas are the schemas of the registration, its decision and the
// errors.
func publicSchemas() openapi3.Schemas {
	receipt := described(openapi3.NewStringSchema().WithPattern(`^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z*~$=U]$`),
		"Receipt code: ten Crockford base-32 symbols and a check symbol, written XXXXX-XXXXX-C.")
	created := openapi3.NewObjectSchema()
	created.Properties = openapi3.Schemas{"receipt": receipt, "decision": ref("Decision"), "rule_changes": ruleChangesProperty()}
	created.Required = []string{"receipt", "decision"}
	evaluation := schemaFor[beredskap.Decision](decisionRules)
	evaluation.Properties["rule_changes"] = ruleChangesProperty()
	return openapi3.Schemas{
		"Registration":        schemaFor[beredskap.Registration](registrationRules).NewRef(),
		"Decision":            schemaFor[beredskap.Decision](decisionRules).NewRef(),
		"Evaluation":          evaluation.NewRef(),
		"RuleChange":          ruleChangeSchema().NewRef(),
		"RegistrationCreated": created.NewRef(),
		"Error":               errorSchema().NewRef(),
	}
}

// errorSchema documents the body of every error answer.
func errorSchema() *openapi3.Schema {
	str := describedString
	problem := openapi3.NewObjectSchema()
	problem.Properties = openapi3.Schemas{"field": str(""), "reason": str(""), "message": str("")}
	problem.Required = []string{"field", "reason", "message"}
	e := openapi3.NewObjectSchema()
	e.Properties = openapi3.Schemas{
		"code": enum(beredskap.EINVALID, beredskap.ENOTFOUND, beredskap.ECONFLICT, beredskap.EUNAUTHORIZED,
			beredskap.EFORBIDDEN, beredskap.ETOOLARGE, eUnsupportedMediaType, eMethodNotAllowed, beredskap.EUNAVAILABLE,
			beredskap.EINTERNAL).NewRef(),
		"field":      str("JSON path of the offending field (or the header name)."),
		"reason":     str("Stable key of the problem, such as required or format_date."),
		"message":    str("English message."),
		"request_id": str(""),
		"problems":   arrayOf(problem.NewRef()),
	}
	e.Required = []string{"code", "message"}
	return objectOf(openapi3.Schemas{"error": e.NewRef()}, "error")
}

// ruleChangesProperty documents the rule changes known to come during a
// decision's quarantine.
func ruleChangesProperty() *openapi3.SchemaRef {
	s := arrayOf(ref("RuleChange"))
	s.Value.Description = "The rule versions that take effect after the arrival and before the quarantine ends and change " +
		"what is asked of the traveller, in the order they take effect; left out when there are none."
	return s
}

// ruleChangeSchema documents beredskap.RuleChange.
func ruleChangeSchema() *openapi3.Schema {
	inForce := described(dateTime(), "The instant the rule version takes effect (Europe/Oslo offset).")
	changes := arrayOf(enum(rules.ChangeQuarantineLifted, rules.ChangeHotelLifted, rules.ChangeHotelRequired,
		rules.ChangeLastDay, rules.ChangeScope, rules.ChangeFee).NewRef())
	changes.Value.Description = "What changes from the decision before it."
	return objectOf(openapi3.Schemas{"in_force_from": inForce, "changes": changes, "decision": ref("Decision")},
		"in_force_from", "changes", "decision")
}

// The parts of the API, each its operations and the schemas they name.
var apiParts = []struct {
	operations func() []operation
	schemas    func() openapi3.Schemas
}{
	{publicOperations, publicSchemas},
	{staffOperations, staffSchemas},
	{followUpOperations, followUpSchemas},
	{municipalOperations, municipalSchemas},
	{hotelOperations, hotelSchemas},
	{stayOperations, staySchemas},
	{dispensationOperations, dispensationSchemas},
	{impactOperations, impactSchemas},
	{retentionOperations, retentionSchemas},
}

// openAPIDocument returns the OpenAPI 3.1 document of the JSON API.
// baseURL, when not empty, is the server the document names; smsReceipts
// says whether the server takes the SMS provider's delivery receipts.
func openAPIDocument(version, baseURL string, smsReceipts bool) *openapi3.T {
	if version == "" {
		version = "dev"
	}
	doc := &openapi3.T{
		OpenAPI: "3.1.0",
		Info: &openapi3.Info{Title: "beredskap entry registration API", Version: version,
			Description: "Register an entry to Norway and learn what the rules in force at the arrival instant " +
				"ask of the traveller. docs/contract.md in the repository describes it in prose."},
		Paths: openapi3.NewPaths(),
		Components: &openapi3.Components{Schemas: openapi3.Schemas{}, SecuritySchemes: openapi3.SecuritySchemes{
			"bearer": {Value: &openapi3.SecurityScheme{Type: "http", Scheme: "bearer",
				Description: "A staff API token from `beredskap token create`; it acts with its user's role and scope."}}}},
	}
	var ops []operation
	for _, part := range apiParts {
		ops = append(ops, part.operations()...)
		maps.Copy(doc.Components.Schemas, part.schemas())
	}
	if smsReceipts {
		ops = append(ops, smsReceiptsOperation())
	}
	for _, o := range ops {
		method, path, op := o.build()
		item := doc.Paths.Value(path)
		if item == nil {
			item = &openapi3.PathItem{}
			doc.Paths.Set(path, item)
		}
		if item.GetOperation(method) != nil {
			panic("openapi: " + o.route + " is declared twice")
		}
		item.SetOperation(method, op)
	}
	if baseURL != "" {
		doc.Servers = openapi3.Servers{{URL: baseURL}}
	}
	return doc
}

// mustOpenAPI returns the OpenAPI document in JSON, which the caller must
// not change. A document is written once per process for each version,
// base URL and webhook setting: kin-openapi writes its model level by level,
// which takes tens of milliseconds, and a test binary starts hundreds of
// servers alike.
func mustOpenAPI(version, baseURL string, smsReceipts bool) []byte {
	key := openAPIKey{version, baseURL, smsReceipts}
	if data, ok := openAPIWritten.Load(key); ok {
		return data.([]byte)
	}
	data, err := json.MarshalIndent(openAPIDocument(version, baseURL, smsReceipts), "", "  ")
	if err != nil {
		panic(err)
	}
	stored, _ := openAPIWritten.LoadOrStore(key, append(data, '\n'))
	return stored.([]byte)
}

// openAPIWritten holds the documents written, by openAPIKey.
var openAPIWritten sync.Map

// openAPIKey is what a written document depends on.
type openAPIKey struct {
	version, baseURL string
	smsReceipts      bool
}
