package postgres

import (
	"context"
	"errors"
	"testing"

	"beredskap"
)

// A request's pending authentication (beredskap.PendingAuth) is confirmed
// by the auth epoch read with BEGIN and the first statement, in the same
// round trip; when the epoch moved, nothing of the transaction is kept,
// the authentication is confirmed again outside it, and the transaction
// runs anew — or fails with the error that ended the authentication,
// leaving no audit entry (issue 15, item 11).
func TestPendingAuthTravelsWithFirstStatement(t *testing.T) {
	ctx := context.Background()
	other, store, tr := tracedServers(t)
	if _, ok := beredskap.StaffStore(store).(beredskap.AuthEpochConfirmer); !ok {
		t.Fatal("the store does not confirm auth epochs")
	}
	rec := beredskap.AuditRecord{Actor: "overlege@oslo.example", Action: "registration.list",
		Object: "municipality:0301", Outcome: beredskap.OutcomeOK}
	// One entry first, so that the head is known to the store.
	if err := store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		_, err := tx.Audit(ctx, rec)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	moveEpoch := func() {
		t.Helper()
		if _, err := other.pool.Exec(ctx, `UPDATE auth_epoch SET epoch = epoch + 1`); err != nil {
			t.Fatal(err)
		}
	}
	entries := func() int64 {
		t.Helper()
		var n int64
		if err := other.pool.QueryRow(ctx, `SELECT count(*) FROM audit`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	denied := beredskap.Errorf(beredskap.EUNAUTHORIZED, "the token was revoked")
	tests := []struct {
		name      string
		move      bool
		answer    error // confirm's
		read      bool
		want      string
		confirms  int
		wantErr   error
		newEntry  bool
		leftStand bool
	}{
		{"epoch stands: read with the first statement", false, nil, true,
			"begin + select + select | savepoint + with + release + commit", 0, nil, true, true},
		{"epoch stands, nothing read: COMMIT waits for the epoch", false, nil, false,
			"begin + select | savepoint + with + release + commit", 0, nil, true, true},
		{"epoch moved, authentication holds: runs anew", true, nil, true,
			"begin + select + select | rollback | begin + select | savepoint + with + release + commit", 1, nil, true, false},
		{"epoch moved, authentication ended: nothing kept", true, denied, true,
			"begin + select + select | rollback", 1, denied, false, false},
		{"epoch moved, nothing read, authentication ended", true, denied, false,
			"begin + select | rollback", 1, denied, false, false},
	}
	for _, tt := range tests {
		if tt.move {
			moveEpoch()
		}
		epoch, err := store.AuthEpoch(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if tt.move {
			epoch-- // the authentication was taken before the move
		}
		confirms := 0
		p := beredskap.NewPendingAuth(epoch, func(context.Context) error {
			confirms++
			return tt.answer
		})
		before := entries()
		tr.take()
		err = store.Update(beredskap.WithPendingAuth(ctx, p), func(ctx context.Context, tx beredskap.StaffTx) error {
			if tt.read {
				if _, _, err := tx.ListRegistrations(ctx, beredskap.RegistrationFilter{Municipality: "0301"}); err != nil {
					return err
				}
			}
			_, err := tx.Audit(ctx, rec)
			return err
		})
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: Update = %v; want %v", tt.name, err, tt.wantErr)
		}
		if got := words(tr.take()); got != tt.want {
			t.Errorf("%s: sent %s; want %s", tt.name, got, tt.want)
		}
		if confirms != tt.confirms {
			t.Errorf("%s: confirmed again %d times; want %d", tt.name, confirms, tt.confirms)
		}
		if added := entries() - before; added != 1 && tt.newEntry || added != 0 && !tt.newEntry {
			t.Errorf("%s: %d audit entries added; want one: %v", tt.name, added, tt.newEntry)
		}
		if stands := p.Confirm(ctx) == nil && confirms == 0; stands != tt.leftStand {
			t.Errorf("%s: the authentication stands without confirming: %v; want %v", tt.name, stands, tt.leftStand)
		}
		if p.Open() {
			t.Errorf("%s: the authentication is still open", tt.name)
		}
	}
	v := beredskap.NewChainVerifier()
	if err := store.ScanAudit(ctx, func(e *beredskap.AuditEntry) error {
		v.Add(e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if b := v.Result(); b != nil || v.Count() != 4 {
		t.Errorf("chain of %d entries: %v; want 4 entries, intact", v.Count(), b)
	}
}
