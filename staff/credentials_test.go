package staff_test

import (
	"context"
	"testing"
	"time"

	"beredskap"
	"beredskap/auth"
	"beredskap/staff"
)

// Issue 13, item 1: an enrolment link made before a newer one stops
// working when the newer one is made; once the user has enrolled no link
// works, and no new link can be made without a reset.
func TestOneLiveEnrolmentLink(t *testing.T) {
	e := newEnv(t, staff.Config{})
	u, older := e.enrolLink("nils@bergen.kommune.example.no", beredskap.RoleMunicipalStaff, "4601")
	link, _, err := e.svc.NewEnrolmentLink(system(), u.ID)
	if err != nil {
		t.Fatalf("NewEnrolmentLink: %v", err)
	}
	newer := link[len("https://beredskap.example.test/enrol/"):]
	ctx := anon("192.0.2.30")
	_, err = e.svc.CheckEnrolment(ctx, older)
	wantErr(t, err, beredskap.EINVALID, "token", "used")
	_, err = e.svc.Enrol(ctx, older, password)
	wantErr(t, err, beredskap.EINVALID, "token", "used")

	enrolled, _ := e.enrol(newer)
	_, _, err = e.svc.NewEnrolmentLink(system(), u.ID)
	wantErr(t, err, beredskap.ECONFLICT, "", "enrolled")
	err = e.svc.ResendInvitation(system(), u.ID)
	wantErr(t, err, beredskap.ECONFLICT, "", "enrolled")

	// Even a link that somehow stayed unused (written straight to the
	// store) never changes the credentials of an enrolled account.
	_, token := e.enrolLinkFor(u.ID)
	_, err = e.svc.Enrol(ctx, token, "an attacker's new password")
	wantErr(t, err, beredskap.EINVALID, "token", "enrolled")
	// The owner still logs in with their own password and TOTP.
	e.login(enrolled)
}

// Issue 13, item 1: an older invitation cannot take over an account
// enrolled through a newer one; the attack of the review, step by step.
func TestOlderInvitationCannotTakeOver(t *testing.T) {
	e := newEnv(t, staff.Config{})
	admin := e.addUser("tilgang@helfo.example.no", beredskap.RoleAccessAdmin, "")
	_, adminCtx := e.login(admin)
	u, first := e.enrolLink("kari@oslo.kommune.example.no", beredskap.RoleMunicipalStaff, "0301")
	if err := e.svc.ResendInvitation(adminCtx, u.ID); err != nil {
		t.Fatalf("ResendInvitation: %v", err)
	}
	msg := e.smtp.WaitFor(t, u.Email)
	owner, _ := e.enrol(enrolToken(t, msg.Text))
	ownerSession, _ := e.login(owner)

	_, err := e.svc.Enrol(anon("203.0.113.66"), first, "the attacker's password")
	wantErr(t, err, beredskap.EINVALID, "token", "used")
	if _, err := e.svc.Authenticate(anon("192.0.2.10"), ownerSession); err != nil {
		t.Fatalf("the owner's session after the attempt: %v", err)
	}
	_, err = e.svc.Login(anon("203.0.113.66"), u.Email, "the attacker's password")
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "bad_credentials")
}

