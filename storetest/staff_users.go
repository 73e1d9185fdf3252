package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"beredskap"
)

// staffUser returns a realistic user with the e-mail, not yet stored.
func staffUser(email, first, last string) *beredskap.User {
	return &beredskap.User{
		Email: email, FirstName: first, LastName: last, Mobile: "+4791234567",
		Organisation: "Oslo kommune", Position: "kommuneoverlege", Status: beredskap.UserActive,
	}
}

// createUser stores u in its own Update and returns it.
func createUser(t *testing.T, h StaffHarness, u *beredskap.User) *beredskap.User {
	t.Helper()
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error { return tx.CreateUser(ctx, u) })
	if u.ID == 0 {
		t.Fatal("CreateUser left ID 0")
	}
	return u
}

// municipalGrant returns a grant of the role in the municipality from
// staffStart, not yet stored.
func municipalGrant(userID int64, role beredskap.Role, municipality string) *beredskap.Grant {
	return &beredskap.Grant{
		UserID: userID, Role: role, Scope: beredskap.Scope{Kind: beredskap.ScopeMunicipality, Code: municipality},
		ValidFrom: staffStart, Provenance: "access_order:1", OrderedBy: "lege@oslo.kommune.no", ApprovedBy: "admin@helfo.no",
	}
}

// addGrant stores g in its own Update and returns it.
func addGrant(t *testing.T, h StaffHarness, g *beredskap.Grant) *beredskap.Grant {
	t.Helper()
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error { return tx.AddGrant(ctx, g) })
	return g
}

// findUser returns the user with the id, read in a View.
func findUser(t *testing.T, h StaffHarness, id int64) *beredskap.User {
	t.Helper()
	var u *beredskap.User
	view(t, h, func(ctx context.Context, tx beredskap.StaffTx) (err error) {
		u, err = tx.FindUser(ctx, id)
		return err
	})
	return u
}

// asJSON returns v as JSON, for comparing records field by field. Empty
// and nil slices of grants are the same.
func asJSON(t *testing.T, v any) string {
	t.Helper()
	if u, ok := v.(*beredskap.User); ok && len(u.Grants) == 0 {
		c := *u
		c.Grants = nil
		v = &c
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func testUserRoundTrip(t *testing.T, h StaffHarness) {
	created := time.Date(2021, 1, 4, 9, 15, 0, 123456789, time.FixedZone("CET", 3600))
	u := staffUser("Kari.Nordmann@Oslo.Kommune.NO", "Kari", "Nordmann")
	u.NationalID = "01019012345"
	u.PasswordHash = "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA"
	u.TOTPSecret = "JBSWY3DPEHPK3PXP"
	u.TOTPLastStep = 53700000
	u.CreatedAt = created
	createUser(t, h, u)
	if u.Email != "kari.nordmann@oslo.kommune.no" {
		t.Errorf("CreateUser set Email %q; want it in lower case", u.Email)
	}
	got := findUser(t, h, u.ID)
	if !got.CreatedAt.Equal(created.Truncate(time.Microsecond)) {
		t.Errorf("CreatedAt %v; want %v to the microsecond", got.CreatedAt, created)
	}
	if got.CreatedAt.Location() != time.UTC {
		t.Errorf("CreatedAt read back in %v; want UTC", got.CreatedAt.Location())
	}
	if g, w := asJSON(t, got), asJSON(t, u); g != w {
		t.Errorf("found user\n got %s\nwant %s", g, w)
	}
	if len(got.Grants) != 0 {
		t.Errorf("new user has %d grants; want 0", len(got.Grants))
	}
}

func testUserEmailUnique(t *testing.T, h StaffHarness) {
	createUser(t, h, staffUser("ola@bergen.kommune.no", "Ola", "Nordmann"))
	err := h.Store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		return tx.CreateUser(ctx, staffUser("Ola@Bergen.Kommune.no", "Ola", "Annen"))
	})
	wantCode(t, err, beredskap.ECONFLICT, "CreateUser with the e-mail in other case")
	var users []*beredskap.User
	view(t, h, func(ctx context.Context, tx beredskap.StaffTx) (err error) {
		users, _, err = tx.ListUsers(ctx, beredskap.UserFilter{})
		return err
	})
	if len(users) != 1 || users[0].LastName != "Nordmann" {
		t.Errorf("users after the conflict: %d; want only the first", len(users))
	}
}

