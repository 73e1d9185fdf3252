package followup

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/xuri/excelize/v2"

	"beredskap"
	"beredskap/internal/export"
	"beredskap/internal/safecsv"
)

// Export formats.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// table collects the rows of an export and writes them out once the
// export's audit entry has committed, so that nothing leaves the service
// unaudited. Cells are strings or ints.
type table interface {
	row(cells []any) error
	// finish writes the whole table to w.
	finish(w io.Writer) error
	// close removes the temporary files; it may follow finish.
	close()
}

// newTable returns an empty table in format and layout with the header
// row written in the layout's words, or EINVALID "format" for a format
// other than csv and xlsx.
func newTable(format, sheet string, header []string, layout export.Layout) (table, error) {
	var t table
	switch format {
	case FormatCSV:
		c, err := newCSVTable(layout)
		if err != nil {
			return nil, err
		}
		t = c
	case FormatXLSX:
		x, err := newXLSXTable(sheet, layout.Lang)
		if err != nil {
			return nil, err
		}
		t = x
	default:
		return nil, beredskap.Invalid("format", "unknown_value", "must be one of csv, xlsx")
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = layout.Word(h)
	}
	if err := t.row(cells); err != nil {
		t.close()
		return nil, err
	}
	return t, nil
}

// csvTable writes CSV through the one export writer (RFC 4180, CRLF line
// ends, every cell guarded against formula injection) with the layout's
// delimiter and byte order mark and its days and times written in its
// language. The rows go to a temporary file (mode 0600, removed by close)
// so that a large export does not sit in memory.
type csvTable struct {
	f      *os.File
	w      *safecsv.Writer
	layout export.Layout
}

func newCSVTable(layout export.Layout) (*csvTable, error) {
	f, err := os.CreateTemp("", "beredskap-export-*.csv")
	if err != nil {
		return nil, fmt.Errorf("csv export: %w", err)
	}
	w, err := safecsv.NewWriter(f, layout.CSV)
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("csv export: %w", err)
	}
	return &csvTable{f: f, w: w, layout: layout}, nil
}

func (t *csvTable) row(cells []any) error {
	return t.layout.WriteCSV(t.w, cells...)
}

func (t *csvTable) finish(w io.Writer) error {
	if err := t.w.Flush(); err != nil {
		return fmt.Errorf("csv export: %w", err)
	}
	if _, err := t.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("csv export: %w", err)
	}
	if _, err := io.Copy(w, t.f); err != nil {
		return fmt.Errorf("csv export: %w", err)
	}
	return nil
}

func (t *csvTable) close() {
	t.f.Close()
	os.Remove(t.f.Name())
}

// xlsxTable writes one sheet with excelize's stream writer, which keeps
// only a bounded buffer in memory and spills the rest to temporary files
// that close removes. Cells are typed (strings as text, never formulas;
// numbers as numbers; days and instants as dates in the language's
// format), so they need no guard against formula injection.
type xlsxTable struct {
	f                      *excelize.File
	sw                     *excelize.StreamWriter
	n                      int // rows written
	dayStyle, instantStyle int
}

func newXLSXTable(sheet, lang string) (*xlsxTable, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		f.Close()
		return nil, fmt.Errorf("xlsx export: %w", err)
	}
	dayStyle, instantStyle, err := xlsxStyles(f, lang)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("xlsx export: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("xlsx export: %w", err)
	}
	return &xlsxTable{f: f, sw: sw, dayStyle: dayStyle, instantStyle: instantStyle}, nil
}

func (t *xlsxTable) row(cells []any) error {
	t.n++
	cell, err := excelize.CoordinatesToCellName(1, t.n)
	if err != nil {
		return fmt.Errorf("xlsx export: %w", err)
	}
	out := make([]any, len(cells))
	for i, c := range cells {
		out[i] = xlsxCell(c, t.dayStyle, t.instantStyle)
	}
	if err := t.sw.SetRow(cell, out); err != nil {
		return fmt.Errorf("xlsx export row %d: %w", t.n, err)
	}
	return nil
}

