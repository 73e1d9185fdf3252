package norway

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	in2020 = date(2020, 12, 20) // inside the 2020–2023 snapshot
	in2024 = date(2024, 6, 1)   // inside the snapshot from 2024
)

func TestMunicipalityAt(t *testing.T) {
	tests := []struct {
		code   string
		at     time.Time
		name   string
		county string
		ok     bool
	}{
		// Spot checks from data/SOURCES.md.
		{"0301", in2020, "Oslo", "03", true},
		{"4601", in2020, "Bergen", "46", true},
		{"5401", in2020, "Tromsø", "54", true},
		{"3001", in2020, "Halden", "30", true},
		{"1507", in2020, "Ålesund", "15", true},
		{"3101", in2024, "Halden", "31", true},
		{"5501", in2024, "Tromsø", "55", true},
		{"1508", in2024, "Ålesund", "15", true},
		{"1580", in2024, "Haram", "15", true},
		{"0301", in2024, "Oslo", "03", true},
		// Codes that do not exist on the date.
		{"3101", in2020, "", "", false},
		{"5401", in2024, "", "", false},
		{"1580", in2020, "", "", false},
		{"0301", date(2019, 12, 31), "", "", false},
		{"9999", in2024, "", "", false},
		{"", in2024, "", "", false},
		// The snapshot changes at midnight in Oslo, not in UTC.
		{"3101", time.Date(2023, 12, 31, 23, 30, 0, 0, time.UTC), "Halden", "31", true},
		{"3001", time.Date(2023, 12, 31, 22, 59, 0, 0, time.UTC), "Halden", "30", true},
		{"0301", time.Date(2019, 12, 31, 23, 30, 0, 0, time.UTC), "Oslo", "03", true},
		// Name changes with a known day (data/name_changes.csv).
		{"1853", date(2021, 12, 31), "Evenes", "18", true},
		{"1853", date(2022, 1, 1), "Evenes - Evenášši", "18", true},
		{"5001", date(2022, 12, 31), "Trondheim", "50", true},
		{"5001", date(2023, 1, 1), "Trondheim - Tråante", "50", true},
		{"5025", date(2023, 6, 1), "Røros - Rosse", "50", true},
		// Changes known only by year are not applied.
		{"1833", date(2024, 1, 1), "Rana - Raane", "18", true},
		{"0301", date(2026, 12, 31), "Oslo", "03", true},
	}
	for _, tt := range tests {
		got, ok := MunicipalityAt(tt.code, tt.at)
		if ok != tt.ok || got.Name != tt.name || got.CountyCode != tt.county || (ok && got.Code != tt.code) {
			t.Errorf("MunicipalityAt(%q, %s) = %+v, %v; want %q in county %q, %v",
				tt.code, tt.at.Format(time.RFC3339), got, ok, tt.name, tt.county, tt.ok)
		}
	}
}

func TestCountyNames(t *testing.T) {
	tests := []struct {
		code string
		at   time.Time
		want string
	}{
		{"1804", date(2021, 12, 31), "Nordland"},
		{"1804", date(2022, 1, 1), "Nordland - Nordlánnda"},
		{"5401", date(2021, 6, 1), "Troms og Finnmark - Romsa ja Finnmárku"},
		{"5401", date(2022, 6, 1), "Troms og Finnmark - Romsa ja Finnmárku - Tromssa ja Finmarkku"},
		{"5501", in2024, "Troms - Romsa - Tromssa"},
	}
	for _, tt := range tests {
		m, _ := MunicipalityAt(tt.code, tt.at)
		if m.CountyName != tt.want {
			t.Errorf("MunicipalityAt(%q, %s).CountyName = %q, want %q", tt.code, tt.at.Format(dateLayout), m.CountyName, tt.want)
		}
		cs := Counties(tt.at)
		i := slices.IndexFunc(cs, func(c County) bool { return c.Code == m.CountyCode })
		if i < 0 || cs[i].Name != tt.want {
			t.Errorf("Counties(%s): county %s missing or misnamed", tt.at.Format(dateLayout), m.CountyCode)
		}
	}
}

