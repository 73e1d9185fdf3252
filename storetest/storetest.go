// Package storetest is the conformance suite every beredskap.RegistrationService
// store passes, with the sample data it uses and helpers that give tests a
// real PostgreSQL database. Store packages call it from their own tests.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"beredskap"
)

// Clock is a test clock that starts at a fixed instant and moves on by Step
// each time it is read.
type Clock struct {
	mu   sync.Mutex
	now  time.Time
	Step time.Duration
}

// NewClock returns a clock at start that advances by step per reading.
func NewClock(start time.Time, step time.Duration) *Clock {
	return &Clock{now: start, Step: step}
}

// Now returns the clock's instant and then advances it.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.now
	c.now = c.now.Add(c.Step)
	return t
}

// Registration returns a realistic registration: the example of docs/contract.md,
// with the given names so that rows can be told apart.
func Registration(first, last string) beredskap.Registration {
	return beredskap.Registration{
		ArrivalTime: "2020-12-20T14:30:00+01:00",
		Traveller: beredskap.Traveller{
			FirstName: first, LastName: last, BirthDate: "1990-05-17", Nationality: "PL",
			IDDocument: beredskap.IDDocument{Type: "passport", Number: "EA1234567", Country: "PL", Expires: "2027-01-31"},
			Phone:      "+48601234567", Email: "anna@example.com", Language: "pl",
		},
		CountriesVisited: []string{"PL", "DE"},
		Arrival:          beredskap.Arrival{Mode: "air", Point: "OSL"},
		Residence:        beredskap.ResidenceNone,
		Purpose:          beredskap.PurposeOther,
		Accommodation: beredskap.Accommodation{
			Type:       beredskap.AccommodationOtherSuitable,
			Address:    beredskap.Address{Street: "Storgata 1", PostalCode: "0155", Municipality: "0301"},
			SingleRoom: true, OwnBathroom: true, OwnKitchenOrMeals: true, CloseContactAvoidable: true,
		},
		ExemptionsClaimed: []string{},
		Documents:         []string{"accommodation_confirmation"},
		Destination:       beredskap.DestinationMainland,
	}
}

// Decision returns a realistic decision for Registration, made under a named
// and hashed rule set.
func Decision() beredskap.Decision {
	first, last := "2020-12-20", "2020-12-30"
	group := 4
	return beredskap.Decision{
		RuleSet: beredskap.RuleSetRef{
			ID:          "2020-12-13-1700",
			InForceFrom: "2020-12-13T17:00:00+01:00",
			Source:      "https://lovdata.no/dokument/SF/forskrift/2020-03-27-470",
			Hash:        "9f2c1a6e0b8d4f3a7c5e1d2b6a8f0c4e3b7d9a1f5c2e8b4d6a0f3c7e1b5d9a2f",
		},
		Quarantine: beredskap.Quarantine{Required: true, Scope: beredskap.ScopeFull, FirstDay: &first, LastDay: &last},
		Hotel:      beredskap.Hotel{ExemptionGroup: &group, Payer: beredskap.PayerNone},
		DocumentsRequired: []beredskap.DocumentRequirement{
			{AnyOf: []string{"accommodation_confirmation"}},
		},
		Restrictions: []string{"avoid_close_contact", "no_workplace_with_others", "no_school_or_kindergarten", "no_public_transport"},
		Reasons: []beredskap.Reason{
			{Code: "hotel_group_4", Ref: "covid-19-forskriften § 5 andre ledd bokstav d",
				Text: "Du kan være i innreisekarantene på et annet egnet oppholdssted med enerom, eget bad og kjøkken, der nærkontakt kan unngås."},
			{Code: "quarantine_full", Ref: "covid-19-forskriften § 4 første ledd",
				Text: "Du må være i innreisekarantene i 10 dager etter ankomst til Norge."},
		},
		Warnings: []beredskap.Warning{},
		Language: "nb",
	}
}

