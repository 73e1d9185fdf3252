// Package safecsv is the one CSV writer of every export. It writes RFC 4180
// CSV (CRLF line ends, quotes where needed) and guards every text cell
// against formula injection ("CSV injection" in OWASP's words): names and
// employers come from a public form and are opened in spreadsheet
// programs, which would run a cell such as =HYPERLINK(...) as a formula.
// The delimiter and a UTF-8 byte order mark are options, for exports meant
// for spreadsheets set up the Norwegian way.
package safecsv

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Options say how a Writer writes. The zero value writes comma-separated
// CSV without a byte order mark.
type Options struct {
	// Comma is the field delimiter: ',' when zero; ';' is what
	// spreadsheets set up for Norwegian expect.
	Comma rune
	// BOM starts the output with a UTF-8 byte order mark, so that
	// spreadsheet programs read æ, ø and å right.
	BOM bool
}

// BOM is the UTF-8 byte order mark a Writer with Options.BOM starts with.
const BOM = "\uFEFF"

// Writer writes the rows of one CSV export. Errors stick: after the first,
// every call returns it.
type Writer struct {
	buf   *bufio.Writer
	csv   *csv.Writer
	bom   bool
	begun bool
	err   error
}

// NewWriter returns a Writer to w with opt. It returns an error for a
// delimiter csv cannot use (a quote, a line end, the replacement rune or
// an invalid rune).
func NewWriter(w io.Writer, opt Options) (*Writer, error) {
	comma := opt.Comma
	if comma == 0 {
		comma = ','
	}
	if comma == '"' || comma == '\r' || comma == '\n' || comma == utf8.RuneError || !utf8.ValidRune(comma) {
		return nil, fmt.Errorf("safecsv: %q cannot be a delimiter", comma)
	}
	buf := bufio.NewWriter(w)
	cw := csv.NewWriter(buf)
	cw.Comma, cw.UseCRLF = comma, true
	return &Writer{buf: buf, csv: cw, bom: opt.BOM}, nil
}

// Write writes one row. Strings are guarded by Defuse; integers are
// written as numbers; anything else is written as fmt.Sprint writes it,
// guarded.
func (w *Writer) Write(cells ...any) error {
	rec := make([]string, len(cells))
	for i, c := range cells {
		rec[i] = Cell(c)
	}
	return w.WriteStrings(rec)
}

// WriteStrings writes one row of text cells, each guarded by Defuse.
func (w *Writer) WriteStrings(rec []string) error {
	if w.err != nil {
		return w.err
	}
	if !w.begun {
		w.begun = true
		if w.bom {
			if _, err := w.buf.WriteString(BOM); err != nil {
				w.err = fmt.Errorf("safecsv: %w", err)
				return w.err
			}
		}
	}
	out := make([]string, len(rec))
	for i, s := range rec {
		out[i] = Defuse(s)
	}
	if err := w.csv.Write(out); err != nil {
		w.err = fmt.Errorf("safecsv: %w", err)
	}
	return w.err
}

// Flush writes what is buffered to the underlying writer and returns the
// first error of any call. A Writer with no rows written still writes its
// byte order mark.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if !w.begun && w.bom {
		w.begun = true
		if _, err := w.buf.WriteString(BOM); err != nil {
			w.err = fmt.Errorf("safecsv: %w", err)
			return w.err
		}
	}
	w.csv.Flush()
	if err := w.csv.Error(); err != nil {
		w.err = fmt.Errorf("safecsv: %w", err)
		return w.err
	}
	if err := w.buf.Flush(); err != nil {
		w.err = fmt.Errorf("safecsv: %w", err)
	}
	return w.err
}

// Cell returns the text of one cell value: integers in decimal, without
// a guard (a number is never a formula), and anything else as Defuse
// guards its fmt.Sprint text.
func Cell(v any) string {
	switch v := v.(type) {
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case string:
		return Defuse(v)
	default:
		return Defuse(fmt.Sprint(v))
	}
}

// Defuse returns s guarded against formula injection: a cell that begins
// with =, +, -, @, a tab or a carriage return (OWASP's list), or with the
// full-width forms of the first four that some spreadsheets read alike,
// gets an apostrophe in front, so that a spreadsheet shows it as text. A
// cell guarded already, or an integer written by Cell, is left alone, so
// Defuse can run twice. The apostrophe also shows before phone numbers in
// international form (+47...): the price of the guard.
func Defuse(s string) string {
	if s == "" || isInteger(s) {
		return s
	}
	r, _ := utf8.DecodeRuneInString(s)
	if strings.ContainsRune("=+-@\t\r＝＋－＠", r) {
		return "'" + s
	}
	return s
}

// isInteger reports whether s is an optional minus and decimal digits only,
// which no spreadsheet reads as a formula.
func isInteger(s string) bool {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" {
		return false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return true
}
