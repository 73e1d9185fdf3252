package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"beredskap"
	"beredskap/storetest"
	"beredskap/web"
)

// TestStaffPagesNameTheTripPurpose checks that the pages staff read a
// registration on — the registration page (border officers, the control
// centre, municipalities), the control centre's follow-up page and the
// municipality's traveller page — name the purpose of the trip abroad
// (trip_purpose, rules from 17 March 2021) and the corona certificate
// (covid_certificate, rules from 25 September 2021) in words in each
// staff language, and say so when none was given.
func TestStaffPagesNameTheTripPurpose(t *testing.T) {
	ts := startServerWith(t, web.Config{}, serverOptions{staff: manyLogins})
	t.Cleanup(func() { logInternalErrors(t, ts) })
	centre := mustAddStaffUser(t, ts, "centre@kontrollsenter.test", beredskap.RoleControlCentre, national)
	border := mustAddStaffUser(t, ts, "border@politiet.test", beredskap.RoleBorderOfficer, national)
	officer := mustAddStaffUser(t, ts, "officer@a.test", beredskap.RoleMunicipalOfficer, municipal(municipalityA))
	for _, u := range []*staffUser{centre, border, officer} {
		mustLogIn(t, ts, u)
	}
	register := func(lastName, purpose string, cert beredskap.CovidCertificate) string {
		t.Helper()
		reg := storetest.Registration("Anna", lastName)
		reg.TripPurpose, reg.CovidCertificate = purpose, cert
		stored, _, err := ts.Registrations.CreateRegistration(context.Background(), beredskap.NewRegistration{
			Registration: reg, Decision: storetest.Decision(), Municipality: municipalityA,
		})
		if err != nil {
			t.Fatal(err)
		}
		return stored.Receipt
	}
	withTrip := register("Hansen", beredskap.TripWork, beredskap.CovidCertificate{Status: "vaccinated", System: "eu"})
	without := register("Olsen", "", beredskap.CovidCertificate{})
	plan := mustPlan(t, ts, withTrip, municipalityA, "Hansen")
	planWithout := mustPlan(t, ts, without, municipalityA, "Olsen")

	for _, tc := range []struct {
		lang, work, none, cert, noCert string
	}{
		{"nb", "Arbeidsreise", "Ikke oppgitt", "fullvaksinert (EUs digitale koronasertifikat), verifiseres på grensen", "Ikke oppgitt"},
		{"en", "Work trip", "Not given", "fully vaccinated (EU digital COVID certificate), to be verified at the border", "None given"},
	} {
		pages := []struct {
			who       *staffUser
			with, out string
		}{
			{border, "/staff/registrations/" + withTrip, "/staff/registrations/" + without},
			{centre, planPath(plan, tc.lang), planPath(planWithout, tc.lang)},
			{officer, "/staff/followup/travellers/" + withTrip, "/staff/followup/travellers/" + without},
		}
		for _, p := range pages {
			with := withLang(p.with, tc.lang)
			doc := mustPage(t, ts, p.who, with, http.StatusOK)
			if got := textOf(doc, "#trip-purpose"); got != tc.work {
				t.Errorf("%s shows the trip purpose as %q; want %q", with, got, tc.work)
			}
			if got := textOf(doc, "#covid-certificate"); got != tc.cert {
				t.Errorf("%s shows the certificate as %q; want %q", with, got, tc.cert)
			}
			out := withLang(p.out, tc.lang)
			doc = mustPage(t, ts, p.who, out, http.StatusOK)
			if got := textOf(doc, "#trip-purpose"); got != tc.none {
				t.Errorf("%s shows the trip purpose as %q; want %q", out, got, tc.none)
			}
			if got := textOf(doc, "#covid-certificate"); got != tc.noCert {
				t.Errorf("%s shows the certificate as %q; want %q", out, got, tc.noCert)
			}
		}
	}
}

// withLang adds lang to path unless it names a language already.
func withLang(path, lang string) string {
	if strings.Contains(path, "lang=") {
		return path
	}
	return path + "?lang=" + lang
}
