package web

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"beredskap"
	"beredskap/rules"
)

// The OpenAPI document is built once at start from the Go types of the
// contract, so that a field added to beredskap.Registration or
// beredskap.Decision is documented without another edit, and every enum
// comes from beredskap.Enumerations.

// schemaRules add to what reflection finds: which fields are required, the
// enums and formats of strings, bounds and descriptions, by JSON path.
type schemaRules struct {
	required map[string]bool
	// present says that every field not left out when empty is there in
	// every value (a response), so required in the schema, while an
	// optional enumerated string may still be empty.
	present      bool
	enums        map[string][]string
	formats      map[string]string
	descriptions map[string]string
	bounds       map[string][2]int
	maxItems     int
}

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

// allRequired marks every field as required (responses always carry all).
var allRequired = map[string]bool{"*": true}

func setOf(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// schema returns the JSON Schema (OpenAPI 3.1) of t, whose JSON path is path.
// An optional enumerated string (not a list item) may also be empty.
func (sr *schemaRules) schema(t reflect.Type, path string) map[string]any {
	return sr.schemaOf(t, path, false)
}

func (sr *schemaRules) schemaOf(t reflect.Type, path string, item bool) map[string]any {
	s := map[string]any{}
	nullable := false
	if t.Kind() == reflect.Pointer {
		t, nullable = t.Elem(), true
	}
	switch {
	case t == reflect.TypeFor[time.Time]():
		// An instant is written in RFC 3339.
		s["type"], s["format"] = "string", "date-time"
	case t.Kind() == reflect.Struct:
		s["type"] = "object"
		s["additionalProperties"] = false
		props := map[string]any{}
		var required []string
		sr.fields(t, path, props, &required)
		s["properties"] = props
		if len(required) > 0 {
			s["required"] = required
		}
	case t.Kind() == reflect.Slice:
		s["type"] = "array"
		items := sr.schemaOf(t.Elem(), path, true)
		delete(items, "description")
		s["items"] = items
		if sr.maxItems > 0 {
			s["maxItems"] = sr.maxItems
		}
	case t.Kind() == reflect.String:
		s["type"] = "string"
		if e, ok := sr.enums[path]; ok {
			if !item && !sr.required["*"] && !sr.required[path] {
				e = append(slices.Clone(e), "")
			}
			s["enum"] = e
		}
		if f, ok := sr.formats[path]; ok {
			s["format"] = f
		}
	case t.Kind() == reflect.Bool:
		s["type"] = "boolean"
	case t.Kind() == reflect.Int || t.Kind() == reflect.Int64 || t.Kind() == reflect.Int32:
		s["type"] = "integer"
		if b, ok := sr.bounds[path]; ok {
			s["minimum"], s["maximum"] = b[0], b[1]
		}
	}
	if d, ok := sr.descriptions[path]; ok {
		s["description"] = d
	}
	if nullable {
		s["type"] = []any{s["type"], "null"}
	}
	return s
}

// fields adds the properties of struct t, at path, to props and the names
// of the required ones to required. As in encoding/json, the fields of an
// embedded struct without a JSON name are the outer struct's own.
func (sr *schemaRules) fields(t reflect.Type, path string, props map[string]any, required *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			sr.fields(f.Type, path, props, required)
			continue
		}
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		p := name
		if path != "" {
			p = path + "." + name
		}
		props[name] = sr.schemaOf(f.Type, p, false)
		// A field left out when empty is required only where named.
		omitted := slices.ContainsFunc(strings.Split(opts, ","), func(o string) bool { return o == "omitempty" || o == "omitzero" })
		if (sr.required["*"] || sr.present) && !omitted || sr.required[p] {
			*required = append(*required, name)
		}
	}
}

func ref(name string) map[string]any {
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

func jsonContent(schema map[string]any) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": schema}}
}

func errorResponse(description string) map[string]any {
	return map[string]any{"description": description, "content": jsonContent(ref("Error"))}
}

