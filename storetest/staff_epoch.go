package storetest

import (
	"context"
	"testing"
	"time"

	"beredskap"
)

// testAuthEpoch checks that AuthEpoch moves with every change that can end
// what a token grants, and stays with changes that cannot: a token's use,
// a failed login, a new session, an audit entry.
func testAuthEpoch(t *testing.T, h StaffHarness) {
	epoch := func() int64 {
		e, err := h.Store.AuthEpoch(context.Background())
		if err != nil {
			t.Fatalf("AuthEpoch: %v", err)
		}
		return e
	}
	u := createUser(t, h, staffUser("epoch@helfo.no", "Epo", "Ch"))
	g := addGrant(t, h, &beredskap.Grant{UserID: u.ID, Role: beredskap.RoleControlCentre,
		Scope: beredskap.Scope{Kind: beredskap.ScopeNational}, ValidFrom: staffStart, Provenance: "cli"})
	tok := &beredskap.APIToken{UserID: u.ID, GrantID: g.ID, Name: "epoch", Hash: "epoch-hash", CreatedAt: staffStart}
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error { return tx.CreateToken(ctx, tok) })
	steps := []struct {
		name  string
		moves bool
		fn    func(ctx context.Context, tx beredskap.StaffTx) error
	}{
		{"token used", false, func(ctx context.Context, tx beredskap.StaffTx) error {
			return tx.TouchToken(ctx, tok.ID, staffStart.Add(time.Hour))
		}},
		{"failed login counted", false, func(ctx context.Context, tx beredskap.StaffTx) error {
			_, _, err := tx.HitThrottle(ctx, "account:epoch@192.0.2.1", staffStart, time.Hour)
			return err
		}},
		{"session created", false, func(ctx context.Context, tx beredskap.StaffTx) error {
			return tx.CreateSession(ctx, &beredskap.Session{ID: "epoch-session", UserID: u.ID, Stage: beredskap.StageActive,
				CreatedAt: staffStart, LastSeenAt: staffStart, ExpiresAt: staffStart.Add(time.Hour)})
		}},
		{"audit entry", false, func(ctx context.Context, tx beredskap.StaffTx) error {
			_, err := tx.Audit(ctx, auditRecord(1))
			return err
		}},
		{"grant added", true, func(ctx context.Context, tx beredskap.StaffTx) error {
			return tx.AddGrant(ctx, municipalGrant(u.ID, beredskap.RoleMunicipalStaff, "0301"))
		}},
		{"grant ended", true, func(ctx context.Context, tx beredskap.StaffTx) error {
			return tx.EndGrant(ctx, g.ID, staffStart.Add(2*time.Hour))
		}},
		{"user renamed", true, func(ctx context.Context, tx beredskap.StaffTx) error {
			u.LastName = "Changed"
			return tx.UpdateUser(ctx, u)
		}},
		{"user removed", true, func(ctx context.Context, tx beredskap.StaffTx) error {
			u.Status = beredskap.UserRemoved
			return tx.UpdateUser(ctx, u)
		}},
		{"token revoked", true, func(ctx context.Context, tx beredskap.StaffTx) error {
			return tx.RevokeToken(ctx, tok.ID, staffStart.Add(3*time.Hour))
		}},
	}
	for _, s := range steps {
		before := epoch()
		update(t, h, s.fn)
		if after := epoch(); (after != before) != s.moves {
			t.Errorf("%s: epoch %d → %d; want it to move: %v", s.name, before, after, s.moves)
		}
	}
}
