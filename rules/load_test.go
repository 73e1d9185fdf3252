package rules_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/goccy/go-yaml"

	"beredskap"
	"beredskap/rules"
)

// copyFS returns a writable copy of the embedded rule directory.
func copyFS(t testing.TB) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(rules.EmbeddedFS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(rules.EmbeddedFS(), path)
		m[path] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func edit(t *testing.T, m fstest.MapFS, name, old, new string) {
	t.Helper()
	s := string(m[name].Data)
	if !strings.Contains(s, old) {
		t.Fatalf("%s does not contain %q", name, old)
	}
	m[name] = &fstest.MapFile{Data: []byte(strings.Replace(s, old, new, 1))}
}

const v1213 = "versions/2020-12-13-1700.yaml"

func TestLoadErrorsNameFileAndField(t *testing.T) {
	tests := []struct {
		name        string
		change      func(t *testing.T, m fstest.MapFS)
		file, field string
	}{
		{"unknown field", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, v1213, "quarantine:\n  days: 10\n", "quarantine:\n  days: 10\n  dayz: 11\n")
		}, v1213, ""},
		{"unknown field in a group", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, v1213, "    - group: 5\n", "    - group: 5\n      colour: red\n")
		}, v1213, ""},
		{"missing in_force_from", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, v1213, "in_force_from: \"2020-12-13T17:00\"\n", "")
		}, v1213, "in_force_from"},
		{"bad in_force_from", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, v1213, "\"2020-12-13T17:00\"", "\"13.12.2020 kl. 17\"")
		}, v1213, "in_force_from"},
		{"duplicate id", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "versions/2021-01-02.yaml", "id: \"2021-01-02\"", "id: \"2020-12-13-1700\"")
		}, "versions/2021-01-02.yaml", "id"},
		{"unknown document", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, v1213, "documents: [[employer_confirmation]]", "documents: [[employer_letter]]")
		}, v1213, "hotel.groups[2].documents[0][0]"},
		{"unknown claim", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, v1213, "claim: invited_by_state", "claim: invited_by_king")
		}, v1213, "full_exemptions[2].claim"},
		{"code without text", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, v1213, "reason: restrictions_full", "reason: restrictions_whole")
		}, v1213, "quarantine.restrictions.full"},
		{"unknown field in a case registration", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, v1213, "registration: {family_of_resident: true, accommodation: {type: family_home}, documents: [marriage_certificate, lease_contract]}",
				"registration: {family_of_resident: true, accommodation: {type: family_home, sauna: true}, documents: [marriage_certificate, lease_contract]}")
		}, v1213, "cases[3].registration"},
		{"overlapping classification", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "countries/classification.yaml", "valid_from: \"2020-12-21\"\n", "valid_from: \"2020-12-20\"\n")
		}, "countries/classification.yaml", "entries[3]"},
		{"classification status not red, not_red or unknown", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "countries/2021-2022.yaml", "status: unknown\n", "status: purple\n")
		}, "countries/2021-2022.yaml", "entries[0].status"},
		{"unknown week overlapping an encoded week", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "countries/2021-2022.yaml", "valid_to: \"2021-11-01\"\n", "valid_to: \"2021-11-02\"\n")
		}, "countries/2021-2022.yaml", ""},
		{"certificate status not in the contract", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "versions/2021-09-25-1600.yaml", "status: [vaccinated, recovered]", "status: [vaccinated, first_dose]")
		}, "versions/2021-09-25-1600.yaml", "protected.status[1]"},
		{"hotel for stays in an area that is no code", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "versions/2021-11-27.yaml", "\n  if_visited: [ZA, NA,", "\n  if_visited: [South Africa, NA,")
		}, "versions/2021-11-27.yaml", "hotel.if_visited[0]"},
		{"a test waived for a claim the version has no exemption for", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "versions/2022-01-26.yaml", "  - claim: transport_personnel\n    ref: \"@entry_measures_2022\"\n", "")
		}, "versions/2022-01-26.yaml", "tests[0].unless_exemption"},
		{"test exemptions in a version with quarantine", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "versions/2021-12-03.yaml", "tests:\n", "test_exemptions:\n  - claim: transport_personnel\n    ref: \"@test_all_2021\"\ntests:\n")
		}, "versions/2021-12-03.yaml", "test_exemptions"},
		{"a Lovtidend number that is no number", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "versions/2021-01-18-1700.yaml", "number: \"93\"", "number: \"FOR-2021-01-15-93\"")
		}, "versions/2021-01-18-1700.yaml", "source.number"},
		{"a Lovtidend number without the amendment's address at Lovdata", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "versions/2021-01-18-1700.yaml", "url: \"https://lovdata.no/dokument/LTI/forskrift/2021-01-15-93\"",
				"url: \"https://lovdata.no/dokument/SF/forskrift/2020-03-27-470\"")
		}, "versions/2021-01-18-1700.yaml", "source.url"},
		{"a Lovtidend number whose date is not the amendment's", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "versions/2021-01-18-1700.yaml", "date: \"2021-01-15\"", "date: \"2021-01-18\"")
		}, "versions/2021-01-18-1700.yaml", "source.url"},
		{"a source text citing the amendment of an unknown version", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "texts/nb.yaml", "{amendment:2021-12-03}", "{amendment:2021-12-04}")
		}, "versions/2021-12-03.yaml", ""},
		{"texts file of another language", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "texts/nn.yaml", "language: nn", "language: nb")
		}, "texts/nn.yaml", "language"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := copyFS(t)
			tt.change(t, m)
			_, err := rules.Load(m)
			var fe *rules.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Load() = %v; want a *FileError", err)
			}
			if fe.File != tt.file || (tt.field != "" && fe.Field != tt.field) {
				t.Errorf("error %q names file %q field %q; want %q %q", err, fe.File, fe.Field, tt.file, tt.field)
			}
			if _, err := rules.Check(m); err == nil {
				t.Error("Check() of a broken directory returned no error")
			}
		})
	}
}

