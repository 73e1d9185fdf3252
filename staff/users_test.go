package staff_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/mail"
	"beredskap/staff"
	"beredskap/web"
)

func TestRemoveOrderKillsSessionsAndTokens(t *testing.T) {
	e := newEnv(t, staff.Config{})
	officer := e.addUser("lege@oslo.kommune.example.no", beredskap.RoleMunicipalOfficer, "0301")
	admin := e.addUser("tilgang@helfo.example.no", beredskap.RoleAccessAdmin, "")
	worker := e.addUser("kari@oslo.kommune.example.no", beredskap.RoleMunicipalStaff, "0301")
	e.registration("0301", "Oslo")

	workerToken, workerCtx := e.login(worker)
	if _, _, err := e.svc.ListRegistrations(workerCtx, beredskap.RegistrationFilter{}); err != nil {
		t.Fatalf("ListRegistrations before removal: %v", err)
	}
	bearer, _, err := e.svc.CreateToken(system(), worker.Email, "script", 0)
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	if _, err := e.svc.AuthenticateToken(anon(""), bearer); err != nil {
		t.Fatalf("AuthenticateToken before removal: %v", err)
	}

	_, officerCtx := e.login(officer)
	in := orderFor(worker.Email, "")
	in.Kind = beredskap.OrderRemove
	o, err := e.svc.OrderAccess(officerCtx, in)
	if err != nil {
		t.Fatalf("OrderAccess(remove): %v", err)
	}
	_, adminCtx := e.login(admin)
	if _, err := e.svc.ApproveAccessOrder(adminCtx, o.ID); err != nil {
		t.Fatalf("ApproveAccessOrder(remove): %v", err)
	}

	_, err = e.svc.Authenticate(anon(""), workerToken)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "")
	_, err = e.svc.AuthenticateToken(anon(""), bearer)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "bad_token")
	_, err = e.svc.Login(anon(""), worker.Email, password)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "bad_credentials")
	u, _, err := e.svc.GetUser(adminCtx, worker.ID)
	if err != nil || u.Status != beredskap.UserRemoved || len(u.ValidGrants(time.Now().AddDate(10, 0, 0))) != 0 {
		t.Fatalf("GetUser after removal = %+v, %v", u, err)
	}
	if n := len(e.auditOf(beredskap.AuditFilter{Action: "grant.end"})); n != 1 {
		t.Errorf("%d grant.end entries, want 1", n)
	}
}

func TestRemoveUserIsImmediate(t *testing.T) {
	e := newEnv(t, staff.Config{})
	admin := e.addUser("tilgang@helfo.example.no", beredskap.RoleAccessAdmin, "")
	worker := e.addUser("ida@kontrollsenter.example.no", beredskap.RoleControlCentre, "")
	token, ctx := e.login(worker)
	bearer, tok, err := e.svc.CreateToken(system(), worker.Email, "", time.Hour)
	if err != nil || !strings.HasPrefix(bearer, staff.TokenPrefix) || tok.ExpiresAt == nil {
		t.Fatalf("CreateToken = %q, %+v, %v", bearer, tok, err)
	}

	_, adminCtx := e.login(admin)
	err = e.svc.RemoveUser(ctx, worker.ID, "left")
	wantErr(t, err, beredskap.EFORBIDDEN, "", "")
	if err := e.svc.RemoveUser(adminCtx, worker.ID, "Sluttet"); err != nil {
		t.Fatalf("RemoveUser: %v", err)
	}
	_, err = e.svc.Authenticate(anon(""), token)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "")
	_, err = e.svc.AuthenticateToken(anon(""), bearer)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "")
	err = e.svc.RemoveUser(adminCtx, worker.ID, "")
	wantErr(t, err, beredskap.ECONFLICT, "", "")
}

