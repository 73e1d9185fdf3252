package norway

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	// The reference data is compared by Europe/Oslo calendar date; the
	// embedded time zone database makes that work on machines without one.
	_ "time/tzdata"
)

// Attribution credits the sources of the embedded reference data, as
// data/SOURCES.md asks. Show it wherever the data is shown or exported.
const Attribution = "Kommune- og fylkesnummer: Kilde: Statistisk sentralbyrå (SSB), " +
	"Klass 131 og 104, NLOD/CC BY 4.0. Postnummer: Posten Norge AS, Postnummerregister."

//go:embed data/municipalities.csv data/counties.csv data/postal_codes.tsv data/name_changes.csv data/SOURCES.md
var dataFiles embed.FS

// DataSources returns data/SOURCES.md, which names the source, version and
// licence of every embedded data file.
func DataSources() string {
	b, err := dataFiles.ReadFile("data/SOURCES.md")
	if err != nil {
		panic("norway: embedded SOURCES.md missing: " + err.Error())
	}
	return string(b)
}

// dateLayout is the layout of dates in the data files.
const dateLayout = "2006-01-02"

// refData holds the parsed reference data. It is built once and never
// changed afterwards.
type refData struct {
	municipalities []Municipality            // every period, sorted by code then ValidFrom
	byCode         map[string][]Municipality // the periods of one code
	counties       []County                  // every period, sorted by code then ValidFrom
	changes        []nameChange              // changes with a known date only
	postal         map[string]PostalPlace
	// to2020 maps a municipality code of 2024 to the code of the same place
	// in the 2020–2023 snapshot. See buildMapping.
	to2020    map[string]string
	unmatched []string // 2024 codes missing from to2020; empty, as the tests check
	// postalNumbering is the first day of the numbering the postal codes use.
	postalNumbering time.Time
}

// nameChange is a row of name_changes.csv whose date is known to the day.
type nameChange struct {
	level, code, before, after string
	date                       time.Time
}

// reference returns the parsed reference data, parsing it on first use. The
// data is embedded and checked by the tests, so a parse error is a bug and
// panics.
var reference = sync.OnceValue(func() *refData {
	r, err := loadReference()
	if err != nil {
		panic("norway: embedded reference data: " + err.Error())
	}
	return r
})

// oslo returns the Europe/Oslo location.
var oslo = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		panic("norway: time zone Europe/Oslo: " + err.Error())
	}
	return loc
})

