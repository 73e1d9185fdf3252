package retention_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
	"beredskap/internal/teststore"
	"beredskap/retention"
)

// TestLegalHold checks that a hold keeps the person's data past its
// period until it is released (issue 19 § 4: "hold one person's data past
// its period ... with a reason and an end date; audited; listed for
// review"), and that only the officer of the municipality may hold.
func TestLegalHold(t *testing.T) { teststore.Each(t, testLegalHold) }

func testLegalHold(t *testing.T, kind string) {
	e := newEnv(t, kind)
	p := person{first: "Halvard", last: "Holdesen", nationalID: nid(t, 111), phone: "+4791234511", email: "h.h@example.org"}
	r1 := e.register(p, start.Add(-3*time.Hour), "k1")
	r2 := e.register(p, start.Add(-2*time.Hour), "k2")
	other := e.register(person{first: "Other", last: "Person", nationalID: nid(t, 141), phone: "+4791234512", email: "o@example.org"},
		start.Add(-time.Hour), "k3")
	officer := e.as("overlege@oslo.kommune.no", beredskap.RoleMunicipalOfficer, "0301")
	bergen := e.as("overlege@bergen.kommune.no", beredskap.RoleMunicipalOfficer, "4601")
	staffer := e.as("ansatt@oslo.kommune.no", beredskap.RoleMunicipalStaff, "0301")

	if _, err := e.svc.CreateHold(staffer, retention.HoldRequest{Receipt: r1.Receipt, Reason: "x", Until: "2021-12-31"}); beredskap.ErrorCode(err) != beredskap.EFORBIDDEN {
		t.Errorf("municipal staff holds: %v; want forbidden", err)
	}
	if _, err := e.svc.CreateHold(bergen, retention.HoldRequest{Receipt: r1.Receipt, Reason: "x", Until: "2021-12-31"}); beredskap.ErrorCode(err) != beredskap.ENOTFOUND {
		t.Errorf("another municipality's officer holds: %v; want not found", err)
	}
	for _, bad := range []struct {
		req   retention.HoldRequest
		field string
	}{
		{retention.HoldRequest{Receipt: r1.Receipt, Until: "2021-12-31"}, "reason"},
		{retention.HoldRequest{Receipt: r1.Receipt, Reason: "police", Until: "31.12.2021"}, "until"},
		{retention.HoldRequest{Receipt: r1.Receipt, Reason: "police", Until: "2021-02-01"}, "until"},
		{retention.HoldRequest{Receipt: r1.Receipt, Reason: "police", Until: "2030-01-01"}, "until"},
	} {
		_, err := e.svc.CreateHold(officer, bad.req)
		var be *beredskap.Error
		if !errors.As(err, &be) || be.Code != beredskap.EINVALID || be.Field != bad.field {
			t.Errorf("CreateHold(%+v) = %v; want invalid %s", bad.req, err, bad.field)
		}
	}
	h, err := e.svc.CreateHold(officer, retention.HoldRequest{Receipt: r1.Receipt,
		Reason: "reported breach of quarantine, under police investigation", Until: "2021-12-31"})
	if err != nil {
		t.Fatalf("CreateHold: %v", err)
	}
	if len(h.Receipts) != 2 {
		t.Errorf("hold receipts %v; want both registrations of the person", h.Receipts)
	}
	holds, err := e.svc.ListHolds(officer, true)
	if err != nil || len(holds) != 1 || holds[0].ID != h.ID {
		t.Fatalf("ListHolds = %v, %v; want the hold", holds, err)
	}
	if _, err := e.svc.ListHolds(bergen, true); err != nil {
		t.Errorf("ListHolds of Bergen: %v", err)
	}

	e.clock.Set(start.AddDate(0, 2, 0))
	if _, err := e.svc.Purge(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{r1.Receipt, r2.Receipt} {
		if _, err := e.regs.FindRegistration(context.Background(), r); err != nil {
			t.Errorf("held registration %s after the purge: %v", r, err)
		}
	}
	if _, err := e.regs.FindRegistration(context.Background(), other.Receipt); beredskap.ErrorCode(err) != beredskap.ENOTFOUND {
		t.Errorf("unheld registration after the purge: %v; want it gone", err)
	}
	if err := e.svc.ReleaseHold(bergen, h.ID); beredskap.ErrorCode(err) != beredskap.ENOTFOUND {
		t.Errorf("Bergen releases Oslo's hold: %v; want not found", err)
	}
	if err := e.svc.ReleaseHold(officer, h.ID); err != nil {
		t.Fatalf("ReleaseHold: %v", err)
	}
	if err := e.svc.ReleaseHold(officer, h.ID); beredskap.ErrorCode(err) != beredskap.ENOTFOUND {
		t.Errorf("ReleaseHold twice: %v; want not found", err)
	}
	if _, err := e.svc.Purge(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.regs.FindRegistration(context.Background(), r1.Receipt); beredskap.ErrorCode(err) != beredskap.ENOTFOUND {
		t.Errorf("released registration after the purge: %v; want it gone", err)
	}
	for _, action := range []string{"legal_hold.create", "legal_hold.list", "legal_hold.release"} {
		if !audited(t, e, action, r1.Receipt) {
			t.Errorf("%s is not audited with the receipt as subject", action)
		}
	}
	e.verifyAudit()
}

// TestRegistrationsImmutable checks that outside the purge a registration
// and a call report can be neither changed nor deleted, straight in SQL.
func TestRegistrationsImmutable(t *testing.T) { teststore.Each(t, testRegistrationsImmutable) }

func testRegistrationsImmutable(t *testing.T, kind string) {
	e := newEnv(t, kind)
	r := e.register(person{first: "Imre", last: "Mutabel", nationalID: nid(t, 171), phone: "+4791234513", email: "i@example.org"},
		start.Add(-time.Hour), "k1")
	ctx := context.Background()
	for _, stmt := range []string{
		`UPDATE registrations SET first_name = 'X' WHERE receipt = '` + r.Receipt + `'`,
		`DELETE FROM registrations WHERE receipt = '` + r.Receipt + `'`,
	} {
		var err error
		switch kind {
		case "sqlite":
			var db *sql.DB
			if db, err = sql.Open("sqlite", "file:"+e.dsn); err != nil {
				t.Fatal(err)
			}
			_, err = db.ExecContext(ctx, stmt)
			db.Close()
		case "postgres":
			var conn *pgx.Conn
			if conn, err = pgx.Connect(ctx, e.dsn); err != nil {
				t.Fatal(err)
			}
			_, err = conn.Exec(ctx, stmt)
			conn.Close(ctx)
		}
		if err == nil {
			t.Errorf("%s succeeded outside the purge", stmt)
		}
	}
	if _, err := e.regs.FindRegistration(ctx, r.Receipt); err != nil {
		t.Errorf("registration after the refused statements: %v", err)
	}
}

// TestPurgeDayOneRunner checks that one instance runs the day's purge and
// another is turned away until the first one's claim lapses.
func TestPurgeDayOneRunner(t *testing.T) { teststore.Each(t, testPurgeDayOneRunner) }

func testPurgeDayOneRunner(t *testing.T, kind string) {
	e := newEnv(t, kind)
	ctx := context.Background()
	claim := func(runner string) bool {
		var ok bool
		if err := e.store.UpdateRetention(ctx, func(ctx context.Context, tx beredskap.RetentionTx) error {
			var err error
			ok, err = tx.ClaimPurgeDay(ctx, "2021-02-16", runner, e.clock.Now(), e.clock.Now().Add(10*time.Minute))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !claim("a") || claim("b") || !claim("a") {
		t.Fatal("a claims, b is turned away, a renews: not so")
	}
	e.clock.Set(start.Add(time.Hour))
	if !claim("b") {
		t.Fatal("b takes over a lapsed claim: not so")
	}
	if _, err := e.svc.RunDay(ctx, "b"); err != nil {
		t.Fatalf("RunDay(b): %v", err)
	}
	if _, err := e.svc.RunDay(ctx, "a"); !errors.Is(err, retention.ErrNotClaimed) {
		t.Fatalf("RunDay(a) after b finished: %v; want ErrNotClaimed", err)
	}
}
