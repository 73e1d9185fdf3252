package web_test

import "testing"

// followUpMatrix is the authorization matrix of the control centre's and
// the labour inspectorate's routes (see authzMatrix for the columns).
var followUpMatrix = []matrixRow{}

// followUpFixture adds to the own and other values of the matrix what the
// follow-up rows name: plans for their registrations, held by centre.
func followUpFixture(t *testing.T, ts *testServer, centre *staffUser, own, other map[string]string) {
	t.Helper()
}
