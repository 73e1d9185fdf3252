package web_test

import (
	"net/http"
	"strings"
	"testing"

	"beredskap"
	"beredskap/web"
)

// autumn2021 sets the contract example's arrival to 20 October 2021,
// under the rules of 25 September 2021 (a verifiable corona certificate
// exempts from entry quarantine), with the countries and certificate given.
func autumn2021(t *testing.T, countries []string, certificate map[string]any) []byte {
	t.Helper()
	return contractWith(t, func(m map[string]any) {
		m["arrival_time"] = "2021-10-20T10:00:00+02:00"
		m["countries_visited"] = countries
		if certificate != nil {
			m["covid_certificate"] = certificate
		}
	})
}

func hasReason(d beredskap.Decision, code string) bool {
	for _, r := range d.Reasons {
		if r.Code == code {
			return true
		}
	}
	return false
}

// TestCovidCertificateThroughTheAPI checks the optional covid_certificate
// end to end through the API: a certificate of full vaccination under the
// EU's rules exempts from entry quarantine after 25 September 2021
// (abcnyheter.no 24.9.2021; nyss.no 8.10.2021: «Personar som har status
// som verna, må ikkje i innreisekarantene»), also where the country's
// classification for that week is not encoded; without one, a stay in a
// grey country means quarantine, and a stay in a country whose week is not
// encoded is refused naming countries_visited, and a certificate whose
// acceptance is not encoded naming covid_certificate.system; half a
// certificate is refused naming the missing field.
func TestCovidCertificateThroughTheAPI(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, web.Config{})
	eu := map[string]any{"status": "vaccinated", "system": "eu"}

	for _, countries := range [][]string{{"US"}, {"FR"}} {
		resp := ts.post(t, "/api/v1/evaluate", autumn2021(t, countries, eu), "Accept-Language", "en")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%v with a certificate: status %d: %s", countries, resp.StatusCode, readBody(t, resp))
		}
		var d beredskap.Decision
		decodeJSON(t, resp, &d)
		if d.Quarantine.Required || d.RuleSet.ID != "2021-09-25-1600" || !hasReason(d, "exemption_protected") {
			t.Errorf("%v with a certificate: quarantine %+v under %s, reasons %+v; want none, exempt as protected",
				countries, d.Quarantine, d.RuleSet.ID, d.Reasons)
		}
	}

	resp := ts.post(t, "/api/v1/evaluate", autumn2021(t, []string{"US"}, nil))
	var d beredskap.Decision
	decodeJSON(t, resp, &d)
	if !d.Quarantine.Required || hasReason(d, "exemption_protected") {
		t.Errorf("US without a certificate: quarantine %+v; want required", d.Quarantine)
	}

	for _, tc := range []struct {
		name          string
		body          []byte
		field, reason string
	}{
		{"not encoded week", autumn2021(t, []string{"FR"}, nil), "countries_visited", "classification_not_encoded"},
		// Before Norway connected to the EU's gateway on 24 June 2021 only
		// the Danish certificate of the EU's system could be verified: the
		// version of 19 June refuses one.
		{"EU certificate before 24 June 2021", contractWith(t, func(m map[string]any) {
			m["arrival_time"], m["countries_visited"] = "2021-06-22T10:00:00+02:00", []string{"US"}
			m["covid_certificate"] = eu
		}), "covid_certificate.system", "certificate_not_encoded"},
		{"status without system", autumn2021(t, []string{"US"}, map[string]any{"status": "vaccinated"}),
			"covid_certificate.system", "required"},
		{"unknown system", autumn2021(t, []string{"US"}, map[string]any{"status": "recovered", "system": "us"}),
			"covid_certificate.system", "unknown_value"},
	} {
		resp := ts.post(t, "/api/v1/registrations", tc.body)
		var e apiError
		decodeJSON(t, resp, &e)
		if resp.StatusCode != http.StatusBadRequest || e.Error.Field != tc.field || e.Error.Reason != tc.reason {
			t.Errorf("%s: status %d, field %q, reason %q; want 400 %s %s", tc.name, resp.StatusCode, e.Error.Field,
				e.Error.Reason, tc.field, tc.reason)
		}
	}
	if n := ts.count(t); n != 0 {
		t.Errorf("%d registrations stored; refused ones must store nothing", n)
	}
}

// TestCovidCertificateOnTheForm posts the registration form with a
// Norwegian certificate of covid-19 in the last six months: the receipt
// says the traveller is exempt; with only what the certificate shows, the
// form answers with the issuing system's field named in the language of
// the page.
func TestCovidCertificateOnTheForm(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, web.Config{})
	for _, lang := range languages {
		form := validForm("cert-" + lang)
		form.Set("arrival_time.date", "2021-10-12")
		form.Del("countries_visited")
		form.Set("countries_visited.other", "US")
		form.Set("covid_certificate.status", "recovered")
		form.Set("covid_certificate.system", "norwegian")
		resp := ts.postForm(t, lang, form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: status %d: %s", lang, resp.StatusCode, readBody(t, resp))
		}
		doc := document(t, ts.get(t, resp.Header.Get("Location")))
		loc := locale(t, lang)
		if got := doc.Text(); !strings.Contains(got, loc["decision.headline.none"]) {
			t.Errorf("%s: the receipt does not say there is no quarantine (%q)", lang, loc["decision.headline.none"])
		}

		half := validForm("half-" + lang)
		half.Set("arrival_time.date", "2021-10-12")
		half.Set("covid_certificate.status", "vaccinated")
		resp = ts.postForm(t, lang, half)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: half a certificate: status %d; want 422", lang, resp.StatusCode)
		}
		summary := document(t, resp).Find("#error-summary").Text()
		if !strings.Contains(summary, loc["label.covid_certificate.system"]) {
			t.Errorf("%s: error summary %q does not name %q", lang, summary, loc["label.covid_certificate.system"])
		}
	}
}