// newRegistration returns a NewRegistration of the sample data in the
// municipality, under the idempotency key and request hash given.
func newRegistration(i int, municipality, key, hash string) beredskap.NewRegistration {
	r := Registration("Anna", fmt.Sprintf("Kowalska-%d", i))
	r.Accommodation.Address.Municipality = municipality
	return beredskap.NewRegistration{
		Registration:   r,
		Decision:       Decision(),
		Municipality:   municipality,
		IdempotencyKey: key,
		RequestHash:    hash,
	}
}

// Opener opens an empty store for one test, reading time from clock, and
// closes it when the test ends.
type Opener func(t *testing.T, clock beredskap.Clock) beredskap.RegistrationService

var start = time.Date(2020, 12, 20, 13, 30, 0, 123456000, time.UTC)

// TestRegistrationService runs the conformance suite against the store that
// open returns, a fresh one for each subtest.
func TestRegistrationService(t *testing.T, open func(t *testing.T, clock beredskap.Clock) beredskap.RegistrationService) {
	t.Run("CreateFindRoundTrip", func(t *testing.T) { testRoundTrip(t, open) })
	t.Run("ReceiptsValidAndDistinct", func(t *testing.T) { testReceipts(t, open) })
	t.Run("IdempotentRetry", func(t *testing.T) { testIdempotentRetry(t, open) })
	t.Run("IdempotencyKeyOtherBody", func(t *testing.T) { testIdempotencyConflict(t, open) })
	t.Run("IdempotencyConcurrent", func(t *testing.T) { testIdempotencyConcurrent(t, open) })
	t.Run("ConcurrentDistinctKeys", func(t *testing.T) { testConcurrentDistinct(t, open) })
	t.Run("ConcurrentMixedOutcomes", func(t *testing.T) { testConcurrentMixed(t, open) })
	t.Run("ListNewestFirst", func(t *testing.T) { testListNewestFirst(t, open) })
	t.Run("ListByMunicipality", func(t *testing.T) { testListByMunicipality(t, open) })
	t.Run("ListPagination", func(t *testing.T) { testPagination(t, open, time.Second) })
	t.Run("ListPaginationSameInstant", func(t *testing.T) { testPagination(t, open, 0) })
	t.Run("ListMalformedToken", func(t *testing.T) { testMalformedToken(t, open) })
	t.Run("ListLimitCapped", func(t *testing.T) { testLimitCapped(t, open) })
	t.Run("FindUnknown", func(t *testing.T) { testFindUnknown(t, open) })
}

func mustCreate(t *testing.T, s beredskap.RegistrationService, n beredskap.NewRegistration) *beredskap.StoredRegistration {
	t.Helper()
	reg, created, err := s.CreateRegistration(context.Background(), n)
	if err != nil {
		t.Fatalf("CreateRegistration: %v", err)
	}
	if !created {
		t.Fatalf("CreateRegistration: created false; want true")
	}
	return reg
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func assertCode(t *testing.T, err error, code beredskap.Code, field string) {
	t.Helper()
	var e *beredskap.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v; want a *beredskap.Error with code %q", err, code)
	}
	if e.Code != code || e.Field != field {
		t.Fatalf("error code %q field %q; want %q %q (%v)", e.Code, e.Field, code, field, err)
	}
}

// listAll returns every registration the filter selects, page by page.
func listAll(t *testing.T, s beredskap.RegistrationService, f beredskap.RegistrationFilter) []*beredskap.StoredRegistration {
	t.Helper()
	var all []*beredskap.StoredRegistration
	for range 1000 {
		page, next, err := s.ListRegistrations(context.Background(), f)
		if err != nil {
			t.Fatalf("ListRegistrations(%+v): %v", f, err)
		}
		if f.Limit > 0 && len(page) > f.Limit {
			t.Fatalf("page of %d; limit %d", len(page), f.Limit)
		}
		all = append(all, page...)
		if next == "" {
			return all
		}
		f.PageToken = next
	}
	t.Fatal("pagination does not end")
	return nil
}
