package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"beredskap"
)

// StaffHarness is one fresh, empty StaffStore under test with what the
// suite needs around it.
//
// The suite tampers with the audit trail through Exec, so the store's audit
// table must be called audit and have the columns seq (the entry's
// sequence number), actor, action, object and detail, holding the fields of
// the same names as text.
type StaffHarness struct {
	// Store is the store under test.
	Store beredskap.StaffStore
	// Registrations writes registrations into the same database, so that
	// FindRegistration and ListRegistrations in a StaffTx see them.
	Registrations beredskap.RegistrationService
	// Clock is the clock both Store and Registrations read. It must move
	// on by a positive step at each reading; StaffClock returns one.
	Clock *Clock
	// Exec runs raw SQL against the database, outside any transaction.
	Exec func(ctx context.Context, query string, args ...any) error
	// DropAuditGuards are the statements that drop whatever refuses UPDATE
	// and DELETE on the audit tables (triggers, rules), so that a test can
	// play the part of someone with direct access to the database.
	DropAuditGuards []string
	// Placeholder returns the i-th (from 1) parameter placeholder of the
	// database's SQL: "?" for SQLite, "$1", "$2"... for PostgreSQL.
	Placeholder func(i int) string
}

// staffStart is where StaffClock starts.
var staffStart = time.Date(2021, 1, 4, 8, 0, 0, 250000000, time.UTC)

// StaffClock returns the clock a StaffHarness should give its stores: it
// starts on a Monday morning in January 2021 and moves on by a second at each
// reading.
func StaffClock() *Clock { return NewClock(staffStart, time.Second) }

// TestStaffStore runs the conformance suite for beredskap.StaffStore against
// the harness that open returns, a fresh one (an empty database) for each
// subtest.
func TestStaffStore(t *testing.T, open func(t *testing.T) StaffHarness) {
	t.Run("UserRoundTrip", func(t *testing.T) { testUserRoundTrip(t, open(t)) })
	t.Run("UserEmailUnique", func(t *testing.T) { testUserEmailUnique(t, open(t)) })
	t.Run("UserFinders", func(t *testing.T) { testUserFinders(t, open(t)) })
	t.Run("UserUpdate", func(t *testing.T) { testUserUpdate(t, open(t)) })
	t.Run("LoginCounters", func(t *testing.T) { testLoginCounters(t, open(t)) })
	t.Run("Throttles", func(t *testing.T) { testThrottles(t, open(t)) })
	t.Run("Grants", func(t *testing.T) { testGrants(t, open(t)) })
	t.Run("ListUsers", func(t *testing.T) { testListUsers(t, open(t)) })
	t.Run("RecoveryCodes", func(t *testing.T) { testRecoveryCodes(t, open(t)) })
	t.Run("Enrolments", func(t *testing.T) { testEnrolments(t, open(t)) })
	t.Run("Sessions", func(t *testing.T) { testSessions(t, open(t)) })
	t.Run("Tokens", func(t *testing.T) { testTokens(t, open(t)) })
	t.Run("AuthEpoch", func(t *testing.T) { testAuthEpoch(t, open(t)) })
	t.Run("AccessOrders", func(t *testing.T) { testAccessOrders(t, open(t)) })
	t.Run("AccessOrderDuplicateOpen", func(t *testing.T) { testAccessOrderDuplicate(t, open(t)) })
	t.Run("ListAccessOrders", func(t *testing.T) { testListAccessOrders(t, open(t)) })
	t.Run("Rollback", func(t *testing.T) { testRollback(t, open(t)) })
	t.Run("AuditInViewFails", func(t *testing.T) { testAuditInView(t, open(t)) })
	t.Run("AuditChainIntact", func(t *testing.T) { testAuditChain(t, open(t)) })
	t.Run("AuditTamperAltered", func(t *testing.T) { testTamperAltered(t, open(t)) })
	t.Run("AuditTamperDeleted", func(t *testing.T) { testTamperDeleted(t, open(t)) })
	t.Run("AuditTamperSwapped", func(t *testing.T) { testTamperSwapped(t, open(t)) })
	t.Run("AuditTamperRehashed", func(t *testing.T) { testTamperRehashed(t, open(t)) })
	t.Run("AuditTamperFirstDeleted", func(t *testing.T) { testTamperFirstDeleted(t, open(t)) })
	t.Run("AuditTamperContentsSwapped", func(t *testing.T) { testTamperContentsSwapped(t, open(t)) })
	t.Run("AuditAppendOnly", func(t *testing.T) { testAuditAppendOnly(t, open(t)) })
	t.Run("SearchAudit", func(t *testing.T) { testSearchAudit(t, open(t)) })
	t.Run("SearchAuditPaging", func(t *testing.T) { testSearchAuditPaging(t, open(t)) })
	t.Run("AuditConcurrent", func(t *testing.T) { testAuditConcurrent(t, open(t)) })
	t.Run("RegistrationsInTx", func(t *testing.T) { testRegistrationsInTx(t, open(t)) })
}

// update runs fn in h.Store.Update and fails the test on an error.
func update(t *testing.T, h StaffHarness, fn func(ctx context.Context, tx beredskap.StaffTx) error) {
	t.Helper()
	if err := h.Store.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// view runs fn in h.Store.View and fails the test on an error.
func view(t *testing.T, h StaffHarness, fn func(ctx context.Context, tx beredskap.StaffTx) error) {
	t.Helper()
	if err := h.Store.View(context.Background(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// exec runs raw SQL through the harness, with $n in query standing for the
// harness's n-th placeholder, and fails the test on an error.
func exec(t *testing.T, h StaffHarness, query string, args ...any) {
	t.Helper()
	for i := len(args); i >= 1; i-- {
		query = strings.ReplaceAll(query, fmt.Sprintf("$%d", i), h.Placeholder(i))
	}
	if err := h.Exec(context.Background(), query, args...); err != nil {
		t.Fatalf("Exec(%s): %v", query, err)
	}
}

// wantCode fails the test unless err carries the code.
func wantCode(t *testing.T, err error, code beredskap.Code, what string) {
	t.Helper()
	if got := beredskap.ErrorCode(err); got != code {
		t.Fatalf("%s: code %q (%v); want %q", what, got, err, code)
	}
}

// ptr returns a pointer to t.
func ptr(t time.Time) *time.Time { return &t }

// sameTime reports whether two optional instants are equal.
func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}
