package web

import (
	"github.com/getkin/kin-openapi/openapi3"

	"beredskap"
)

// hotelOperations are the operations on quarantine hotels.
func hotelOperations() []operation {
	hotel := idParam("hotel", "The hotel's id.")
	municipality := municipalityQuery()
	mayNotSee := "The role may not see hotels."
	mayNotHotels := "The role may not manage this municipality's hotels."
	return []operation{
		{route: "GET /api/v1/hotels", id: "listHotels", staff: true,
			summary: "The quarantine hotels of a municipality (every municipality's when none is named), by name.",
			params:  params(municipality), answers: []answer{jsonAnswer(200, "The hotels.", "HotelList")},
			errors: map[int]string{403: mayNotSee}},
		{route: "POST /api/v1/hotels", id: "createHotel", staff: true,
			summary: "Add a quarantine hotel to the caller's municipality (or the one named, for the system).",
			body:    ref("HotelInput"), answers: []answer{jsonAnswer(201, "The hotel stored.", "Hotel")},
			errors: map[int]string{403: mayNotHotels}},
		{route: "GET /api/v1/hotels/availability", id: "hotelAvailability", staff: true,
			summary: "Active hotels with their rooms, rooms taken and free rooms each night from..to, most free rooms " +
				"first; every municipality's when none is named (the traveller may choose another municipality's hotel).",
			params:  params(municipality, query("from", "The first night.", date()), query("to", "The last night.", date())),
			answers: []answer{jsonAnswer(200, "The hotels and nights.", "AvailabilityList")},
			errors:  map[int]string{400: badQueryText, 403: mayNotSee}},
		{route: "GET /api/v1/hotels/{hotel}", id: "getHotel", summary: "One hotel.", staff: true,
			params: params(hotel), answers: []answer{jsonAnswer(200, "The hotel.", "Hotel")},
			errors: map[int]string{403: mayNotSee, 404: "No such hotel."}},
		{route: "PUT /api/v1/hotels/{hotel}", id: "updateHotel", staff: true,
			summary: "Change every field of a hotel but its municipality.",
			params:  params(hotel), body: ref("HotelInput"), answers: []answer{jsonAnswer(200, "The hotel changed.", "Hotel")},
			errors: map[int]string{403: mayNotHotels, 404: "No such hotel."}},
		{route: "GET /api/v1/hotels/{hotel}/capacity", id: "listCapacityChanges", staff: true,
			summary: "The hotel's capacity changes; for each night the newest that covers it applies.",
			params:  params(hotel), answers: []answer{jsonAnswer(200, "The changes.", "CapacityChangeList")},
			errors: map[int]string{403: mayNotSee, 404: "No such hotel."}},
		{route: "POST /api/v1/hotels/{hotel}/capacity", id: "setCapacity", staff: true,
			summary: "Set the hotel's rooms for the nights from..to (both included).",
			params:  params(hotel), body: ref("CapacityInput"),
			answers: []answer{jsonAnswer(201, "The change stored.", "CapacityChange")},
			errors:  map[int]string{403: mayNotHotels, 404: "No such hotel."}},
	}
}

// stayOperations are the operations on stays at quarantine hotels.
func stayOperations() []operation {
	stay := idParam("stay", "The stay's id.")
	municipality := municipalityQuery()
	mayNotStays := "The role may not manage this municipality's stays."
	stayErrors := map[int]string{403: mayNotStays, 404: "No such stay.", 409: "The stay's status does not allow the " +
		"change (error.reason: stay_closed, not_allocated, not_checked_in)."}
	stayChange := func(action, id, summary, body string) operation {
		return operation{route: "POST /api/v1/stays/{stay}/" + action, id: id, summary: summary, staff: true,
			params: params(stay), body: ref(body), answers: []answer{jsonAnswer(200, "The stay changed.", "Stay")},
			errors: stayErrors}
	}
	return []operation{
		{route: "GET /api/v1/stays", id: "listStays", staff: true,
			summary: "Stays, newest first; municipal roles see their own municipality's.",
			params: paging(municipality, query("hotel_id", "Only this hotel's.", positiveID()),
				query("receipt", "Only this receipt's.", openapi3.NewStringSchema()),
				query("status", "Only stays with this status.", enum(stayStatuses...)),
				query("night", "Only stays that take this night.", date())),
			answers: []answer{jsonAnswer(200, "A page of stays.", "StayList")},
			errors:  map[int]string{400: badQueryText, 403: mayNotStays}},
		{route: "POST /api/v1/stays", id: "allocateStay", staff: true,
			summary: "Give a registered traveller a room at a hotel. The border officer allocates land and sea arrivals, " +
				"the hotel municipality's coordinator air arrivals; another combination is 400 naming " +
				"arrival.mode. A full night is 400 naming from_day (hotel_full); an overlapping open stay 400 " +
				"(overlapping_stay). The hotel's contact point is told by e-mail.",
			body: ref("AllocateInput"), answers: []answer{jsonAnswer(201, "The stay.", "Stay")},
			errors: map[int]string{403: "The role may not allocate rooms at this hotel.", 404: "No such hotel."}},
		{route: "POST /api/v1/stays/isolation", id: "isolateGuest", staff: true,
			summary: "Start an isolation stay, free of charge, at a hotel that takes isolation; an open quarantine stay " +
				"of the receipt ends.",
			body: ref("IsolationInput"), answers: []answer{jsonAnswer(201, "The isolation stay.", "Stay")},
			errors: map[int]string{403: mayNotStays, 404: "No such hotel."}},
		{route: "GET /api/v1/stays/invoices", id: "employerInvoices", staff: true,
			summary: "Invoice data for employers: per organisation number the workers' nights within from..to and the " +
				"total. With format csv as a file.",
			params: params(municipality, query("from", "The first night.", date()), query("to", "The last night.", date()),
				query("org_number", "Only this employer (9 digits).", digits("9")),
				query("format", "csv to download the data as a file.", enum("json", "csv"))),
			answers: []answer{fileAnswer("The invoices, or the CSV file.", "InvoiceList", csvType)},
			errors:  map[int]string{400: badQueryText, 403: mayNotStays}},
		{route: "GET /api/v1/stays/{stay}", id: "getStay", summary: "One stay; the read is audited.", staff: true,
			params: params(stay), answers: []answer{jsonAnswer(200, "The stay.", "Stay")},
			errors: map[int]string{403: mayNotStays, 404: "No such stay."}},
		{route: "GET /api/v1/stays/{stay}/fees", id: "feeStatement", staff: true,
			summary: "The stay's fee statement night by night from the rule version in force each night; " +
				"with format csv or pdf as a file. The PDF is in the language Accept-Language names among nb, nn and " +
				"en, or in bokmål followed by English when it names none of them.",
			params:  params(stay, query("format", "csv or pdf for a file.", enum("json", "csv", "pdf"))),
			answers: []answer{fileAnswer("The statement, or the file.", "FeeStatement", csvType, pdfType)},
			errors:  map[int]string{400: badQueryText, 403: mayNotStays, 404: "No such stay."}},
		stayChange("check-in", "checkIn", "Record the guest's arrival at the hotel.", "AtInput"),
		stayChange("check-out", "checkOut", "Record the end of the stay; at before the check-in is 400 naming "+
			"checked_out_at.", "AtInput"),
		stayChange("depart", "depart", "Record that the guest left Norway early.", "AtInput"),
		stayChange("cancel", "cancelStay", "Cancel a stay the guest never arrived for.", "CancelInput"),
		{route: "POST /api/v1/stays/{stay}/transfer", id: "transferStay", staff: true,
			summary: "Record a move to another suitable place: the documents must meet the exemption group's " +
				"requirements in the rules in force at the move (400 naming documents); the decision is re-evaluated.",
			params: params(stay), body: ref("TransferInput"),
			answers: []answer{jsonAnswer(200, "The stay and the re-evaluated decision.", "TransferResult")},
			errors:  stayErrors},
	}
}

