package letter

import (
	"bytes"
	"errors"
	"fmt"

	"codeberg.org/go-pdf/fpdf"
)

// Report is a readable document of sections, such as a person's copy of
// all their data (GDPR art. 15): a title, a line under it, and sections of
// a heading and paragraphs.
type Report struct {
	Title    string
	Subtitle string
	Sections []Section
}

// Section is one heading and its paragraphs.
type Section struct {
	Heading    string
	Paragraphs []string
}

// RenderReport returns r as an A4 PDF with page numbers. Characters
// outside Windows-1252 are replaced. A report without a title is an error.
func RenderReport(r Report) ([]byte, error) {
	if r.Title == "" {
		return nil, errors.New("render report: no title")
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(r.Title, true)
	pdf.SetAuthor("Helfo", true)
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 20)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-15)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 10, fmt.Sprintf("%d", pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	width, _ := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	w := width - left - right
	pdf.SetFont("Helvetica", "B", 16)
	pdf.MultiCell(w, 8, tr(r.Title), "", "L", false)
	if r.Subtitle != "" {
		pdf.SetFont("Helvetica", "", 10)
		pdf.MultiCell(w, 5, tr(r.Subtitle), "", "L", false)
	}
	for _, s := range r.Sections {
		pdf.Ln(5)
		pdf.SetFont("Helvetica", "B", 12)
		pdf.MultiCell(w, 6, tr(s.Heading), "", "L", false)
		pdf.SetFont("Helvetica", "", 10)
		for _, p := range s.Paragraphs {
			pdf.MultiCell(w, 5, tr(p), "", "L", false)
			pdf.Ln(1)
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render report: %w", err)
	}
	return buf.Bytes(), nil
}
