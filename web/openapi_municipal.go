package web

import (
	"reflect"

	"beredskap"
)

// municipalOpenAPI returns the paths and schemas of the municipalities'
// follow-up API.
func municipalOpenAPI(internal map[string]any) (paths, schemas map[string]any) {
	str := map[string]any{"type": "string"}
	date := map[string]any{"type": "string", "format": "date"}
	municipality := queryParam("municipality",
		"Municipality number (4 digits). A municipal role sees its own municipality, which is the default, and may name no other; "+
			"the control centre must name one.", map[string]any{"type": "string", "pattern": "^[0-9]{4}$"})
	flag := map[string]any{"type": "string", "enum": []string{"true", "false"}}
	filters := []any{
		municipality,
		queryParam("arrival_from", "Travellers who arrived on or after this day (Europe/Oslo).", date),
		queryParam("arrival_to", "Travellers who arrived on or before this day (Europe/Oslo).", date),
		queryParam("status", "active or ended follow-up; both when absent.",
			map[string]any{"type": "string", "enum": []string{string(beredskap.PlanActive), string(beredskap.PlanEnded)}}),
		queryParam("not_reached", "true: only travellers the control centre has not reached.", flag),
		queryParam("breach", "true: only travellers with a suspected breach of quarantine.", flag),
		queryParam("language", "Only travellers of this language.",
			map[string]any{"type": "string", "enum": beredskap.Enumerations["traveller.language"]}),
		queryParam("name", "The start of the first or last name, any case; at most 100 characters.", str),
	}
	unauthorized := errorResponse("No bearer token, or one that is unknown, revoked or expired.")
	badQuery := errorResponse("A query parameter is wrong; error.field names it and error.problems lists every one.")
	refused := errorResponse("The role may not read follow-up reports, or not of that municipality.")
	op := func(id, summary string, ok map[string]any, params []any, extra map[string]any) map[string]any {
		responses := map[string]any{"200": ok, "401": unauthorized, "403": refused, "500": internal}
		for k, v := range extra {
			responses[k] = v
		}
		return map[string]any{"operationId": id, "summary": summary, "security": bearerSecurity,
			"parameters": params, "responses": responses}
	}
	xlsx := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

	paths = map[string]any{
		"/api/v1/followup/travellers": map[string]any{"get": op("listFollowUpTravellers",
			"The followed-up travellers of a municipality that the filters select, newest arrival first, a page at a time. Audited.",
			map[string]any{"description": "A page of travellers; the last page has no next_page_token.",
				"content": jsonContent(ref("MunicipalTravellerList"))},
			append(filters, pagingParams()...), map[string]any{"400": badQuery})},
		"/api/v1/followup/travellers/{receipt}": map[string]any{"get": op("getFollowUpTraveller",
			"A traveller's whole timeline: registration and decision, plan, SMS and their delivery, call reports "+
				"(corrections reference the report they correct) and labour notices. Audited.",
			map[string]any{"description": "The timeline.", "content": jsonContent(ref("MunicipalTimeline"))},
			[]any{map[string]any{"name": "receipt", "in": "path", "required": true, "schema": str}},
			map[string]any{"404": errorResponse("No followed-up traveller with that receipt that the caller may see " +
				"(a traveller of another municipality included).")})},
		"/api/v1/followup/export": map[string]any{"get": op("exportFollowUpTravellers",
			"Every traveller the filters select as CSV (UTF-8 with a byte order mark) or XLSX, with the municipal "+
				"follow-up code lists of RULES.md as columns, as an attachment. Audited with every exported receipt.",
			map[string]any{"description": "The file.", "content": map[string]any{
				"text/csv": map[string]any{"schema": str},
				xlsx:       map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}},
			}},
			append([]any{map[string]any{"name": "format", "in": "query", "required": true, "description": "csv or xlsx.",
				"schema": map[string]any{"type": "string", "enum": []string{"csv", "xlsx"}}}}, filters...),
			map[string]any{"400": badQuery})},
		"/api/v1/followup/stats": map[string]any{"get": op("followUpStats",
			"The numbers behind a municipality's charts over the days from..to: arrivals and active quarantines per day, "+
				"suspected breaches per ISO week. Audited.",
			map[string]any{"description": "The numbers, oldest first.", "content": jsonContent(ref("MunicipalStats"))},
			[]any{municipality,
				map[string]any{"name": "from", "in": "query", "required": true, "description": "The first day (YYYY-MM-DD).", "schema": date},
				map[string]any{"name": "to", "in": "query", "required": true,
					"description": "The last day (YYYY-MM-DD), at most 366 days from the first.", "schema": date}},
			map[string]any{"400": badQuery})},
	}

	timeline := staffRules.schema(reflect.TypeFor[muniTimelineJSON](), "")
	props := timeline["properties"].(map[string]any)
	props["traveller"] = ref("MunicipalTraveller")
	props["registration"] = ref("StoredRegistration")
	props["sms"] = map[string]any{"type": "array", "items": ref("MunicipalSMS")}
	props["reports"] = map[string]any{"type": "array", "items": ref("MunicipalReport")}
	props["notices"] = map[string]any{"type": "array", "items": ref("MunicipalNotice")}
	props["events"] = map[string]any{"type": "array", "items": ref("MunicipalEvent")}

	stats := staffRules.schema(reflect.TypeFor[muniStatsJSON](), "")
	sp := stats["properties"].(map[string]any)
	sp["from"], sp["to"] = date, date

	schemas = map[string]any{
		"MunicipalTraveller":     staffRules.schema(reflect.TypeFor[muniTravellerJSON](), ""),
		"MunicipalTravellerList": listSchema(ref("MunicipalTraveller")),
		"MunicipalTimeline":      timeline,
		"MunicipalSMS":           staffRules.schema(reflect.TypeFor[muniSMSJSON](), ""),
		"MunicipalReport":        muniDescribe(muniReportRules.schema(reflect.TypeFor[muniReportJSON](), ""), "corrects", "The id of the report this one corrects, 0 for none."),
		"MunicipalNotice":        noticeRules.schema(reflect.TypeFor[muniNoticeJSON](), ""),
		"MunicipalEvent": muniDescribe(staffRules.schema(reflect.TypeFor[muniEventJSON](), ""),
			"kind", "registered, decided, planned, sms_queued, sms_sent, sms_delivered, sms_failed, sms_cancelled, "+
				"call_report, correction, notice or ended; detail is a short English summary and ref the SMS, report or notice id."),
		"MunicipalStats": stats,
	}
	return paths, schemas
}

// muniDescribe adds a description to the property name of s.
func muniDescribe(s map[string]any, name, description string) map[string]any {
	s["properties"].(map[string]any)[name].(map[string]any)["description"] = description
	return s
}

// muniReportRules describe a call report on a traveller's timeline.
var muniReportRules = schemaRules{
	required: allRequired,
	enums:    map[string][]string{"employer_suspected": suspicionNames()},
	descriptions: map[string]string{
		"employer_suspected": "What was suspected of the employer; empty without an employer breach, and on reports made before the list existed.",
	},
}
