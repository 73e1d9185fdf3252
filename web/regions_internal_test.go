package web

import (
	"testing"
	"time"
)

// Issue 14: the nationality and issuing-country lists hold real countries
// only (no "Eurozone", "United Nations", no UK beside GB), each once.
func TestRegionOptionsAreCountriesOnce(t *testing.T) {
	for _, lang := range []string{"nb", "nn", "en"} {
		opts := regionOptions(lang)
		values, labels := map[string]bool{}, map[string]bool{}
		for _, o := range opts {
			if values[o.Value] || labels[o.Label] {
				t.Errorf("%s: %s %q listed twice", lang, o.Value, o.Label)
			}
			values[o.Value], labels[o.Label] = true, true
		}
		for _, not := range []string{"EZ", "UN", "EU", "UK", "XX", "ZZ", "QO"} {
			if values[not] {
				t.Errorf("%s: %s is listed", lang, not)
			}
		}
		if !values["NO"] || !values["AX"] || len(opts) != 250 {
			t.Errorf("%s: %d countries; want 250 with NO and AX", lang, len(opts))
		}
	}
}

// TestMunicipalityNames checks that staff pages name a municipality for
// the date concerned: a number of 2020–2023 by the name it had then
// (never the bare number), a name that changed by the date asked, and a
// number never used as it is.
func TestMunicipalityNames(t *testing.T) {
	for _, tt := range []struct {
		got, want string
	}{
		{municipalityName("3005"), "Drammen (3005)"},
		{municipalityName("5401"), "Tromsø (5401)"},
		{municipalityName("0301"), "Oslo (0301)"},
		{municipalityNameAt("1853", time.Date(2021, 6, 1, 12, 0, 0, 0, time.UTC)), "Evenes (1853)"},
		{municipalityNameAt("1853", time.Date(2022, 6, 1, 12, 0, 0, 0, time.UTC)), "Evenes - Evenášši (1853)"},
		{municipalityName("9999"), "9999"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q; want %q", tt.got, tt.want)
		}
	}
}
