package web_test

import "testing"

// hotelMatrix is the authorization matrix of the hotel, dispensation and
// rule-change impact routes (see authzMatrix for the columns).
var hotelMatrix = []matrixRow{}

// hotelFixture adds to the own and other values of the matrix what the
// hotel rows name: hotels, stays and dispensations in each municipality.
func hotelFixture(t *testing.T, ts *testServer, own, other map[string]string) {
	t.Helper()
}
