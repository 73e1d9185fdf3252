// Package letter renders the letters Helfo sends citizens about their
// access cases (seed 003) as A4 PDF documents: the answer to a block or
// reopen request and, for reopen requests, the letter with the one-time
// code the person phones in to citizen support.
package letter

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"beredskap/internal/datefmt"
)

// Sender is the return address printed on every letter (seed 003: HELFO,
// Postboks 2415, 3104 Tønsberg).
var Sender = []string{"Helfo", "Postboks 2415", "3104 Tønsberg"}

// Content is what one letter says: the same words in one language or
// more, the first one first and each other one after it under its own
// title; Code is set only on reopen letters.
type Content struct {
	RecipientName string
	// RecipientAddress holds the lines of the postal address under the
	// name; it may be empty when the letter goes to a digital mailbox.
	RecipientAddress []string
	// AddressByHand marks a letter to print whose address is unknown (the
	// population register has none): an empty box under the name, in the
	// envelope window, takes the address written by hand.
	AddressByHand bool
	Date          time.Time
	CaseNumber    string
	// Texts are the letter's words, one per language; the first one gives
	// the heading, the closing and the language of the date.
	Texts []Text
	// Code is the one-time code of a reopen letter; an empty Code prints
	// no code block.
	Code string
}

// Text is the words of a letter in one language. The labels (Date, Case,
// CodeLabel) of every text are printed side by side ("Dato / Date").
type Text struct {
	Lang       string // the language's code, for the date: nb, nn or en
	Title      string // the title over a text that follows the first: "In English"
	Heading    string
	Paragraphs []string
	DateLabel  string
	CaseLabel  string
	CodeLabel  string
	// CodeInstruction says how to phone the code in; printed only with a
	// Code.
	CodeInstruction string
	Closing         string
}

// Render returns the letter as an A4 PDF. It returns an error when the
// content has no recipient or case number, or when the PDF cannot be
// written.
func Render(l Content) ([]byte, error) {
	if strings.TrimSpace(l.RecipientName) == "" {
		return nil, errors.New("render letter: no recipient name")
	}
	if strings.TrimSpace(l.CaseNumber) == "" {
		return nil, errors.New("render letter: no case number")
	}
	if len(l.Texts) == 0 {
		return nil, errors.New("render letter: no text")
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle("Helfo "+l.CaseNumber, true)
	pdf.SetAuthor("Helfo", true)
	pdf.SetMargins(25, 20, 25)
	pdf.SetAutoPageBreak(true, 20)
	pdf.AddPage()
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252: æøå and more
	width, _ := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	textWidth := width - left - right

	pdf.SetFont("Helvetica", "B", 11)
	for i, line := range Sender {
		if i == 1 {
			pdf.SetFont("Helvetica", "", 10)
		}
		pdf.CellFormat(textWidth, 5, tr(line), "", 1, "R", false, 0, "")
	}
	recipientBlock(pdf, tr, l)
	pdf.Ln(8)
	date := l.Date
	if date.IsZero() {
		date = time.Now()
	}
	pdf.SetFont("Helvetica", "", 10)
	first := l.Texts[0]
	pdf.CellFormat(textWidth, 5, tr(labels(l.Texts, func(t Text) string { return t.DateLabel })+": "+datefmt.Day(first.Lang, date)), "", 1, "R", false, 0, "")
	pdf.CellFormat(textWidth, 5, tr(labels(l.Texts, func(t Text) string { return t.CaseLabel })+": "+l.CaseNumber), "", 1, "R", false, 0, "")
	pdf.Ln(8)

	pdf.SetFont("Helvetica", "B", 14)
	pdf.MultiCell(textWidth, 7, tr(first.Heading), "", "L", false)
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "", 11)
	for _, p := range first.Paragraphs {
		pdf.MultiCell(textWidth, 5.5, tr(p), "", "L", false)
		pdf.Ln(3)
	}
	if l.Code != "" {
		codeBlock(pdf, tr, textWidth, l)
	}
	for _, t := range l.Texts[1:] {
		pdf.Ln(4)
		pdf.SetFont("Helvetica", "B", 11)
		pdf.MultiCell(textWidth, 6, tr(t.Title), "", "L", false)
		pdf.SetFont("Helvetica", "", 10)
		for _, p := range t.Paragraphs {
			pdf.MultiCell(textWidth, 5, tr(p), "", "L", false)
			pdf.Ln(2)
		}
		if l.Code != "" {
			pdf.MultiCell(textWidth, 5, tr(t.CodeInstruction), "", "L", false)
		}
	}
	pdf.Ln(6)
	pdf.SetFont("Helvetica", "", 11)
	pdf.MultiCell(textWidth, 5.5, tr(first.Closing), "", "L", false)

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render letter: %w", err)
	}
	return buf.Bytes(), nil
}

// The recipient block sits where the window of a window envelope (C5 or
// E65, window on the left) shows it: windowTop millimetres from the top
// of the page, at the left margin, at most windowWidth wide and
// windowLines lines high.
const (
	windowTop   = 45.0
	windowWidth = 85.0
	windowLines = 7
)

// recipientBlock writes the recipient's name and postal address into the
// envelope window, one line each, cut to fit the window.
func recipientBlock(pdf *fpdf.Fpdf, tr func(string) string, l Content) {
	pdf.SetY(max(pdf.GetY()+8, windowTop))
	pdf.SetFont("Helvetica", "", 11)
	lines := append([]string{l.RecipientName}, l.RecipientAddress...)
	if len(lines) > windowLines {
		// Keep the name and the last lines: postal code, place and country.
		lines = append(lines[:1], lines[len(lines)-windowLines+1:]...)
	}
	for _, line := range lines {
		text := tr(strings.TrimSpace(line))
		for len(text) > 1 && pdf.GetStringWidth(text) > windowWidth {
			text = text[:len(text)-1]
		}
		pdf.CellFormat(windowWidth, 5, text, "", 1, "L", false, 0, "")
	}
	if l.AddressByHand && len(l.RecipientAddress) == 0 {
		// Room for three lines of a handwritten address, within the window.
		x, y := pdf.GetX(), pdf.GetY()
		pdf.SetDrawColor(160, 160, 160)
		pdf.Rect(x, y+1, windowWidth, 3*7, "D")
		pdf.SetDrawColor(0, 0, 0)
		pdf.SetY(y + 1 + 3*7)
	}
}

// codeBlock writes the one-time code in large type, boxed, with the
// instruction of seed 003.
func codeBlock(pdf *fpdf.Fpdf, tr func(string) string, textWidth float64, l Content) {
	pdf.Ln(2)
	pdf.SetFont("Helvetica", "", 11)
	pdf.CellFormat(textWidth, 6, tr(labels(l.Texts, func(t Text) string { return t.CodeLabel })+":"), "", 1, "C", false, 0, "")
	pdf.SetFont("Courier", "B", 28)
	pdf.CellFormat(textWidth, 16, l.Code, "1", 1, "C", false, 0, "")
	pdf.Ln(3)
	pdf.SetFont("Helvetica", "B", 11)
	pdf.MultiCell(textWidth, 5.5, tr(l.Texts[0].CodeInstruction), "", "L", false)
	pdf.Ln(3)
}

// labels returns the label of every text, picked by label, side by side
// and each once: "Dato / Date".
func labels(texts []Text, label func(Text) string) string {
	var out []string
	for _, t := range texts {
		if s := label(t); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return strings.Join(out, " / ")
}
