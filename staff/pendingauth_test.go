package staff_test

import (
	"context"
	"testing"

	"beredskap"
	"beredskap/internal/teststore"
	"beredskap/mail"
	"beredskap/staff"
)

// A token found before is taken from memory with its auth epoch left to
// the request's first transaction (AuthenticateTokenPending) where the
// store confirms epochs (PostgreSQL), and read first elsewhere (SQLite).
// On both, a token revoked by another process is refused at the next
// request and nothing of that request is audited as done; a move of the
// epoch that leaves the token as it was lets the request run once; a
// change to the token's user refuses the request the service decided for
// the user as it was (issue 15, item 11).
func TestPendingTokenAuthentication(t *testing.T) {
	teststore.Each(t, func(t *testing.T, kind string) {
		e := newEnvOn(t, staff.Config{}, kind)
		other := staff.New(e.store, mail.Dir{Path: t.TempDir()}, e.clock.Now, staff.Config{}, nil)
		officer := e.addUser("lege@oslo.example.no", beredskap.RoleMunicipalOfficer, "0301")
		bearer, tok, err := e.svc.CreateToken(system(), officer.Email, "script", 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AuthenticateToken(anon(""), bearer); err != nil {
			t.Fatal(err)
		}
		list := func() error {
			t.Helper()
			a, p, err := e.svc.AuthenticateTokenPending(anon(""), bearer)
			if err != nil {
				return err
			}
			if (p != nil) != (kind == "postgres") {
				t.Errorf("pending authentication: %v; want one on PostgreSQL only", p != nil)
			}
			ctx := beredskap.WithActor(context.Background(), a)
			if p != nil {
				ctx = beredskap.WithPendingAuth(ctx, p)
			}
			if _, _, err := e.svc.ListRegistrations(ctx, beredskap.RegistrationFilter{Municipality: "0301"}); err != nil {
				return err
			}
			if p != nil {
				return p.Confirm(ctx)
			}
			return nil
		}
		listed := func() int {
			t.Helper()
			var n int
			err := e.store.View(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
				entries, _, err := tx.SearchAudit(ctx, beredskap.AuditFilter{Action: "registration.list"})
				n = len(entries)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		if err := list(); err != nil {
			t.Fatalf("list: %v", err)
		}
		e.addUser("annen@oslo.example.no", beredskap.RoleMunicipalStaff, "0301") // moves the epoch
		if err := list(); err != nil {
			t.Fatalf("list after another user was added: %v", err)
		}
		if n := listed(); n != 2 {
			t.Errorf("%d lists audited; want 2", n)
		}

		err = e.store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
			u, err := tx.FindUser(ctx, officer.ID)
			if err != nil {
				return err
			}
			u.Position = "kommuneoverlege"
			return tx.UpdateUser(ctx, u)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = list()
		if kind == "postgres" {
			wantErr(t, err, beredskap.EUNAUTHORIZED, "", "token_changed")
		} else if err != nil {
			t.Errorf("list after the user changed: %v", err)
		}
		if err := list(); err != nil {
			t.Fatalf("list once the change is known: %v", err)
		}

		if err := other.RevokeToken(system(), tok.ID); err != nil {
			t.Fatalf("RevokeToken by the other service: %v", err)
		}
		before := listed()
		wantErr(t, list(), beredskap.EUNAUTHORIZED, "", "bad_token")
		if n := listed(); n != before {
			t.Errorf("%d lists audited after the revoked token's; want %d", n, before)
		}
	})
}
