package staff_test

import (
	"slices"
	"testing"
	"time"

	"beredskap"
	"beredskap/staff"
)

func TestLoginWithTOTP(t *testing.T) {
	e := newEnv(t, staff.Config{})
	u := e.addUser("kari@kontrollsenter.example.no", beredskap.RoleControlCentre, "")
	ctx := anon("192.0.2.1")

	res, err := e.svc.Login(ctx, "  Kari@Kontrollsenter.example.no ", password)
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if res.Session.Stage != beredskap.StageTOTP || res.Session.GrantID != 0 {
		t.Fatalf("session = stage %s grant %d, want stage totp grant 0", res.Session.Stage, res.Session.GrantID)
	}
	half, err := e.svc.Authenticate(ctx, res.SessionToken)
	if err != nil || half.Actor != nil {
		t.Fatalf("Authenticate before TOTP = %+v, %v; want a session without an actor", half, err)
	}
	if _, err := e.svc.VerifySecondFactor(ctx, res.SessionToken, "000000x"); err == nil {
		t.Fatal("VerifySecondFactor accepted a malformed code")
	}
	code := e.code(u.secret)
	ss, err := e.svc.VerifySecondFactor(ctx, res.SessionToken, code)
	if err != nil {
		t.Fatalf("VerifySecondFactor: %v", err)
	}
	if ss.Stage != beredskap.StageActive || ss.GrantID != u.Grants[0].ID {
		t.Fatalf("session = stage %s grant %d, want active grant %d", ss.Stage, ss.GrantID, u.Grants[0].ID)
	}
	a, err := e.svc.Authenticate(ctx, res.SessionToken)
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	if a.Actor == nil || a.Actor.Role() != beredskap.RoleControlCentre || a.Actor.Address != "192.0.2.1" || a.Actor.SessionID != ss.ID {
		t.Fatalf("actor = %+v, want the control centre from 192.0.2.1 in the session", a.Actor)
	}

	// The same code, in a new login within its time step, is refused.
	res2, err := e.svc.Login(ctx, u.Email, password)
	if err != nil {
		t.Fatalf("second Login: %v", err)
	}
	_, err = e.svc.VerifySecondFactor(ctx, res2.SessionToken, code)
	wantErr(t, err, beredskap.EINVALID, "code", "wrong_code")

	got := outcomes(e.auditOf(beredskap.AuditFilter{Action: "login.totp"}))
	want := []string{beredskap.OutcomeFailed, beredskap.OutcomeOK, beredskap.OutcomeFailed}
	if !slices.Equal(got, want) {
		t.Errorf("login.totp outcomes = %v, want %v", got, want)
	}
	for _, en := range e.auditOf(beredskap.AuditFilter{Action: "login"}) {
		if en.Actor != u.Email || en.Address != "192.0.2.1" {
			t.Errorf("login entry names %q from %q, want %q from 192.0.2.1", en.Actor, en.Address, u.Email)
		}
	}
}

func TestLockoutAfterFailedLogins(t *testing.T) {
	e := newEnv(t, staff.Config{LockAfter: 3, LockFor: 10 * time.Minute})
	u := e.addUser("ola@kontrollsenter.example.no", beredskap.RoleControlCentre, "")
	ctx := anon("192.0.2.2")

	for i := 1; i <= 2; i++ {
		_, err := e.svc.Login(ctx, u.Email, "wrong password "+string(rune('0'+i)))
		wantErr(t, err, beredskap.EUNAUTHORIZED, "", "bad_credentials")
	}
	_, err := e.svc.Login(ctx, u.Email, "wrong password 3")
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "locked")
	// The right password does not help while the lock holds.
	_, err = e.svc.Login(ctx, u.Email, password)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "locked")

	logins := e.auditOf(beredskap.AuditFilter{Action: "login", Actor: u.Email})
	want := []string{beredskap.OutcomeFailed, beredskap.OutcomeFailed, beredskap.OutcomeFailed, beredskap.OutcomeDenied}
	if got := outcomes(logins); !slices.Equal(got, want) {
		t.Errorf("login outcomes = %v, want %v", got, want)
	}
	if n := len(e.auditOf(beredskap.AuditFilter{Action: "login.locked", Actor: u.Email})); n != 1 {
		t.Errorf("%d login.locked entries, want 1", n)
	}

	e.clock.Advance(10 * time.Minute)
	res, err := e.svc.Login(ctx, u.Email, password)
	if err != nil {
		t.Fatalf("Login after the lock: %v", err)
	}
	// Wrong TOTP codes count too, and a lockout ends the session.
	for i := 0; i < 2; i++ {
		_, err := e.svc.VerifySecondFactor(ctx, res.SessionToken, "999999")
		wantErr(t, err, beredskap.EINVALID, "code", "wrong_code")
	}
	_, err = e.svc.VerifySecondFactor(ctx, res.SessionToken, "999999")
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "locked")
	_, err = e.svc.Authenticate(ctx, res.SessionToken)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "")
}

