package export_test

import (
	"bytes"
	"testing"
	"time"

	"beredskap/internal/export"
	"beredskap/internal/safecsv"
)

// Issue 16, item 10: the same row is written for a machine (ISO 8601,
// codes, commas) and for a Norwegian reader (words, dd.mm.yyyy, ';',
// a byte order mark).
func TestLayouts(t *testing.T) {
	at := time.Date(2021, 2, 26, 13, 5, 0, 0, time.UTC)
	row := []any{export.Day("2021-02-26"), export.Instant(at), export.RuleVersion("2020-12-13-1700"), 3}
	words := map[string]string{"arrival_date": "Ankomstdato", "status.active": "følges opp"}
	nb := export.Layout{Lang: "nb", Words: func(w string) string { return words[w] }, CSV: safecsv.Options{Comma: ';', BOM: true}}
	for _, tt := range []struct {
		name   string
		layout export.Layout
		want   string
	}{
		{"machine", export.API, safecsv.BOM + "arrival_date,active,reached\r\n2021-02-26,2021-02-26T14:05:00+01:00,2020-12-13-1700,3\r\n"},
		{"bokmål", nb, safecsv.BOM + "Ankomstdato;følges opp;reached\r\n26.02.2021;26.02.2021 14:05;13.12.2020 17:00;3\r\n"},
	} {
		var buf bytes.Buffer
		w, err := safecsv.NewWriter(&buf, tt.layout.CSV)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteStrings(tt.layout.Header([]string{"arrival_date", "status.active", "reached"})); err != nil {
			t.Fatal(err)
		}
		if err := tt.layout.WriteCSV(w, row...); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := buf.String(); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}
