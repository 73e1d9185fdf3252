// Package retention holds the register's retention policy as versioned data
// (how long each category of personal data is kept, from which event, what
// happens at the end and on which legal basis), the purge that carries it
// out, legal holds, and the documents generated from the policy: the record
// of processing (GDPR art. 30) and the data-protection impact summary.
package retention

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

//go:embed policy/*.yaml
var embedded embed.FS

// EmbeddedFS returns the policy versions built into the binary.
func EmbeddedFS() fs.FS {
	sub, err := fs.Sub(embedded, "policy")
	if err != nil {
		panic(err) // the directory is embedded: cannot fail
	}
	return sub
}

// The events a period runs from.
const (
	FromArrival       = "arrival"         // the traveller's arrival in Norway
	FromFiscalYearEnd = "fiscal_year_end" // the end of the calendar year of the stay's last night
	FromClosed        = "closed"          // the day a case was closed
	FromLastChange    = "last_change"     // the last change of a record
	FromEnded         = "ended"           // the end of a session, token, link or order
	FromEntry         = "entry"           // the day an audit entry was written
)

// What happens at a period's end.
const (
	ThenDelete     = "delete"     // the rows are deleted
	ThenDeidentify = "deidentify" // the person's fields are removed; the rest stays for the next category
	ThenKeep       = "keep"       // nothing is deleted by the purge (reviewed by hand)
)

// The categories the code knows and carries out. A policy must hold each
// of them exactly once.
const (
	Registrations    = "registrations"
	FollowUp         = "followup"
	LabourNotices    = "labour_notices"
	HotelStays       = "hotel_stays"
	FeeStatements    = "fee_statements"
	Dispensations    = "dispensations"
	CitizenCases     = "citizen_cases"
	CitizenAccounts  = "citizen_accounts"
	Staff            = "staff"
	Audit            = "audit"
	Statistics       = "statistics"
	policyLanguages  = "nb nn en"
	maxPeriodYears   = 10
	suppressionBelow = 5
)

// Categories lists every category in the order documents show them.
var Categories = []string{Registrations, FollowUp, LabourNotices, HotelStays, FeeStatements, Dispensations,
	CitizenCases, CitizenAccounts, Staff, Audit, Statistics}

// SuppressBelow is the smallest count shown in statistics: smaller counts
// are shown as "fewer than 5", so that no one is recognised from them.
const SuppressBelow = suppressionBelow

// Policy is one version of the retention policy.
type Policy struct {
	ID          string
	InForceFrom time.Time
	Provenance  string
	// BackupDays is how long a backup is kept; deletion reaches backups
	// at most this long after the purge.
	BackupDays int
	Categories []Category
	File       string
}

// Category is how long one category of data is kept.
type Category struct {
	Key     string            `yaml:"key"`
	From    string            `yaml:"from"`
	Period  Period            `yaml:"period"`
	Then    string            `yaml:"then"`
	Remains string            `yaml:"remains"`
	Data    map[string]string `yaml:"data"`
	Why     map[string]string `yaml:"why"`
	Basis   []Basis           `yaml:"basis"`
}

// Period is a length of time in calendar units; the zero period means
// "kept" (for categories that are not deleted).
type Period struct {
	Years  int `yaml:"years"`
	Months int `yaml:"months"`
	Days   int `yaml:"days"`
}

// Basis is the legal basis of a period: the provision cited, the words
// quoted, where and when they were published, and whether we verified them.
type Basis struct {
	Citation string `yaml:"citation"`
	Quote    string `yaml:"quote"`
	Source   string `yaml:"source"`
	URL      string `yaml:"url"`
	Date     string `yaml:"date"`
	Verified bool   `yaml:"verified"`
	Note     string `yaml:"note"`
}

// After returns t moved forward by the period, in Europe/Oslo calendar
// days, months and years.
func (p Period) After(t time.Time) time.Time {
	l := t.In(oslo)
	return l.AddDate(p.Years, p.Months, p.Days)
}

// Before returns t moved back by the period: the newest instant whose
// period has ended by t.
func (p Period) Before(t time.Time) time.Time {
	l := t.In(oslo)
	return l.AddDate(-p.Years, -p.Months, -p.Days)
}