func TestAPITokens(t *testing.T) {
	e := newEnv(t, staff.Config{})
	admin := e.addUser("tilgang@helfo.example.no", beredskap.RoleAccessAdmin, "")
	cc := e.addUser("ida@kontrollsenter.example.no", beredskap.RoleControlCentre, "")
	_, adminCtx := e.login(admin)

	bearer, tok, err := e.svc.CreateToken(adminCtx, cc.Email, "report script", 24*time.Hour)
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	ctx := beredskap.WithActor(context.Background(), &beredskap.Actor{Address: "192.0.2.40", RequestID: "r1"})
	_, err = e.svc.AuthenticateToken(ctx, "Bearer-less "+bearer)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "bad_token")
	a, err := e.svc.AuthenticateToken(ctx, bearer)
	if err != nil || a.TokenID != tok.ID || a.Role() != beredskap.RoleControlCentre || a.Address != "192.0.2.40" {
		t.Fatalf("AuthenticateToken = %+v, %v", a, err)
	}
	_, err = e.svc.AuthenticateToken(ctx, bearer+"x")
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "bad_token")

	_, toks, err := e.svc.GetUser(adminCtx, cc.ID)
	if err != nil || len(toks) != 1 || toks[0].LastUsedAt == nil {
		t.Fatalf("GetUser tokens = %+v, %v; want one, used", toks, err)
	}
	for _, en := range e.auditOf(beredskap.AuditFilter{Action: "token.create"}) {
		if strings.Contains(en.Detail, strings.TrimPrefix(bearer, staff.TokenPrefix)) {
			t.Fatal("the token is in the audit trail")
		}
	}

	e.clock.Advance(24 * time.Hour)
	_, err = e.svc.AuthenticateToken(ctx, bearer)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "bad_token")

	bearer2, tok2, err := e.svc.CreateToken(adminCtx, cc.Email, "", 0)
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	if err := e.svc.RevokeToken(adminCtx, tok2.ID); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	_, err = e.svc.AuthenticateToken(ctx, bearer2)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "bad_token")

	_, _, err = e.svc.CreateToken(adminCtx, "nobody@example.no", "", 0)
	wantErr(t, err, beredskap.EINVALID, "email", "unknown_user")
	_, ccCtx := e.login(cc)
	_, _, err = e.svc.CreateToken(ccCtx, cc.Email, "", 0)
	wantErr(t, err, beredskap.EFORBIDDEN, "", "")
}

func TestAddUserValidation(t *testing.T) {
	e := newEnv(t, staff.Config{})
	_, err := e.svc.AddUser(system(), staff.NewUser{
		Email: "not an address", FirstName: "", LastName: "X", Mobile: "abc",
		Role: beredskap.RoleMunicipalStaff, Scope: beredskap.Scope{Code: "9999"},
	})
	got := strings.Join(problemFields(t, err), " ")
	if got != "email first_name mobile municipality" {
		t.Errorf("problems with %s", got)
	}
	_, err = e.svc.AddUser(system(), staff.NewUser{Email: "a@example.no", FirstName: "A", LastName: "B", Role: "king"})
	wantErr(t, err, beredskap.EINVALID, "role", "unknown_value")
	_, err = e.svc.AddUser(system(), staff.NewUser{Email: "a@example.no", FirstName: "A", LastName: "B",
		Role: beredskap.RoleCountyGovernor, Scope: beredskap.Scope{Code: "99"}})
	wantErr(t, err, beredskap.EINVALID, "county", "unknown_county")

	e.addUser("Dup@Example.no", beredskap.RoleControlCentre, "")
	_, err = e.svc.AddUser(system(), staff.NewUser{Email: "dup@example.no", FirstName: "A", LastName: "B", Role: beredskap.RoleBorderOfficer})
	wantErr(t, err, beredskap.ECONFLICT, "email", "email_taken")
	_, err = e.svc.AddUser(anon(""), staff.NewUser{Email: "x@example.no", FirstName: "A", LastName: "B", Role: beredskap.RoleBorderOfficer})
	wantErr(t, err, beredskap.EFORBIDDEN, "", "")
}

func TestApprovalStandsWhenMailFails(t *testing.T) {
	e := newEnv(t, staff.Config{})
	// A sender to a port where no one listens.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := e.smtp.Config()
	cfg.Port = ln.Addr().(*net.TCPAddr).Port
	cfg.Timeout = 2 * time.Second
	ln.Close()
	dead, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	svc := staff.New(e.store, dead, e.clock.Now, staff.Config{BaseURL: "https://x.example", Text: web.StaffText}, nil)

	o, err := svc.OrderAccess(system(), orderFor("kari@oslo.kommune.example.no", "0301"))
	if err != nil {
		t.Fatalf("OrderAccess: %v", err)
	}
	approved, err := svc.ApproveAccessOrder(system(), o.ID)
	if err != nil || approved.Status != beredskap.OrderApproved {
		t.Fatalf("ApproveAccessOrder with mail down = %+v, %v; want approved", approved, err)
	}
	sent := e.auditOf(beredskap.AuditFilter{Action: "invitation.send"})
	if len(sent) != 1 || sent[0].Outcome != beredskap.OutcomeFailed {
		t.Fatalf("invitation.send entries = %+v, want one failed", sent)
	}
	// The user can be invited again once mail works.
	if err := e.svc.ResendInvitation(system(), approved.UserID); err != nil {
		t.Fatalf("ResendInvitation: %v", err)
	}
	msg := e.smtp.WaitFor(t, o.Email)
	e.enrol(enrolToken(t, msg.Text))
}