func TestMunicipalitiesAndCounties(t *testing.T) {
	tests := []struct {
		at                     time.Time
		municipalities, counts int
	}{
		{date(2019, 12, 31), 0, 0},
		{date(2020, 1, 1), 356, 11},
		{in2020, 356, 11},
		{date(2023, 12, 31), 356, 11},
		{date(2024, 1, 1), 357, 15},
		{in2024, 357, 15},
		{date(2030, 1, 1), 357, 15},
	}
	for _, tt := range tests {
		ms, cs := Municipalities(tt.at), Counties(tt.at)
		if len(ms) != tt.municipalities || len(cs) != tt.counts {
			t.Errorf("%s: %d municipalities, %d counties; want %d, %d", tt.at.Format(dateLayout), len(ms), len(cs), tt.municipalities, tt.counts)
		}
		if !slices.IsSortedFunc(ms, func(a, b Municipality) int { return strings.Compare(a.Code, b.Code) }) ||
			!slices.IsSortedFunc(cs, func(a, b County) int { return strings.Compare(a.Code, b.Code) }) {
			t.Errorf("%s: not sorted by code", tt.at.Format(dateLayout))
		}
		for _, m := range ms {
			if !slices.ContainsFunc(cs, func(c County) bool { return c.Code == m.CountyCode && c.Name == m.CountyName }) {
				t.Errorf("%s: %s %s lies in county %s %q, not in Counties", tt.at.Format(dateLayout), m.Code, m.Name, m.CountyCode, m.CountyName)
			}
		}
	}
	// The caller owns the slice.
	ms := Municipalities(in2024)
	ms[0].Name = "changed"
	if again := Municipalities(in2024); again[0].Name == "changed" {
		t.Error("Municipalities returns shared storage")
	}
}

// TestNameChangesMatchData checks that each applied name change starts from
// the name the main file gives at the start of the period it falls in.
func TestNameChangesMatchData(t *testing.T) {
	r := reference()
	if len(r.changes) == 0 {
		t.Fatal("no dated name changes loaded")
	}
	for _, c := range r.changes {
		var found bool
		if c.level == "municipality" {
			for _, m := range r.byCode[c.code] {
				if validOn(c.date, m.ValidFrom, m.ValidTo) {
					found = m.Name == c.before
				}
			}
		} else {
			for _, k := range r.counties {
				if k.Code == c.code && validOn(c.date, k.ValidFrom, k.ValidTo) {
					found = k.Name == c.before
				}
			}
		}
		if !found {
			t.Errorf("name change %s %s on %s: %q is not the name in the data then", c.level, c.code, c.date.Format(dateLayout), c.before)
		}
	}
}

// TestMapping2024To2020 checks that every 2024 municipality maps to exactly
// one 2020–2023 municipality, that the mapping is injective except for the
// documented split of 1580 Haram from 1507 Ålesund, that it reaches every
// 2020 municipality, and that mapped names agree.
func TestMapping2024To2020(t *testing.T) {
	r := reference()
	if len(r.unmatched) != 0 {
		t.Errorf("2024 codes without a 2020 code: %v", r.unmatched)
	}
	old, cur := Municipalities(in2020), Municipalities(in2024)
	sources := make(map[string][]string)
	for _, m := range cur {
		code, ok := r.to2020[m.Code]
		if !ok {
			t.Errorf("%s %s: not mapped", m.Code, m.Name)
			continue
		}
		o, ok := MunicipalityAt(code, in2020)
		if !ok {
			t.Errorf("%s %s maps to %s, not a 2020 code", m.Code, m.Name, code)
			continue
		}
		sources[code] = append(sources[code], m.Code)
		if m.Code != "1580" && mappingName(o.Name) != mappingName(m.Name) {
			t.Errorf("%s %q maps to %s %q", m.Code, m.Name, o.Code, o.Name)
		}
		if predecessorCounty(m.CountyCode) != o.CountyCode {
			t.Errorf("%s in county %s maps to %s in county %s", m.Code, m.CountyCode, o.Code, o.CountyCode)
		}
	}
	for code, from := range sources {
		slices.Sort(from)
		if len(from) > 1 && !(code == "1507" && slices.Equal(from, []string{"1508", "1580"})) {
			t.Errorf("2020 code %s has several 2024 codes: %v", code, from)
		}
	}
	if len(sources) != len(old) {
		t.Errorf("%d of %d 2020 municipalities reached", len(sources), len(old))
	}
	if len(r.to2020) != len(cur) {
		t.Errorf("mapping has %d entries, want %d", len(r.to2020), len(cur))
	}
}