// openAPIDocument returns the OpenAPI 3.1 document of the JSON API.
// baseURL, when not empty, is the server the document names; smsReceipts
// says whether the server takes the SMS provider's delivery receipts.
func openAPIDocument(version, baseURL string, smsReceipts bool) map[string]any {
	if version == "" {
		version = "dev"
	}
	acceptLanguage := map[string]any{
		"name": "Accept-Language", "in": "header", "required": false,
		"description": "Language of the reason and warning texts: the best match among nb, nn and en; " +
			"otherwise traveller.language, and English when the rules have no texts in that language.",
		"schema": map[string]any{"type": "string"},
	}
	idempotencyKey := map[string]any{
		"name": "Idempotency-Key", "in": "header", "required": false,
		"description": "Makes a retry return the registration stored by the first request instead of storing " +
			"another: at most 200 printable ASCII characters. The same key with another body is a conflict (409).",
		"schema": map[string]any{"type": "string", "maxLength": MaxIdempotencyKeyLength, "pattern": "^[\\x20-\\x7E]*$"},
	}
	body := map[string]any{"required": true, "content": jsonContent(ref("Registration"))}
	invalid := errorResponse("The body is not a valid registration; error.field is the JSON path of the first " +
		"wrong field and error.problems lists every one.")
	tooLarge := errorResponse("The body is over 1 MiB.")
	notJSON := errorResponse("The Content-Type is not application/json.")
	internal := errorResponse("Internal error; error.request_id identifies it in the logs.")

	errorSchema := map[string]any{
		"type": "object", "required": []string{"error"}, "additionalProperties": false,
		"properties": map[string]any{"error": map[string]any{
			"type": "object", "required": []string{"code", "message"},
			"properties": map[string]any{
				"code": map[string]any{"type": "string", "enum": []beredskap.Code{beredskap.EINVALID, beredskap.ENOTFOUND,
					beredskap.ECONFLICT, beredskap.EUNAUTHORIZED, beredskap.EFORBIDDEN, beredskap.ETOOLARGE,
					eUnsupportedMediaType, eMethodNotAllowed, beredskap.EUNAVAILABLE, beredskap.EINTERNAL}},
				"field":      map[string]any{"type": "string", "description": "JSON path of the offending field (or the header name)."},
				"reason":     map[string]any{"type": "string", "description": "Stable key of the problem, such as required or format_date."},
				"message":    map[string]any{"type": "string", "description": "English message."},
				"request_id": map[string]any{"type": "string"},
				"problems": map[string]any{"type": "array", "items": map[string]any{
					"type": "object", "required": []string{"field", "reason", "message"},
					"properties": map[string]any{
						"field":   map[string]any{"type": "string"},
						"reason":  map[string]any{"type": "string"},
						"message": map[string]any{"type": "string"},
					},
				}},
			},
		}},
	}

	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "beredskap entry registration API",
			"version": version,
			"description": "Register an entry to Norway and learn what the rules in force at the arrival instant " +
				"ask of the traveller. docs/contract.md in the repository describes it in prose.",
		},
		"paths": map[string]any{
			"/api/v1/evaluate": map[string]any{"post": map[string]any{
				"operationId": "evaluate",
				"summary":     "Decide a registration without storing it.",
				"parameters":  []any{acceptLanguage},
				"requestBody": body,
				"responses": map[string]any{
					"200": map[string]any{"description": "The decision, with the rule changes known to come during its quarantine.",
						"content": jsonContent(ref("Evaluation"))},
					"400": invalid, "413": tooLarge, "415": notJSON, "500": internal,
				},
			}},
			"/api/v1/registrations": map[string]any{"get": listRegistrationsOp(internal), "post": map[string]any{
				"operationId": "register",
				"summary":     "Store a registration and return its receipt and decision.",
				"parameters":  []any{acceptLanguage, idempotencyKey},
				"requestBody": body,
				"responses": map[string]any{
					"201": map[string]any{"description": "Stored.", "content": jsonContent(ref("RegistrationCreated"))},
					"200": map[string]any{
						"description": "A retry with the same Idempotency-Key and body: the registration stored " +
							"before, with the header Idempotent-Replayed: true. Nothing new is stored.",
						"content": jsonContent(ref("RegistrationCreated")),
					},
					"400": invalid,
					"409": errorResponse("The Idempotency-Key was used before with another body."),
					"413": tooLarge, "415": notJSON, "500": internal,
				},
			}},
			"/api/v1/registrations/{receipt}": map[string]any{"get": getRegistrationOp(internal)},
			"/api/v1/audit":                   map[string]any{"get": searchAuditOp(internal)},
			"/api/v1/openapi.json": map[string]any{"get": map[string]any{
				"operationId": "openapi",
				"summary":     "This document.",
				"responses": map[string]any{
					"200": map[string]any{"description": "The OpenAPI document.",
						"content": jsonContent(map[string]any{"type": "object"})},
				},
			}},
		},
		"components": map[string]any{"securitySchemes": securitySchemes(), "schemas": map[string]any{
			"RegistrationList":   registrationListSchema(),
			"StoredRegistration": storedRegistrationSchema(),
			"AuditList":          auditListSchema(),
			"Registration":       registrationRules.schema(reflect.TypeFor[beredskap.Registration](), ""),
			"Decision":           decisionRules.schema(reflect.TypeFor[beredskap.Decision](), ""),
			"Evaluation":         withRuleChanges(decisionRules.schema(reflect.TypeFor[beredskap.Decision](), "")),
			"RuleChange":         ruleChangeSchema(),
			"RegistrationCreated": map[string]any{
				"type": "object", "required": []string{"receipt", "decision"},
				"properties": map[string]any{
					"receipt": map[string]any{"type": "string", "pattern": "^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z*~$=U]$",
						"description": "Receipt code: ten Crockford base-32 symbols and a check symbol, written XXXXX-XXXXX-C."},
					"decision":     ref("Decision"),
					"rule_changes": ruleChangesProperty,
				},
			},
			"Error": errorSchema,
		}},
	}
	paths := doc["paths"].(map[string]any)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for _, part := range []func(internal map[string]any) (map[string]any, map[string]any){followUpOpenAPI, municipalOpenAPI, hotelOpenAPI, retentionOpenAPI} {
		ps, ss := part(internal)
		maps.Copy(paths, ps)
		maps.Copy(schemas, ss)
	}
	if smsReceipts {
		paths["/api/v1/sms/receipts"] = smsReceiptsOp()
	}
	if baseURL != "" {
		doc["servers"] = []any{map[string]any{"url": baseURL}}
	}
	return doc
}

