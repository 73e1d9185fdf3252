package sqlite

import (
	"testing"

	"beredskap/storetest"
)

func TestHotelStore(t *testing.T) {
	storetest.TestHotelStore(t, openStaffHarness)
}