func testUserFinders(t *testing.T, h StaffHarness) {
	u := staffUser("per@tromso.kommune.no", "Per", "Hansen")
	u.NationalID = "24128012345"
	createUser(t, h, u)
	other := createUser(t, h, staffUser("liv@tromso.kommune.no", "Liv", "Hansen"))
	g1 := addGrant(t, h, municipalGrant(u.ID, beredskap.RoleMunicipalStaff, "5501"))
	addGrant(t, h, municipalGrant(other.ID, beredskap.RoleMunicipalStaff, "5501"))
	g2 := addGrant(t, h, &beredskap.Grant{UserID: u.ID, Role: beredskap.RoleControlCentre,
		Scope: beredskap.Scope{Kind: beredskap.ScopeNational}, ValidFrom: staffStart, Provenance: "cli"})
	view(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
		for name, find := range map[string]func() (*beredskap.User, error){
			"FindUser":             func() (*beredskap.User, error) { return tx.FindUser(ctx, u.ID) },
			"FindUserByEmail":      func() (*beredskap.User, error) { return tx.FindUserByEmail(ctx, "PER@Tromso.Kommune.NO") },
			"FindUserByNationalID": func() (*beredskap.User, error) { return tx.FindUserByNationalID(ctx, "24128012345") },
		} {
			got, err := find()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got.ID != u.ID || len(got.Grants) != 2 || got.Grants[0].ID != g1.ID || got.Grants[1].ID != g2.ID {
				t.Errorf("%s: user %d with %d grants; want %d with grants %d, %d in order", name, got.ID, len(got.Grants), u.ID, g1.ID, g2.ID)
			}
		}
		_, err := tx.FindUser(ctx, u.ID+1000)
		wantCode(t, err, beredskap.ENOTFOUND, "FindUser of an unknown id")
		_, err = tx.FindUserByEmail(ctx, "nobody@tromso.kommune.no")
		wantCode(t, err, beredskap.ENOTFOUND, "FindUserByEmail of an unknown e-mail")
		_, err = tx.FindUserByNationalID(ctx, "01010112345")
		wantCode(t, err, beredskap.ENOTFOUND, "FindUserByNationalID of an unknown number")
		return nil
	})
}

func testUserUpdate(t *testing.T, h StaffHarness) {
	u := createUser(t, h, staffUser("anne@stavanger.kommune.no", "Anne", "Berg"))
	created := u.CreatedAt
	c := *u
	c.FirstName, c.LastName, c.Mobile, c.NationalID = "Anne Marie", "Berg-Olsen", "+4799887766", "17057012345"
	c.Organisation, c.Position, c.Status = "Stavanger kommune", "helsesekretær", beredskap.UserRemoved
	c.PasswordHash, c.TOTPSecret, c.TOTPLastStep = "$argon2id$v=19$m=65536,t=3,p=2$eA$eQ", "KRSXG5CTMVRXEZLU", 53712345
	c.Email, c.CreatedAt = "changed@example.com", staffStart.Add(time.Hour) // not stored
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error { return tx.UpdateUser(ctx, &c) })
	got := findUser(t, h, u.ID)
	want := c
	want.Email, want.CreatedAt = u.Email, created
	if g, w := asJSON(t, got), asJSON(t, &want); g != w {
		t.Errorf("updated user\n got %s\nwant %s", g, w)
	}
	// A stale copy never moves the TOTP step of the same secret back; a
	// new secret starts from its own step.
	stale := c
	stale.TOTPLastStep = 53700000
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error { return tx.UpdateUser(ctx, &stale) })
	if got := findUser(t, h, u.ID); got.TOTPLastStep != 53712345 {
		t.Errorf("after a stale update: TOTPLastStep %d; want 53712345", got.TOTPLastStep)
	}
	stale.TOTPSecret = "NEWSECRETNEWSECR"
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error { return tx.UpdateUser(ctx, &stale) })
	if got := findUser(t, h, u.ID); got.TOTPLastStep != 53700000 {
		t.Errorf("after a new secret: TOTPLastStep %d; want 53700000", got.TOTPLastStep)
	}
	err := h.Store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		return tx.UpdateUser(ctx, &beredskap.User{ID: u.ID + 1000, Status: beredskap.UserActive})
	})
	wantCode(t, err, beredskap.ENOTFOUND, "UpdateUser of an unknown id")
}