func TestLoginAddressRateLimit(t *testing.T) {
	e := newEnv(t, staff.Config{AddressRate: 1, AddressBurst: 2})
	for i := 0; i < 2; i++ {
		_, err := e.svc.Login(anon("198.51.100.7"), "nobody@example.no", "some password here")
		wantErr(t, err, beredskap.EUNAUTHORIZED, "", "bad_credentials")
	}
	_, err := e.svc.Login(anon("198.51.100.7"), "nobody@example.no", "some password here")
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "rate_limited")
	// Another address is not limited.
	_, err = e.svc.Login(anon("198.51.100.8"), "nobody@example.no", "some password here")
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "bad_credentials")

	entries := e.auditOf(beredskap.AuditFilter{Action: "login"})
	want := []string{beredskap.OutcomeFailed, beredskap.OutcomeFailed, beredskap.OutcomeDenied, beredskap.OutcomeFailed}
	if got := outcomes(entries); !slices.Equal(got, want) {
		t.Fatalf("login outcomes = %v, want %v", got, want)
	}
	for _, en := range entries {
		if en.Actor != "anonymous" {
			t.Errorf("entry for an unknown e-mail names %q, want anonymous", en.Actor)
		}
	}
	if entries[2].Detail != "rate_limited" || entries[2].Address != "198.51.100.7" {
		t.Errorf("rate-limited entry = %q from %q", entries[2].Detail, entries[2].Address)
	}
}

func TestRecoveryCodeWorksOnce(t *testing.T) {
	e := newEnv(t, staff.Config{})
	u, codes := e.enrolNew("per@oslo.kommune.example.no", beredskap.RoleMunicipalStaff, "0301")
	if len(codes) != staff.RecoveryCodeCount {
		t.Fatalf("%d recovery codes, want %d", len(codes), staff.RecoveryCodeCount)
	}
	ctx := anon("192.0.2.3")
	res, err := e.svc.Login(ctx, u.Email, password)
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if _, err := e.svc.VerifySecondFactor(ctx, res.SessionToken, codes[0]); err != nil {
		t.Fatalf("VerifySecondFactor with a recovery code: %v", err)
	}
	res, err = e.svc.Login(ctx, u.Email, password)
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	_, err = e.svc.VerifySecondFactor(ctx, res.SessionToken, codes[0])
	wantErr(t, err, beredskap.EINVALID, "code", "wrong_code")
	if _, err := e.svc.VerifySecondFactor(ctx, res.SessionToken, codes[1]); err != nil {
		t.Fatalf("VerifySecondFactor with another recovery code: %v", err)
	}
	for _, en := range e.auditOf(beredskap.AuditFilter{Action: "login.totp"}) {
		for _, c := range codes {
			if en.Detail == c {
				t.Fatalf("a recovery code is in the audit trail")
			}
		}
	}
}

func TestSessionIdleAndAbsoluteExpiry(t *testing.T) {
	e := newEnv(t, staff.Config{SessionIdle: 30 * time.Minute, SessionMax: time.Hour})
	u := e.addUser("liv@kontrollsenter.example.no", beredskap.RoleControlCentre, "")

	token, _ := e.login(u)
	e.clock.Advance(31 * time.Minute)
	_, err := e.svc.Authenticate(anon(""), token)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "idle")
	_, err = e.svc.Authenticate(anon(""), token)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "no_session") // deleted

	// Activity keeps a session alive, but not past its absolute end.
	token, _ = e.login(u)
	for i := 0; i < 2; i++ {
		e.clock.Advance(20 * time.Minute)
		if _, err := e.svc.Authenticate(anon(""), token); err != nil {
			t.Fatalf("Authenticate after %d×20 minutes of activity: %v", i+1, err)
		}
	}
	e.clock.Advance(20 * time.Minute)
	_, err = e.svc.Authenticate(anon(""), token)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "expired")
}

func TestLogout(t *testing.T) {
	e := newEnv(t, staff.Config{})
	u := e.addUser("siri@kontrollsenter.example.no", beredskap.RoleControlCentre, "")
	token, _ := e.login(u)
	if err := e.svc.Logout(anon(""), token); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	_, err := e.svc.Authenticate(anon(""), token)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "no_session")
	if n := len(e.auditOf(beredskap.AuditFilter{Action: "logout", Actor: u.Email})); n != 1 {
		t.Errorf("%d logout entries, want 1", n)
	}
}
