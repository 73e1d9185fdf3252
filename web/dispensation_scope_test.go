package web_test

import (
	"net/http"
	"regexp"
	"testing"

	"beredskap"
	"beredskap/hotel"
)

// perRequest matches what differs between any two answers: the request
// id, the CSP nonce and the CSRF token.
var perRequest = regexp.MustCompile(`("request_id":\s*"[^"]*")|(nonce="[^"]*")|(name="csrf" value="[^"]*")|([0-9a-f]{16,})`)

// TestDispensationAnswersAlike checks issue 13, item 6: to the officer of
// another municipality, a receipt whose traveller has a § 6j dispensation
// answers exactly as an unknown receipt does, on the API and the page
// (same status, same body but for per-request values); the officer of the
// traveller's municipality reads it.
func TestDispensationAnswersAlike(t *testing.T) {
	ts := staffServer(t)
	ts.FollowUpClock.Set(osloTime(t, "2020-12-16T09:00"))
	officer := mustAddStaffUser(t, ts, "overlege@oslo.test", beredskap.RoleMunicipalOfficer, municipal(municipalityA))
	other := mustAddStaffUser(t, ts, "overlege@bergen.test", beredskap.RoleMunicipalOfficer, municipal(municipalityB))
	receipt := hotelRegistration(t, ts, "2020-12-15T10:00:00+01:00", "air", "Sorg")
	if _, err := ts.Hotels.GrantDispensation(actorOf(t, ts, officer), hotel.DispensationRequest{Receipt: receipt,
		Purpose: beredskap.PurposeFuneral, Relation: "parent", Place: "Vestre gravlund",
		From: osloTime(t, "2020-12-16T10:00"), To: osloTime(t, "2020-12-16T14:00")}); err != nil {
		t.Fatal(err)
	}
	const unknown = "ZZZZ-ZZZZ-ZZ"

	api := func(u *staffUser, r string) (int, string) {
		resp := ts.get(t, "/api/v1/dispensations?receipt="+r, "Authorization", "Bearer "+u.Token)
		return resp.StatusCode, string(readBody(t, resp))
	}
	if code, body := api(officer, receipt); code != http.StatusOK || !regexp.MustCompile(`"place":\s*"Vestre gravlund"`).MatchString(body) {
		t.Errorf("own officer: %d %s; want the dispensation", code, body)
	}
	codeWith, bodyWith := api(other, receipt)
	codeUnknown, bodyUnknown := api(other, unknown)
	if codeWith != http.StatusNotFound || codeWith != codeUnknown || perRequest.ReplaceAllString(bodyWith, "") != perRequest.ReplaceAllString(bodyUnknown, "") {
		t.Errorf("API to another municipality's officer: %d %s; unknown receipt: %d %s; want the same 404", codeWith, bodyWith, codeUnknown, bodyUnknown)
	}

	page := sessionOf(t, ts, other)
	codeWith, bodyWith = page.get("/staff/dispensations?lang=nb&receipt=" + receipt)
	codeUnknown, bodyUnknown = page.get("/staff/dispensations?lang=nb&receipt=" + unknown)
	if codeWith != http.StatusNotFound || codeWith != codeUnknown {
		t.Errorf("page to another municipality's officer: %d; unknown receipt: %d; want 404 both", codeWith, codeUnknown)
	}
	if perRequest.ReplaceAllString(bodyWith, "") != perRequest.ReplaceAllString(bodyUnknown, "") {
		t.Errorf("the pages differ:\n%s\n----\n%s", bodyWith, bodyUnknown)
	}
}
