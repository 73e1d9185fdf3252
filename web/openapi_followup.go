package web

import (
	"fmt"
	"maps"

	"github.com/getkin/kin-openapi/openapi3"

	"beredskap"
	"beredskap/sms"
)

// followUpOperations are the operations of the control centre and the
// labour inspectorate.
func followUpOperations() []operation {
	filters := params(
		query("language", "Only travellers of this language.", enum(beredskap.Enumerations["traveller.language"]...)),
		query("municipality", "Only travellers in quarantine in this municipality (4 digits).", digits("4")))
	plan := idParam("plan", "The follow-up plan's id.")
	mayNot := "The role may not work the control centre's queue."
	planOK := jsonAnswer(200, "The plan, held by the caller.", "FollowUpPlan")
	return []operation{
		{route: "GET /api/v1/followup/queue", id: "followUpQueue", staff: true,
			summary: "The work queue in priority order: not reached first, then suspected breach, fewest days left, " +
				"oldest; held plans included.",
			params:  append(filters, pageSize("At most this many, 1 to 200.")),
			answers: []answer{jsonAnswer(200, "The queue.", "FollowUpQueue")},
			errors:  map[int]string{400: badQueryText, 403: mayNot}},
		{route: "POST /api/v1/followup/claim-next", id: "followUpClaimNext", staff: true,
			summary: "Claim the first free plan of the queue the filters select; the claim lapses after the lease.",
			params:  filters, answers: []answer{planOK},
			errors: map[int]string{400: badQueryText, 403: mayNot, 404: "Nobody in the queue is free to claim."}},
		{route: "POST /api/v1/followup/plans/{plan}/claim", id: "followUpClaim", staff: true,
			summary: "Claim a plan, or extend the caller's claim.",
			params:  params(plan), answers: []answer{planOK},
			errors: map[int]string{403: mayNot, 404: "No such plan.", 409: "Another operator holds the plan, or it has ended."}},
		{route: "POST /api/v1/followup/plans/{plan}/release", id: "followUpRelease", staff: true,
			summary: "Let go of a plan the caller holds.",
			params:  params(plan), answers: []answer{emptyAnswer(204, "Released (or not held by the caller).")},
			errors: map[int]string{403: mayNot, 404: "No such plan."}},
		{route: "POST /api/v1/followup/plans/{plan}/reports", id: "followUpFileReport", staff: true,
			summary: "File a call report on a plan the caller holds. A suspected employer breach makes a notice to the " +
				"labour inspectorate.",
			params: params(plan), body: ref("ReportInput"),
			answers: []answer{jsonAnswer(201, "The report stored.", "CallReport")},
			errors: map[int]string{403: mayNot, 404: "No such plan.",
				409: "The plan is not in the queue or not held by the caller."}},
		{route: "POST /api/v1/followup/reports/{report}/corrections", id: "followUpCorrectReport", staff: true,
			summary: "File a report that corrects an earlier one; reports are never changed.",
			params:  params(idParam("report", "The id of the report to correct.")), body: ref("ReportInput"),
			answers: []answer{jsonAnswer(201, "The correcting report.", "CallReport")},
			errors: map[int]string{403: mayNot, 404: "No such report.",
				409: "The report is corrected already, or its plan is not held by the caller."}},
		{route: "POST /api/v1/followup/plans/{plan}/sms", id: "followUpSendSMS", staff: true,
			summary: "Queue an ad-hoc SMS from a template to the plan's traveller, or with preview true only show it. " +
				"A language without the template falls back to English (fell_back in the preview).",
			params: params(plan), body: ref("SMSRequest"),
			answers: []answer{jsonAnswer(201, "The SMS queued.", "SMSMessage"),
				jsonAnswer(200, "The preview (preview true); nothing is queued.", "SMSPreview")},
			errors: map[int]string{403: mayNot, 404: "No such plan.", 409: "The plan is not held by the caller."}},
		{route: "GET /api/v1/followup/sms-templates", id: "followUpTemplates", staff: true,
			summary: "Every SMS template by key and language, the built-in text where none is stored.",
			answers: []answer{jsonAnswer(200, "The templates.", "SMSTemplateList")},
			errors:  map[int]string{403: mayNot}},
		{route: "PUT /api/v1/followup/sms-templates/{key}/{language}", id: "followUpSaveTemplate", staff: true,
			summary: "Create or replace the template of a key and language. Unknown placeholders are refused naming " +
				"the field body.",
			params: params(pathParam("key", "The template key: day2, day5, not_reached or rule_change.", openapi3.NewStringSchema()),
				pathParam("language", "A language code of traveller.language.", openapi3.NewStringSchema())),
			body:    ref("SMSTemplateInput"),
			answers: []answer{jsonAnswer(200, "The template stored.", "SMSTemplate")},
			errors:  map[int]string{403: "The role may not change SMS templates."}},
		{route: "GET /api/v1/labour-notices", id: "labourNotices", staff: true,
			summary: "Notices to the labour inspectorate, newest first: the employer, what was suspected and when. " +
				"With format csv or xlsx the same as a file.",
			params: paging(query("org_number", "Only this employer (9 digits).", digits("9")),
				query("from", "Notices made on or after this day (Europe/Oslo).", date()),
				query("to", "Notices made on or before this day (Europe/Oslo).", date()),
				query("format", "csv or xlsx to download the notices as a file.", enum("csv", "xlsx"))),
			answers: []answer{fileAnswer("A page of notices, or the file.", "LabourNoticeList", csvType, xlsxType)},
			errors:  map[int]string{400: badQueryText, 403: "The role may not read the notices."}},
	}
}

