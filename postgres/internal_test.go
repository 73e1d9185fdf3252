package postgres

import (
	"context"
	"testing"
	"time"

	"beredskap"
	"beredskap/storetest"
)

// A receipt that is taken already is replaced by a fresh one within the
// same transaction, and the idempotency key follows it.
func TestCreateRetriesReceiptCollision(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, storetest.FreshPostgresDB(t))
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
	s.newReceipt = beredskap.NewReceipt
	again, created, err := s.CreateRegistration(ctx, n)
	if err != nil || created || again.Receipt != fresh {
		t.Fatalf("retry: %v, %v, %v; want receipt %s", again, created, err, fresh)
	}
}
