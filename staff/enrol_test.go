package staff_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/staff"
)

// enrolLink creates a user without a password and returns an enrolment
// link's secret for them.
func (e *env) enrolLink(email string, role beredskap.Role, municipality string) (*beredskap.User, string) {
	e.t.Helper()
	u, err := e.svc.AddUser(system(), staff.NewUser{
		Email: email, FirstName: "Ny", LastName: "Bruker", Role: role,
		Scope: beredskap.Scope{Kind: beredskap.ScopeKindOf(role), Code: municipality},
	})
	if err != nil {
		e.t.Fatalf("AddUser: %v", err)
	}
	link, _, err := e.svc.NewEnrolmentLink(system(), u.ID)
	if err != nil {
		e.t.Fatalf("NewEnrolmentLink: %v", err)
	}
	_, token, ok := strings.Cut(link, "/enrol/")
	if !ok {
		e.t.Fatalf("enrolment link %q has no /enrol/", link)
	}
	return u, token
}

// enrol runs the enrolment of a link's secret: password, then TOTP. It
// returns the user (with the TOTP secret) and their recovery codes.
func (e *env) enrol(token string) (user, []string) {
	e.t.Helper()
	ctx := anon("192.0.2.20")
	res, err := e.svc.Enrol(ctx, token, password)
	if err != nil {
		e.t.Fatalf("Enrol: %v", err)
	}
	if res.Session.Stage != beredskap.StageEnrol {
		e.t.Fatalf("Enrol stage = %s, want enrol", res.Session.Stage)
	}
	a, err := e.svc.Authenticate(ctx, res.SessionToken)
	if err != nil || a.Actor != nil {
		e.t.Fatalf("Authenticate before TOTP = %+v, %v; want no actor", a, err)
	}
	setup, err := e.svc.NewTOTP(ctx, res.SessionToken)
	if err != nil {
		e.t.Fatalf("NewTOTP: %v", err)
	}
	if !strings.HasPrefix(setup.URL, "otpauth://totp/") || !bytes.HasPrefix(setup.QRPNG, []byte("\x89PNG")) {
		e.t.Fatalf("TOTP setup = %q and %d bytes of QR code", setup.URL, len(setup.QRPNG))
	}
	_, err = e.svc.ConfirmTOTP(ctx, res.SessionToken, "000000")
	wantErr(e.t, err, beredskap.EINVALID, "code", "wrong_code")
	codes, err := e.svc.ConfirmTOTP(ctx, res.SessionToken, e.code(setup.Secret))
	if err != nil {
		e.t.Fatalf("ConfirmTOTP: %v", err)
	}
	a, err = e.svc.Authenticate(ctx, res.SessionToken)
	if err != nil || a.Actor == nil {
		e.t.Fatalf("Authenticate after TOTP = %+v, %v; want an actor", a, err)
	}
	return user{a.User, setup.Secret}, codes
}

// enrolNew creates a user and enrols them through a link.
func (e *env) enrolNew(email string, role beredskap.Role, municipality string) (user, []string) {
	e.t.Helper()
	_, token := e.enrolLink(email, role, municipality)
	return e.enrol(token)
}

func TestEnrolmentLink(t *testing.T) {
	e := newEnv(t, staff.Config{EnrolmentTTL: time.Hour})
	u, token := e.enrolLink("nils@bergen.kommune.example.no", beredskap.RoleMunicipalStaff, "4601")
	ctx := anon("192.0.2.21")

	got, err := e.svc.CheckEnrolment(ctx, token)
	if err != nil || got.ID != u.ID {
		t.Fatalf("CheckEnrolment = %v, %v; want user %d", got, err, u.ID)
	}
	_, err = e.svc.CheckEnrolment(ctx, "not-a-link")
	wantErr(t, err, beredskap.EINVALID, "token", "unknown")
	_, err = e.svc.Enrol(ctx, token, "short")
	wantErr(t, err, beredskap.EINVALID, "password", "")

	res, err := e.svc.Enrol(ctx, token, password)
	if err != nil {
		t.Fatalf("Enrol: %v", err)
	}
	_, err = e.svc.Enrol(ctx, token, password)
	wantErr(t, err, beredskap.EINVALID, "token", "used")
	_, err = e.svc.CheckEnrolment(ctx, token)
	wantErr(t, err, beredskap.EINVALID, "token", "used")

	// A session at StageEnrol can do nothing but enrol TOTP: the password
	// alone does not log in.
	_, err = e.svc.VerifySecondFactor(ctx, res.SessionToken, "123456")
	wantErr(t, err, beredskap.EFORBIDDEN, "", "wrong_stage")
	login, err := e.svc.Login(ctx, u.Email, password)
	if err != nil || login.Session.Stage != beredskap.StageEnrol {
		t.Fatalf("Login before TOTP enrolment = %+v, %v; want stage enrol", login, err)
	}

	_, token2 := e.enrolLink("eva@bergen.kommune.example.no", beredskap.RoleMunicipalStaff, "4601")
	e.clock.Advance(time.Hour)
	_, err = e.svc.CheckEnrolment(ctx, token2)
	wantErr(t, err, beredskap.EINVALID, "token", "expired")
	_, err = e.svc.Enrol(ctx, token2, password)
	wantErr(t, err, beredskap.EINVALID, "token", "expired")
}