// Issue 13, item 1: a credential reset is its own audited operation: it
// clears password, TOTP and recovery codes, ends every session, token and
// link of the user, and mails one new link. Setting credentials through
// that link ends every other session again, and enrolling TOTP ends the
// sessions opened meanwhile with the new password.
func TestResetCredentials(t *testing.T) {
	e := newEnv(t, staff.Config{})
	admin := e.addUser("tilgang@helfo.example.no", beredskap.RoleAccessAdmin, "")
	worker := e.addUser("marit@oslo.kommune.example.no", beredskap.RoleMunicipalStaff, "0301")
	_, adminCtx := e.login(admin)
	session, _ := e.login(worker)
	bearer, _, err := e.svc.CreateToken(system(), worker.Email, "script", 0)
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	_, stale := e.enrolLinkFor(worker.ID)

	workerCtx := e.actorCtx(session)
	err = e.svc.ResetCredentials(workerCtx, worker.ID, "lost phone")
	wantErr(t, err, beredskap.EFORBIDDEN, "", "")
	err = e.svc.ResetCredentials(adminCtx, worker.ID, "")
	wantErr(t, err, beredskap.EINVALID, "reason", "")
	if err := e.svc.ResetCredentials(adminCtx, worker.ID, "lost phone"); err != nil {
		t.Fatalf("ResetCredentials: %v", err)
	}
	if _, err := e.svc.Authenticate(anon("192.0.2.10"), session); beredskap.ErrorCode(err) != beredskap.EUNAUTHORIZED {
		t.Errorf("the session after a reset: %v; want EUNAUTHORIZED", err)
	}
	if _, err := e.svc.AuthenticateToken(anon("192.0.2.10"), bearer); beredskap.ErrorCode(err) != beredskap.EUNAUTHORIZED {
		t.Errorf("the token after a reset: %v; want EUNAUTHORIZED", err)
	}
	_, err = e.svc.Login(anon("192.0.2.10"), worker.Email, password)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "bad_credentials")
	_, err = e.svc.Enrol(anon("192.0.2.10"), stale, password)
	wantErr(t, err, beredskap.EINVALID, "token", "used")
	resets := e.auditOf(beredskap.AuditFilter{Action: "user.credentials_reset"})
	if len(resets) != 2 || resets[0].Outcome != beredskap.OutcomeDenied || resets[1].Outcome != beredskap.OutcomeOK ||
		resets[1].Actor != admin.Email {
		t.Fatalf("user.credentials_reset entries = %+v; want one denied, one by %s", resets, admin.Email)
	}

	msg := e.smtp.WaitFor(t, worker.Email)
	res, err := e.svc.Enrol(anon("192.0.2.12"), enrolToken(t, msg.Text), password)
	if err != nil {
		t.Fatalf("Enrol after the reset: %v", err)
	}
	// A second browser logs in with the new password before TOTP is set
	// up; it may not enrol a second factor once the first one has.
	other, err := e.svc.Login(anon("192.0.2.13"), worker.Email, password)
	if err != nil || other.Session.Stage != beredskap.StageEnrol {
		t.Fatalf("Login before TOTP = %+v, %v; want stage enrol", other, err)
	}
	setup, err := e.svc.NewTOTP(anon("192.0.2.12"), res.SessionToken)
	if err != nil {
		t.Fatalf("NewTOTP: %v", err)
	}
	if _, err := e.svc.NewTOTP(anon("192.0.2.13"), other.SessionToken); err != nil {
		t.Fatalf("NewTOTP in the other session: %v", err)
	}
	if _, err := e.svc.ConfirmTOTP(anon("192.0.2.12"), res.SessionToken, e.code(setup.Secret)); err != nil {
		t.Fatalf("ConfirmTOTP: %v", err)
	}
	if _, err := e.svc.Authenticate(anon("192.0.2.13"), other.SessionToken); beredskap.ErrorCode(err) != beredskap.EUNAUTHORIZED {
		t.Errorf("the other session after TOTP enrolment: %v; want EUNAUTHORIZED", err)
	}
	e.login(user{worker.User, setup.Secret})
}

// Issue 13, item 2: the TOTP secret enrolled is the one the server
// generated for the session, of 160 bits; asking again shows the same one,
// and no secret can be given from outside. The command line cannot store a
// short secret either.
func TestOnlyServerTOTPSecretEnrols(t *testing.T) {
	e := newEnv(t, staff.Config{})
	u, token := e.enrolLink("nils@bergen.kommune.example.no", beredskap.RoleMunicipalStaff, "4601")
	ctx := anon("192.0.2.40")
	res, err := e.svc.Enrol(ctx, token, password)
	if err != nil {
		t.Fatalf("Enrol: %v", err)
	}
	_, err = e.svc.ConfirmTOTP(ctx, res.SessionToken, "123456")
	wantErr(t, err, beredskap.EINVALID, "code", "no_secret")
	setup, err := e.svc.NewTOTP(ctx, res.SessionToken)
	if err != nil {
		t.Fatalf("NewTOTP: %v", err)
	}
	again, err := e.svc.NewTOTP(ctx, res.SessionToken)
	if err != nil || again.Secret != setup.Secret {
		t.Fatalf("NewTOTP again = %v, %v; want the same secret %s", again, err, setup.Secret)
	}
	if !auth.TOTPSecretStrong(setup.Secret, 20) || auth.TOTPSecretStrong(setup.Secret, 21) {
		t.Fatalf("secret %q is not of 160 bits", setup.Secret)
	}
	if _, err := e.svc.ConfirmTOTP(ctx, res.SessionToken, e.code(setup.Secret)); err != nil {
		t.Fatalf("ConfirmTOTP: %v", err)
	}
	e.login(user{u, setup.Secret})

	for _, short := range []string{"AE", "JBSWY3DPEHPK3PXP", "BEREDSKAPDEMOTOTPSECRETA"} {
		_, err := e.svc.AddUser(system(), staff.NewUser{
			Email: "kort@example.no", FirstName: "Kort", LastName: "Hemmelighet", Role: beredskap.RoleControlCentre,
			Scope: beredskap.Scope{Kind: beredskap.ScopeNational}, Password: password, TOTPSecret: short,
		})
		wantErr(t, err, beredskap.EINVALID, "totp_secret", "format_totp_secret")
	}
}

// enrolLinkFor makes an enrolment link for a user straight in the store,
// as one made before an enrolment would be, and returns it and its secret.
func (e *env) enrolLinkFor(userID int64) (string, string) {
	e.t.Helper()
	token, hash := auth.NewSecret()
	err := e.store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		return tx.CreateEnrolment(ctx, &beredskap.Enrolment{Hash: hash, UserID: userID, ExpiresAt: e.clock.Now().Add(time.Hour)})
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return hash, token
}