// osloDate returns the Europe/Oslo calendar date of t at midnight UTC, the
// form in which the reference data holds its dates.
func osloDate(t time.Time) time.Time {
	y, m, d := t.In(oslo()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// validOn reports whether date lies in [from, to], an open to being zero.
func validOn(date, from, to time.Time) bool {
	return !date.Before(from) && (to.IsZero() || !date.After(to))
}

func loadReference() (*refData, error) {
	r := &refData{byCode: make(map[string][]Municipality), postal: make(map[string]PostalPlace)}
	var err error
	if r.municipalities, err = loadMunicipalities(); err != nil {
		return nil, err
	}
	for _, m := range r.municipalities {
		r.byCode[m.Code] = append(r.byCode[m.Code], m)
	}
	if r.counties, err = loadCounties(); err != nil {
		return nil, err
	}
	if r.changes, err = loadNameChanges(); err != nil {
		return nil, err
	}
	if err := r.loadPostal(); err != nil {
		return nil, err
	}
	r.to2020, r.unmatched = buildMapping(r.municipalities)
	r.postalNumbering, _ = time.Parse(dateLayout, snapshot2024)
	return r, nil
}

// readCSV returns the rows of an embedded CSV file after checking its header.
func readCSV(name, header string) ([][]string, error) {
	b, err := dataFiles.ReadFile(name)
	if err != nil {
		return nil, err
	}
	rd := csv.NewReader(bytes.NewReader(b))
	head, err := rd.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if got := strings.Join(head, ","); got != header {
		return nil, fmt.Errorf("%s: header %q, want %q", name, got, header)
	}
	var rows [][]string
	for {
		row, err := rd.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		rows = append(rows, row)
	}
}

// parsePeriod parses valid_from and an optional valid_to.
func parsePeriod(from, to string) (time.Time, time.Time, error) {
	f, err := time.Parse(dateLayout, from)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if to == "" {
		return f, time.Time{}, nil
	}
	t, err := time.Parse(dateLayout, to)
	return f, t, err
}

func loadMunicipalities() ([]Municipality, error) {
	rows, err := readCSV("data/municipalities.csv", "code,name,county_code,county_name,valid_from,valid_to")
	if err != nil {
		return nil, err
	}
	ms := make([]Municipality, 0, len(rows))
	for i, row := range rows {
		from, to, err := parsePeriod(row[4], row[5])
		if err != nil || !isDigits(row[0], 4) || !strings.HasPrefix(row[0], row[2]) {
			return nil, fmt.Errorf("municipalities.csv row %d: bad code or dates", i+2)
		}
		ms = append(ms, Municipality{Code: row[0], Name: row[1], CountyCode: row[2], CountyName: row[3], ValidFrom: from, ValidTo: to})
	}
	slices.SortFunc(ms, func(a, b Municipality) int {
		if c := strings.Compare(a.Code, b.Code); c != 0 {
			return c
		}
		return a.ValidFrom.Compare(b.ValidFrom)
	})
	return ms, nil
}

func loadCounties() ([]County, error) {
	rows, err := readCSV("data/counties.csv", "code,name,valid_from,valid_to")
	if err != nil {
		return nil, err
	}
	cs := make([]County, 0, len(rows))
	for i, row := range rows {
		from, to, err := parsePeriod(row[2], row[3])
		if err != nil || !isDigits(row[0], 2) {
			return nil, fmt.Errorf("counties.csv row %d: bad code or dates", i+2)
		}
		cs = append(cs, County{Code: row[0], Name: row[1], ValidFrom: from, ValidTo: to})
	}
	slices.SortFunc(cs, func(a, b County) int {
		if c := strings.Compare(a.Code, b.Code); c != 0 {
			return c
		}
		return a.ValidFrom.Compare(b.ValidFrom)
	})
	return cs, nil
}

// loadNameChanges returns the name changes whose change_date is a full
// date. Rows with a year only or no date are left out: the name in
// municipalities.csv or counties.csv stands for the whole period then.
func loadNameChanges() ([]nameChange, error) {
	rows, err := readCSV("data/name_changes.csv", "level,code,name_before,name_after,change_date,date_status,evidence")
	if err != nil {
		return nil, err
	}
	var cs []nameChange
	for _, row := range rows {
		date, err := time.Parse(dateLayout, row[4])
		if err != nil {
			continue
		}
		cs = append(cs, nameChange{level: row[0], code: row[1], before: row[2], after: row[3], date: date})
	}
	slices.SortStableFunc(cs, func(a, b nameChange) int { return a.date.Compare(b.date) })
	return cs, nil
}

func (r *refData) loadPostal() error {
	b, err := dataFiles.ReadFile("data/postal_codes.tsv")
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if lines[0] != "postal_code\tplace\tmunicipality_code\tmunicipality_name\tcategory" {
		return fmt.Errorf("postal_codes.tsv: header %q", lines[0])
	}
	for i, line := range lines[1:] {
		f := strings.Split(line, "\t")
		if len(f) != 5 || !isDigits(f[0], 4) || !isDigits(f[2], 4) {
			return fmt.Errorf("postal_codes.tsv line %d: %q", i+2, line)
		}
		r.postal[f[0]] = PostalPlace{Code: f[0], Place: f[1], MunicipalityCode: f[2], MunicipalityName: f[3], Category: f[4]}
	}
	return nil
}

// renamed returns the name valid on date for a name that the data files
// give for the period starting at from and ending at to (zero: open). The
// changes are in date order, so a chain of changes in one period resolves.
func (r *refData) renamed(level, code, name string, date, from, to time.Time) string {
	for _, c := range r.changes {
		if c.level != level || c.code != code || !validOn(c.date, from, to) {
			continue
		}
		if date.Before(c.date) {
			return c.before
		}
		name = c.after
	}
	return name
}