func TestCheckReportsBrokenCase(t *testing.T) {
	m := copyFS(t)
	// The worker arriving at 17:00 pays 500; claim 1500 instead.
	edit(t, m, v1213, "expect: {hotel: true, fee: 500, payer: employer, first_day: \"2020-12-13\"",
		"expect: {hotel: true, fee: 1500, payer: employer, first_day: \"2020-12-13\"")
	rep, err := rules.Check(m)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Failed != 1 {
		t.Fatalf("report: %d passed, %d failed; want exactly one failure", rep.Passed, rep.Failed)
	}
	var b strings.Builder
	rep.WriteTo(&b)
	if !strings.Contains(b.String(), "hotel.fee_nok_per_night: got 500, want 1500") || !strings.Contains(b.String(), "FAIL 2020-12-13-1700") {
		t.Errorf("report does not show the difference:\n%s", b.String())
	}
}

// A new version that only changes parameters needs no code change: here a
// made-up version raises the adult fee, drops group 4 and shortens quarantine.
func TestNewVersionIsData(t *testing.T) {
	m := copyFS(t)
	data := string(m["versions/2021-02-15.yaml"].Data)
	data = strings.Replace(data, `id: "2021-02-15"`, `id: "2021-03-01"`, 1)
	data = strings.Replace(data, `in_force_from: "2021-02-15T00:00"`, `in_force_from: "2021-03-01T00:00"`, 1)
	data = strings.Replace(data, `covered_until: "2021-02-23T00:00"`, `covered_until: "2021-04-01T00:00"`, 1)
	data = strings.Replace(data, "code: fee_adult, min_age: 18, per_night: 500", "code: fee_adult, min_age: 18, per_night: 700", 1)
	data = strings.Replace(data, "  days: 10\n", "  days: 8\n", 1)
	i := strings.Index(data, "    - group: 4\n")
	j := strings.Index(data, "    - group: 5\n")
	data = data[:i] + data[j:]
	data = data[:strings.Index(data, "cases:\n")]
	m["versions/2021-03-01.yaml"] = &fstest.MapFile{Data: []byte(data)}
	b, err := rules.Load(m)
	if err != nil {
		t.Fatal(err)
	}
	r := base()
	r.ArrivalTime = "2021-03-02T10:00:00+01:00"
	d, err := b.Evaluate(&r, "en")
	if err != nil {
		t.Fatal(err)
	}
	checkDecision(t, d, want{ruleSet: "2021-03-01", hotel: yes, group: ptr(0), fee: ptr(700), last: "2021-03-10"})
}

