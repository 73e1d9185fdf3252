package sms_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode"

	"beredskap"
	"beredskap/sms"
	"beredskap/sms/gsm"
)

var values = map[string]string{"name": "Ola", "last_day": "2021-02-25", "hotline": "+47 21 49 56 90"}

func TestCheckTemplate(t *testing.T) {
	tests := []struct {
		body   string
		reason string // "" when the body is fine
		naming string // a piece the error message must contain
	}{
		{"Hei {name}, karantene til {last_day}. Ring {hotline}.", "", ""},
		{"No placeholders at all.", "", ""},
		{"{name}{name}{last_day}", "", ""},
		{"", "required", ""},
		{"   ", "required", ""},
		{"Hei {navn}", "unknown_placeholder", "{navn}"},
		{"Hei {Name}", "unknown_placeholder", "{Name}"},
		{"Hei { name }", "unknown_placeholder", "{ name }"},
		{"Hei {}", "unknown_placeholder", "{}"},
		{"Hei {name", "unknown_placeholder", "{name"},
		{"Hei name}", "unknown_placeholder", `"}"`},
		{"Hei {{name}}", "unknown_placeholder", "{{name}"},
		{"Hei {na{me}", "unknown_placeholder", "{na"},
		{"Hei {name}}", "unknown_placeholder", `"}"`},
		{"Hei \xff", "format_text", ""},
		{strings.Repeat("a", 4097), "too_long", ""},
	}
	for _, tt := range tests {
		t.Run(tt.body[:min(len(tt.body), 30)], func(t *testing.T) {
			err := sms.CheckTemplate(tt.body)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("CheckTemplate: %v", err)
				}
				return
			}
			var e *beredskap.Error
			if !errors.As(err, &e) {
				t.Fatalf("CheckTemplate = %v, want an EINVALID error", err)
			}
			if e.Code != beredskap.EINVALID || e.Field != "body" || e.Reason != tt.reason {
				t.Errorf("got %s %s %s, want invalid body %s", e.Code, e.Field, e.Reason, tt.reason)
			}
			if !strings.Contains(e.Message, tt.naming) {
				t.Errorf("message %q does not name %q", e.Message, tt.naming)
			}
		})
	}
}

func TestRender(t *testing.T) {
	tests := []struct {
		body, want string
		values     map[string]string
		errField   string
	}{
		{"Hei {name}, til {last_day}. Ring {hotline}.", "Hei Ola, til 2021-02-25. Ring +47 21 49 56 90.", values, ""},
		{"{name}{name}", "OlaOla", values, ""},
		{"plain", "plain", nil, ""},
		// A value is put in as it is, never expanded again.
		{"Hei {name}", "Hei {last_day}", map[string]string{"name": "{last_day}"}, ""},
		{"Hei {name}", "", map[string]string{"hotline": "1"}, "values.name"},
		{"Hei {foo}", "", values, "body"},
	}
	for _, tt := range tests {
		got, err := sms.Render(tt.body, tt.values)
		if tt.errField != "" {
			var e *beredskap.Error
			if !errors.As(err, &e) || e.Field != tt.errField {
				t.Errorf("Render(%q) = %q, %v; want an error on %s", tt.body, got, err, tt.errField)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Render(%q) = %q, %v; want %q", tt.body, got, err, tt.want)
		}
	}
}

// The built-in templates cover every key in at least the languages issue 4
// names, pass CheckTemplate, and render to at most three segments; the
// Scandinavian ones and German fit GSM-7.
func TestDefaultTemplates(t *testing.T) {
	langs := sms.Languages()
	for _, want := range []string{"nb", "nn", "en", "pl", "lt", "ro", "de", "ru", "ar"} {
		if !slices.Contains(langs, want) {
			t.Errorf("no templates in %s", want)
		}
	}
	for _, lang := range langs {
		if !slices.Contains(beredskap.Enumerations["traveller.language"], lang) {
			t.Errorf("%s is not a traveller language", lang)
		}
	}
	all := sms.DefaultTemplates()
	if len(all) != len(langs)*len(sms.Keys) {
		t.Fatalf("%d templates, want %d", len(all), len(langs)*len(sms.Keys))
	}
	seen := map[string]bool{}
	for _, tpl := range all {
		id := tpl.Language + "/" + tpl.Key
		if seen[id] {
			t.Errorf("%s twice", id)
		}
		seen[id] = true
		if err := sms.CheckTemplate(tpl.Body); err != nil {
			t.Errorf("%s: %v", id, err)
		}
		for _, p := range []string{"{hotline}", "{name}"} {
			if !strings.Contains(tpl.Body, p) {
				t.Errorf("%s lacks %s", id, p)
			}
		}
		if tpl.Key != sms.TemplateRuleChange && !strings.Contains(tpl.Body, "{last_day}") {
			t.Errorf("%s lacks {last_day}", id)
		}
		text, err := sms.Render(tpl.Body, values)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		enc, segs := gsm.Count(text)
		if segs < 1 || segs > 3 {
			t.Errorf("%s takes %d segments", id, segs)
		}
		if wantGSM := slices.Contains([]string{"nb", "nn", "en", "sv", "de"}, tpl.Language); wantGSM != (enc == gsm.GSM7) {
			t.Errorf("%s is %s", id, enc)
		}
	}
	for _, tpl := range all {
		if tpl.Language != "ar" {
			continue
		}
		if !strings.ContainsFunc(tpl.Body, func(r rune) bool { return unicode.Is(unicode.Arabic, r) }) {
			t.Errorf("ar/%s has no Arabic letters", tpl.Key)
		}
	}
	if sms.Direction("ar") != "rtl" || sms.Direction("nb") != "ltr" {
		t.Error("Arabic is written right to left, bokmål left to right")
	}
}

// An unknown language falls back to English with a warning flag (issue 4
// point 8); an unknown key is not found.
func TestTemplateFallback(t *testing.T) {
	tpl, fell, err := sms.Template(sms.TemplateDay2, "pl")
	if err != nil || fell || tpl.Language != "pl" || !strings.Contains(tpl.Body, "kwarantanna") {
		t.Errorf("pl: %+v, %v, %v", tpl, fell, err)
	}
	tpl, fell, err = sms.Template(sms.TemplateDay5, "tlh")
	if err != nil || !fell || tpl.Language != "en" || !strings.HasPrefix(tpl.Body, "Hello") {
		t.Errorf("unknown language: %+v, %v, %v", tpl, fell, err)
	}
	if _, _, err := sms.Template("day9", "nb"); beredskap.ErrorCode(err) != beredskap.ENOTFOUND {
		t.Errorf("unknown key: %v, want not found", err)
	}
}
