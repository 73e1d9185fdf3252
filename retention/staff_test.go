package retention_test

import (
	"strings"
	"testing"

	"beredskap"
	"beredskap/internal/teststore"
	"beredskap/staff"
)

// TestRemovedStaffDeidentified: a removed staff user keeps name, e-mail,
// mobile, identity number, password hash and TOTP secret for the staff
// category's 90 days after the removal ended their grants, and the purge
// after that leaves nothing of them in any table but the audit trail,
// which names them by id (and by e-mail as the actor of what they did).
// A user still in service is left alone.
func TestRemovedStaffDeidentified(t *testing.T) { teststore.Each(t, testRemovedStaffDeidentified) }

func testRemovedStaffDeidentified(t *testing.T, kind string) {
	e := newEnv(t, kind)
	const secret = "GONESTAFFTOTPSECRETFORTESTINGXYZ"
	gone, err := e.staff.AddUser(system(), staff.NewUser{
		Email: "kari.slutta@bydel.example", FirstName: "Kari", LastName: "Sluttasen", Mobile: "+4791112233",
		NationalID: nid(t, 401), Organisation: "Oslo kommune", Position: "Saksbehandler",
		Role: beredskap.RoleMunicipalOfficer, Scope: beredskap.Scope{Kind: beredskap.ScopeKindOf(beredskap.RoleMunicipalOfficer), Code: "0301"},
		Password: "et langt nok passord for testen", TOTPSecret: secret,
	})
	if err != nil {
		t.Fatal(err)
	}
	stays, err := e.staff.AddUser(system(), staff.NewUser{
		Email: "ola.blir@bydel.example", FirstName: "Ola", LastName: "Blirvaerende", Mobile: "+4794445566",
		Role: beredskap.RoleMunicipalOfficer, Scope: beredskap.Scope{Kind: beredskap.ScopeKindOf(beredskap.RoleMunicipalOfficer), Code: "0301"},
	})
	if err != nil {
		t.Fatal(err)
	}
	stored, _, err := e.staff.GetUser(system(), gone.ID)
	if err != nil {
		t.Fatal(err)
	}
	needles := []string{"Sluttasen", "91112233", gone.NationalID, secret, stored.PasswordHash}
	if stored.PasswordHash == "" {
		t.Fatal("the user has no password hash; the test would prove nothing about it")
	}
	if err := e.staff.RemoveUser(system(), gone.ID, "left the service"); err != nil {
		t.Fatal(err)
	}
	removedAt := e.clock.Now()

	e.clock.Set(removedAt.AddDate(0, 0, 89))
	if _, err := e.svc.Purge(system(), nil); err != nil {
		t.Fatal(err)
	}
	if u, _, err := e.staff.GetUser(system(), gone.ID); err != nil {
		t.Fatal(err)
	} else if u.LastName != "Sluttasen" || u.Email != "kari.slutta@bydel.example" {
		t.Fatalf("89 days after removal the user is %q %q; want them kept for 90 days", u.Email, u.LastName)
	}

	e.clock.Set(removedAt.AddDate(0, 0, 91))
	rep, err := e.svc.Purge(system(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Staff == 0 {
		t.Errorf("the purge reports no staff records: %+v", rep)
	}
	u, _, err := e.staff.GetUser(system(), gone.ID)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != beredskap.RemovedUserEmail(gone.ID) || u.FirstName != "" || u.LastName != "" || u.Mobile != "" ||
		u.NationalID != "" || u.PasswordHash != "" || u.TOTPSecret != "" || u.Status != beredskap.UserRemoved {
		t.Errorf("after the period the removed user is %+v; want only id, status, organisation and position", u)
	}
	if u.Organisation != "Oslo kommune" || u.Position != "Saksbehandler" {
		t.Errorf("organisation and position are %q, %q; want them kept (no person in them)", u.Organisation, u.Position)
	}
	if k, _, err := e.staff.GetUser(system(), stays.ID); err != nil {
		t.Fatal(err)
	} else if k.Email != "ola.blir@bydel.example" || k.LastName != "Blirvaerende" || k.Mobile != "+4794445566" {
		t.Errorf("a user in service was changed: %+v", k)
	}
	rows := tableRows(t, kind, e.dsn)
	if hits := findPersonal(rows, needles); len(hits) > 0 {
		t.Errorf("the removed user remains after the purge:\n%s", strings.Join(hits, "\n"))
	}
	for _, hit := range findPersonal(rows, []string{"kari.slutta@bydel.example"}) {
		if !strings.Contains(hit, " in audit") {
			t.Errorf("the removed user's e-mail remains outside the audit trail (tables audit...): %s", hit)
		}
	}
}
