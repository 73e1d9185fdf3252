package sqlite

import (
	"context"
	"testing"
	"time"

	"beredskap"
	"beredskap/storetest"
)

// A receipt that is taken already is replaced by a fresh one within the
// same transaction.
func TestCreateRetriesReceiptCollision(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, migratedPath(t, "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := NewRegistrationService(db, time.Now)
	n := beredskap.NewRegistration{Registration: storetest.Registration("Anna", "Kowalska"), Decision: storetest.Decision(), Municipality: "0301"}
	first, _, err := s.CreateRegistration(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	fresh := beredskap.NewReceipt()
	draws := []string{first.Receipt, first.Receipt, fresh}
	s.newReceipt = func() string {
		r := draws[0]
		draws = draws[1:]
		return r
	}
	n.IdempotencyKey, n.RequestHash = "k", "h"
	second, created, err := s.CreateRegistration(ctx, n)
	if err != nil || !created || second.Receipt != fresh {
		t.Fatalf("after collisions: %v, %v, %v; want receipt %s", second, created, err, fresh)
	}
}

func TestPageTokenRoundTrip(t *testing.T) {
	at := time.Date(2020, 12, 20, 13, 30, 0, 123456000, time.UTC)
	r := beredskap.NewReceipt()
	gotAt, gotR, err := beredskap.DecodePageToken(beredskap.EncodePageToken(at, r))
	if err != nil || !gotAt.Equal(at) || gotR != r {
		t.Errorf("round trip: %v %q %v; want %v %q", gotAt, gotR, err, at, r)
	}
}
