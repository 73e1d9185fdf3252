package hotel_test

import (
	"context"
	"strings"
	"testing"

	"beredskap"
	"beredskap/hotel"
	"beredskap/internal/teststore"
)

// Issue 13, item 4: allocation is no way to read a traveller. Only a
// traveller whose decision requires a quarantine hotel gets a room; for
// another municipality's traveller every refusal is the answer to an
// unknown receipt; the contact point's mail carries no name.
func TestAllocateOnlyHotelTravellers(t *testing.T) {
	teststore.Each(t, testAllocateOnlyHotelTravellers)
}

func testAllocateOnlyHotelTravellers(t *testing.T, kind string) {
	e := newEnv(t, kind)
	h := e.newHotel("0301", 10, false)
	coord := e.as("koord@oslo.kommune.no", beredskap.RoleHotelCoordinator, "0301")
	border := e.as("politi@politiet.no", beredskap.RoleBorderOfficer, "")
	unknown := func(err error) {
		t.Helper()
		wantErr(t, err, beredskap.EINVALID, "receipt")
		if e, ok := err.(*beredskap.Error); !ok || e.Reason != "not_found" || e.Message != "no registration has this receipt" {
			t.Errorf("error %v; want exactly the answer to an unknown receipt", err)
		}
	}

	// An own-home traveller of another municipality: no hotel needed.
	home := e.register(traveller{arrival: start, accType: beredskap.AccommodationOwnHome, municipality: "4601",
		residence: beredskap.ResidenceRegistered, docs: []string{"tax_record"}})
	if home.Decision.Hotel.Required {
		t.Fatalf("the own-home registration requires a hotel: %+v", home.Decision.Hotel)
	}
	_, err := e.svc.Allocate(coord, hotel.AllocateRequest{Receipt: home.Receipt, HotelID: h.ID})
	unknown(err)
	_, err = e.svc.Allocate(coord, hotel.AllocateRequest{Receipt: "ZZZZ-ZZZZ-ZZ", HotelID: h.ID})
	unknown(err)
	// A land arrival of another municipality, which the police allocate:
	// the coordinator learns nothing either.
	land := e.register(traveller{arrival: start, mode: beredskap.ModeLand, municipality: "4601"})
	_, err = e.svc.Allocate(coord, hotel.AllocateRequest{Receipt: land.Receipt, HotelID: h.ID})
	unknown(err)

	// In the coordinator's own municipality, and for the police, who read
	// every registration, the refusal says why.
	ownHome := e.register(traveller{arrival: start, accType: beredskap.AccommodationOwnHome,
		residence: beredskap.ResidenceRegistered, docs: []string{"tax_record"}})
	_, err = e.svc.Allocate(coord, hotel.AllocateRequest{Receipt: ownHome.Receipt, HotelID: h.ID})
	wantErr(t, err, beredskap.EINVALID, "receipt")
	if !strings.Contains(err.Error(), "requires no quarantine hotel") {
		t.Errorf("own municipality's refusal %v; want the reason", err)
	}
	_, err = e.svc.Allocate(border, hotel.AllocateRequest{Receipt: home.Receipt, HotelID: h.ID})
	wantErr(t, err, beredskap.EINVALID, "receipt")
	if !strings.Contains(err.Error(), "requires no quarantine hotel") {
		t.Errorf("border officer's refusal %v; want the reason", err)
	}
	if n := e.auditCount("stay.allocate", beredskap.OutcomeDenied); n != 4 {
		t.Errorf("%d denied allocations audited; want 4 (the unknown receipt is audited as not found)", n)
	}

	// A hotel traveller of another municipality may choose this hotel
	// (seed 004); the contact point learns receipt and nights, not the name.
	air := e.register(traveller{arrival: start, municipality: "4601"})
	_, err = e.svc.Allocate(coord, hotel.AllocateRequest{Receipt: air.Receipt, HotelID: h.ID})
	if err != nil {
		t.Fatalf("Allocate(hotel traveller of another municipality): %v", err)
	}
	m := e.smtp.WaitFor(t, "kontakt@kommune.example")
	if !strings.Contains(m.Text, air.Receipt) || strings.Contains(m.Text, "Kowalska") || strings.Contains(m.Text, "Anna") {
		t.Errorf("contact mail has no receipt or names the guest:\n%s", m.Text)
	}
	// A guest moved on from a stay at a hotel of the coordinator may get a
	// room at another, even when their decision needs no hotel.
	earlier := &beredskap.Stay{HotelID: h.ID, Municipality: "0301", Receipt: home.Receipt, GuestName: "Anna Kowalska",
		BirthDate: "1990-05-17", Kind: beredskap.StayQuarantine, Status: beredskap.StayTransferred,
		FromDay: "2020-12-01", ToDay: "2020-12-05", Channel: beredskap.ChannelMunicipality, Payer: beredskap.PayerTraveller,
		AllocatedBy: "koord@oslo.kommune.no"}
	err = e.store.UpdateHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
		return tx.CreateStay(ctx, earlier)
	})
	if err != nil {
		t.Fatal(err)
	}
	h2 := e.newHotel("0301", 10, false)
	if _, err := e.svc.Allocate(coord, hotel.AllocateRequest{Receipt: home.Receipt, HotelID: h2.ID}); err != nil {
		t.Fatalf("Allocate(a guest moved on from a stay here): %v", err)
	}
}

// auditCount returns how many audit entries of action have outcome.
func (e *env) auditCount(action, outcome string) int {
	e.t.Helper()
	n := 0
	err := e.store.ScanAudit(context.Background(), func(a *beredskap.AuditEntry) error {
		if a.Action == action && a.Outcome == outcome {
			n++
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}
