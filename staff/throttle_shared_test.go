package staff_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"beredskap"
	"beredskap/auth"
	"beredskap/internal/teststore"
	"beredskap/staff"
)

// Issue 13, item 7 (and issue 18, item 4): two instances serving one
// database share the limits. Attempts through either count against one
// per-address budget, and the failures that make an account wait from an
// address add up across them.
func TestThrottleSharedAcrossInstances(t *testing.T) {
	teststore.Each(t, testThrottleShared)
}

func testThrottleShared(t *testing.T, kind string) {
	c := &clock{now: time.Date(2021, 3, 8, 9, 0, 0, 0, time.UTC)}
	one, _, two := teststore.OpenShared(t, kind, c.Now)
	cfg := staff.Config{AddressRate: 4, DelayAfter: 2, DelayFirst: time.Minute, PasswordParams: testPasswords}
	svcs := [2]*staff.Service{staff.New(one, nil, c.Now, cfg, nil), staff.New(two, nil, c.Now, cfg, nil)}
	secret, _, err := auth.NewTOTPKey("beredskap", "delt@helfo.example.no")
	if err != nil {
		t.Fatal(err)
	}
	u, err := svcs[0].AddUser(system(), staff.NewUser{Email: "delt@helfo.example.no", FirstName: "Delt", LastName: "Konto",
		Role: beredskap.RoleControlCentre, Scope: beredskap.Scope{Kind: beredskap.ScopeNational}, Password: password, TOTPSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	reason := func(err error) string {
		var be *beredskap.Error
		if err == nil || !errors.As(err, &be) {
			return "ok"
		}
		return be.Reason
	}

	// The account's failures from one address add up across instances.
	from := anon("198.51.100.20")
	_, err = svcs[0].Login(from, u.Email, "wrong password 1")
	_, err2 := svcs[1].Login(from, u.Email, "wrong password 2")
	_, err3 := svcs[0].Login(from, u.Email, password)
	if got := []string{reason(err), reason(err2), reason(err3)}; got[0] != "bad_credentials" || got[1] != "bad_credentials" || got[2] != "rate_limited" {
		t.Errorf("two failures through two instances, then the right password: %v; want bad_credentials twice, then rate_limited", got)
	}

	// One per-address budget of 4 a minute for both instances.
	c.Advance(time.Hour)
	other := anon("198.51.100.21")
	var got []string
	for i := range 6 {
		_, err := svcs[i%2].Login(other, fmt.Sprintf("ingen%d@helfo.example.no", i), "some password")
		got = append(got, reason(err))
	}
	want := []string{"bad_credentials", "bad_credentials", "bad_credentials", "bad_credentials", "rate_limited", "rate_limited"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("six attempts through two instances: %v; want %v", got, want)
		}
	}
}