func TestVersionsHashAndOrder(t *testing.T) {
	b := mustBook(t)
	vs := b.Versions()
	if len(vs) < 9 {
		t.Fatalf("%d versions; want at least 9", len(vs))
	}
	for i, v := range vs {
		data, err := fs.ReadFile(rules.EmbeddedFS(), v.File)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if v.Hash != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: hash %s is not the SHA-256 of %s", v.ID, v.Hash, v.File)
		}
		if i > 0 && !vs[i-1].InForceFrom.Before(v.InForceFrom) {
			t.Errorf("%s is not after %s", v.ID, vs[i-1].ID)
		}
		if strings.TrimSpace(v.Provenance) == "" || v.Source.Title == "" {
			t.Errorf("%s lacks provenance or source", v.ID)
		}
	}
	oslo, _ := time.LoadLocation("Europe/Oslo")
	want := time.Date(2020, 12, 13, 17, 0, 0, 0, oslo)
	v, err := b.At(want)
	if err != nil || v.ID != "2020-12-13-1700" || !v.InForceFrom.Equal(want) {
		t.Errorf("At(2020-12-13 17:00 Oslo) = %v, %v", v, err)
	}
	if v, _ := b.At(want.Add(-time.Nanosecond)); v == nil || v.ID != "2020-11-20" {
		t.Errorf("At(16:59:59.999999999) = %v; want 2020-11-20", v)
	}
	_, err = b.At(time.Date(2020, 11, 1, 0, 0, 0, 0, time.UTC))
	var e *beredskap.Error
	if !errors.As(err, &e) || e.Field != "arrival_time" || e.Reason != "no_rule_version" {
		t.Errorf("At(before all) error %v; want invalid arrival_time no_rule_version", err)
	}
}

// Every code a decision may carry has a text in every language, and no
// language has codes English lacks.
func TestTextsComplete(t *testing.T) {
	files := map[string]map[string]string{}
	for _, lang := range []string{"en", "nb", "nn"} {
		data, err := fs.ReadFile(rules.EmbeddedFS(), "texts/"+lang+".yaml")
		if err != nil {
			t.Fatal(err)
		}
		files[lang] = parseTexts(t, data)
	}
	for code := range files["en"] {
		for lang, texts := range files {
			if texts[code] == "" {
				t.Errorf("code %q has no text in %s", code, lang)
			}
		}
	}
	for lang, texts := range files {
		for code := range texts {
			if _, ok := files["en"][code]; !ok {
				t.Errorf("%s has code %q that English lacks", lang, code)
			}
		}
	}
	// Every code the loaded versions can give has a text in every language
	// (Load itself only insists on English, falling back to it).
	b := mustBook(t)
	if len(b.Codes()) < 40 {
		t.Fatalf("Codes() = %d codes; want the full vocabulary", len(b.Codes()))
	}
	for _, code := range b.Codes() {
		for lang, texts := range files {
			if texts[code] == "" {
				t.Errorf("code %q used by the rules has no text in %s", code, lang)
			}
		}
	}
}

func parseTexts(t *testing.T, data []byte) map[string]string {
	t.Helper()
	var f struct {
		Language string            `yaml:"language"`
		Texts    map[string]string `yaml:"texts"`
	}
	if err := yaml.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	return f.Texts
}
