package web

import (
	"fmt"
	"maps"
	"reflect"

	"beredskap"
	"beredskap/sms"
)

// followUpOpenAPI returns the paths and schemas of the control centre's and
// the labour inspectorate's API.
func followUpOpenAPI(internal map[string]any) (paths, schemas map[string]any) {
	str := map[string]any{"type": "string"}
	idParam := func(name, description string) map[string]any {
		return map[string]any{"name": name, "in": "path", "required": true, "description": description,
			"schema": map[string]any{"type": "integer", "minimum": 1}}
	}
	strParam := func(name, description string) map[string]any {
		return map[string]any{"name": name, "in": "path", "required": true, "description": description, "schema": str}
	}
	plan := idParam("plan", "The follow-up plan's id.")
	filters := []any{
		queryParam("language", "Only travellers of this language.", map[string]any{"type": "string",
			"enum": beredskap.Enumerations["traveller.language"]}),
		queryParam("municipality", "Only travellers in quarantine in this municipality (4 digits).",
			map[string]any{"type": "string", "pattern": "^[0-9]{4}$"}),
	}
	unauthorized := errorResponse("No bearer token, or one that is unknown, revoked or expired.")
	body := func(schema string) map[string]any {
		return map[string]any{"required": true, "content": jsonContent(ref(schema))}
	}
	// op returns an operation answering ok with status okStatus, and the
	// error statuses named in errs.
	op := func(id, summary string, okStatus string, ok map[string]any, errs map[string]string) map[string]any {
		responses := map[string]any{okStatus: ok, "401": unauthorized, "500": internal}
		for status, text := range errs {
			responses[status] = errorResponse(text)
		}
		return map[string]any{"operationId": id, "summary": summary, "security": bearerSecurity, "responses": responses}
	}
	withParams := func(o map[string]any, params ...any) map[string]any {
		o["parameters"] = params
		return o
	}
	withBody := func(o map[string]any, schema string) map[string]any {
		o["requestBody"] = body(schema)
		return o
	}
	jsonBodyErrs := func(errs map[string]string) map[string]string {
		out := maps.Clone(errs)
		out["400"] = "The body is not valid; error.field names the first wrong field and error.problems every one."
		out["413"] = "The body is over 1 MiB."
		out["415"] = "The Content-Type is not application/json."
		return out
	}
	mayNot := "The role may not work the control centre's queue."
	planOK := map[string]any{"description": "The plan, held by the caller.", "content": jsonContent(ref("FollowUpPlan"))}

	paths = map[string]any{
		"/api/v1/followup/queue": map[string]any{"get": withParams(op("followUpQueue",
			"The work queue in priority order: not reached first, then suspected breach, fewest days left, oldest; held plans included.",
			"200", map[string]any{"description": "The queue.", "content": jsonContent(ref("FollowUpQueue"))},
			map[string]string{"400": "A query parameter is wrong; error.field names it.", "403": mayNot}),
			append(filters, queryParam("limit", "At most this many, 1 to 200.",
				map[string]any{"type": "integer", "minimum": 1, "maximum": beredskap.MaxPageSize}))...)},
		"/api/v1/followup/claim-next": map[string]any{"post": withParams(op("followUpClaimNext",
			"Claim the first free plan of the queue the filters select; the claim lapses after the lease.",
			"200", planOK, map[string]string{"400": "A query parameter is wrong; error.field names it.", "403": mayNot,
				"404": "Nobody in the queue is free to claim."}), filters...)},
		"/api/v1/followup/plans/{plan}/claim": map[string]any{"post": withParams(op("followUpClaim",
			"Claim a plan, or extend the caller's claim.", "200", planOK,
			map[string]string{"403": mayNot, "404": "No such plan.",
				"409": "Another operator holds the plan, or it has ended."}), plan)},
		"/api/v1/followup/plans/{plan}/release": map[string]any{"post": withParams(op("followUpRelease",
			"Let go of a plan the caller holds.", "204", map[string]any{"description": "Released (or not held by the caller)."},
			map[string]string{"403": mayNot, "404": "No such plan."}), plan)},
		"/api/v1/followup/plans/{plan}/reports": map[string]any{"post": withBody(withParams(op("followUpFileReport",
			"File a call report on a plan the caller holds. A suspected employer breach makes a notice to the labour inspectorate.",
			"201", map[string]any{"description": "The report stored.", "content": jsonContent(ref("CallReport"))},
			jsonBodyErrs(map[string]string{"403": mayNot, "404": "No such plan.",
				"409": "The plan is not in the queue or not held by the caller."})), plan), "ReportInput")},
		"/api/v1/followup/reports/{report}/corrections": map[string]any{"post": withBody(withParams(op("followUpCorrectReport",
			"File a report that corrects an earlier one; reports are never changed.", "201",
			map[string]any{"description": "The correcting report.", "content": jsonContent(ref("CallReport"))},
			jsonBodyErrs(map[string]string{"403": mayNot, "404": "No such report.",
				"409": "The report is corrected already, or its plan is not held by the caller."})),
			idParam("report", "The id of the report to correct.")), "ReportInput")},
		"/api/v1/followup/plans/{plan}/sms": map[string]any{"post": withBody(withParams(op("followUpSendSMS",
			"Queue an ad-hoc SMS from a template to the plan's traveller, or with preview true only show it. "+
				"A language without the template falls back to English (fell_back in the preview).", "201",
			map[string]any{"description": "The SMS queued.", "content": jsonContent(ref("SMSMessage"))},
			jsonBodyErrs(map[string]string{"403": mayNot, "404": "No such plan.",
				"409": "The plan is not held by the caller."})), plan), "SMSRequest")},
		"/api/v1/followup/sms-templates": map[string]any{"get": op("followUpTemplates",
			"Every SMS template by key and language, the built-in text where none is stored.", "200",
			map[string]any{"description": "The templates.", "content": jsonContent(ref("SMSTemplateList"))},
			map[string]string{"403": mayNot})},
		"/api/v1/followup/sms-templates/{key}/{language}": map[string]any{"put": withBody(withParams(op("followUpSaveTemplate",
			"Create or replace the template of a key and language. Unknown placeholders are refused naming the field body.", "200",
			map[string]any{"description": "The template stored.", "content": jsonContent(ref("SMSTemplate"))},
			jsonBodyErrs(map[string]string{"403": "The role may not change SMS templates."})),
			strParam("key", "The template key: day2, day5, not_reached or rule_change."),
			strParam("language", "A language code of traveller.language.")), "SMSTemplateInput")},
		"/api/v1/labour-notices": map[string]any{"get": withParams(op("labourNotices",
			"Notices to the labour inspectorate, newest first: the employer, what was suspected and when. "+
				"With format csv or xlsx the same as a file.", "200",
			map[string]any{"description": "A page of notices, or the file.", "content": map[string]any{
				"application/json": map[string]any{"schema": ref("LabourNoticeList")},
				"text/csv":         map[string]any{"schema": str},
				"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": map[string]any{
					"schema": map[string]any{"type": "string", "format": "binary"}},
			}},
			map[string]string{"400": "A query parameter is wrong; error.field names it.",
				"403": "The role may not read the notices."}),
			append([]any{
				queryParam("org_number", "Only this employer (9 digits).", map[string]any{"type": "string", "pattern": "^[0-9]{9}$"}),
				queryParam("from", "Notices made on or after this day (Europe/Oslo).", map[string]any{"type": "string", "format": "date"}),
				queryParam("to", "Notices made on or before this day (Europe/Oslo).", map[string]any{"type": "string", "format": "date"}),
				queryParam("format", "csv or xlsx to download the notices as a file.",
					map[string]any{"type": "string", "enum": []string{"csv", "xlsx"}}),
			}, pagingParams()...)...)},
	}

	schemas = map[string]any{
		"FollowUpPlan":     staffRules.schema(reflect.TypeFor[planJSON](), ""),
		"FollowUpQueue":    itemsSchema(ref("FollowUpPlan")),
		"ReportInput":      reportInputSchema(),
		"CallReport":       callReportSchema(),
		"SMSRequest":       (&schemaRules{}).schema(reflect.TypeFor[smsRequestJSON](), ""),
		"SMSPreview":       staffRules.schema(reflect.TypeFor[previewJSON](), ""),
		"SMSMessage":       staffRules.schema(reflect.TypeFor[smsJSON](), ""),
		"SMSTemplate":      staffRules.schema(reflect.TypeFor[templateJSON](), ""),
		"SMSTemplateList":  itemsSchema(ref("SMSTemplate")),
		"SMSTemplateInput": (&schemaRules{required: setOf("body")}).schema(reflect.TypeFor[templateInputJSON](), ""),
		"LabourNotice":     noticeRules.schema(reflect.TypeFor[labourNoticeJSON](), ""),
		"LabourNoticeList": itemsSchema(ref("LabourNotice")),
	}
	// The SMS operation answers a preview with 200.
	smsOp := paths["/api/v1/followup/plans/{plan}/sms"].(map[string]any)["post"].(map[string]any)
	smsOp["responses"].(map[string]any)["200"] = map[string]any{"description": "The preview (preview true); nothing is queued.",
		"content": jsonContent(ref("SMSPreview"))}
	return paths, schemas
}

