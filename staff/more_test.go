package staff_test

import (
	"testing"

	"beredskap"
	"beredskap/staff"
)

func TestChangeOrderReplacesGrant(t *testing.T) {
	e := newEnv(t, staff.Config{})
	worker := e.addUser("kari@oslo.kommune.example.no", beredskap.RoleMunicipalStaff, "0301")
	workerToken, _ := e.login(worker)

	in := orderFor(worker.Email, "0301")
	in.Kind, in.Role = beredskap.OrderChange, beredskap.RoleMunicipalOfficer
	o, err := e.svc.OrderAccess(system(), in)
	if err != nil {
		t.Fatalf("OrderAccess(change): %v", err)
	}
	if _, err := e.svc.ApproveAccessOrder(system(), o.ID); err != nil {
		t.Fatalf("ApproveAccessOrder(change): %v", err)
	}
	// The session acted in the ended grant, so it ends; a new login acts
	// in the new grant.
	_, err = e.svc.Authenticate(anon(""), workerToken)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "no_access")
	_, ctx := e.login(worker)
	if a := beredskap.ActorFrom(ctx); a.Role() != beredskap.RoleMunicipalOfficer || a.Municipality() != "0301" {
		t.Fatalf("actor acts as %s in %s, want municipal_officer in 0301", a.Role(), a.Municipality())
	}
}

func TestLoginOIDC(t *testing.T) {
	e := newEnv(t, staff.Config{})
	u := e.addUser("ida@kontrollsenter.example.no", beredskap.RoleControlCentre, "")
	res, err := e.svc.LoginOIDC(anon("192.0.2.50"), "IDA@kontrollsenter.example.no")
	if err != nil || res.Session.Stage != beredskap.StageActive || res.Session.GrantID != u.Grants[0].ID {
		t.Fatalf("LoginOIDC = %+v, %v; want an active session", res, err)
	}
	if a := e.actorCtx(res.SessionToken); beredskap.ActorFrom(a).User.ID != u.ID {
		t.Fatal("the session acts as someone else")
	}
	_, err = e.svc.LoginOIDC(anon("192.0.2.50"), "stranger@example.no")
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "bad_credentials")
	entries := e.auditOf(beredskap.AuditFilter{Action: "login.oidc"})
	if len(entries) != 2 || entries[0].Outcome != beredskap.OutcomeOK || entries[1].Outcome != beredskap.OutcomeFailed || entries[1].Actor != "anonymous" {
		t.Fatalf("login.oidc entries = %+v", entries)
	}
}

func TestListUsers(t *testing.T) {
	e := newEnv(t, staff.Config{})
	admin := e.addUser("tilgang@helfo.example.no", beredskap.RoleAccessAdmin, "")
	e.addUser("kari@oslo.kommune.example.no", beredskap.RoleMunicipalStaff, "0301")
	e.addUser("nils@bergen.kommune.example.no", beredskap.RoleMunicipalStaff, "4601")
	_, ctx := e.login(admin)
	users, _, err := e.svc.ListUsers(ctx, beredskap.UserFilter{Municipality: "4601"})
	if err != nil || len(users) != 1 || users[0].Email != "nils@bergen.kommune.example.no" {
		t.Fatalf("ListUsers(4601) = %v, %v", users, err)
	}
	if n := len(e.auditOf(beredskap.AuditFilter{Action: "user.list"})); n != 1 {
		t.Errorf("%d user.list entries, want 1", n)
	}
}

func TestRequestAccessRateLimit(t *testing.T) {
	e := newEnv(t, staff.Config{AddressRate: 1})
	err := e.svc.RequestAccess(anon("203.0.113.9"), orderFor("a@example.no", "0301"))
	wantErr(t, err, beredskap.EINVALID, "officer_email", "required")
	err = e.svc.RequestAccess(anon("203.0.113.9"), orderFor("a@example.no", "0301"))
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "rate_limited")
	denied := e.auditOf(beredskap.AuditFilter{Action: "access_order.request"})
	if len(denied) != 1 || denied[0].Outcome != beredskap.OutcomeDenied {
		t.Fatalf("entries = %+v, want one denial", denied)
	}
}
