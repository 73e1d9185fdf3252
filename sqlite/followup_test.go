package sqlite

import (
	"testing"

	"beredskap/storetest"
)

func TestFollowUpStore(t *testing.T) {
	storetest.TestFollowUpStore(t, openStaffHarness)
}

// TestFollowUpStoreCommonNames runs the suite's traveller lists with every
// name search read along the arrival index, as for a name that matches
// many plans. nameIndexMax changes only how ListTravellers and
// EachTraveller read, so the rest of the suite is not run twice.
func TestFollowUpStoreCommonNames(t *testing.T) {
	defer func(n int) { nameIndexMax = n }(nameIndexMax)
	nameIndexMax = -1
	storetest.TestTravellerLists(t, openStaffHarness)
}
