package web

import (
	"github.com/getkin/kin-openapi/openapi3"

	"beredskap"
)

// The staff part of the OpenAPI document: the registrations and audit
// trail that staff read with a bearer token.

func staffOperations() []operation {
	str := openapi3.NewStringSchema
	return []operation{
		{route: "GET /api/v1/registrations", id: "listRegistrations", staff: true,
			summary: "List the registrations the caller may see, newest first.",
			params: paging(query("municipality", "Municipality number (4 digits); a municipal role may name only its own.",
				digits("4"))),
			answers: []answer{jsonAnswer(200, "A page of registrations; the last page has no next_page_token.", "RegistrationList")},
			errors:  map[int]string{400: badQueryText, 403: "The role may not list registrations, or not of that municipality."}},
		{route: "GET /api/v1/registrations/{receipt}", id: "getRegistration", staff: true,
			summary: "One registration and its decision.",
			params:  params(pathParam("receipt", "", str())),
			answers: []answer{jsonAnswer(200, "The registration.", "StoredRegistration")},
			errors: map[int]string{400: badQueryText, 403: "The role may not read registrations.",
				404: "No such registration, or one the caller may not see."}},
		{route: "GET /api/v1/audit", id: "searchAudit", staff: true,
			summary: "Search the audit trail, oldest first (access administrators only).",
			params: paging(
				query("receipt", "Entries about the registration with this receipt.", str()),
				query("actor", "Entries of this actor (a user's e-mail, system or anonymous).", str()),
				query("action", "Entries of this action, such as registration.read.", str()),
				query("object", "Entries about this object, such as user:7.", str()),
				query("from", "Entries at or after this instant (RFC 3339).", dateTime()),
				query("to", "Entries before this instant (RFC 3339).", dateTime())),
			answers: []answer{jsonAnswer(200, "A page of audit entries; the last page has no next_page_token.", "AuditList")},
			errors:  map[int]string{400: badQueryText, 403: "The role may not search the audit trail."}},
	}
}

func staffSchemas() openapi3.Schemas {
	registration := schemaFor[registrationItem](staffRules)
	registration.Properties["traveller"] = schemaAt[beredskap.Traveller](registrationRules, "traveller").NewRef()
	registration.Properties["decision"] = ref("Decision")

	stored := schemaFor[beredskap.StoredRegistration](staffRules)
	stored.Properties["registration"] = ref("Registration")
	stored.Properties["decision"] = ref("Decision")
	stored.Properties["rule_changes"] = ruleChangesProperty()

	audit := schemaFor[auditItem](staffRules)
	audit.Properties["role"] = enum(append(namesOf(beredskap.Roles), "")...).NewRef()
	audit.Required = []string{"seq", "at", "actor", "role", "scope", "action", "object", "outcome"}

	return openapi3.Schemas{
		"RegistrationList":   listSchema(registration.NewRef()).NewRef(),
		"StoredRegistration": stored.NewRef(),
		"AuditList":          listSchema(audit.NewRef()).NewRef(),
	}
}
