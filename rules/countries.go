package rules

import (
	"cmp"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// countriesFile is one countries/*.yaml: dated red / not-red / unknown
// entries for countries (ISO 3166-1 alpha-2) and areas (ISO 3166-2).
// Everything not listed as not red or unknown at an instant is red. An
// unknown entry marks a period whose classification of the area is not
// encoded: a decision that depends on it is refused.
type countriesFile struct {
	Description string         `yaml:"description"`
	Entries     []countryEntry `yaml:"entries"`
}

type countryEntry struct {
	Area      string `yaml:"area"`
	Name      string `yaml:"name"`
	Status    string `yaml:"status"`     // red, dark_red, not_red or unknown
	ValidFrom string `yaml:"valid_from"` // Europe/Oslo local, inclusive
	ValidTo   string `yaml:"valid_to"`   // Europe/Oslo local, exclusive; empty: open
	Source    string `yaml:"source"`
	Note      string `yaml:"note"`
}

// Values of countryEntry.Status.
const (
	statusRed     = "red"
	statusNotRed  = "not_red"
	statusUnknown = "unknown"
	// statusDarkRed is red, and under a version whose hotel duty follows
	// the classification (hotel.classified) a stay there means the
	// quarantine hotel, as a stay in an area not listed at all does (the
	// grey areas outside the EEA, Schengen and the United Kingdom).
	statusDarkRed = "dark_red"
)

// period is one entry's validity, in Unix seconds [from, to).
type period struct {
	from, to int64
	red      bool
	unknown  bool
	darkRed  bool
}

// classification answers whether a country or area is red at an instant.
type classification struct {
	areas map[string][]period // sorted by from, not overlapping
}

func loadCountries(fsys fs.FS, oslo *time.Location) (*classification, error) {
	names, err := fs.Glob(fsys, "countries/*.yaml")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	c := &classification{areas: map[string][]period{}}
	seenIn := map[string]string{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, &FileError{File: name, Message: err.Error()}
		}
		var f countriesFile
		if err := yaml.UnmarshalWithOptions(data, &f, yaml.Strict()); err != nil {
			return nil, &FileError{File: name, Message: yamlMessage(err)}
		}
		for i, e := range f.Entries {
			field := fmt.Sprintf("entries[%d]", i)
			p, err := e.period(oslo)
			if err != nil {
				return nil, &FileError{File: name, Field: field + err.field, Message: err.msg}
			}
			for _, q := range c.areas[e.Area] {
				if p.from < q.to && q.from < p.to {
					return nil, &FileError{File: name, Field: field, Message: fmt.Sprintf("%s overlaps another entry for %s (in %s)", e.Area, e.Area, seenIn[e.Area])}
				}
			}
			c.areas[e.Area] = append(c.areas[e.Area], p)
			seenIn[e.Area] = name
		}
	}
	for _, ps := range c.areas {
		slices.SortFunc(ps, func(a, b period) int { return cmp.Compare(a.from, b.from) })
	}
	return c, nil
}

type fieldErr struct{ field, msg string }

func (e countryEntry) period(oslo *time.Location) (period, *fieldErr) {
	if !isAreaCode(e.Area) {
		return period{}, &fieldErr{".area", fmt.Sprintf("%q is not an ISO 3166-1 alpha-2 or ISO 3166-2 code", e.Area)}
	}
	if e.Status != statusRed && e.Status != statusDarkRed && e.Status != statusNotRed && e.Status != statusUnknown {
		return period{}, &fieldErr{".status", fmt.Sprintf("%q must be red, dark_red, not_red or unknown", e.Status)}
	}
	if e.Source == "" {
		return period{}, &fieldErr{".source", "is required"}
	}
	from, err := parseLocal(e.ValidFrom, oslo)
	if err != nil {
		return period{}, &fieldErr{".valid_from", err.Error()}
	}
	p := period{from: from.Unix(), to: math.MaxInt64, red: e.Status == statusRed || e.Status == statusDarkRed,
		darkRed: e.Status == statusDarkRed, unknown: e.Status == statusUnknown}
	if e.ValidTo != "" {
		to, err := parseLocal(e.ValidTo, oslo)
		if err != nil {
			return period{}, &fieldErr{".valid_to", err.Error()}
		}
		if !to.After(from) {
			return period{}, &fieldErr{".valid_to", "must be after valid_from"}
		}
		p.to = to.Unix()
	}
	return p, nil
}

// status returns the entry for area at t, and whether it is listed at all.
func (c *classification) status(area string, t int64) (period, bool) {
	for _, p := range c.areas[area] {
		if p.from <= t && t < p.to {
			return p, true
		}
	}
	return period{}, false
}

// entry returns the entry that decides a country or area at t: its own,
// or, for an area not listed itself, its country's; own says which, and
// listed is false when neither is listed.
func (c *classification) entry(code string, t int64) (p period, own, listed bool) {
	if alias, ok := areaAliases[code]; ok {
		code = alias
	}
	if p, listed := c.status(code, t); listed {
		return p, true, true
	}
	if cc, _, ok := strings.Cut(code, "-"); ok {
		if p, listed := c.status(cc, t); listed {
			return p, false, true
		}
	}
	return period{}, false, false
}

// isRed reports whether a country or area was red at t: a country is red
// unless listed not red; an area is red unless listed not red itself, or
// its whole country is listed not red and the area is not listed red.
// unknown is set instead when the classification at t is not encoded:
// the area, or (when the area is not listed itself) its country, is
// listed unknown.
func (c *classification) isRed(code string, t int64) (red, unknown bool) {
	p, own, listed := c.entry(code, t)
	if !listed || (!own && p.red) {
		return true, false
	}
	return p.red, p.unknown
}

// isHotel reports whether a stay in a country or area at t means the
// quarantine hotel under a version whose hotel duty follows the
// classification: it is listed dark red, or neither it nor (for an area)
// its country is listed at all (grey). An area not listed itself takes its
// country's entry. unknown is set instead when the entry that decides is
// unknown.
func (c *classification) isHotel(code string, t int64) (hotel, unknown bool) {
	p, _, listed := c.entry(code, t)
	if !listed {
		return true, false
	}
	return p.darkRed, p.unknown
}

// areaAliases maps an area that has a code of its own in ISO 3166-1 as
// well as a subdivision code in ISO 3166-2 to the code the classification
// uses, so that both are classified alike: Åland is AX and FI-01.
var areaAliases = map[string]string{"AX": "FI-01"}

// isAreaCode reports whether s looks like CC or CC-XXX (one to three
// letters or digits), upper case.
func isAreaCode(s string) bool {
	cc, sub, hasSub := strings.Cut(s, "-")
	if len(cc) != 2 || !upper(cc) {
		return false
	}
	if !hasSub {
		return true
	}
	if len(sub) < 1 || len(sub) > 3 {
		return false
	}
	for i := 0; i < len(sub); i++ {
		if (sub[i] < 'A' || sub[i] > 'Z') && (sub[i] < '0' || sub[i] > '9') {
			return false
		}
	}
	return true
}

func upper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// matchesArea reports whether a visited code is, or lies in, area: "GB-ENG"
// lies in "GB".
func matchesArea(visited, area string) bool {
	if alias, ok := areaAliases[visited]; ok {
		visited = alias
	}
	return visited == area || (len(visited) > len(area) && visited[len(area)] == '-' && visited[:len(area)] == area)
}
