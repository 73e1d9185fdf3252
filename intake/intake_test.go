package intake_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/intake"
	"beredskap/intake/input"
	"beredskap/internal/teststore"
	"beredskap/rules"
	"beredskap/sqlite"
)

var fixedNow = time.Date(2021, 1, 10, 12, 0, 0, 0, time.UTC)

// newIntake returns an intake over the embedded rules and a fresh SQLite file.
func newIntake(t *testing.T) *intake.Intake {
	t.Helper()
	book, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), teststore.SQLitePath(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := func() time.Time { return fixedNow }
	return &intake.Intake{Rules: book, Registrations: sqlite.NewRegistrationService(db, clock), Clock: clock}
}

// example returns the registration example of docs/contract.md, as the
// web package's tests keep it.
func example(t *testing.T) *beredskap.Registration {
	t.Helper()
	data, err := os.ReadFile("../web/testdata/contract.json")
	if err != nil {
		t.Fatal(err)
	}
	reg, err := input.DecodeBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func TestRegisterStoresWithMunicipalityAndRuleHash(t *testing.T) {
	in := newIntake(t)
	reg := example(t)
	reg.Traveller.Phone = "+48 601 234 567"
	stored, created, err := in.Register(context.Background(), reg, "en", "key-1")
	if err != nil {
		t.Fatal(err)
	}
	if !created || stored.Municipality != "0301" {
		t.Errorf("created %v municipality %q; want true, 0301", created, stored.Municipality)
	}
	if stored.Decision.RuleSet.Hash == "" || stored.Decision.RuleSet.ID == "" {
		t.Errorf("rule set %+v lacks id or hash", stored.Decision.RuleSet)
	}
	if got := stored.Registration.Traveller.Phone; got != "+48601234567" {
		t.Errorf("phone stored as %q; want E.164 +48601234567", got)
	}
	again, created, err := in.Register(context.Background(), example(t), "en", "key-1")
	if err != nil {
		t.Fatal(err)
	}
	if created || again.Receipt != stored.Receipt {
		t.Errorf("retry gave %s (created %v); want %s, false", again.Receipt, created, stored.Receipt)
	}
	found, err := in.Find(context.Background(), strings.ToLower(stored.Receipt))
	if err != nil || found.Receipt != stored.Receipt {
		t.Errorf("Find = %v, %v", found, err)
	}
}

// The quarantine municipality follows the numbering in force at arrival:
// Tromsø was 5401 in 2020–2023 and 5501 from 2024 (data/municipalities.csv).
func TestRegisterDerivesMunicipalityAsNumberedAtArrival(t *testing.T) {
	in := newIntake(t)
	reg := example(t)
	reg.Accommodation.Address = beredskap.Address{Street: "Storgata 1", PostalCode: "9008"}
	stored, _, err := in.Register(context.Background(), reg, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if stored.Municipality != "5401" {
		t.Errorf("municipality %q; want 5401 (Tromsø in 2020)", stored.Municipality)
	}
}

func TestIntakeRejectsBadReferenceData(t *testing.T) {
	tests := []struct {
		name   string
		change func(*beredskap.Registration)
		field  string
		reason string
	}{
		{"control digits", func(r *beredskap.Registration) { r.Traveller.NationalID = "17059012345" }, "traveller.national_id", "invalid_national_id"},
		{"phone", func(r *beredskap.Registration) { r.Traveller.Phone = "+47 123" }, "traveller.phone", "invalid_phone"},
		{"org number", func(r *beredskap.Registration) { r.Employer.OrgNumber = "123456784" }, "employer.org_number", "invalid_org_number"},
		{"postal code", func(r *beredskap.Registration) { r.Accommodation.Address.PostalCode = "0000" }, "accommodation.address.postal_code", "unknown_postal_code"},
		{"municipality", func(r *beredskap.Registration) { r.Accommodation.Address.Municipality = "0399" }, "accommodation.address.municipality", "unknown_municipality"},
		{"mismatch", func(r *beredskap.Registration) { r.Accommodation.Address.Municipality = "4601" }, "accommodation.address.municipality", "municipality_mismatch"},
		{"address missing", func(r *beredskap.Registration) { r.Accommodation.Address = beredskap.Address{} }, "accommodation.address.street", "required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newIntake(t)
			reg := example(t)
			tt.change(reg)
			_, _, err := in.Register(context.Background(), reg, "", "")
			var e *beredskap.Error
			if !errors.As(err, &e) || e.Code != beredskap.EINVALID {
				t.Fatalf("Register() = %v; want EINVALID", err)
			}
			if e.Field != tt.field || e.Reason != tt.reason {
				t.Errorf("field %q reason %q; want %q %q", e.Field, e.Reason, tt.field, tt.reason)
			}
			list, _, err := in.Registrations.ListRegistrations(context.Background(), beredskap.RegistrationFilter{})
			if err != nil || len(list) != 0 {
				t.Errorf("stored %d registrations after a refusal (err %v); want 0", len(list), err)
			}
		})
	}
}

func TestEvaluateStoresNothing(t *testing.T) {
	in := newIntake(t)
	d, err := in.Evaluate(context.Background(), example(t), "nb")
	if err != nil {
		t.Fatal(err)
	}
	if d.Language != "nb" || len(d.Reasons) == 0 {
		t.Errorf("decision language %q with %d reasons; want nb and some", d.Language, len(d.Reasons))
	}
	list, _, err := in.Registrations.ListRegistrations(context.Background(), beredskap.RegistrationFilter{})
	if err != nil || len(list) != 0 {
		t.Errorf("Evaluate stored %d registrations (err %v)", len(list), err)
	}
}

// Seed 004: Svalbard residents without a suitable place on the mainland
// stay at a quarantine hotel, so a Svalbard address (municipality 2100,
// postal codes 9170–9178) must be accepted as input; Jan Mayen (2211,
// postal code 8099) likewise. Neither counts as the mainland.
func TestRegisterAcceptsSvalbardAndJanMayen(t *testing.T) {
	for _, addr := range []beredskap.Address{
		{Street: "Vei 230", PostalCode: "9170", Municipality: "2100"},
		{Street: "Vei 1", PostalCode: "9178"},
		{Street: "Olonkinbyen", PostalCode: "8099", Municipality: "2211"},
	} {
		in := newIntake(t)
		reg := example(t)
		reg.Residence = beredskap.ResidenceRegistered
		reg.Destination = beredskap.DestinationSvalbard
		reg.Accommodation.Type = beredskap.AccommodationOwnHome
		reg.Accommodation.Address = addr
		reg.Documents = []string{"tax_record"}
		stored, _, err := in.Register(context.Background(), reg, "", "")
		if err != nil {
			t.Fatalf("%+v: %v", addr, err)
		}
		if stored.Municipality != "2100" && stored.Municipality != "2211" {
			t.Errorf("%+v: municipality %q", addr, stored.Municipality)
		}
		if !stored.Decision.Hotel.Required {
			t.Errorf("%+v: a place on Svalbard or Jan Mayen exempted from the hotel: %+v", addr, stored.Decision.Hotel)
		}
	}
}
