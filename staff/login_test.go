package staff_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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

// Issue 13, item 7: failed logins slow down the account from the address
// they come from, with a wait that grows, and never lock the owner out.
func TestFailedLoginsDelayTheAddress(t *testing.T) {
	e := newEnv(t, staff.Config{DelayAfter: 3, DelayFirst: time.Minute, DelayMax: 4 * time.Minute, AddressRate: 100})
	u := e.addUser("ola@kontrollsenter.example.no", beredskap.RoleControlCentre, "")
	colleague := anon("192.0.2.9")
	attempt := func(ctx context.Context, email, pw string) string {
		t.Helper()
		_, err := e.svc.Login(ctx, email, pw)
		if err == nil {
			return "ok"
		}
		var be *beredskap.Error
		if !errors.As(err, &be) || be.Code != beredskap.EUNAUTHORIZED {
			t.Fatalf("Login: %v; want EUNAUTHORIZED", err)
		}
		return be.Reason
	}
	// The same steps for the real account and for an e-mail that names
	// none give the same answers, so that they tell nothing.
	for _, email := range []string{u.Email, "finnes.ikke@kontrollsenter.example.no"} {
		var got []string
		for i := range 3 {
			got = append(got, attempt(colleague, email, fmt.Sprintf("wrong password %d", i)))
		}
		got = append(got, attempt(colleague, email, password)) // waits a minute
		e.clock.Advance(time.Minute)
		got = append(got, attempt(colleague, email, "wrong password 3")) // the wait doubles
		e.clock.Advance(time.Minute)
		got = append(got, attempt(colleague, email, password))
		e.clock.Advance(time.Minute)
		got = append(got, attempt(colleague, email, "wrong password 4")) // four minutes now
		e.clock.Advance(3 * time.Minute)
		got = append(got, attempt(colleague, email, password))
		want := []string{"bad_credentials", "bad_credentials", "bad_credentials", "rate_limited",
			"bad_credentials", "rate_limited", "bad_credentials", "rate_limited"}
		if !slices.Equal(got, want) {
			t.Errorf("%s: answers %v; want %v", email, got, want)
		}
		// Meanwhile the owner, from their own address, logs in.
		if email == u.Email {
			if _, err := e.svc.Login(anon("192.0.2.2"), u.Email, password); err != nil {
				t.Errorf("the owner from another address: %v; want no lockout", err)
			}
		}
	}
	e.clock.Advance(time.Hour)
	if _, err := e.svc.Login(colleague, u.Email, password); err != nil {
		t.Errorf("after the wait: %v", err)
	}
	var delayed int
	for _, en := range e.auditOf(beredskap.AuditFilter{Action: "login", Actor: u.Email}) {
		if strings.Contains(en.Detail, "wait until") {
			delayed++
		}
	}
	if delayed < 3 {
		t.Errorf("%d audit entries say a wait started or held; want 3 or more", delayed)
	}

	// Wrong TOTP codes count too, and a wait ends the session.
	e.clock.Advance(time.Hour)
	ctx := anon("192.0.2.10")
	res, err := e.svc.Login(ctx, u.Email, password)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		_, err := e.svc.VerifySecondFactor(ctx, res.SessionToken, "999999")
		wantErr(t, err, beredskap.EINVALID, "code", "wrong_code")
	}
	_, err = e.svc.VerifySecondFactor(ctx, res.SessionToken, "999999")
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "rate_limited")
	_, err = e.svc.Authenticate(ctx, res.SessionToken)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "")
}

func TestLoginAddressRateLimit(t *testing.T) {
	e := newEnv(t, staff.Config{AddressRate: 2})
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