// A removed user whom a new order brings back must enrol anew: the password
// and TOTP secret from before the removal no longer open the account, and
// the approval mails a fresh enrolment link.
func TestReorderedUserMustEnrolAgain(t *testing.T) {
	e := newEnv(t, staff.Config{})
	admin := e.addUser("tilgang@helfo.example.no", beredskap.RoleAccessAdmin, "")
	officer := e.addUser("lege@oslo.kommune.example.no", beredskap.RoleMunicipalOfficer, "0301")
	worker := e.addUser("marit@oslo.kommune.example.no", beredskap.RoleMunicipalStaff, "0301")
	_, adminCtx := e.login(admin)
	if err := e.svc.RemoveUser(adminCtx, worker.ID, "Sluttet"); err != nil {
		t.Fatalf("RemoveUser: %v", err)
	}

	_, officerCtx := e.login(officer)
	o, err := e.svc.OrderAccess(officerCtx, orderFor(worker.Email, "0301"))
	if err != nil {
		t.Fatalf("OrderAccess: %v", err)
	}
	if _, err := e.svc.ApproveAccessOrder(adminCtx, o.ID); err != nil {
		t.Fatalf("ApproveAccessOrder: %v", err)
	}
	mail := e.smtp.WaitFor(t, worker.Email)
	if token := enrolToken(t, mail.Text); token == "" {
		t.Fatal("the invitation has no enrolment link")
	}
	_, err = e.svc.Login(anon("192.0.2.11"), worker.Email, password)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "bad_credentials")
}

// A token AuthenticateToken has found before is refused as soon as another
// service over the same database (another process) revokes it or removes
// its user: the service's cache of tokens does not outlive the auth epoch.
// Its last use is still written at most once a minute.
func TestTokenCacheFollowsOtherProcesses(t *testing.T) {
	e := newEnv(t, staff.Config{})
	other := staff.New(e.store, mail.Dir{Path: t.TempDir()}, e.clock.Now, staff.Config{}, nil)
	admin := e.addUser("tilgang@helfo.example.no", beredskap.RoleAccessAdmin, "")
	cc := e.addUser("ida@kontrollsenter.example.no", beredskap.RoleControlCentre, "")
	leaver := e.addUser("ola@kontrollsenter.example.no", beredskap.RoleControlCentre, "")
	_, adminCtx := e.login(admin)
	bearer, tok, err := e.svc.CreateToken(adminCtx, cc.Email, "script", 0)
	if err != nil {
		t.Fatal(err)
	}
	leaverBearer, _, err := e.svc.CreateToken(adminCtx, leaver.Email, "script", 0)
	if err != nil {
		t.Fatal(err)
	}
	lastUsed := func() time.Time {
		t.Helper()
		_, toks, err := e.svc.GetUser(adminCtx, cc.ID)
		if err != nil || len(toks) != 1 || toks[0].LastUsedAt == nil {
			t.Fatalf("GetUser tokens = %+v, %v; want one, used", toks, err)
		}
		return *toks[0].LastUsedAt
	}
	for _, b := range []string{bearer, leaverBearer, bearer} {
		if _, err := e.svc.AuthenticateToken(anon(""), b); err != nil {
			t.Fatalf("AuthenticateToken: %v", err)
		}
	}
	first := lastUsed()
	e.clock.Advance(30 * time.Second)
	if _, err := e.svc.AuthenticateToken(anon(""), bearer); err != nil {
		t.Fatal(err)
	}
	if got := lastUsed(); !got.Equal(first) {
		t.Errorf("last use %v after a use 30 s later; want %v still", got, first)
	}
	e.clock.Advance(2 * time.Minute)
	if _, err := e.svc.AuthenticateToken(anon(""), bearer); err != nil {
		t.Fatal(err)
	}
	if got := lastUsed(); got.Sub(first) < 150*time.Second {
		t.Errorf("last use %v after a use 2.5 min after %v; want it written again", got, first)
	}

	otherAdmin := beredskap.WithActor(context.Background(), beredskap.SystemActor())
	if err := other.RevokeToken(otherAdmin, tok.ID); err != nil {
		t.Fatalf("RevokeToken by the other service: %v", err)
	}
	_, err = e.svc.AuthenticateToken(anon(""), bearer)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "bad_token")
	if err := other.RemoveUser(otherAdmin, leaver.ID, "Sluttet"); err != nil {
		t.Fatalf("RemoveUser by the other service: %v", err)
	}
	_, err = e.svc.AuthenticateToken(anon(""), leaverBearer)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "bad_token")
}