func followUpSchemas() openapi3.Schemas {
	return openapi3.Schemas{
		"FollowUpPlan":     schemaFor[planJSON](staffRules).NewRef(),
		"FollowUpQueue":    itemsSchema(ref("FollowUpPlan")).NewRef(),
		"ReportInput":      schemaFor[reportInputJSON](reportRules).NewRef(),
		"CallReport":       schemaFor[reportJSON](storedReportRules).NewRef(),
		"SMSRequest":       schemaFor[smsRequestJSON](schemaRules{}).NewRef(),
		"SMSPreview":       schemaFor[previewJSON](staffRules).NewRef(),
		"SMSMessage":       schemaFor[smsJSON](staffRules).NewRef(),
		"SMSTemplate":      schemaFor[templateJSON](staffRules).NewRef(),
		"SMSTemplateList":  itemsSchema(ref("SMSTemplate")).NewRef(),
		"SMSTemplateInput": schemaFor[templateInputJSON](schemaRules{required: setOf("body")}).NewRef(),
		"LabourNotice":     schemaFor[labourNoticeJSON](noticeRules).NewRef(),
		"LabourNoticeList": itemsSchema(ref("LabourNotice")).NewRef(),
	}
}

// reportRules describe the fields of a call report.
var reportRules = schemaRules{
	required: setOf("outcome"),
	enums: map[string][]string{
		"outcome":    {string(beredskap.CallReached), string(beredskap.CallNotReached), string(beredskap.CallWrongNumber)},
		"understood": {string(beredskap.UnderstoodYes), string(beredskap.UnderstoodPartly), string(beredskap.UnderstoodNo)},
		"language":   beredskap.Enumerations["traveller.language"],
		"breaches":   namesOf(beredskap.BreachKinds),
		// An unknown choice is refused by the service naming the field,
		// like any other bad value.
		"employer_suspected": namesOf(beredskap.EmployerSuspicions),
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
	enums:    map[string][]string{"suspected": namesOf(beredskap.EmployerSuspicions)},
	descriptions: map[string]string{
		"suspected": "What was suspected of the employer; empty on notices made before the list existed.",
		"suspicion": "What was suspected in the operator's words, on notices made before the list existed; empty on newer ones.",
	},
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

// smsReceiptsOperation documents the webhook the SMS provider posts
// delivery receipts to. It is not for staff: the provider signs each body
// with the shared secret, and the answers are plain text.
func smsReceiptsOperation() operation {
	str := describedString
	receipt := openapi3.NewObjectSchema()
	receipt.Properties = openapi3.Schemas{
		"id":        str("The provider's id of the message."),
		"reference": str("The register's id sent with the message."),
		"status":    enum(sms.ReceiptDelivered, sms.ReceiptFailed).NewRef(),
		"error":     str("Why the provider gave up."),
		"at":        dateTime().NewRef(),
	}
	receipt.Required = []string{"id", "status"}
	signature := openapi3.NewHeaderParameter(sms.SignatureHeader).WithRequired(true).WithSchema(openapi3.NewStringSchema()).
		WithDescription("t=UNIX-SECONDS,v1=HEX: the HMAC-SHA256 under the shared secret of the seconds, a dot and the " +
			"body; refused when the time is outside the replay window.")
	return operation{route: "POST /api/v1/sms/receipts", id: "smsReceipt", plain: true,
		summary: "A delivery receipt from the SMS provider: the message was delivered, or the provider gave up. " +
			"Idempotent; a receipt of a message this register did not send is accepted and ignored.",
		params: params(signature), body: receipt.NewRef(),
		answers: []answer{emptyAnswer(204, "Recorded, or about no message of this register."),
			textAnswer(400, "Signed, but not a receipt."),
			textAnswer(401, "The signature is missing, wrong or stale."),
			textAnswer(413, fmt.Sprintf("The body is over %d KiB.", sms.MaxReceiptBody>>10)),
			textAnswer(500, "Not recorded; the provider should try again.")}}
}