// Zero reports whether the period is empty.
func (p Period) Zero() bool { return p == Period{} }

// String writes the period in English, such as "20 days" or "5 years".
func (p Period) String() string {
	return p.In("en")
}

// In writes the period in lang (nb, nn or en), such as "20 dagar".
func (p Period) In(lang string) string {
	var parts []string
	add := func(n int, unit [2]string) {
		if n == 0 {
			return
		}
		u := unit[1]
		if n == 1 {
			u = unit[0]
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, u))
	}
	w := periodWords[lang]
	if w == nil {
		w = periodWords["en"]
	}
	add(p.Years, w["year"])
	add(p.Months, w["month"])
	add(p.Days, w["day"])
	if len(parts) == 0 {
		return w["kept"][0]
	}
	return strings.Join(parts, " ")
}

var periodWords = map[string]map[string][2]string{
	"nb": {"year": {"år", "år"}, "month": {"måned", "måneder"}, "day": {"dag", "dager"}, "kept": {"tas vare på"}},
	"nn": {"year": {"år", "år"}, "month": {"månad", "månader"}, "day": {"dag", "dagar"}, "kept": {"blir teke vare på"}},
	"en": {"year": {"year", "years"}, "month": {"month", "months"}, "day": {"day", "days"}, "kept": {"kept"}},
}

// Category returns the category with the key; every policy that loaded
// has every key of Categories.
func (p *Policy) Category(key string) Category {
	for _, c := range p.Categories {
		if c.Key == key {
			return c
		}
	}
	panic("retention: unknown category " + key)
}

// Book is every policy version, oldest first.
type Book struct {
	versions []*Policy
}

// Versions returns the policy versions, oldest first.
func (b *Book) Versions() []*Policy { return b.versions }

// At returns the version in force at t, or the oldest when t is before
// every version (a policy is applied to all data held when it is in force).
func (b *Book) At(t time.Time) *Policy {
	p := b.versions[0]
	for _, v := range b.versions {
		if !v.InForceFrom.After(t) {
			p = v
		}
	}
	return p
}

// Latest returns the newest version.
func (b *Book) Latest() *Policy { return b.versions[len(b.versions)-1] }

// MustEmbedded returns the embedded policy versions; they are checked by
// the package's tests, so a failure is a build mistake.
func MustEmbedded() *Book {
	b, err := Load(EmbeddedFS())
	if err != nil {
		panic(err)
	}
	return b
}

// FileError names the file and field of a policy that does not load.
type FileError struct {
	File, Field, Problem string
}

func (e *FileError) Error() string {
	if e.Field == "" {
		return e.File + ": " + e.Problem
	}
	return e.File + ": " + e.Field + ": " + e.Problem
}

type fileYAML struct {
	ID          string     `yaml:"id"`
	InForceFrom string     `yaml:"in_force_from"`
	Provenance  string     `yaml:"provenance"`
	BackupDays  int        `yaml:"backup_days"`
	Categories  []Category `yaml:"categories"`
}

// Load reads every *.yaml file of fsys as a policy version and checks it:
// each category the code carries out present once, with a known event, a
// known action, a period no longer than ten years, its data and purpose in
// nb, nn and en, and at least one legal basis with citation, quote, source
// and date (YYYY-MM-DD). Unknown fields are errors. A version that fails is
// a *FileError.
func Load(fsys fs.FS) (*Book, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, &FileError{File: ".", Problem: "no policy versions (*.yaml)"}
	}
	b := &Book{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		p, err := parse(path.Base(name), data)
		if err != nil {
			return nil, err
		}
		b.versions = append(b.versions, p)
	}
	slices.SortFunc(b.versions, func(x, y *Policy) int { return x.InForceFrom.Compare(y.InForceFrom) })
	for i := 1; i < len(b.versions); i++ {
		if b.versions[i].InForceFrom.Equal(b.versions[i-1].InForceFrom) {
			return nil, &FileError{File: b.versions[i].File, Field: "in_force_from", Problem: "the same as " + b.versions[i-1].File}
		}
	}
	return b, nil
}

