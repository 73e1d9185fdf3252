package rules

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Oslo without the system's zoneinfo

	"github.com/goccy/go-yaml"

	"beredskap"
)

//go:embed versions/*.yaml countries/*.yaml texts/*.yaml
var embedded embed.FS

// Book is a loaded, validated set of rule versions, the dated country
// classification and the reason texts. It is immutable after Load and safe
// for concurrent use.
type Book struct {
	versions []*Version // by InForceFrom
	starts   []int64    // Unix seconds of each version's InForceFrom
	oslo     *time.Location
	texts    *catalogue
	red      *classification
	codes    map[string]bool // every reason and warning code the versions can give
	// amendments are the sources of all versions by id, for citations
	// that name another version's amendment.
	amendments map[string]Source
}

// Version is one rule version (regelversjon): what the rules in force from
// InForceFrom ask. Hash is the hex SHA-256 of the file's bytes.
type Version struct {
	ID          string
	InForceFrom time.Time
	Source      Source
	Provenance  string
	Hash        string
	// File is the path of the version's file in the rule directory.
	File string
	// CoveredUntil, when not zero, is the instant from which a later
	// amendment that is not encoded applies: arrivals from then until the
	// next version are refused.
	CoveredUntil time.Time

	ruleSet  beredskap.RuleSetRef
	p        *params
	followUp *FollowUpParams
	// dispensation is nil before § 6j (2020-12-23 12:00).
	dispensation *DispensationParams
	cases        []exampleCase
}

// FileError is a problem with one rule file: the file, the field (a path
// such as hotel.groups[2].documents), and what is wrong.
type FileError struct {
	File    string
	Field   string
	Message string
}

func (e *FileError) Error() string {
	if e.Field != "" {
		return e.File + ": " + e.Field + ": " + e.Message
	}
	return e.File + ": " + e.Message
}

var _ beredskap.Evaluator = (*Book)(nil)

// EmbeddedFS returns the rule directory embedded in the binary (versions/,
// countries/, texts/), so that it can be checked like any other directory.
func EmbeddedFS() fs.FS { return embedded }

var embeddedBook = sync.OnceValues(func() (*Book, error) { return Load(embedded) })

// Embedded returns the Book of the rule versions embedded in the binary.
// It is loaded once and shared.
func Embedded() (*Book, error) { return embeddedBook() }

// Load reads and validates a complete rule directory: texts/*.yaml (one file
// per language, en required), countries/*.yaml, versions/_base.yaml (the
// base registration of example cases) and versions/*.yaml (one file per
// rule version). Errors are *FileError and name the file and field.
func Load(fsys fs.FS) (*Book, error) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		return nil, fmt.Errorf("load rules: %w", err)
	}
	b := &Book{oslo: oslo, codes: map[string]bool{}}
	if b.texts, err = loadTexts(fsys); err != nil {
		return nil, err
	}
	if b.red, err = loadCountries(fsys, oslo); err != nil {
		return nil, err
	}
	base, err := loadBase(fsys)
	if err != nil {
		return nil, err
	}
	if b.amendments, err = loadAmendments(fsys); err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, "versions/*.yaml")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	byID := map[string]string{}
	for _, name := range names {
		if strings.HasPrefix(pathBase(name), "_") {
			continue
		}
		v, err := b.loadVersion(fsys, name, base)
		if err != nil {
			return nil, err
		}
		if other, ok := byID[v.ID]; ok {
			return nil, &FileError{File: name, Field: "id", Message: fmt.Sprintf("%q is also the id of %s", v.ID, other)}
		}
		byID[v.ID] = name
		b.versions = append(b.versions, v)
	}
	if len(b.versions) == 0 {
		return nil, &FileError{File: "versions", Message: "holds no rule version"}
	}
	sort.SliceStable(b.versions, func(i, j int) bool { return b.versions[i].InForceFrom.Before(b.versions[j].InForceFrom) })
	for i, v := range b.versions {
		if i > 0 && v.InForceFrom.Equal(b.versions[i-1].InForceFrom) {
			return nil, &FileError{File: v.File, Field: "in_force_from", Message: "is the same instant as in " + b.versions[i-1].File}
		}
		b.starts = append(b.starts, v.InForceFrom.Unix())
	}
	return b, nil
}

func pathBase(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// Versions returns the rule versions ordered by their in-force instant.
func (b *Book) Versions() []*Version { return slices.Clone(b.versions) }

// At returns the version in force at t. Before the first version it returns
// an EINVALID error on arrival_time with reason no_rule_version.
func (b *Book) At(t time.Time) (*Version, error) {
	v := b.at(t.Unix())
	if v == nil {
		return nil, noVersion(b)
	}
	return v, nil
}

func (b *Book) at(unix int64) *Version {
	// The last version whose start is at or before unix.
	i := sort.Search(len(b.starts), func(i int) bool { return b.starts[i] > unix })
	if i == 0 {
		return nil
	}
	return b.versions[i-1]
}

func noVersion(b *Book) error {
	return beredskap.Invalid("arrival_time", "no_rule_version",
		"is before the first rule version in force ("+b.versions[0].InForceFrom.Format(time.RFC3339)+")")
}

// Codes returns every reason and warning code the loaded versions can
// give, sorted; each has a text in English at least.
func (b *Book) Codes() []string {
	out := make([]string, 0, len(b.codes))
	for c := range b.codes {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Languages returns the languages that have texts, in file-name order.
func (b *Book) Languages() []string { return slices.Clone(b.texts.langs) }

// yamlMessage shortens a go-yaml error to its message with line and column.
func yamlMessage(err error) string {
	return strings.TrimSpace(yaml.FormatError(err, false, false))
}
