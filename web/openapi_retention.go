package web

import (
	"reflect"

	"beredskap"
	"beredskap/retention"
)

// retentionOpenAPI returns the paths and schemas of the legal holds' API.
func retentionOpenAPI(internal map[string]any) (paths, schemas map[string]any) {
	unauthorized := errorResponse("No bearer token, or one that is unknown, revoked or expired.")
	op := func(id, summary, okStatus string, ok map[string]any, errs map[string]string) map[string]any {
		responses := map[string]any{okStatus: ok, "401": unauthorized, "500": internal}
		for status, text := range errs {
			responses[status] = errorResponse(text)
		}
		return map[string]any{"operationId": id, "summary": summary, "security": bearerSecurity, "responses": responses}
	}
	okJSON := func(description, schema string) map[string]any {
		return map[string]any{"description": description, "content": jsonContent(ref(schema))}
	}
	mayNot := "Only the municipal officer holds data, of their own municipality."
	create := op("createLegalHold", "Hold the data of the person of a receipt (every registration with the same national "+
		"identity number) past its retention period until the end of a day, for a reason. Audited.",
		"201", okJSON("The hold.", "LegalHold"), map[string]string{"403": mayNot,
			"404": "No registration of the caller's municipality has the receipt."})
	create["requestBody"] = map[string]any{"required": true, "content": jsonContent(ref("LegalHoldInput"))}
	for status, text := range map[string]string{
		"400": "The body is not valid; error.field names the first wrong field (receipt, reason, until).",
		"413": "The body is over 1 MiB.",
		"415": "The Content-Type is not application/json.",
	} {
		create["responses"].(map[string]any)[status] = errorResponse(text)
	}
	release := op("releaseLegalHold", "End a hold before its day; the data is purged at the next purge once its period has ended.",
		"204", map[string]any{"description": "Released."}, map[string]string{"403": mayNot,
			"404": "No hold in force of the caller's municipality has the id."})
	release["parameters"] = []any{map[string]any{"name": "hold", "in": "path", "required": true, "description": "The hold's id.",
		"schema": map[string]any{"type": "integer", "minimum": 1}}}
	list := op("listLegalHolds", "The caller's municipality's legal holds for review, soonest end first: those in force, "+
		"or every one with all=true.", "200", okJSON("The holds.", "LegalHoldList"), map[string]string{"403": mayNot})
	list["parameters"] = []any{queryParam("all", "true to list ended and released holds too.", map[string]any{"type": "string", "enum": []any{"true", "false"}})}
	mayNotCorrect := "Only citizen support handles correction requests."
	corrections := op("listCorrections", "The open requests of people to correct their data (GDPR art. 16), oldest first. Audited.",
		"200", okJSON("The requests.", "CorrectionList"), map[string]string{"403": mayNotCorrect})
	closeCorrection := op("closeCorrection", "Close a correction request with an answer to the person. Audited.",
		"204", map[string]any{"description": "Closed."}, map[string]string{"403": mayNotCorrect,
			"400": "The body is not valid; error.field names it (answer).", "404": "No open request has the id."})
	closeCorrection["parameters"] = []any{map[string]any{"name": "correction", "in": "path", "required": true,
		"description": "The request's id.", "schema": map[string]any{"type": "integer", "minimum": 1}}}
	closeCorrection["requestBody"] = map[string]any{"required": true, "content": jsonContent(map[string]any{
		"type": "object", "required": []any{"answer"}, "additionalProperties": false,
		"properties": map[string]any{"answer": map[string]any{"type": "string", "maxLength": retention.MaxCorrectionLength}}})}
	paths = map[string]any{
		"/api/v1/legal-holds":                    map[string]any{"get": list, "post": create},
		"/api/v1/legal-holds/{hold}/release":     map[string]any{"post": release},
		"/api/v1/corrections":                    map[string]any{"get": corrections},
		"/api/v1/corrections/{correction}/close": map[string]any{"post": closeCorrection},
	}
	schemas = map[string]any{
		"LegalHold":      staffRules.schema(reflect.TypeFor[beredskap.LegalHold](), ""),
		"LegalHoldList":  itemsSchema(ref("LegalHold")),
		"Correction":     staffRules.schema(reflect.TypeFor[beredskap.CorrectionRequest](), ""),
		"CorrectionList": itemsSchema(ref("Correction")),
		"LegalHoldInput": (&schemaRules{required: setOf("receipt", "reason", "until"),
			descriptions: map[string]string{"until": "The last day held, YYYY-MM-DD, within two years."}}).schema(reflect.TypeFor[retention.HoldRequest](), ""),
	}
	return paths, schemas
}