// itemsSchema returns the schema of an object whose items are item, with
// no paging.
func itemsSchema(item map[string]any) map[string]any {
	return map[string]any{
		"type": "object", "required": []string{"items"}, "additionalProperties": false,
		"properties": map[string]any{"items": map[string]any{"type": "array", "items": item}},
	}
}

// reportRules describe the fields of a call report.
var reportRules = schemaRules{
	required: setOf("outcome"),
	enums: map[string][]string{
		"outcome":    {string(beredskap.CallReached), string(beredskap.CallNotReached), string(beredskap.CallWrongNumber)},
		"understood": {string(beredskap.UnderstoodYes), string(beredskap.UnderstoodPartly), string(beredskap.UnderstoodNo)},
		"language":   beredskap.Enumerations["traveller.language"],
		"breaches":   breachKindNames(),
		// An unknown choice is refused by the service naming the field,
		// like any other bad value.
		"employer_suspected": suspicionNames(),
	},
	descriptions: map[string]string{
		"understood":      "Whether a reached traveller understood the rules; empty when not reached.",
		"staying_at":      "Where the traveller says they stay.",
		"breaches":        "The kinds of suspected breach of quarantine; empty when none is suspected.",
		"breach_text":     "A short text about the suspected breach.",
		"employer_breach": "The employer seems not to meet its duties: employer_org is then required and a notice goes to the labour inspectorate.",
		"employer_org":    "The employer's Norwegian organisation number (9 digits), checked.",
		"employer_suspected": "What was suspected of the employer, one or more of the list, each once; required with " +
			"employer_breach and empty without. The labour notice carries these.",
		"employer_text": "The operator's optional note on the employer breach. It stays with the report and is not " +
			"sent to the labour inspectorate; an identity number, a phone number or the traveller's name or birth " +
			"date is refused.",
	},
}

