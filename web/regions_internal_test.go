package web

import "testing"

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
