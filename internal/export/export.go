// Package export says how an export (CSV or XLSX) is written for its
// reader: the column names and values in the reader's words, days and
// times in the reader's language, and the CSV delimiter and byte order
// mark the reader's spreadsheet expects. The exporting packages build
// their rows of cells, with Day and Instant for dates, and write them
// through Layout.
package export

import (
	"strings"
	"time"

	"beredskap/internal/datefmt"
	"beredskap/internal/safecsv"
)

// Layout is how one export is written. The zero Layout is the machine
// layout: the columns' own names (snake_case), values as codes, days and
// times in ISO 8601, comma-separated CSV.
type Layout struct {
	// Lang is the language days and times are written in (see datefmt),
	// "" for ISO 8601.
	Lang string
	// Words returns the reader's word for a column name, and for a value
	// or a sheet name given with its kind ("yes", "status.active",
	// "sheet.travellers"); nil, or "" for a word, keeps the word as it is
	// without its kind ("active", "travellers").
	Words func(word string) string
	// CSV is the delimiter and byte order mark of a CSV file.
	CSV safecsv.Options
}

// API is the layout of the API's exports: the machine layout, its CSV
// comma-separated behind a UTF-8 byte order mark.
var API = Layout{CSV: safecsv.Options{BOM: true}}

// Word returns the reader's word for w, or w without its kind.
func (l Layout) Word(w string) string {
	if l.Words != nil {
		if t := l.Words(w); t != "" {
			return t
		}
	}
	if _, plain, ok := strings.Cut(w, "."); ok {
		return plain
	}
	return w
}

// Header returns the reader's words for the column names ws.
func (l Layout) Header(ws []string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = l.Word(w)
	}
	return out
}

// Day is a calendar day cell, given as YYYY-MM-DD.
type Day string

// Instant is a cell holding an instant.
type Instant time.Time

// RuleVersion is a cell holding the ID of a rule version, which people
// read as the day (and time) the version came into force.
type RuleVersion string

// Text returns a Day, Instant or RuleVersion cell as text in the layout's language
// (Europe/Oslo time), and any other cell as it is.
func (l Layout) Text(c any) any {
	switch v := c.(type) {
	case Day:
		if l.Lang == "" {
			return string(v)
		}
		return datefmt.DayOf(l.Lang, string(v))
	case RuleVersion:
		if l.Lang == "" {
			return string(v)
		}
		return datefmt.RuleVersion(l.Lang, string(v))
	case Instant:
		t := time.Time(v)
		if t.IsZero() {
			return ""
		}
		if l.Lang == "" {
			return t.In(datefmt.Oslo).Format(time.RFC3339)
		}
		return datefmt.Minute(l.Lang, t)
	}
	return c
}

// WriteCSV writes one row to w with its Day and Instant cells as text.
func (l Layout) WriteCSV(w *safecsv.Writer, cells ...any) error {
	out := make([]any, len(cells))
	for i, c := range cells {
		out[i] = l.Text(c)
	}
	return w.Write(out...)
}