// Of uses of one TOTP step at once, exactly one wins.
func testLoginCounters(t *testing.T, h StaffHarness) {
	u := createUser(t, h, staffUser("per@bergen.kommune.no", "Per", "Vik"))
	var mu sync.Mutex
	var wg sync.WaitGroup
	wins := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := h.Store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
				ok, err := tx.UseTOTPStep(ctx, u.ID, 53712400)
				if ok {
					mu.Lock()
					wins++
					mu.Unlock()
				}
				return err
			})
			if err != nil {
				t.Errorf("UseTOTPStep: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("one TOTP step used at once 8 times: %d won; want 1", wins)
	}
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
		if ok, err := tx.UseTOTPStep(ctx, u.ID, 53712399); ok || err != nil {
			t.Errorf("an earlier step: %v, %v; want false", ok, err)
		}
		return nil
	})
}

func testGrants(t *testing.T, h StaffHarness) {
	u := createUser(t, h, staffUser("siri@trondheim.kommune.no", "Siri", "Lund"))
	validTo := staffStart.AddDate(0, 6, 0)
	g := municipalGrant(u.ID, beredskap.RoleMunicipalOfficer, "5001")
	g.ValidTo = &validTo
	addGrant(t, h, g)
	if g.ID == 0 || g.CreatedAt.IsZero() {
		t.Fatalf("AddGrant set ID %d CreatedAt %v; want both set", g.ID, g.CreatedAt)
	}
	legacy := addGrant(t, h, &beredskap.Grant{UserID: u.ID, Role: beredskap.RoleMunicipalStaff,
		Scope: beredskap.Scope{Kind: beredskap.ScopeMunicipality, Code: "5001"}, ValidFrom: staffStart.AddDate(0, -3, 0),
		Provenance: beredskap.ProvenanceCountyGovernor, OrderedBy: "sftl@statsforvalteren.no"})
	got := findUser(t, h, u.ID)
	if g1, w := asJSON(t, got.Grants), asJSON(t, []beredskap.Grant{*g, *legacy}); g1 != w {
		t.Errorf("grants\n got %s\nwant %s", g1, w)
	}
	ended := staffStart.Add(48 * time.Hour)
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error { return tx.EndGrant(ctx, g.ID, ended) })
	got = findUser(t, h, u.ID)
	if e := got.Grants[0].EndedAt; e == nil || !e.Equal(ended) {
		t.Errorf("EndedAt %v; want %v", e, ended)
	}
	if got.Grants[1].EndedAt != nil {
		t.Errorf("the other grant was ended too")
	}
	if len(got.ValidGrants(ended)) != 1 {
		t.Errorf("%d grants in force after the end; want 1", len(got.ValidGrants(ended)))
	}
	err := h.Store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		return tx.EndGrant(ctx, g.ID, ended.Add(time.Hour))
	})
	wantCode(t, err, beredskap.ECONFLICT, "EndGrant of an ended grant")
	if e := findUser(t, h, u.ID).Grants[0].EndedAt; e == nil || !e.Equal(ended) {
		t.Errorf("EndedAt %v after a second EndGrant; want the first, %v", e, ended)
	}
	err = h.Store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		return tx.EndGrant(ctx, legacy.ID+1000, ended)
	})
	wantCode(t, err, beredskap.ENOTFOUND, "EndGrant of an unknown grant")
}