// noticeRules describe a labour notice.
var noticeRules = schemaRules{
	required: allRequired,
	enums:    map[string][]string{"suspected": suspicionNames()},
	descriptions: map[string]string{
		"suspected": "What was suspected of the employer; empty on notices made before the list existed.",
		"suspicion": "What was suspected in the operator's words, on notices made before the list existed; empty on newer ones.",
	},
}

func suspicionNames() []string {
	out := make([]string, len(beredskap.EmployerSuspicions))
	for i, k := range beredskap.EmployerSuspicions {
		out[i] = string(k)
	}
	return out
}

func breachKindNames() []string {
	out := make([]string, len(beredskap.BreachKinds))
	for i, k := range beredskap.BreachKinds {
		out[i] = string(k)
	}
	return out
}

func reportInputSchema() map[string]any {
	return reportRules.schema(reflect.TypeFor[reportInputJSON](), "")
}

// storedReportRules describe a stored report: the input's fields and the
// ones the server sets, all present; an optional choice of the input (such
// as understood, when the traveller was not reached) may be empty.
var storedReportRules = func() schemaRules {
	r := reportRules
	r.present = true
	r.descriptions = maps.Clone(reportRules.descriptions)
	r.descriptions["corrects"] = "The id of the report this one corrects, 0 for none."
	return r
}()

// callReportSchema documents a stored report.
func callReportSchema() map[string]any {
	return storedReportRules.schema(reflect.TypeFor[reportJSON](), "")
}

// smsReceiptsOp documents the webhook the SMS provider posts delivery
// receipts to. It is not for staff: the provider signs each body with the
// shared secret, and the answers are plain text.
func smsReceiptsOp() map[string]any {
	text := func(description string) map[string]any {
		return map[string]any{"description": description, "content": map[string]any{
			"text/plain": map[string]any{"schema": map[string]any{"type": "string"}}}}
	}
	return map[string]any{"post": map[string]any{
		"operationId": "smsReceipt",
		"summary": "A delivery receipt from the SMS provider: the message was delivered, or the provider gave up. " +
			"Idempotent; a receipt of a message this register did not send is accepted and ignored.",
		"parameters": []any{map[string]any{"name": sms.SignatureHeader, "in": "header", "required": true,
			"description": "t=UNIX-SECONDS,v1=HEX: the HMAC-SHA256 under the shared secret of the seconds, a dot and " +
				"the body; refused when the time is outside the replay window.",
			"schema": map[string]any{"type": "string"}}},
		"requestBody": map[string]any{"required": true, "content": jsonContent(map[string]any{
			"type": "object", "required": []string{"id", "status"},
			"properties": map[string]any{
				"id":        map[string]any{"type": "string", "description": "The provider's id of the message."},
				"reference": map[string]any{"type": "string", "description": "The register's id sent with the message."},
				"status":    map[string]any{"type": "string", "enum": []string{sms.ReceiptDelivered, sms.ReceiptFailed}},
				"error":     map[string]any{"type": "string", "description": "Why the provider gave up."},
				"at":        map[string]any{"type": "string", "format": "date-time"},
			}})},
		"responses": map[string]any{
			"204": map[string]any{"description": "Recorded, or about no message of this register."},
			"400": text("Signed, but not a receipt."),
			"401": text("The signature is missing, wrong or stale."),
			"413": text(fmt.Sprintf("The body is over %d KiB.", sms.MaxReceiptBody>>10)),
			"500": text("Not recorded; the provider should try again."),
		},
	}}
}