func TestPostalCodes(t *testing.T) {
	p, ok := LookupPostalCode("0155")
	if want := (PostalPlace{Code: "0155", Place: "OSLO", MunicipalityCode: "0301", MunicipalityName: "OSLO", Category: "G"}); !ok || p != want {
		t.Errorf("LookupPostalCode(0155) = %+v, %v; want %+v", p, ok, want)
	}
	if _, ok := LookupPostalCode("0000"); ok {
		t.Error("LookupPostalCode(0000) found")
	}

	tests := []struct {
		postal, code, name string
		at                 time.Time
		ok                 bool
	}{
		{"0155", "0301", "Oslo", in2020, true},
		{"0155", "0301", "Oslo", in2024, true},
		{"9008", "5401", "Tromsø", in2020, true},
		{"9008", "5501", "Tromsø", in2024, true},
		{"6270", "1507", "Ålesund", in2020, true}, // Brattvåg, Haram: part of Ålesund until 2024
		{"6270", "1580", "Haram", in2024, true},
		{"1776", "3001", "Halden", in2020, true},
		{"1776", "3101", "Halden", in2024, true},
		{"9170", SvalbardCode, "Svalbard", in2020, true},
		{"9170", SvalbardCode, "Svalbard", date(1990, 1, 1), true},
		{"8099", JanMayenCode, "Jan Mayen", in2024, true},
		{"0155", "", "", date(2019, 12, 31), false},
		{"0000", "", "", in2024, false},
		{"", "", "", in2024, false},
	}
	for _, tt := range tests {
		got, ok := MunicipalityForPostalCode(tt.postal, tt.at)
		if ok != tt.ok || got.Code != tt.code || got.Name != tt.name {
			t.Errorf("MunicipalityForPostalCode(%q, %s) = %+v, %v; want %s %s, %v", tt.postal, tt.at.Format(dateLayout), got, ok, tt.code, tt.name, tt.ok)
		}
	}

	// Every postal code lies in a municipality on both sides of 2024.
	for code := range reference().postal {
		for _, at := range []time.Time{in2020, in2024} {
			if _, ok := MunicipalityForPostalCode(code, at); !ok {
				t.Errorf("MunicipalityForPostalCode(%s, %s): none", code, at.Format(dateLayout))
			}
		}
	}
}

// TestEmbeddedDataMatchesShared checks that the embedded files are
// byte-identical to the published reference data they were copied from,
// whose SHA-256 sums are committed in testdata/shared-data.sha256 (written
// by sha256sum where the reference data is; scripts/check-shared-data.sh
// compares the files themselves there).
func TestEmbeddedDataMatchesShared(t *testing.T) {
	sums, err := os.ReadFile(filepath.Join("testdata", "shared-data.sha256"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		want, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("testdata/shared-data.sha256: malformed line %q", line)
		}
		got, err := dataFiles.ReadFile("data/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(got); hex.EncodeToString(sum[:]) != want {
			t.Errorf("data/%s differs from the reference copy", name)
		}
		checked++
	}
	entries, err := dataFiles.ReadDir("data")
	if err != nil {
		t.Fatal(err)
	}
	if checked != len(entries) {
		t.Errorf("checked %d files; data/ embeds %d", checked, len(entries))
	}
}

func TestAttribution(t *testing.T) {
	for _, s := range []string{"Statistisk sentralbyrå", "Posten Norge AS", "CC BY 4.0"} {
		if !strings.Contains(Attribution, s) {
			t.Errorf("Attribution lacks %q", s)
		}
	}
	if !strings.Contains(DataSources(), "Attribution:") {
		t.Error("DataSources does not return SOURCES.md")
	}
}

func BenchmarkMunicipalityForPostalCode(b *testing.B) {
	codes := []string{"0155", "9008", "6270", "1776", "9170"}
	dates := []time.Time{in2020, in2024}
	reference() // parse the data before timing
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_, _ = MunicipalityForPostalCode(codes[i%len(codes)], dates[i%len(dates)])
	}
}

// TestMunicipalityNear names a code for a date it was not in use: a code
// of 2020–2023 after the reform of 2024, and a code of 2024 before it,
// each by the period closest to the date.
func TestMunicipalityNear(t *testing.T) {
	tests := []struct {
		code   string
		at     time.Time
		name   string
		county string
		ok     bool
	}{
		{"3001", in2024, "Halden", "30", true}, // the 2020–2023 number, asked in 2024
		{"5401", date(2026, 12, 7), "Tromsø", "54", true},
		{"3101", in2020, "Halden", "31", true}, // the 2024 number, asked in 2020
		{"0301", in2024, "Oslo", "03", true},   // valid on the date
		{"9999", in2024, "", "", false},
		{"", in2024, "", "", false},
	}
	for _, tt := range tests {
		got, ok := MunicipalityNear(tt.code, tt.at)
		if ok != tt.ok || got.Name != tt.name || got.CountyCode != tt.county {
			t.Errorf("MunicipalityNear(%q, %s) = %+v, %v; want %q in county %q, %v",
				tt.code, tt.at.Format(time.DateOnly), got, ok, tt.name, tt.county, tt.ok)
		}
	}
}
