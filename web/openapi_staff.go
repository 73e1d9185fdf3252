package web

import (
	"reflect"

	"beredskap"
)

// The staff part of the OpenAPI document: the registrations and audit
// trail that staff read with a bearer token.

var bearerSecurity = []any{map[string]any{"bearer": []string{}}}

func securitySchemes() map[string]any {
	return map[string]any{"bearer": map[string]any{
		"type": "http", "scheme": "bearer",
		"description": "A staff API token from `beredskap token create`; it acts with its user's role and scope.",
	}}
}

func queryParam(name, description string, schema map[string]any) map[string]any {
	return map[string]any{"name": name, "in": "query", "required": false, "description": description, "schema": schema}
}

func pagingParams() []any {
	return []any{
		queryParam("limit", "Page size, 1 to 200; 50 when absent.",
			map[string]any{"type": "integer", "minimum": 1, "maximum": beredskap.MaxPageSize}),
		queryParam("page_token", "The next_page_token of the previous page.", map[string]any{"type": "string"}),
	}
}

// staffResponses returns the error responses every staff operation may
// give, with ok added.
func staffResponses(ok, internal map[string]any, forbidden string) map[string]any {
	return map[string]any{
		"200": ok,
		"400": errorResponse("A query parameter is wrong; error.field names it."),
		"401": errorResponse("No bearer token, or one that is unknown, revoked or expired."),
		"403": errorResponse(forbidden),
		"500": internal,
	}
}

func listRegistrationsOp(internal map[string]any) map[string]any {
	params := append([]any{queryParam("municipality", "Municipality number (4 digits); a municipal role may name only its own.",
		map[string]any{"type": "string", "pattern": "^[0-9]{4}$"})}, pagingParams()...)
	return map[string]any{
		"operationId": "listRegistrations",
		"summary":     "List the registrations the caller may see, newest first.",
		"security":    bearerSecurity,
		"parameters":  params,
		"responses": staffResponses(
			map[string]any{"description": "A page of registrations; the last page has no next_page_token.",
				"content": jsonContent(ref("RegistrationList"))},
			internal, "The role may not list registrations, or not of that municipality."),
	}
}

func getRegistrationOp(internal map[string]any) map[string]any {
	op := map[string]any{
		"operationId": "getRegistration",
		"summary":     "One registration and its decision.",
		"security":    bearerSecurity,
		"parameters": []any{map[string]any{"name": "receipt", "in": "path", "required": true,
			"schema": map[string]any{"type": "string"}}},
		"responses": staffResponses(
			map[string]any{"description": "The registration.", "content": jsonContent(ref("StoredRegistration"))},
			internal, "The role may not read registrations."),
	}
	op["responses"].(map[string]any)["404"] = errorResponse("No such registration, or one the caller may not see.")
	return op
}

func searchAuditOp(internal map[string]any) map[string]any {
	str := map[string]any{"type": "string"}
	instant := map[string]any{"type": "string", "format": "date-time"}
	params := append([]any{
		queryParam("receipt", "Entries about the registration with this receipt.", str),
		queryParam("actor", "Entries of this actor (a user's e-mail, system or anonymous).", str),
		queryParam("action", "Entries of this action, such as registration.read.", str),
		queryParam("object", "Entries about this object, such as user:7.", str),
		queryParam("from", "Entries at or after this instant (RFC 3339).", instant),
		queryParam("to", "Entries before this instant (RFC 3339).", instant),
	}, pagingParams()...)
	return map[string]any{
		"operationId": "searchAudit",
		"summary":     "Search the audit trail, oldest first (access administrators only).",
		"security":    bearerSecurity,
		"parameters":  params,
		"responses": staffResponses(
			map[string]any{"description": "A page of audit entries; the last page has no next_page_token.",
				"content": jsonContent(ref("AuditList"))},
			internal, "The role may not search the audit trail."),
	}
}

var staffRules = schemaRules{required: allRequired}

func listSchema(item map[string]any) map[string]any {
	return map[string]any{
		"type": "object", "required": []string{"items"}, "additionalProperties": false,
		"properties": map[string]any{
			"items":           map[string]any{"type": "array", "items": item},
			"next_page_token": map[string]any{"type": "string"},
		},
	}
}

func registrationListSchema() map[string]any {
	item := staffRules.schema(reflect.TypeFor[registrationItem](), "")
	props := item["properties"].(map[string]any)
	props["traveller"] = registrationRules.schema(reflect.TypeFor[beredskap.Traveller](), "traveller")
	props["decision"] = ref("Decision")
	return listSchema(item)
}

func storedRegistrationSchema() map[string]any {
	s := staffRules.schema(reflect.TypeFor[beredskap.StoredRegistration](), "")
	props := s["properties"].(map[string]any)
	props["registration"] = ref("Registration")
	props["decision"] = ref("Decision")
	props["rule_changes"] = ruleChangesProperty
	return s
}

func auditListSchema() map[string]any {
	item := staffRules.schema(reflect.TypeFor[auditItem](), "")
	props := item["properties"].(map[string]any)
	props["role"] = map[string]any{"type": "string", "enum": append(rolesOf(beredskap.Roles), "")}
	item["required"] = []string{"seq", "at", "actor", "role", "scope", "action", "object", "outcome"}
	return listSchema(item)
}

func rolesOf(roles []beredskap.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}
