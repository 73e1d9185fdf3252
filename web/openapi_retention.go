package web

import (
	"github.com/getkin/kin-openapi/openapi3"

	"beredskap"
	"beredskap/retention"
)

// retentionOperations are the operations on legal holds and on people's
// requests to correct their data.
func retentionOperations() []operation {
	mayNot := "Only the municipal officer holds data, of their own municipality."
	mayNotCorrect := "Only citizen support handles correction requests."
	answerText := openapi3.NewStringSchema().WithMaxLength(retention.MaxCorrectionLength)
	return []operation{
		{route: "GET /api/v1/legal-holds", id: "listLegalHolds", staff: true,
			summary: "The caller's municipality's legal holds for review, soonest end first: those in force, or every " +
				"one with all=true.",
			params:  params(query("all", "true to list ended and released holds too.", enum("true", "false"))),
			answers: []answer{jsonAnswer(200, "The holds.", "LegalHoldList")},
			errors:  map[int]string{403: mayNot}},
		{route: "POST /api/v1/legal-holds", id: "createLegalHold", staff: true,
			summary: "Hold the data of the person of a receipt (every registration with the same national identity " +
				"number) past its retention period until the end of a day, for a reason. Audited.",
			body:    ref("LegalHoldInput"),
			answers: []answer{jsonAnswer(201, "The hold.", "LegalHold")},
			errors: map[int]string{403: mayNot, 404: "No registration of the caller's municipality has the receipt.",
				400: "The body is not valid; error.field names the first wrong field (receipt, reason, until)."}},
		{route: "POST /api/v1/legal-holds/{hold}/release", id: "releaseLegalHold", staff: true,
			summary: "End a hold before its day; the data is purged at the next purge once its period has ended.",
			params:  params(idParam("hold", "The hold's id.")),
			answers: []answer{emptyAnswer(204, "Released.")},
			errors:  map[int]string{403: mayNot, 404: "No hold in force of the caller's municipality has the id."}},
		{route: "GET /api/v1/corrections", id: "listCorrections", staff: true,
			summary: "The open requests of people to correct their data (GDPR art. 16), oldest first. Audited.",
			answers: []answer{jsonAnswer(200, "The requests.", "CorrectionList")},
			errors:  map[int]string{403: mayNotCorrect}},
		{route: "POST /api/v1/corrections/{correction}/close", id: "closeCorrection", staff: true,
			summary: "Close a correction request with an answer to the person. Audited.",
			params:  params(idParam("correction", "The request's id.")),
			body:    objectOf(openapi3.Schemas{"answer": answerText.NewRef()}, "answer").NewRef(),
			answers: []answer{emptyAnswer(204, "Closed.")},
			errors: map[int]string{403: mayNotCorrect, 404: "No open request has the id.",
				400: "The body is not valid; error.field names it (answer)."}},
	}
}

func retentionSchemas() openapi3.Schemas {
	holdInput := schemaRules{required: setOf("receipt", "reason", "until"),
		descriptions: map[string]string{"until": "The last day held, YYYY-MM-DD, within two years."}}
	return openapi3.Schemas{
		"LegalHold":      schemaFor[beredskap.LegalHold](staffRules).NewRef(),
		"LegalHoldList":  itemsSchema(ref("LegalHold")).NewRef(),
		"Correction":     schemaFor[beredskap.CorrectionRequest](staffRules).NewRef(),
		"CorrectionList": itemsSchema(ref("Correction")).NewRef(),
		"LegalHoldInput": schemaFor[retention.HoldRequest](holdInput).NewRef(),
	}
}