func testListUsers(t *testing.T, h StaffHarness) {
	people := []struct{ email, first, last, municipality string }{
		{"berit@oslo.kommune.no", "Berit", "Nordby", "0301"},
		{"arne@oslo.kommune.no", "Arne", "Dahl", "0301"},
		{"oyvind@bergen.kommune.no", "Øyvind", "Ås", "4601"},
		{"eva@bergen.kommune.no", "Eva", "Nordgård", "4601"},
		{"admin@helfo.no", "Hanne", "Admin", ""},
		{"david@oslo.kommune.no", "David", "Strand", "0301"},
		{"carl@nordland.no", "Carl", "Berg", ""},
	}
	for _, p := range people {
		u := createUser(t, h, staffUser(p.email, p.first, p.last))
		if p.municipality != "" {
			addGrant(t, h, municipalGrant(u.ID, beredskap.RoleMunicipalStaff, p.municipality))
		}
	}
	list := func(f beredskap.UserFilter) []string {
		t.Helper()
		var emails []string
		for range 100 {
			var page []*beredskap.User
			var next string
			view(t, h, func(ctx context.Context, tx beredskap.StaffTx) (err error) {
				page, next, err = tx.ListUsers(ctx, f)
				return err
			})
			if f.Limit > 0 && len(page) > f.Limit {
				t.Fatalf("page of %d; limit %d", len(page), f.Limit)
			}
			for _, u := range page {
				emails = append(emails, u.Email)
				if m := f.Municipality; m != "" && (len(u.Grants) == 0 || u.Grants[0].Scope.Code != m) {
					t.Errorf("user %s listed for %s without its grant: %+v", u.Email, m, u.Grants)
				}
			}
			if next == "" {
				return emails
			}
			f.PageToken = next
		}
		t.Fatal("ListUsers pages do not end")
		return nil
	}
	for _, tt := range []struct {
		f    beredskap.UserFilter
		want string
	}{
		{beredskap.UserFilter{Limit: 3}, "[admin@helfo.no arne@oslo.kommune.no berit@oslo.kommune.no carl@nordland.no david@oslo.kommune.no eva@bergen.kommune.no oyvind@bergen.kommune.no]"},
		{beredskap.UserFilter{Query: "NORD"}, "[berit@oslo.kommune.no carl@nordland.no eva@bergen.kommune.no]"},
		{beredskap.UserFilter{Query: "øyv"}, "[oyvind@bergen.kommune.no]"},
		{beredskap.UserFilter{Query: "ÅS"}, "[oyvind@bergen.kommune.no]"},
		{beredskap.UserFilter{Query: "arne dahl"}, "[arne@oslo.kommune.no]"},
		{beredskap.UserFilter{Query: "%"}, "[]"},
		{beredskap.UserFilter{Municipality: "0301", Limit: 1}, "[arne@oslo.kommune.no berit@oslo.kommune.no david@oslo.kommune.no]"},
		{beredskap.UserFilter{Municipality: "4601", Query: "bergen"}, "[eva@bergen.kommune.no oyvind@bergen.kommune.no]"},
		{beredskap.UserFilter{Municipality: "1103"}, "[]"},
	} {
		if got := fmt.Sprint(list(tt.f)); got != tt.want {
			t.Errorf("ListUsers(%+v) = %s; want %s", tt.f, got, tt.want)
		}
	}
	err := h.Store.View(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		_, _, err := tx.ListUsers(ctx, beredskap.UserFilter{PageToken: "not a token!"})
		return err
	})
	assertCode(t, err, beredskap.EINVALID, "page_token")
}
