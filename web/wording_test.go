package web_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// jargon finds what people must never read on a page: development
// references (the seeds the requirements came from, Markdown files) and
// codes written in snake_case.
var jargon = []struct {
	what string
	re   *regexp.Regexp
}{
	{"a development reference", regexp.MustCompile(`(?i)\bseeds?\b|\.md\b|\bissue \d`)},
	{"a design document", regexp.MustCompile(`\b(RULES|CONTRACT|DESIGN|STYLE)\b`)},
	{"a snake_case code", regexp.MustCompile(`\b[a-z][a-z0-9]*_[a-z0-9_]+\b`)},
}

// bokmalOnly finds common words that bokmål writes one way and nynorsk
// another (ikke/ikkje, hva/kva, fra/frå, noen/nokon, navn/namn, være/vere,
// ennå/enno ...): a nynorsk text holding one is bokmål, or half translated.
var bokmalOnly = regexp.MustCompile(`(?i)\b(ikke|hva|hvem|hvor|hvorfor|hvordan|hvis|jeg|ble|fra|noen|noe|bare|ennå|uten|sted|navn|gjøre|være|deres|kommer|mye)\b`)

// placeholders are the {name} parts of a text, filled in when it is used.
var placeholders = regexp.MustCompile(`\{[a-z_]+\}`)

// checkWording reports jargon in text, shown to people at where.
func checkWording(t *testing.T, where, text string) {
	t.Helper()
	text = placeholders.ReplaceAllString(text, "")
	for _, j := range jargon {
		if m := j.re.FindString(text); m != "" {
			t.Errorf("%s: %s %q in %q", where, j.what, m, text)
		}
	}
}

// TestNoJargonInTextsPeopleRead checks every text of the locale files,
// the words of every template and the reasons and citations of the rules
// for development references and snake_case codes.
func TestNoJargonInTextsPeopleRead(t *testing.T) {
	files, _ := filepath.Glob("locales/*.json")
	more, _ := filepath.Glob("locales/*/*.json")
	for _, f := range append(files, more...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]string
		if err := json.Unmarshal(data, &msgs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for k, v := range msgs {
			checkWording(t, f+" "+k, v)
		}
	}

	// A template's words are what is left without actions, tags and
	// comments.
	actions := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	tags := regexp.MustCompile(`(?s)<[^>]*>`)
	templates, _ := filepath.Glob("templates/*.html")
	for _, f := range templates {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		words := tags.ReplaceAllString(actions.ReplaceAllString(string(data), " "), " ")
		for _, line := range strings.Split(words, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				checkWording(t, f, line)
			}
		}
	}

	texts, _ := filepath.Glob("../rules/texts/*.yaml")
	for _, f := range texts {
		var doc struct {
			Texts map[string]string `yaml:"texts"`
		}
		readYAML(t, f, &doc)
		for k, v := range doc.Texts {
			checkWording(t, f+" "+k, v)
		}
	}
	versions, _ := filepath.Glob("../rules/versions/*.yaml")
	for _, f := range versions {
		var doc struct {
			Source struct {
				Title     string `yaml:"title"`
				Paragraph string `yaml:"paragraph"`
			} `yaml:"source"`
		}
		readYAML(t, f, &doc)
		checkWording(t, f+" source", doc.Source.Title+" "+doc.Source.Paragraph)
	}
	if len(files) < 3 || len(more) < 3 || len(templates) < 10 || len(texts) < 3 || len(versions) < 3 {
		t.Fatalf("too few files found: %d %d %d %d %d", len(files), len(more), len(templates), len(texts), len(versions))
	}
}

// TestStaffAndCitizenLocalesHaveEveryKey checks that every key of the
// English staff and citizen texts is in bokmål (and nynorsk for
// citizens), so that a Norwegian page never falls back to English.
func TestStaffAndCitizenLocalesHaveEveryKey(t *testing.T) {
	for _, set := range []struct {
		dir   string
		langs []string
	}{{"locales/staff", []string{"nb", "nn"}}, {"locales/citizen", []string{"nb", "nn"}}} {
		en := localeSet(t, set.dir, "en")
		for _, lang := range set.langs {
			msgs := localeSet(t, set.dir, lang)
			for k := range en {
				if _, ok := msgs[k]; !ok {
					t.Errorf("%s: %s lacks %q", set.dir, lang, k)
				}
			}
			for k := range msgs {
				if _, ok := en[k]; !ok {
					t.Errorf("%s: %s has %q, which English lacks", set.dir, lang, k)
				}
			}
		}
	}
}

// TestNynorskHasEveryBokmalKeyInNynorsk checks that every bokmål text of
// the public, staff and citizen pages has a nynorsk one, and that no
// nynorsk text is bokmål: none holds a word only bokmål writes so.
func TestNynorskHasEveryBokmalKeyInNynorsk(t *testing.T) {
	for _, dir := range []string{"locales", "locales/staff", "locales/citizen"} {
		nb, nn := localeSet(t, dir, "nb"), localeSet(t, dir, "nn")
		for k := range nb {
			if _, ok := nn[k]; !ok {
				t.Errorf("%s: nynorsk lacks %q", dir, k)
			}
		}
		for k, v := range nn {
			if m := bokmalOnly.FindString(placeholders.ReplaceAllString(v, "")); m != "" {
				t.Errorf("%s: nynorsk %q holds the bokmål word %q: %q", dir, k, m, v)
			}
		}
	}
}

// localeSet reads every file of lang in dir (lang.json, lang.part.json).
func localeSet(t *testing.T, dir, lang string) map[string]string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, lang+".json"))
	parts, _ := filepath.Glob(filepath.Join(dir, lang+".*.json"))
	all := map[string]string{}
	for _, f := range append(files, parts...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]string
		if err := json.Unmarshal(data, &msgs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for k, v := range msgs {
			all[k] = v
		}
	}
	if len(all) == 0 {
		t.Fatalf("no %s texts in %s", lang, dir)
	}
	return all
}

func readYAML(t *testing.T, f string, v any) {
	t.Helper()
	data, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", f, err)
	}
}