func parse(file string, data []byte) (*Policy, error) {
	var f fileYAML
	if err := yaml.UnmarshalWithOptions(data, &f, yaml.Strict()); err != nil {
		return nil, &FileError{File: file, Problem: yaml.FormatError(err, false, true)}
	}
	fail := func(field, problem string) error { return &FileError{File: file, Field: field, Problem: problem} }
	if f.ID == "" {
		return nil, fail("id", "is missing")
	}
	at, err := time.ParseInLocation("2006-01-02T15:04", f.InForceFrom, oslo)
	if err != nil {
		return nil, fail("in_force_from", "is not a local time written YYYY-MM-DDTHH:MM")
	}
	if strings.TrimSpace(f.Provenance) == "" {
		return nil, fail("provenance", "is missing: say what was verified and what was not")
	}
	if f.BackupDays < 1 {
		return nil, fail("backup_days", "must be at least 1")
	}
	seen := map[string]bool{}
	for i, c := range f.Categories {
		field := fmt.Sprintf("categories[%d]", i)
		if !slices.Contains(Categories, c.Key) {
			return nil, fail(field+".key", fmt.Sprintf("%q is not a category the purge knows (%s)", c.Key, strings.Join(Categories, ", ")))
		}
		if seen[c.Key] {
			return nil, fail(field+".key", c.Key+" appears twice")
		}
		seen[c.Key] = true
		if err := checkCategory(c); err != "" {
			return nil, fail(field+"."+strings.SplitN(err, " ", 2)[0], strings.SplitN(err, " ", 2)[1])
		}
	}
	for _, k := range Categories {
		if !seen[k] {
			return nil, fail("categories", "category "+k+" is missing")
		}
	}
	if f.BackupDays > f.categoryDays(Registrations) {
		return nil, fail("backup_days", "is longer than the registrations' period: deletion would not reach backups in time")
	}
	return &Policy{ID: f.ID, InForceFrom: at, Provenance: f.Provenance, BackupDays: f.BackupDays,
		Categories: sortedCategories(f.Categories), File: file}, nil
}

func (f *fileYAML) categoryDays(key string) int {
	for _, c := range f.Categories {
		if c.Key == key {
			return c.Period.Years*365 + c.Period.Months*30 + c.Period.Days
		}
	}
	return 0
}

// checkCategory returns "" or "field problem".
func checkCategory(c Category) string {
	switch c.From {
	case FromArrival, FromFiscalYearEnd, FromClosed, FromLastChange, FromEnded, FromEntry:
	default:
		return "from is not a known event"
	}
	switch c.Then {
	case ThenDelete, ThenDeidentify:
		if c.Period.Zero() {
			return "period is empty: a category that is deleted needs a period"
		}
	case ThenKeep:
	default:
		return "then must be delete, deidentify or keep"
	}
	if c.Period.Years < 0 || c.Period.Months < 0 || c.Period.Days < 0 || c.Period.Years > maxPeriodYears {
		return "period must be positive and at most ten years"
	}
	for _, lang := range strings.Fields(policyLanguages) {
		if strings.TrimSpace(c.Data[lang]) == "" {
			return "data." + lang + " is missing"
		}
		if strings.TrimSpace(c.Why[lang]) == "" {
			return "why." + lang + " is missing"
		}
	}
	if len(c.Basis) == 0 {
		return "basis is missing: every period needs a legal basis"
	}
	for i, b := range c.Basis {
		f := fmt.Sprintf("basis[%d]", i)
		switch {
		case b.Citation == "":
			return f + ".citation is missing"
		case b.Quote == "":
			return f + ".quote is missing"
		case b.Source == "":
			return f + ".source is missing"
		}
		if _, err := time.Parse(time.DateOnly, b.Date); err != nil {
			return f + ".date is not written YYYY-MM-DD"
		}
		if !b.Verified && b.Note == "" {
			return f + ".note is missing: say what could not be verified"
		}
	}
	return ""
}

func sortedCategories(cs []Category) []Category {
	out := slices.Clone(cs)
	slices.SortFunc(out, func(a, b Category) int {
		return slices.Index(Categories, a.Key) - slices.Index(Categories, b.Key)
	})
	return out
}

// Verified reports whether every basis of the category was verified.
func (c Category) Verified() bool {
	for _, b := range c.Basis {
		if !b.Verified {
			return false
		}
	}
	return true
}

var oslo = mustLoadLocation("Europe/Oslo")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}
