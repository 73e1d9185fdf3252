package web

import (
	"github.com/getkin/kin-openapi/openapi3"
)

// dispensationOperations are the operations on § 6j dispensations and
// their delegations.
func dispensationOperations() []operation {
	mayNot := "The role may not do this with dispensations, or not in this municipality."
	return []operation{
		{route: "GET /api/v1/dispensations", id: "listDispensations", staff: true,
			summary: "A receipt's § 6j dispensations, or a municipality's, newest first. Only the municipal officer and " +
				"staff of the traveller's quarantine municipality read them.",
			params: params(query("receipt", "Only this receipt's.", openapi3.NewStringSchema()), municipalityQuery(),
				pageSize("At most this many, 1 to 200.")),
			answers: []answer{jsonAnswer(200, "The dispensations.", "DispensationList")},
			errors: map[int]string{400: badQueryText, 403: mayNot, 404: "No registration with this receipt that the " +
				"caller may read: unknown and another municipality's answer alike."}},
		{route: "POST /api/v1/dispensations", id: "grantDispensation", staff: true,
			summary: "Grant a dispensation under § 6j of the covid-19 regulation for a purpose and relation of the " +
				"rules in force, at a place, within the quarantine.",
			body: ref("DispensationInput"), answers: []answer{jsonAnswer(201, "The dispensation.", "Dispensation")},
			errors: map[int]string{403: mayNot}},
		{route: "POST /api/v1/dispensations/{dispensation}/end", id: "endDispensation", staff: true,
			summary: "End a dispensation at once: symptoms reported, or revoked.",
			params:  params(idParam("dispensation", "The dispensation's id.")), body: ref("EndInput"),
			answers: []answer{jsonAnswer(200, "The dispensation ended.", "Dispensation")},
			errors: map[int]string{403: mayNot, 404: "No such dispensation in the caller's municipality.",
				409: "The dispensation has ended already."}},
		{route: "GET /api/v1/dispensations/delegations", id: "listDelegations", staff: true,
			summary: "The municipality's delegations of § 6j.",
			params:  params(municipalityQuery()), answers: []answer{jsonAnswer(200, "The delegations.", "DelegationList")},
			errors: map[int]string{403: mayNot}},
		{route: "POST /api/v1/dispensations/delegations", id: "delegate", staff: true,
			summary: "Let a municipal staff member grant dispensations on the officer's behalf.",
			body:    ref("DelegateInput"), answers: []answer{jsonAnswer(201, "The delegation.", "Delegation")},
			errors: map[int]string{403: mayNot, 404: "No such staff member.", 409: "The user holds an open delegation already."}},
		{route: "POST /api/v1/dispensations/delegations/{delegation}/end", id: "endDelegation", staff: true,
			summary: "End a delegation of the caller's municipality.",
			params:  params(idParam("delegation", "The delegation's id.")), answers: []answer{emptyAnswer(204, "Ended.")},
			errors: map[int]string{403: mayNot, 404: "No such delegation."}},
	}
}

func dispensationSchemas() openapi3.Schemas {
	input := schemaRules{required: setOf("receipt", "purpose", "relation", "place", "from", "to"),
		formats: map[string]string{"from": "date-time", "to": "date-time"}}
	end := schemaRules{required: setOf("reason"), enums: map[string][]string{"reason": {"symptoms", "revoked"}}}
	return openapi3.Schemas{
		"Dispensation":      schemaFor[dispensationJSON](staffRules).NewRef(),
		"DispensationList":  itemsSchema(ref("Dispensation")).NewRef(),
		"DispensationInput": schemaFor[dispensationInputJSON](input).NewRef(),
		"EndInput":          schemaFor[endJSON](end).NewRef(),
		"Delegation":        schemaFor[delegationJSON](staffRules).NewRef(),
		"DelegationList":    itemsSchema(ref("Delegation")).NewRef(),
		"DelegateInput":     schemaFor[delegateJSON](schemaRules{required: setOf("user_id")}).NewRef(),
	}
}

// impactOperations are the operations of rule-change impact: who a new
// rule version changes, and telling them.
func impactOperations() []operation {
	mayNot := "The role may not read rule-change impact."
	return []operation{
		{route: "GET /api/v1/rule-impact", id: "listImpactRuns", staff: true,
			summary: "The runs of rule-change impact, newest first.",
			answers: []answer{jsonAnswer(200, "The runs.", "ImpactRunList")},
			errors:  map[int]string{403: mayNot}},
		{route: "POST /api/v1/rule-impact", id: "computeImpact", staff: true,
			summary: "Re-evaluate every active quarantine under the rule version in force at an instant.",
			body:    ref("ImpactInput"), answers: []answer{jsonAnswer(201, "The run.", "ImpactRun")},
			errors: map[int]string{403: mayNot, 409: "The run exists already."}},
		{route: "GET /api/v1/rule-impact/changes", id: "impactChanges", staff: true,
			summary: "Who a run changes and how (e.g. \"may leave the hotel: group 4\"), by receipt, a page at a time.",
			params: params(query("at", "The instant the version takes effect (RFC 3339).", dateTime()), municipalityQuery(),
				query("after", "The next_after of the previous page.", openapi3.NewStringSchema()),
				pageSize("At most this many, 1 to 200.")),
			answers: []answer{jsonAnswer(200, "The run and a page of changes.", "ImpactChanges")},
			errors:  map[int]string{400: badQueryText, 403: mayNot, 404: "No run for this instant."}},
		{route: "POST /api/v1/rule-impact/{run}/notify", id: "notifyImpact", staff: true,
			summary: "Queue an SMS, in their language, to every traveller the run changes.",
			params:  params(idParam("run", "The run's id.")),
			answers: []answer{jsonAnswer(200, "How many were queued.", "Notified")},
			errors:  map[int]string{403: mayNot, 404: "No such run.", 409: "The run was notified already."}},
	}
}

func impactSchemas() openapi3.Schemas {
	changes := schemaFor[impactChangesJSON](schemaRules{required: setOf("run", "items")})
	changes.Properties["run"] = ref("ImpactRun")
	changes.Properties["items"] = arrayOf(schemaFor[impactChangeJSON](staffRules).NewRef())
	return openapi3.Schemas{
		"ImpactRun":     schemaFor[impactRunJSON](staffRules).NewRef(),
		"ImpactRunList": itemsSchema(ref("ImpactRun")).NewRef(),
		"ImpactInput":   schemaFor[impactComputeJSON](schemaRules{required: setOf("at"), formats: map[string]string{"at": "date-time"}}).NewRef(),
		"ImpactChanges": changes.NewRef(),
		"Notified":      schemaFor[notifiedJSON](staffRules).NewRef(),
	}
}
