package web

import (
	"maps"
	"reflect"

	"beredskap"
)

// hotelOpenAPI returns the paths and schemas of the hotel, dispensation
// and rule-change impact API.
func hotelOpenAPI(internal map[string]any) (paths, schemas map[string]any) {
	str := map[string]any{"type": "string"}
	date := map[string]any{"type": "string", "format": "date"}
	idParam := func(name, description string) map[string]any {
		return map[string]any{"name": name, "in": "path", "required": true, "description": description,
			"schema": map[string]any{"type": "integer", "minimum": 1}}
	}
	hotelID := idParam("hotel", "The hotel's id.")
	stayID := idParam("stay", "The stay's id.")
	unauthorized := errorResponse("No bearer token, or one that is unknown, revoked or expired.")
	// op returns an operation answering ok with okStatus and the error
	// statuses of errs.
	op := func(id, summary, okStatus string, ok map[string]any, errs map[string]string) map[string]any {
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
		o["requestBody"] = map[string]any{"required": true, "content": jsonContent(ref(schema))}
		for status, text := range map[string]string{
			"400": "The body is not valid; error.field names the first wrong field and error.problems every one.",
			"413": "The body is over 1 MiB.",
			"415": "The Content-Type is not application/json.",
		} {
			o["responses"].(map[string]any)[status] = errorResponse(text)
		}
		return o
	}
	okJSON := func(description, schema string) map[string]any {
		return map[string]any{"description": description, "content": jsonContent(ref(schema))}
	}
	query := "A query parameter is wrong; error.field names it."
	mayNotHotels := "The role may not manage this municipality's hotels."
	mayNotStays := "The role may not manage this municipality's stays."
	mayNotDisp := "The role may not do this with dispensations, or not in this municipality."
	mayNotImpact := "The role may not read rule-change impact."
	stayErrs := map[string]string{"403": mayNotStays, "404": "No such stay.",
		"409": "The stay's status does not allow the change (error.reason: stay_closed, not_allocated, not_checked_in)."}
	stayChange := func(id, summary, schema string) map[string]any {
		return map[string]any{"post": withBody(withParams(op(id, summary, "200", okJSON("The stay changed.", "Stay"),
			maps.Clone(stayErrs)), stayID), schema)}
	}
	municipality := queryParam("municipality", "A municipality number (4 digits); municipal roles get their own.",
		map[string]any{"type": "string", "pattern": "^[0-9]{4}$"})

	paths = map[string]any{
		"/api/v1/hotels": map[string]any{
			"get": withParams(op("listHotels", "The quarantine hotels of a municipality (every municipality's when none is named), by name.",
				"200", okJSON("The hotels.", "HotelList"), map[string]string{"403": "The role may not see hotels."}), municipality),
			"post": withBody(op("createHotel", "Add a quarantine hotel to the caller's municipality (or the one named, for the system).",
				"201", okJSON("The hotel stored.", "Hotel"), map[string]string{"403": mayNotHotels}), "HotelInput"),
		},
		"/api/v1/hotels/availability": map[string]any{"get": withParams(op("hotelAvailability",
			"Active hotels with their rooms, rooms taken and free rooms each night from..to, most free rooms first; "+
				"every municipality's when none is named (the traveller may choose another municipality's hotel).",
			"200", okJSON("The hotels and nights.", "AvailabilityList"), map[string]string{"400": query, "403": "The role may not see hotels."}),
			municipality, queryParam("from", "The first night.", date), queryParam("to", "The last night.", date))},
		"/api/v1/hotels/{hotel}": map[string]any{
			"get": withParams(op("getHotel", "One hotel.", "200", okJSON("The hotel.", "Hotel"),
				map[string]string{"403": "The role may not see hotels.", "404": "No such hotel."}), hotelID),
			"put": withBody(withParams(op("updateHotel", "Change every field of a hotel but its municipality.", "200",
				okJSON("The hotel changed.", "Hotel"), map[string]string{"403": mayNotHotels, "404": "No such hotel."}), hotelID), "HotelInput"),
		},
		"/api/v1/hotels/{hotel}/capacity": map[string]any{
			"get": withParams(op("listCapacityChanges", "The hotel's capacity changes; for each night the newest that covers it applies.",
				"200", okJSON("The changes.", "CapacityChangeList"), map[string]string{"403": "The role may not see hotels.", "404": "No such hotel."}), hotelID),
			"post": withBody(withParams(op("setCapacity", "Set the hotel's rooms for the nights from..to (both included).", "201",
				okJSON("The change stored.", "CapacityChange"), map[string]string{"403": mayNotHotels, "404": "No such hotel."}), hotelID), "CapacityInput"),
		},
		"/api/v1/stays": map[string]any{
			"get": withParams(op("listStays", "Stays, newest first; municipal roles see their own municipality's.", "200",
				okJSON("A page of stays.", "StayList"), map[string]string{"400": query, "403": mayNotStays}),
				append([]any{municipality,
					queryParam("hotel_id", "Only this hotel's.", map[string]any{"type": "integer", "minimum": 1}),
					queryParam("receipt", "Only this receipt's.", str),
					queryParam("status", "Only stays with this status.", map[string]any{"type": "string", "enum": stayStatusNames()}),
					queryParam("night", "Only stays that take this night.", date)}, pagingParams()...)...),
			"post": withBody(op("allocateStay",
				"Give a registered traveller a room at a hotel. The border officer allocates land and sea arrivals, the hotel "+
					"municipality's coordinator air arrivals (seed 004); another combination is 400 naming arrival.mode. "+
					"A full night is 400 naming from_day (hotel_full); an overlapping open stay 400 (overlapping_stay). "+
					"The hotel's contact point is told by e-mail.", "201", okJSON("The stay.", "Stay"),
				map[string]string{"403": "The role may not allocate rooms at this hotel.", "404": "No such hotel."}), "AllocateInput"),
		},
		"/api/v1/stays/isolation": map[string]any{"post": withBody(op("isolateGuest",
			"Start an isolation stay, free of charge, at a hotel that takes isolation; an open quarantine stay of the receipt ends.",
			"201", okJSON("The isolation stay.", "Stay"), map[string]string{"403": mayNotStays, "404": "No such hotel."}), "IsolationInput")},
		"/api/v1/stays/invoices": map[string]any{"get": withParams(op("employerInvoices",
			"Invoice data for employers: per organisation number the workers' nights within from..to and the total. With format csv as a file.",
			"200", map[string]any{"description": "The invoices, or the CSV file.", "content": map[string]any{
				"application/json": map[string]any{"schema": ref("InvoiceList")},
				"text/csv":         map[string]any{"schema": str},
			}}, map[string]string{"400": query, "403": mayNotStays}),
			municipality, queryParam("from", "The first night.", date), queryParam("to", "The last night.", date),
			queryParam("org_number", "Only this employer (9 digits).", map[string]any{"type": "string", "pattern": "^[0-9]{9}$"}),
			queryParam("format", "csv to download the data as a file.", map[string]any{"type": "string", "enum": []string{"json", "csv"}}))},
		"/api/v1/stays/{stay}": map[string]any{"get": withParams(op("getStay", "One stay; the read is audited.", "200",
			okJSON("The stay.", "Stay"), map[string]string{"403": mayNotStays, "404": "No such stay."}), stayID)},
		"/api/v1/stays/{stay}/fees": map[string]any{"get": withParams(op("feeStatement",
			"The stay's fee statement night by night from the rule version in force each night (seed 004); with format csv or pdf as a file. The PDF is in the language Accept-Language names among nb, nn and en, or in bokmål followed by English when it names none of them.",
			"200", map[string]any{"description": "The statement, or the file.", "content": map[string]any{
				"application/json": map[string]any{"schema": ref("FeeStatement")},
				"text/csv":         map[string]any{"schema": str},
				"application/pdf":  map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}},
			}}, map[string]string{"400": query, "403": mayNotStays, "404": "No such stay."}),
			stayID, queryParam("format", "csv or pdf for a file.", map[string]any{"type": "string", "enum": []string{"json", "csv", "pdf"}}))},
		"/api/v1/stays/{stay}/check-in":  stayChange("checkIn", "Record the guest's arrival at the hotel.", "AtInput"),
		"/api/v1/stays/{stay}/check-out": stayChange("checkOut", "Record the end of the stay; at before the check-in is 400 naming checked_out_at.", "AtInput"),
		"/api/v1/stays/{stay}/depart":    stayChange("depart", "Record that the guest left Norway early.", "AtInput"),
		"/api/v1/stays/{stay}/cancel":    stayChange("cancelStay", "Cancel a stay the guest never arrived for.", "CancelInput"),
		"/api/v1/stays/{stay}/transfer": map[string]any{"post": withBody(withParams(op("transferStay",
			"Record a move to another suitable place: the documents must meet the exemption group's requirements in the rules in "+
				"force at the move (400 naming documents); the decision is re-evaluated.", "200",
			okJSON("The stay and the re-evaluated decision.", "TransferResult"), maps.Clone(stayErrs)), stayID), "TransferInput")},

		"/api/v1/dispensations": map[string]any{
			"get": withParams(op("listDispensations", "A receipt's § 6j dispensations, or a municipality's, newest first. "+
				"Only the municipal officer and staff of the traveller's quarantine municipality read them.", "200",
				okJSON("The dispensations.", "DispensationList"), map[string]string{"400": query, "403": mayNotDisp,
					"404": "No registration with this receipt that the caller may read: unknown and another municipality's answer alike."}),
				queryParam("receipt", "Only this receipt's.", str), municipality,
				queryParam("limit", "At most this many, 1 to 200.", map[string]any{"type": "integer", "minimum": 1, "maximum": beredskap.MaxPageSize})),
			"post": withBody(op("grantDispensation",
				"Grant a § 6j dispensation (seed 001) for a purpose and relation of the rules in force, at a place, within the quarantine.",
				"201", okJSON("The dispensation.", "Dispensation"), map[string]string{"403": mayNotDisp}), "DispensationInput"),
		},
		"/api/v1/dispensations/{dispensation}/end": map[string]any{"post": withBody(withParams(op("endDispensation",
			"End a dispensation at once: symptoms reported, or revoked.", "200", okJSON("The dispensation ended.", "Dispensation"),
			map[string]string{"403": mayNotDisp, "404": "No such dispensation in the caller's municipality.", "409": "The dispensation has ended already."}),
			idParam("dispensation", "The dispensation's id.")), "EndInput")},
		"/api/v1/dispensations/delegations": map[string]any{
			"get": withParams(op("listDelegations", "The municipality's delegations of § 6j.", "200",
				okJSON("The delegations.", "DelegationList"), map[string]string{"403": mayNotDisp}), municipality),
			"post": withBody(op("delegate", "Let a municipal staff member grant dispensations on the officer's behalf.", "201",
				okJSON("The delegation.", "Delegation"), map[string]string{"403": mayNotDisp, "404": "No such staff member.",
					"409": "The user holds an open delegation already."}), "DelegateInput"),
		},
		"/api/v1/dispensations/delegations/{delegation}/end": map[string]any{"post": withParams(op("endDelegation",
			"End a delegation of the caller's municipality.", "204", map[string]any{"description": "Ended."},
			map[string]string{"403": mayNotDisp, "404": "No such delegation."}), idParam("delegation", "The delegation's id."))},

		"/api/v1/rule-impact": map[string]any{
			"get": op("listImpactRuns", "The runs of rule-change impact, newest first.", "200",
				okJSON("The runs.", "ImpactRunList"), map[string]string{"403": mayNotImpact}),
			"post": withBody(op("computeImpact",
				"Re-evaluate every active quarantine under the rule version in force at an instant.", "201",
				okJSON("The run.", "ImpactRun"), map[string]string{"403": mayNotImpact, "409": "The run exists already."}), "ImpactInput"),
		},
		"/api/v1/rule-impact/changes": map[string]any{"get": withParams(op("impactChanges",
			"Who a run changes and how (e.g. \"may leave the hotel: group 4\"), by receipt, a page at a time.", "200",
			okJSON("The run and a page of changes.", "ImpactChanges"), map[string]string{"400": query, "403": mayNotImpact,
				"404": "No run for this instant."}),
			queryParam("at", "The instant the version takes effect (RFC 3339).", map[string]any{"type": "string", "format": "date-time"}),
			municipality, queryParam("after", "The next_after of the previous page.", str),
			queryParam("limit", "At most this many, 1 to 200.", map[string]any{"type": "integer", "minimum": 1, "maximum": beredskap.MaxPageSize}))},
		"/api/v1/rule-impact/{run}/notify": map[string]any{"post": withParams(op("notifyImpact",
			"Queue an SMS, in their language, to every traveller the run changes.", "200", okJSON("How many were queued.", "Notified"),
			map[string]string{"403": mayNotImpact, "404": "No such run.", "409": "The run was notified already."}),
			idParam("run", "The run's id."))},
	}

	nullable := func(s map[string]any, names ...string) map[string]any {
		return s
	}
	schemas = map[string]any{
		"Hotel":              staffRules.schema(reflect.TypeFor[hotelJSON](), ""),
		"HotelList":          itemsSchema(ref("Hotel")),
		"HotelInput":         (&schemaRules{required: setOf("name", "address", "postal_code", "contact_name", "contact_email", "rooms")}).schema(reflect.TypeFor[hotelInputJSON](), ""),
		"CapacityInput":      (&schemaRules{required: setOf("from", "to", "rooms")}).schema(reflect.TypeFor[capacityInputJSON](), ""),
		"CapacityChange":     staffRules.schema(reflect.TypeFor[capacityJSON](), ""),
		"CapacityChangeList": itemsSchema(ref("CapacityChange")),
		"AvailabilityList":   itemsSchema(availabilitySchema()),
		"Stay":               stayRulesSchema(),
		"StayList":           itemsSchema(ref("Stay")),
		"AllocateInput":      (&schemaRules{required: setOf("receipt", "hotel_id")}).schema(reflect.TypeFor[allocateJSON](), ""),
		"IsolationInput":     (&schemaRules{required: setOf("receipt", "hotel_id", "to_day")}).schema(reflect.TypeFor[isolationJSON](), ""),
		"AtInput":            (&schemaRules{descriptions: map[string]string{"at": "RFC 3339 instant; now when empty."}}).schema(reflect.TypeFor[atJSON](), ""),
		"CancelInput":        (&schemaRules{}).schema(reflect.TypeFor[cancelJSON](), ""),
		"TransferInput": (&schemaRules{required: setOf("address", "group", "documents"),
			enums:  map[string][]string{"documents": beredskap.Enumerations["documents"], "accommodation_type": beredskap.Enumerations["accommodation.type"]},
			bounds: map[string][2]int{"group": {1, 6}}}).schema(reflect.TypeFor[transferJSON](), ""),
		"TransferResult":   transferResultSchema(),
		"FeeStatement":     feeStatementSchema(),
		"InvoiceList":      itemsSchema(staffRules.schema(reflect.TypeFor[invoiceJSON](), "")),
		"Dispensation":     nullable(staffRules.schema(reflect.TypeFor[dispensationJSON](), ""), "ended_at"),
		"DispensationList": itemsSchema(ref("Dispensation")),
		"DispensationInput": (&schemaRules{required: setOf("receipt", "purpose", "relation", "place", "from", "to"),
			formats: map[string]string{"from": "date-time", "to": "date-time"}}).schema(reflect.TypeFor[dispensationInputJSON](), ""),
		"EndInput":       (&schemaRules{required: setOf("reason"), enums: map[string][]string{"reason": {"symptoms", "revoked"}}}).schema(reflect.TypeFor[endJSON](), ""),
		"Delegation":     nullable(staffRules.schema(reflect.TypeFor[delegationJSON](), ""), "ended_at"),
		"DelegationList": itemsSchema(ref("Delegation")),
		"DelegateInput":  (&schemaRules{required: setOf("user_id")}).schema(reflect.TypeFor[delegateJSON](), ""),
		"ImpactRun":      nullable(staffRules.schema(reflect.TypeFor[impactRunJSON](), ""), "notified_at", "final_at"),
		"ImpactRunList":  itemsSchema(ref("ImpactRun")),
		"ImpactInput":    (&schemaRules{required: setOf("at"), formats: map[string]string{"at": "date-time"}}).schema(reflect.TypeFor[impactComputeJSON](), ""),
		"ImpactChanges":  impactChangesSchema(),
		"Notified":       staffRules.schema(reflect.TypeFor[notifiedJSON](), ""),
	}
	return paths, schemas
}