// ruleChangesProperty documents the rule changes known to come during a
// decision's quarantine.
var ruleChangesProperty = map[string]any{"type": "array", "items": ref("RuleChange"),
	"description": "The rule versions that take effect after the arrival and before the quarantine ends and change " +
		"what is asked of the traveller, in the order they take effect; left out when there are none."}

// withRuleChanges returns the object schema s with the optional property
// rule_changes.
func withRuleChanges(s map[string]any) map[string]any {
	s["properties"].(map[string]any)["rule_changes"] = ruleChangesProperty
	return s
}

// ruleChangeSchema documents beredskap.RuleChange.
func ruleChangeSchema() map[string]any {
	return map[string]any{
		"type": "object", "required": []string{"in_force_from", "changes", "decision"}, "additionalProperties": false,
		"properties": map[string]any{
			"in_force_from": map[string]any{"type": "string", "format": "date-time",
				"description": "The instant the rule version takes effect (Europe/Oslo offset)."},
			"changes": map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": []string{
				rules.ChangeQuarantineLifted, rules.ChangeHotelLifted, rules.ChangeHotelRequired, rules.ChangeLastDay,
				rules.ChangeScope, rules.ChangeFee}},
				"description": "What changes from the decision before it."},
			"decision": ref("Decision"),
		},
	}
}

func mustOpenAPI(version, baseURL string, smsReceipts bool) []byte {
	data, err := json.MarshalIndent(openAPIDocument(version, baseURL, smsReceipts), "", "  ")
	if err != nil {
		panic(err)
	}
	return append(data, '\n')
}
