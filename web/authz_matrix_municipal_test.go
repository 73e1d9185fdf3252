package web_test

// municipalMatrix is the authorization matrix of the municipalities'
// follow-up routes (see authzMatrix for the columns). The pages ignore
// another municipality asked for by a municipal user and show their own,
// as the registrations list does; the API refuses it (403), as GET
// /api/v1/registrations does. A traveller of another municipality is not
// found. The digest belongs to municipal users only.
//
//	anonymous, border_officer, control_centre, municipal_officer own, municipal_officer other,
//	municipal_staff own, municipal_staff other, labour_inspector, county_governor, access_admin, citizen_support,
//	citizen
var municipalMatrix = []matrixRow{
	{Route: "GET /staff/followup/travellers", Path: "/staff/followup/travellers?municipality={municipality}",
		Want: outcomes{L, F, A, A, A, A, A, F, F, F, F, L, F}},
	{Route: "GET /staff/followup/travellers/{receipt}", Path: "/staff/followup/travellers/{receipt}",
		Want: outcomes{L, F, A, A, N, A, N, F, F, F, F, L, F}},
	{Route: "GET /staff/followup/export", Path: "/staff/followup/export?format=csv&municipality={municipality}",
		Want: outcomes{L, F, A, A, A, A, A, F, F, F, F, L, F}},
	{Route: "GET /staff/followup/digest", Path: "/staff/followup/digest",
		Want: outcomes{L, F, F, A, A, A, A, F, F, F, F, L, F}},
	{Route: "POST /staff/followup/digest", Path: "/staff/followup/digest", Form: "mode=daily",
		Want: outcomes{L, F, F, A, A, A, A, F, F, F, F, L, F}},

	{Route: "GET /api/v1/followup/travellers", Path: "/api/v1/followup/travellers?municipality={municipality}",
		Want: outcomes{U, F, A, A, F, A, F, F, F, F, F, U, F}},
	{Route: "GET /api/v1/followup/travellers/{receipt}", Path: "/api/v1/followup/travellers/{receipt}",
		Want: outcomes{U, F, A, A, N, A, N, F, F, F, F, U, F}},
	{Route: "GET /api/v1/followup/export", Path: "/api/v1/followup/export?format=xlsx&municipality={municipality}",
		Want: outcomes{U, F, A, A, F, A, F, F, F, F, F, U, F}},
	{Route: "GET /api/v1/followup/stats", Path: "/api/v1/followup/stats?municipality={municipality}&from=2021-02-01&to=2021-02-28",
		Want: outcomes{U, F, A, A, F, A, F, F, F, F, F, U, F}},
}