// municipalityQuery returns the municipality parameter of the hotel,
// dispensation and impact operations.
func municipalityQuery() *openapi3.Parameter {
	return query("municipality", "A municipality number (4 digits); municipal roles get their own.", digits("4"))
}

func hotelSchemas() openapi3.Schemas {
	availability := schemaFor[availabilityJSON](staffRules)
	availability.Properties["hotel"] = ref("Hotel")
	input := schemaRules{required: setOf("name", "address", "postal_code", "contact_name", "contact_email", "rooms")}
	return openapi3.Schemas{
		"Hotel":              schemaFor[hotelJSON](staffRules).NewRef(),
		"HotelList":          itemsSchema(ref("Hotel")).NewRef(),
		"HotelInput":         schemaFor[hotelInputJSON](input).NewRef(),
		"CapacityInput":      schemaFor[capacityInputJSON](schemaRules{required: setOf("from", "to", "rooms")}).NewRef(),
		"CapacityChange":     schemaFor[capacityJSON](staffRules).NewRef(),
		"CapacityChangeList": itemsSchema(ref("CapacityChange")).NewRef(),
		"AvailabilityList":   itemsSchema(availability.NewRef()).NewRef(),
	}
}

func staySchemas() openapi3.Schemas {
	stay := schemaFor[stayJSON](schemaRules{required: allRequired, enums: map[string][]string{
		"status": namesOf(stayStatuses), "kind": namesOf([]beredskap.StayKind{beredskap.StayQuarantine, beredskap.StayIsolation}),
	}})
	transfer := schemaRules{required: setOf("address", "group", "documents"),
		enums: map[string][]string{"documents": beredskap.Enumerations["documents"],
			"accommodation_type": beredskap.Enumerations["accommodation.type"]},
		bounds: map[string][2]int{"group": {1, 6}}}
	transferResult := schemaFor[transferResultJSON](staffRules)
	transferResult.Properties["stay"], transferResult.Properties["decision"] = ref("Stay"), ref("Decision")
	fees := schemaFor[feeStatementJSON](staffRules)
	fees.Properties["stay"], fees.Properties["hotel"] = ref("Stay"), ref("Hotel")
	return openapi3.Schemas{
		"Stay":           stay.NewRef(),
		"StayList":       itemsSchema(ref("Stay")).NewRef(),
		"AllocateInput":  schemaFor[allocateJSON](schemaRules{required: setOf("receipt", "hotel_id")}).NewRef(),
		"IsolationInput": schemaFor[isolationJSON](schemaRules{required: setOf("receipt", "hotel_id", "to_day")}).NewRef(),
		"AtInput":        schemaFor[atJSON](schemaRules{descriptions: map[string]string{"at": "RFC 3339 instant; now when empty."}}).NewRef(),
		"CancelInput":    schemaFor[cancelJSON](schemaRules{}).NewRef(),
		"TransferInput":  schemaFor[transferJSON](transfer).NewRef(),
		"TransferResult": transferResult.NewRef(),
		"FeeStatement":   fees.NewRef(),
		"InvoiceList":    itemsSchema(schemaFor[invoiceJSON](staffRules).NewRef()).NewRef(),
	}
}
