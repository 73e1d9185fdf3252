package sqlite

import (
	"testing"

	"beredskap/storetest"
)

func TestFollowUpStore(t *testing.T) {
	storetest.TestFollowUpStore(t, openStaffHarness)
}

// TestFollowUpStoreCommonNames runs the suite with every name search read
// along the arrival index, as for a name that matches many plans.
func TestFollowUpStoreCommonNames(t *testing.T) {
	defer func(n int) { nameIndexMax = n }(nameIndexMax)
	nameIndexMax = -1
	storetest.TestFollowUpStore(t, openStaffHarness)
}
