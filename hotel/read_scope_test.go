package hotel_test

import (
	"context"
	"testing"
	"time"

	"beredskap"
	"beredskap/hotel"
	"beredskap/internal/teststore"
)

// Issue 13, item 6: whether a traveller has a § 6j dispensation (a dying
// relative, a funeral) is read only by the municipal officer and staff of
// the quarantine municipality. Another municipality's officer gets for a
// traveller with a dispensation exactly the answer to an unknown receipt;
// the roles that do not need dispensations are refused outright.
func TestDispensationReadsScoped(t *testing.T) { teststore.Each(t, testDispensationReadsScoped) }

func testDispensationReadsScoped(t *testing.T, kind string) {
	e := newEnv(t, kind)
	officer := e.as("overlege@oslo.kommune.no", beredskap.RoleMunicipalOfficer, "0301")
	staffCtx := e.as("ansatt@oslo.kommune.no", beredskap.RoleMunicipalStaff, "0301")
	otherOfficer := e.as("overlege@bergen.kommune.no", beredskap.RoleMunicipalOfficer, "4601")
	r := e.register(traveller{arrival: time.Date(2020, 12, 14, 12, 0, 0, 0, oslo)})
	d, err := e.svc.GrantDispensation(officer, hotel.DispensationRequest{Receipt: r.Receipt, Purpose: beredskap.PurposeVisitIll,
		Relation: "sibling", Place: "Ullevål sykehus",
		From: time.Date(2020, 12, 16, 10, 0, 0, 0, oslo), To: time.Date(2020, 12, 16, 14, 0, 0, 0, oslo)})
	if err != nil {
		t.Fatal(err)
	}
	for name, ctx := range map[string]context.Context{"officer": officer, "staff": staffCtx} {
		if ds, err := e.svc.Dispensations(ctx, r.Receipt); err != nil || len(ds) != 1 {
			t.Errorf("%s: Dispensations = %v, %v; want the one", name, ds, err)
		}
	}

	_, withOne := e.svc.Dispensations(otherOfficer, r.Receipt)
	_, unknown := e.svc.Dispensations(otherOfficer, "ZZZZ-ZZZZ-ZZ")
	if beredskap.ErrorCode(withOne) != beredskap.ENOTFOUND || withOne.Error() != unknown.Error() {
		t.Errorf("another municipality's officer: %v; want exactly the unknown receipt's %v", withOne, unknown)
	}
	_, withOne = e.svc.EndDispensation(otherOfficer, d.ID, hotel.EndRevoked)
	_, unknown = e.svc.EndDispensation(otherOfficer, d.ID+1000, hotel.EndRevoked)
	if beredskap.ErrorCode(withOne) != beredskap.ENOTFOUND || withOne.Error() != unknown.Error() {
		t.Errorf("ending another municipality's: %v; want exactly an unknown one's %v", withOne, unknown)
	}
	if ds, err := e.svc.MunicipalDispensations(otherOfficer, "0301", 0); err != nil || len(ds) != 0 {
		t.Errorf("another municipality's list = %v, %v; want the officer's own, empty", ds, err)
	}
	for _, c := range []struct {
		email, municipality string
		role                beredskap.Role
	}{
		{"politi@politiet.no", "", beredskap.RoleBorderOfficer},
		{"ks@helsedir.no", "", beredskap.RoleControlCentre},
		{"koord@oslo.kommune.no", "0301", beredskap.RoleHotelCoordinator},
	} {
		ctx := e.as(c.email, c.role, c.municipality)
		if _, err := e.svc.Dispensations(ctx, r.Receipt); beredskap.ErrorCode(err) != beredskap.EFORBIDDEN {
			t.Errorf("%s reads dispensations: %v; want forbidden", c.role, err)
		}
		if _, err := e.svc.EndDispensation(ctx, d.ID, hotel.EndSymptoms); beredskap.ErrorCode(err) != beredskap.ENOTFOUND {
			t.Errorf("%s ends a dispensation: %v; want the unknown one's answer", c.role, err)
		}
	}
	if n := e.auditCount("dispensation.list", beredskap.OutcomeDenied); n != 4 {
		t.Errorf("%d refused dispensation reads audited as denied; want 4", n)
	}
	if n := e.auditCount("dispensation.list", beredskap.OutcomeNotFound); n != 1 {
		t.Errorf("%d dispensation reads of an unknown receipt audited; want 1", n)
	}
}

// Issue 13: the isolation stay is no way to read a traveller. A hotel
// coordinator may isolate the travellers of their municipality and the
// guests of their hotels; for anyone else the answer is that of an
// unknown receipt, and nothing is stored.
func TestIsolateOnlyTravellersInReach(t *testing.T) {
	teststore.Each(t, testIsolateOnlyTravellersInReach)
}

func testIsolateOnlyTravellersInReach(t *testing.T, kind string) {
	e := newEnv(t, kind)
	h := e.newHotel("0301", 5, false)
	iso := e.newHotel("0301", 5, true)
	coord := e.as("koord@oslo.kommune.no", beredskap.RoleHotelCoordinator, "0301")
	isolate := func(receipt string) (*beredskap.Stay, error) {
		return e.svc.Isolate(coord, hotel.IsolationRequest{Receipt: receipt, HotelID: iso.ID, FromDay: "2020-12-12", ToDay: "2020-12-20"})
	}

	elsewhere := e.register(traveller{arrival: start, municipality: "4601", accType: beredskap.AccommodationOwnHome,
		residence: beredskap.ResidenceRegistered, docs: []string{"tax_record"}})
	_, outOfReach := isolate(elsewhere.Receipt)
	_, unknown := isolate("ZZZZ-ZZZZ-ZZ")
	if beredskap.ErrorCode(outOfReach) != beredskap.EINVALID || outOfReach.Error() != unknown.Error() {
		t.Errorf("another municipality's traveller: %v; want exactly the unknown receipt's %v", outOfReach, unknown)
	}
	if n := e.auditCount("stay.isolate", beredskap.OutcomeDenied); n != 1 {
		t.Errorf("%d refused isolations audited as denied; want 1", n)
	}
	if n := e.auditCount("stay.isolate", beredskap.OutcomeNotFound); n != 1 {
		t.Errorf("%d isolations of an unknown receipt audited; want 1", n)
	}

	own := e.register(traveller{arrival: start})
	if _, err := isolate(own.Receipt); err != nil {
		t.Errorf("isolating a traveller of the own municipality: %v", err)
	}
	// Another municipality's hotel traveller who is a guest here.
	guest := e.register(traveller{arrival: start, municipality: "4601"})
	if _, err := e.svc.Allocate(coord, hotel.AllocateRequest{Receipt: guest.Receipt, HotelID: h.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := isolate(guest.Receipt); err != nil {
		t.Errorf("isolating a guest of the own hotel: %v", err)
	}
}
