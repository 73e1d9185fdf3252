package web

import (
	"github.com/getkin/kin-openapi/openapi3"

	"beredskap"
)

// municipalOperations are the operations of the municipalities' follow-up
// API.
func municipalOperations() []operation {
	str := openapi3.NewStringSchema
	municipality := query("municipality", "Municipality number (4 digits). A municipal role sees its own municipality, "+
		"which is the default, and may name no other; the control centre must name one.", digits("4"))
	filters := params(
		municipality,
		query("arrival_from", "Travellers who arrived on or after this day (Europe/Oslo).", date()),
		query("arrival_to", "Travellers who arrived on or before this day (Europe/Oslo).", date()),
		query("status", "active or ended follow-up; both when absent.", enum(beredskap.PlanActive, beredskap.PlanEnded)),
		query("not_reached", "true: only travellers the control centre has not reached.", enum("true", "false")),
		query("breach", "true: only travellers with a suspected breach of quarantine.", enum("true", "false")),
		query("language", "Only travellers of this language.", enum(beredskap.Enumerations["traveller.language"]...)),
		query("name", "The start of the first or last name, any case; at most 100 characters.", str()))
	badQuery := "A query parameter is wrong; error.field names it and error.problems lists every one."
	mayNot := "The role may not read follow-up reports, or not of that municipality."
	return []operation{
		{route: "GET /api/v1/followup/travellers", id: "listFollowUpTravellers", staff: true,
			summary: "The followed-up travellers of a municipality that the filters select, newest arrival first, a page " +
				"at a time. Audited.",
			params:  paging(filters...),
			answers: []answer{jsonAnswer(200, "A page of travellers; the last page has no next_page_token.", "MunicipalTravellerList")},
			errors:  map[int]string{400: badQuery, 403: mayNot}},
		{route: "GET /api/v1/followup/travellers/{receipt}", id: "getFollowUpTraveller", staff: true,
			summary: "A traveller's whole timeline: registration and decision, plan, SMS and their delivery, call reports " +
				"(corrections reference the report they correct) and labour notices. Audited.",
			params:  params(pathParam("receipt", "", str())),
			answers: []answer{jsonAnswer(200, "The timeline.", "MunicipalTimeline")},
			errors: map[int]string{403: mayNot, 404: "No followed-up traveller with that receipt that the caller may " +
				"see (a traveller of another municipality included)."}},
		{route: "GET /api/v1/followup/export", id: "exportFollowUpTravellers", staff: true,
			summary: "Every traveller the filters select as CSV (UTF-8 with a byte order mark) or XLSX, as an attachment; " +
				"the last columns (quarantine_code, exemption_code, accommodation_code) hold the code lists of the " +
				"municipalities' follow-up tools (KS Fiks innreiseoppfølging). Audited with every exported receipt.",
			params:  append(params(query("format", "csv or xlsx.", enum("csv", "xlsx")).WithRequired(true)), filters...),
			answers: []answer{fileAnswer("The file.", "", csvType, xlsxType)},
			errors:  map[int]string{400: badQuery, 403: mayNot}},
		{route: "GET /api/v1/followup/stats", id: "followUpStats", staff: true,
			summary: "The numbers behind a municipality's charts over the days from..to: arrivals and active quarantines " +
				"per day, suspected breaches per ISO week. Audited.",
			params: params(municipality, query("from", "The first day (YYYY-MM-DD).", date()).WithRequired(true),
				query("to", "The last day (YYYY-MM-DD), at most 366 days from the first.", date()).WithRequired(true)),
			answers: []answer{jsonAnswer(200, "The numbers, oldest first.", "MunicipalStats")},
			errors:  map[int]string{400: badQuery, 403: mayNot}},
	}
}

func municipalSchemas() openapi3.Schemas {
	timeline := schemaFor[muniTimelineJSON](staffRules)
	timeline.Properties["traveller"] = ref("MunicipalTraveller")
	timeline.Properties["registration"] = ref("StoredRegistration")
	timeline.Properties["sms"] = arrayOf(ref("MunicipalSMS"))
	timeline.Properties["reports"] = arrayOf(ref("MunicipalReport"))
	timeline.Properties["notices"] = arrayOf(ref("MunicipalNotice"))
	timeline.Properties["events"] = arrayOf(ref("MunicipalEvent"))

	stats := schemaFor[muniStatsJSON](staffRules)
	stats.Properties["from"], stats.Properties["to"] = date().NewRef(), date().NewRef()

	report := schemaFor[muniReportJSON](muniReportRules)
	report.Properties["corrects"].Value.Description = "The id of the report this one corrects, 0 for none."
	event := schemaFor[muniEventJSON](staffRules)
	event.Properties["kind"].Value.Description = "registered, decided, planned, sms_queued, sms_sent, sms_delivered, " +
		"sms_failed, sms_cancelled, call_report, correction, notice or ended; detail is a short English summary and ref " +
		"the SMS, report or notice id."

	return openapi3.Schemas{
		"MunicipalTraveller":     schemaFor[muniTravellerJSON](staffRules).NewRef(),
		"MunicipalTravellerList": listSchema(ref("MunicipalTraveller")).NewRef(),
		"MunicipalTimeline":      timeline.NewRef(),
		"MunicipalSMS":           schemaFor[muniSMSJSON](staffRules).NewRef(),
		"MunicipalReport":        report.NewRef(),
		"MunicipalNotice":        schemaFor[muniNoticeJSON](noticeRules).NewRef(),
		"MunicipalEvent":         event.NewRef(),
		"MunicipalStats":         stats.NewRef(),
	}
}

// muniReportRules describe a call report on a traveller's timeline.
var muniReportRules = schemaRules{
	required: allRequired,
	enums:    map[string][]string{"employer_suspected": namesOf(beredskap.EmployerSuspicions)},
	descriptions: map[string]string{
		"employer_suspected": "What was suspected of the employer; empty without an employer breach, and on reports made before the list existed.",
	},
}
