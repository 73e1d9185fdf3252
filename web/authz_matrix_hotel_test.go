package web_test

import (
	"fmt"
	"testing"
	"time"

	"beredskap"
	"beredskap/hotel"
)

// hotelMatrix is the authorization matrix of the hotel, dispensation and
// rule-change impact routes (see authzMatrix for the columns). Hotels are
// managed by their municipality's coordinator; border officers and
// coordinators see hotels and allocate rooms (the service refuses the
// wrong kind of arrival as bad input); stays, fees and invoices are the
// coordinator's. Dispensations are granted by the municipal officer (staff
// only as delegated), read and ended by the officer and staff of the
// traveller's municipality only: another municipality's receipt or
// dispensation gets the answer of an unknown one (404); delegations are
// the officer's. Everyone with PermRuleImpact reads the impact of a rule
// change, of their own municipality for municipal roles; only the control
// centre computes runs and notifies. JSON rows post the contract example,
// which the handler refuses as bad input (400, allowed) once the role may
// use the route.
//
//	anonymous, border_officer, control_centre, municipal_officer own, municipal_officer other,
//	municipal_staff own, municipal_staff other, labour_inspector, county_governor, access_admin, citizen_support,
//	citizen, hotel_coordinator
var hotelMatrix = []matrixRow{
	{Route: "GET /staff/hotels", Path: "/staff/hotels", Want: outcomes{L, A, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "GET /staff/hotels/new", Path: "/staff/hotels/new", Want: outcomes{L, F, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "POST /staff/hotels", Path: "/staff/hotels", Form: "name=Matrix", Want: outcomes{L, F, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "GET /staff/hotels/{hotel}", Path: "/staff/hotels/{hotel}", Want: outcomes{L, A, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "POST /staff/hotels/{hotel}", Path: "/staff/hotels/{hotel}", Form: "name=",
		Want: outcomes{L, F, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "POST /staff/hotels/{hotel}/capacity", Path: "/staff/hotels/{hotel}/capacity", Form: "cap_rooms=x",
		Want: outcomes{L, F, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "GET /staff/allocate", Path: "/staff/allocate", Want: outcomes{L, A, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "POST /staff/allocate", Path: "/staff/allocate", Form: "receipt={receipt}",
		Want: outcomes{L, A, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "GET /staff/stays", Path: "/staff/stays", Want: outcomes{L, A, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "GET /staff/stays/{stay}", Path: "/staff/stays/{stay}", Want: outcomes{L, A, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "POST /staff/stays/{stay}/check-in", Path: "/staff/stays/{stay}/check-in",
		Want: outcomes{L, F, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "POST /staff/stays/{stay}/check-out", Path: "/staff/stays/{stay}/check-out", Form: "checkout_at=x",
		Want: outcomes{L, F, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "POST /staff/stays/{stay}/depart", Path: "/staff/stays/{stay}/depart", Form: "depart_at=x",
		Want: outcomes{L, F, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "POST /staff/stays/{stay}/transfer", Path: "/staff/stays/{stay}/transfer", Form: "group=4",
		Want: outcomes{L, F, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "POST /staff/stays/{stay}/isolation", Path: "/staff/stays/{stay}/isolation", Form: "iso_to_day=x",
		Want: outcomes{L, F, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "POST /staff/stays/{stay}/cancel", Path: "/staff/stays/{stay}/cancel", Form: "cancel_note=Matrix",
		Want: outcomes{L, F, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "GET /staff/stays/{stay}/fees", Path: "/staff/stays/{stay}/fees", Want: outcomes{L, F, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "GET /staff/stays/{stay}/fees.csv", Path: "/staff/stays/{stay}/fees.csv", Want: outcomes{L, F, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "GET /staff/stays/{stay}/fees.pdf", Path: "/staff/stays/{stay}/fees.pdf", Want: outcomes{L, F, F, F, F, F, F, F, F, F, F, L, A}},
	{Route: "GET /staff/invoices", Path: "/staff/invoices?from=2020-12-01&to=2020-12-31", Want: outcomes{L, F, F, F, F, F, F, F, F, F, F, L, A}},

	{Route: "GET /staff/dispensations", Path: "/staff/dispensations?receipt={receipt}", Want: outcomes{L, F, F, A, N, A, N, F, F, F, F, L, F}},
	{Route: "GET /staff/dispensations/new", Path: "/staff/dispensations/new", Want: outcomes{L, F, F, A, A, A, A, F, F, F, F, L, F}},
	{Route: "POST /staff/dispensations", Path: "/staff/dispensations",
		Form: "receipt={receipt}&purpose=funeral&relation=parent&place=Kapellet&from_time=2020-12-22T10:00&to_time=2020-12-22T14:00",
		Want: outcomes{L, F, F, A, F, F, F, F, F, F, F, L, F}},
	{Route: "POST /staff/dispensations/{dispensation}/end", Path: "/staff/dispensations/{dispensation}/end", Form: "reason=revoked",
		Want: outcomes{L, F, F, A, N, A, N, F, F, F, F, L, F}},
	{Route: "GET /staff/delegations", Path: "/staff/delegations", Want: outcomes{L, F, F, A, A, F, F, F, F, F, F, L, F}},
	{Route: "POST /staff/delegations", Path: "/staff/delegations", Form: "user_id={user}",
		Want: outcomes{L, F, F, A, A, F, F, F, F, F, F, L, F}},
	{Route: "POST /staff/delegations/{delegation}/end", Path: "/staff/delegations/{delegation}/end",
		Want: outcomes{L, F, F, A, N, F, F, F, F, F, F, L, F}},
	{Route: "GET /staff/rule-impact", Path: "/staff/rule-impact?at={at}", Want: outcomes{L, F, A, A, A, F, F, F, F, F, F, L, A}},
	{Route: "POST /staff/rule-impact", Path: "/staff/rule-impact", Form: "impact_at=2020-12-21T12:00",
		Want: outcomes{L, F, A, F, F, F, F, F, F, F, F, L, F}},
	{Route: "POST /staff/rule-impact/{run}/notify", Path: "/staff/rule-impact/{run}/notify",
		Want: outcomes{L, F, A, F, F, F, F, F, F, F, F, L, F}},

	{Route: "GET /api/v1/hotels", Path: "/api/v1/hotels?municipality={municipality}", Want: outcomes{U, A, F, F, F, F, F, F, F, F, F, U, A}},
	{Route: "POST /api/v1/hotels", Path: "/api/v1/hotels", JSON: true, Want: outcomes{U, F, F, F, F, F, F, F, F, F, F, U, A}},
	{Route: "GET /api/v1/hotels/availability", Path: "/api/v1/hotels/availability?from=2020-12-20&to=2020-12-25",
		Want: outcomes{U, A, F, F, F, F, F, F, F, F, F, U, A}},
	{Route: "GET /api/v1/hotels/{hotel}", Path: "/api/v1/hotels/{hotel}", Want: outcomes{U, A, F, F, F, F, F, F, F, F, F, U, A}},
	{Route: "PUT /api/v1/hotels/{hotel}", Path: "/api/v1/hotels/{hotel}", JSON: true, Want: outcomes{U, F, F, F, F, F, F, F, F, F, F, U, A}},
	{Route: "GET /api/v1/hotels/{hotel}/capacity", Path: "/api/v1/hotels/{hotel}/capacity",
		Want: outcomes{U, A, F, F, F, F, F, F, F, F, F, U, A}},
	{Route: "POST /api/v1/hotels/{hotel}/capacity", Path: "/api/v1/hotels/{hotel}/capacity", JSON: true,
		Want: outcomes{U, F, F, F, F, F, F, F, F, F, F, U, A}},
	{Route: "GET /api/v1/stays", Path: "/api/v1/stays", Want: outcomes{U, A, F, F, F, F, F, F, F, F, F, U, A}},
	{Route: "POST /api/v1/stays", Path: "/api/v1/stays", JSON: true, Want: outcomes{U, A, F, F, F, F, F, F, F, F, F, U, A}},
	{Route: "POST /api/v1/stays/isolation", Path: "/api/v1/stays/isolation", JSON: true,
		Want: outcomes{U, F, F, F, F, F, F, F, F, F, F, U, A}},
	{Route: "GET /api/v1/stays/invoices", Path: "/api/v1/stays/invoices?from=2020-12-01&to=2020-12-31&municipality={municipality}",
		Want: outcomes{U, F, F, F, F, F, F, F, F, F, F, U, A}},
	{Route: "GET /api/v1/stays/{stay}", Path: "/api/v1/stays/{stay}", Want: outcomes{U, A, F, F, F, F, F, F, F, F, F, U, A}},
	{Route: "GET /api/v1/stays/{stay}/fees", Path: "/api/v1/stays/{stay}/fees", Want: outcomes{U, F, F, F, F, F, F, F, F, F, F, U, A}},
	{Route: "POST /api/v1/stays/{stay}/check-in", Path: "/api/v1/stays/{stay}/check-in", JSON: true,
		Want: outcomes{U, F, F, F, F, F, F, F, F, F, F, U, A}},
	{Route: "POST /api/v1/stays/{stay}/check-out", Path: "/api/v1/stays/{stay}/check-out", JSON: true,
		Want: outcomes{U, F, F, F, F, F, F, F, F, F, F, U, A}},
	{Route: "POST /api/v1/stays/{stay}/depart", Path: "/api/v1/stays/{stay}/depart", JSON: true,
		Want: outcomes{U, F, F, F, F, F, F, F, F, F, F, U, A}},
	{Route: "POST /api/v1/stays/{stay}/transfer", Path: "/api/v1/stays/{stay}/transfer", JSON: true,
		Want: outcomes{U, F, F, F, F, F, F, F, F, F, F, U, A}},
	{Route: "POST /api/v1/stays/{stay}/cancel", Path: "/api/v1/stays/{stay}/cancel", JSON: true,
		Want: outcomes{U, F, F, F, F, F, F, F, F, F, F, U, A}},

	{Route: "GET /api/v1/dispensations", Path: "/api/v1/dispensations?receipt={receipt}",
		Want: outcomes{U, F, F, A, N, A, N, F, F, F, F, U, F}},
	{Route: "POST /api/v1/dispensations", Path: "/api/v1/dispensations", JSON: true,
		Want: outcomes{U, F, F, A, A, A, A, F, F, F, F, U, F}},
	{Route: "POST /api/v1/dispensations/{dispensation}/end", Path: "/api/v1/dispensations/{dispensation}/end", JSON: true,
		Want: outcomes{U, F, F, A, A, A, A, F, F, F, F, U, F}},
	{Route: "GET /api/v1/dispensations/delegations", Path: "/api/v1/dispensations/delegations?municipality={municipality}",
		Want: outcomes{U, F, F, A, F, F, F, F, F, F, F, U, F}},
	{Route: "POST /api/v1/dispensations/delegations", Path: "/api/v1/dispensations/delegations", JSON: true,
		Want: outcomes{U, F, F, A, A, F, F, F, F, F, F, U, F}},
	{Route: "POST /api/v1/dispensations/delegations/{delegation}/end", Path: "/api/v1/dispensations/delegations/{delegation2}/end",
		Want: outcomes{U, F, F, A, N, F, F, F, F, F, F, U, F}},
	{Route: "GET /api/v1/rule-impact", Path: "/api/v1/rule-impact", Want: outcomes{U, F, A, A, A, F, F, F, F, F, F, U, A}},
	{Route: "POST /api/v1/rule-impact", Path: "/api/v1/rule-impact", JSON: true, Want: outcomes{U, F, A, F, F, F, F, F, F, F, F, U, F}},
	{Route: "GET /api/v1/rule-impact/changes", Path: "/api/v1/rule-impact/changes?at={at}&municipality={municipality}",
		Want: outcomes{U, F, A, A, F, F, F, F, F, F, F, U, A}},
	{Route: "POST /api/v1/rule-impact/{run}/notify", Path: "/api/v1/rule-impact/{run}/notify",
		Want: outcomes{U, F, A, F, F, F, F, F, F, F, F, U, F}},
}

// hotelFixture adds to the own and other values of the matrix what the
// hotel rows name, as the system: a hotel of each municipality ({hotel})
// with a stay of the municipality's registration ({stay}); a § 6j
// dispensation of that registration ({dispensation}); two delegations to
// staff members of each municipality ({delegation} for the pages,
// {delegation2} for the API); and a run of rule-change impact ({run}, at
// the instant {at}).
func hotelFixture(t *testing.T, ts *testServer, own, other map[string]string) {
	t.Helper()
	ctx := beredskap.WithActor(t.Context(), beredskap.SystemActor())
	for i, m := range []map[string]string{own, other} {
		h, err := ts.Hotels.CreateHotel(ctx, hotel.HotelInput{
			Municipality: m["municipality"], Name: fmt.Sprintf("Matrix hotell %d", i), Address: "Gate 1", PostalCode: "0154",
			ContactName: "Kari", ContactEmail: "kari@example.no", Rooms: 5, Isolation: true, Active: true,
		})
		if err != nil {
			t.Fatalf("hotel of %s: %v", m["municipality"], err)
		}
		st, err := ts.Hotels.Allocate(ctx, hotel.AllocateRequest{Receipt: m["receipt"], HotelID: h.ID})
		if err != nil {
			t.Fatalf("stay of %s: %v", m["receipt"], err)
		}
		oslo, _ := time.LoadLocation("Europe/Oslo")
		d, err := ts.Hotels.GrantDispensation(ctx, hotel.DispensationRequest{
			Receipt: m["receipt"], Purpose: beredskap.PurposeFuneral, Relation: "parent", Place: "Kapellet",
			From: time.Date(2020, 12, 22, 10, 0, 0, 0, oslo), To: time.Date(2020, 12, 22, 14, 0, 0, 0, oslo),
		})
		if err != nil {
			t.Fatalf("dispensation of %s: %v", m["receipt"], err)
		}
		m["hotel"], m["stay"], m["dispensation"] = fmt.Sprint(h.ID), fmt.Sprint(st.ID), fmt.Sprint(d.ID)
		for j, key := range []string{"delegation", "delegation2"} {
			u := mustAddStaffUser(t, ts, fmt.Sprintf("delegate%d.%d@example.no", i, j), beredskap.RoleMunicipalStaff, municipal(m["municipality"]))
			// The grant is valid from now on the wall clock, which the
			// service's clock may not have reached.
			was := ts.FollowUpClock.Now()
			ts.FollowUpClock.Set(time.Now())
			dl, err := ts.Hotels.Delegate(ctx, u.User.ID, m["municipality"])
			ts.FollowUpClock.Set(was)
			if err != nil {
				t.Fatalf("delegate in %s: %v", m["municipality"], err)
			}
			m[key] = fmt.Sprint(dl.ID)
		}
	}
	var at time.Time
	for _, v := range ts.Hotels.Book().Versions() {
		if v.ID == "2020-12-21-1200" {
			at = v.InForceFrom
		}
	}
	run, err := ts.Hotels.ComputeImpact(ctx, at)
	if err != nil {
		t.Fatalf("compute impact at %s: %v", at, err)
	}
	for _, m := range []map[string]string{own, other} {
		m["run"], m["at"] = fmt.Sprint(run.ID), run.At.UTC().Format(time.RFC3339)
	}
}
