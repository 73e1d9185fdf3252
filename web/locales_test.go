package web_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"beredskap"
)

// TestLocalesHaveEveryKey checks that every locale file has the keys of
// every other, with the same placeholders, and no empty texts.
func TestLocalesHaveEveryKey(t *testing.T) {
	files, err := filepath.Glob("locales/*.json")
	if err != nil || len(files) < 3 {
		t.Fatalf("locale files %v, %v; want at least nb, nn, en", files, err)
	}
	all := map[string]map[string]string{}
	keys := map[string]bool{}
	for _, f := range files {
		lang := strings.TrimSuffix(filepath.Base(f), ".json")
		all[lang] = locale(t, lang)
		for k := range all[lang] {
			keys[k] = true
		}
	}
	placeholder := regexp.MustCompile(`\{[a-z_]+\}`)
	for lang, msgs := range all {
		for k := range keys {
			text, ok := msgs[k]
			switch {
			case !ok:
				t.Errorf("%s.json lacks %q", lang, k)
			case strings.TrimSpace(text) == "":
				t.Errorf("%s.json: %q is empty", lang, k)
			case lang != "en":
				got := placeholder.FindAllString(text, -1)
				want := placeholder.FindAllString(all["en"][k], -1)
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("%s.json: %q has placeholders %v; en has %v", lang, k, got, want)
				}
			}
		}
	}
}

// TestLocalesNameEveryValue checks that every enumerated value the form
// offers has a label, and every reason key of the brief a message.
func TestLocalesNameEveryValue(t *testing.T) {
	en := locale(t, "en")
	for field, values := range beredskap.Enumerations {
		if field == "traveller.language" {
			continue // named by golang.org/x/text in each language itself
		}
		for _, v := range values {
			if _, ok := en["enum."+field+"."+v]; !ok {
				t.Errorf("en.json has no label enum.%s.%s", field, v)
			}
		}
		if _, ok := en["label."+field]; !ok {
			t.Errorf("en.json has no label.%s", field)
		}
	}
	for _, r := range []string{"required", "format_instant", "out_of_range", "future", "format_date", "format_national_id",
		"invalid_national_id", "synthetic_not_allowed", "format_country", "format_area", "format_text", "too_long",
		"unknown_value", "too_many", "duplicate", "format_org_number", "invalid_org_number", "format_postal_code",
		"unknown_postal_code", "format_municipality", "unknown_municipality", "municipality_mismatch", "format_email",
		"invalid_phone", "no_rule_version", "birth_date_mismatch"} {
		if _, ok := en["reason."+r]; !ok {
			t.Errorf("en.json has no message reason.%s", r)
		}
	}
	if _, err := os.Stat("locales/en.json"); err != nil {
		t.Fatal(err)
	}
}