// stayStatusNames returns the stay statuses.
func stayStatusNames() []string {
	out := make([]string, len(stayStatuses))
	for i, s := range stayStatuses {
		out[i] = string(s)
	}
	return out
}

// stayRulesSchema documents a stay.
func stayRulesSchema() map[string]any {
	rules := schemaRules{required: allRequired, enums: map[string][]string{
		"status": stayStatusNames(), "kind": {string(beredskap.StayQuarantine), string(beredskap.StayIsolation)},
	}}
	s := rules.schema(reflect.TypeFor[stayJSON](), "")
	return s
}

// availabilitySchema documents a hotel with its nights.
func availabilitySchema() map[string]any {
	s := staffRules.schema(reflect.TypeFor[availabilityJSON](), "")
	s["properties"].(map[string]any)["hotel"] = ref("Hotel")
	return s
}

// transferResultSchema documents a recorded transfer.
func transferResultSchema() map[string]any {
	s := staffRules.schema(reflect.TypeFor[transferResultJSON](), "")
	props := s["properties"].(map[string]any)
	props["stay"], props["decision"] = ref("Stay"), ref("Decision")
	return s
}

// feeStatementSchema documents a fee statement.
func feeStatementSchema() map[string]any {
	s := staffRules.schema(reflect.TypeFor[feeStatementJSON](), "")
	props := s["properties"].(map[string]any)
	props["stay"], props["hotel"] = ref("Stay"), ref("Hotel")
	return s
}

// impactChangesSchema documents a page of a run's changes.
func impactChangesSchema() map[string]any {
	s := (&schemaRules{required: setOf("run", "items")}).schema(reflect.TypeFor[impactChangesJSON](), "")
	props := s["properties"].(map[string]any)
	props["run"] = ref("ImpactRun")
	props["items"] = map[string]any{"type": "array", "items": staffRules.schema(reflect.TypeFor[impactChangeJSON](), "")}
	return s
}
