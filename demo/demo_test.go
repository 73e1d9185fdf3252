package demo_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/demo"
	"beredskap/intake"
	"beredskap/rules"
	"beredskap/sqlite"
)

func TestRegistrationsAreDeterministic(t *testing.T) {
	places := demo.Places()
	a := demo.Registrations(200, 7, places)
	b := demo.Registrations(200, 7, places)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different registrations")
	}
	c := demo.Registrations(200, 8, places)
	if reflect.DeepEqual(a, c) {
		t.Fatal("another seed gave the same registrations")
	}
}

// Every generated registration must pass the same checks as a traveller's,
// and seeding twice must store nothing the second time.
func TestSeedRegistersEveryTravellerOnce(t *testing.T) {
	book, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	in := &intake.Intake{Rules: book, Registrations: sqlite.NewRegistrationService(db, time.Now), Clock: time.Now, AllowSyntheticIDs: true}
	const n = 400
	created, err := demo.Seed(context.Background(), in, n, 11)
	if err != nil {
		t.Fatal(err)
	}
	if created != n {
		t.Errorf("created %d; want %d", created, n)
	}
	again, err := demo.Seed(context.Background(), in, n, 11)
	if err != nil || again != 0 {
		t.Errorf("second seeding created %d (err %v); want 0", again, err)
	}
	// The demo must show the variety a municipality sees.
	scopes, hotels := map[string]int{}, map[bool]int{}
	for _, reg := range demo.Registrations(n, 11, demo.Places()) {
		d, err := in.Evaluate(context.Background(), &reg, "en")
		if err != nil {
			b, _ := json.Marshal(reg)
			t.Fatalf("evaluate %s: %v", b, err)
		}
		scopes[d.Quarantine.Scope]++
		hotels[d.Hotel.Required]++
	}
	if scopes["full"] == 0 || hotels[true] == 0 || hotels[false] == 0 {
		t.Errorf("too little variety: scopes %v, hotel required %v", scopes, hotels)
	}
}

// TestSurnamesAgreeWithGender checks that Polish and Lithuanian travellers
// have the surname form of their first name's gender: Polish women's
// -ski/-cki names end in -ska/-cka, Lithuanian women's in -ienė, -aitė,
// -ytė or -ūtė, and men never carry those feminine endings.
func TestSurnamesAgreeWithGender(t *testing.T) {
	women := map[string]bool{"Anna": true, "Katarzyna": true, "Agnieszka": true, "Magdalena": true,
		"Ona": true, "Rūta": true, "Greta": true}
	feminineLT := []string{"ienė", "aitė", "ytė", "ūtė"}
	hasSuffix := func(s string, suffixes ...string) bool {
		for _, x := range suffixes {
			if strings.HasSuffix(s, x) {
				return true
			}
		}
		return false
	}
	seen := map[string]int{}
	for _, reg := range demo.Registrations(2000, 7, demo.Places()) {
		tr := reg.Traveller
		female := women[tr.FirstName]
		switch tr.Nationality {
		case "PL":
			seen["PL"]++
			if female && hasSuffix(tr.LastName, "ski", "cki") || !female && hasSuffix(tr.LastName, "ska", "cka") {
				t.Errorf("Polish %s %s: surname does not agree with the first name", tr.FirstName, tr.LastName)
			}
		case "LT":
			seen["LT"]++
			if female != hasSuffix(tr.LastName, feminineLT...) {
				t.Errorf("Lithuanian %s %s: surname does not agree with the first name", tr.FirstName, tr.LastName)
			}
		}
	}
	if seen["PL"] == 0 || seen["LT"] == 0 {
		t.Fatalf("no Polish or Lithuanian travellers among 2000: %v", seen)
	}
}

// TestDemoHasEveryRole checks that the demo has a staff user of every
// role, so that every page can be tried.
func TestDemoHasEveryRole(t *testing.T) {
	for _, role := range beredskap.Roles {
		if !slices.ContainsFunc(demo.StaffUsers, func(u demo.StaffUser) bool { return u.Role == role }) {
			t.Errorf("no demo user has the role %s", role)
		}
	}
}