func (t *xlsxTable) finish(w io.Writer) error {
	if err := t.sw.Flush(); err != nil {
		return fmt.Errorf("xlsx export: %w", err)
	}
	if err := t.f.Write(w); err != nil {
		return fmt.Errorf("xlsx export: %w", err)
	}
	return nil
}

func (t *xlsxTable) close() { t.f.Close() }

// travellerHeader is the header row of a traveller export. The last three
// columns are the code lists of the municipalities' follow-up tools (KS
// Fiks innreiseoppfølging, RULES.md).
var travellerHeader = []string{
	"receipt", "first_name", "last_name", "birth_date", "phone", "language", "arrival_date",
	"first_day", "last_day", "status", "reached", "breach_suspected", "attempts", "last_report_at",
	"quarantine_code", "exemption_code", "accommodation_code",
}

// Export writes every traveller f selects (ignoring Limit and PageToken)
// to w as CSV or XLSX in layout, with the follow-up code lists of
// RULES.md as columns. Needs PermViewReports; audited.
//
// Scoping and filters are those of ListTravellers; a format other than
// csv and xlsx is EINVALID "format". The rows are read by one query in a
// read-only snapshot, the code columns from the plans (which hold them
// from when they were made, so no registration is read), into a temporary
// table; the audit entry "followup.travellers.export" then commits with every exported receipt as
// a subject (so that each person finds the export among the looks at their
// data, seed 003), and only after that is anything written to w.
func (s *Service) Export(ctx context.Context, f beredskap.ReportFilter, format string, layout export.Layout, w io.Writer) error {
	const action = "followup.travellers.export"
	a := beredskap.ActorFrom(ctx)
	m, err := s.reportMunicipality(ctx, a, f.Municipality, action)
	if err != nil {
		return err
	}
	f.Municipality = m
	f.Limit, f.PageToken = 0, ""
	if err := checkReportFilter(&f, false); err != nil {
		return err
	}
	t, err := newTable(format, layout.Word("sheet.travellers"), travellerHeader, layout)
	if err != nil {
		return err
	}
	defer t.close()
	var receipts []string
	err = s.store.ViewFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		return tx.EachTraveller(ctx, f, func(p *beredskap.FollowUpPlan) error {
			receipts = append(receipts, p.Receipt)
			return t.row(travellerRow(p, layout))
		})
	})
	if err != nil {
		return beredskap.Wrap("export travellers", err)
	}
	rec := beredskap.RecordFor(a, action, municipalityObject(m), beredskap.OutcomeOK)
	rec.Subjects = receipts
	rec.Detail = fmt.Sprintf("format=%s rows=%d %s", format, len(receipts), describeReportFilter(f))
	if err := s.commitAudit(ctx, rec); err != nil {
		return beredskap.Wrap("export travellers", err)
	}
	return beredskap.Wrap("export travellers", t.finish(w))
}

// travellerRow returns the cells of one traveller in layout's words.
func travellerRow(p *beredskap.FollowUpPlan, layout export.Layout) []any {
	var lastReport export.Instant
	if p.LastReportAt != nil {
		lastReport = export.Instant(*p.LastReportAt)
	}
	return []any{
		p.Receipt, p.FirstName, p.LastName, export.Day(p.BirthDate), p.Phone, p.Language,
		export.Day(p.ArrivalAt.In(oslo).Format(dayLayout)), export.Day(p.FirstDay), export.Day(p.LastDay), layout.Word("status." + string(p.Status)),
		layout.Word(yesNo(p.Reached)), layout.Word(yesNo(p.BreachSuspected)), p.Attempts, lastReport,
		p.Codes.Quarantine, p.Codes.Exemption, p.Codes.Accommodation,
	}
}

// yesNo writes a flag as a cell.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
