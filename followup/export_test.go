package followup_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"beredskap"
	"beredskap/followup"
	"beredskap/internal/export"
	"beredskap/internal/teststore"
)

// exportSet stores the travellers of the export tests: four in Oslo that
// cover the code lists of RULES.md, and one in Bergen. It returns the Oslo
// plans by their role in the test.
func exportSet(e *muniEnv) map[string]*beredskap.FollowUpPlan {
	leisure := func(reason string) func(*beredskap.Decision) {
		return func(d *beredskap.Decision) {
			d.Quarantine.Scope = beredskap.ScopeLeisure
			d.Reasons = append(d.Reasons, beredskap.Reason{Code: reason, Ref: "covid-19-forskriften § 6 andre ledd"})
		}
	}
	arrival := func(d int) time.Time { return time.Date(2021, 2, d, 10, 0, 0, 0, time.UTC) }
	ps := map[string]*beredskap.FollowUpPlan{
		// A formula in a name, as an attacker might type it.
		"hotel": e.addTraveller(muniTraveller{municipality: oslo0301, first: "=cmd|' /C calc'!A0", last: "-Nowak",
			accommodation: beredskap.AccommodationQuarantineHotel, arrival: arrival(11)}),
		"critical": e.addTraveller(muniTraveller{municipality: oslo0301, first: "Jonas", last: "@Kazlauskas",
			accommodation: beredskap.AccommodationOwnHome, arrival: arrival(12), decision: leisure("exemption_critical_function")}),
		"transport": e.addTraveller(muniTraveller{municipality: oslo0301, first: "Maria", last: "Popescu",
			accommodation: beredskap.AccommodationEmployer, arrival: arrival(13), decision: leisure("exemption_transport_personnel")}),
		"other": e.addTraveller(muniTraveller{municipality: oslo0301, first: "Øyvind", last: "Ås",
			accommodation: beredskap.AccommodationOtherSuitable, arrival: arrival(14), language: "nb", phone: "+4791234567"}),
	}
	e.addTraveller(muniTraveller{municipality: bergen4601, first: "Bergen", last: "Person"})
	e.report(ps["critical"], muniBreach("at work with others", beredskap.BreachWorkplace))
	e.report(ps["other"], muniReached())
	return ps
}

// wantExportRows are the data rows exportSet's Oslo travellers give, newest
// arrival first, with the CSV injection guard applied when guarded.
func wantExportRows(e *muniEnv, ps map[string]*beredskap.FollowUpPlan, guarded bool) [][]string {
	g := func(s string) string {
		if guarded && s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
			return "'" + s
		}
		return s
	}
	row := func(p *beredskap.FollowUpPlan, reached, breach, attempts, quarantine, exemption, accommodation string) []string {
		var fp *beredskap.FollowUpPlan
		e.update(func(ctx context.Context, tx beredskap.FollowUpTx) error {
			var err error
			fp, err = tx.FindPlan(ctx, p.ID)
			return err
		})
		last := ""
		if fp.LastReportAt != nil {
			last = fp.LastReportAt.In(muniOslo).Format(time.RFC3339)
			if !guarded { // a date cell of the spreadsheet, shown to the minute
				last = fp.LastReportAt.In(muniOslo).Format("2006-01-02 15:04")
			}
		}
		return []string{
			p.Receipt, g(p.FirstName), g(p.LastName), p.BirthDate, g(p.Phone), p.Language,
			p.ArrivalAt.In(muniOslo).Format(time.DateOnly), p.FirstDay, p.LastDay, "active",
			reached, breach, attempts, last, quarantine, exemption, accommodation,
		}
	}
	return [][]string{
		row(ps["other"], "yes", "no", "1", "1001", "", "4004"),
		row(ps["transport"], "no", "no", "0", "1002", "", "4003"),
		row(ps["critical"], "yes", "yes", "1", "1002", "2005", "4002"),
		row(ps["hotel"], "no", "no", "0", "1001", "", "4001"),
	}
}

// exportHeader is the header row of a traveller export.
var exportHeader = []string{
	"receipt", "first_name", "last_name", "birth_date", "phone", "language", "arrival_date",
	"first_day", "last_day", "status", "reached", "breach_suspected", "attempts", "last_report_at",
	"quarantine_code", "exemption_code", "accommodation_code",
}

// TestExportCSV checks the CSV export: a byte order mark, the header, one
// row per traveller of the municipality with the code columns of RULES.md
// ("Code lists used by municipalities' follow-up tools"), the guard
// against formula injection, and the audit entry naming every receipt.
func TestExportCSV(t *testing.T) { teststore.Each(t, testExportCSV) }

func testExportCSV(t *testing.T, kind string) {
	e := newMuniEnv(t, kind)
	ps := exportSet(e)
	var buf bytes.Buffer
	if err := e.svc.Export(e.oslo, beredskap.ReportFilter{Limit: 1, PageToken: "ignored"}, followup.FormatCSV, export.API, &buf); err != nil {
		t.Fatalf("Export: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Fatalf("the CSV does not start with a UTF-8 byte order mark: %q", buf.Bytes()[:min(10, buf.Len())])
	}
	rows, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatalf("read CSV: %v", err)
	}
	if !slices.Equal(rows[0], exportHeader) {
		t.Fatalf("header = %v", rows[0])
	}
	want := wantExportRows(e, ps, true)
	if len(rows)-1 != len(want) {
		t.Fatalf("%d rows, want %d:\n%v", len(rows)-1, len(want), rows)
	}
	for i := range want {
		if !slices.Equal(rows[i+1], want[i]) {
			t.Errorf("row %d:\n got %q\nwant %q", i+1, rows[i+1], want[i])
		}
	}
	if !strings.Contains(buf.String(), "'=cmd|") || !strings.Contains(buf.String(), "'+4791234567") || strings.Contains(buf.String(), ",=") {
		t.Errorf("the injection guard did not prefix every formula-like cell")
	}
	en := e.wantAudit("followup.travellers.export", "lege@oslo.kommune.no", beredskap.OutcomeOK,
		[]string{ps["hotel"].Receipt, ps["critical"].Receipt, ps["transport"].Receipt, ps["other"].Receipt})
	if !strings.Contains(en.Detail, "format=csv rows=4") || !strings.Contains(en.Detail, "municipality=0301") {
		t.Errorf("export audit detail = %q", en.Detail)
	}

	// Filters apply to the export as to the list.
	buf.Reset()
	if err := e.svc.Export(e.osloStaff, beredskap.ReportFilter{Breach: true}, followup.FormatCSV, export.API, &buf); err != nil {
		t.Fatalf("Export breach: %v", err)
	}
	rows, _ = csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if len(rows) != 2 || rows[1][0] != ps["critical"].Receipt {
		t.Errorf("breach export = %v, want only %s", rows, ps["critical"].Receipt)
	}
	e.wantAudit("followup.travellers.export", "ansatt@oslo.kommune.no", beredskap.OutcomeOK, []string{ps["critical"].Receipt})
}

// TestExportXLSX checks the XLSX export by opening it with excelize: the
// same cells as the CSV, text never turned into formulas.
func TestExportXLSX(t *testing.T) { teststore.Each(t, testExportXLSX) }

func testExportXLSX(t *testing.T, kind string) {
	e := newMuniEnv(t, kind)
	ps := exportSet(e)
	var buf bytes.Buffer
	if err := e.svc.Export(e.centre, beredskap.ReportFilter{Municipality: oslo0301}, followup.FormatXLSX, export.API, &buf); err != nil {
		t.Fatalf("Export: %v", err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("open XLSX: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("travellers")
	if err != nil {
		t.Fatalf("GetRows: %v", err)
	}
	if !slices.Equal(rows[0], exportHeader) {
		t.Fatalf("header = %v", rows[0])
	}
	want := wantExportRows(e, ps, false)
	if len(rows)-1 != len(want) {
		t.Fatalf("%d rows, want %d", len(rows)-1, len(want))
	}
	for i := range want {
		got := rows[i+1]
		for len(got) < len(exportHeader) { // GetRows drops empty cells at the end
			got = append(got, "")
		}
		if !slices.Equal(got, want[i]) {
			t.Errorf("row %d:\n got %q\nwant %q", i+1, got, want[i])
		}
	}
	// The formula-like name is a text cell, not a formula.
	cell := "B" + strconv.Itoa(len(want)+1)
	if v, _ := f.GetCellValue("travellers", cell); v != ps["hotel"].FirstName {
		t.Errorf("%s = %q, want the name", cell, v)
	}
	if formula, _ := f.GetCellFormula("travellers", cell); formula != "" {
		t.Errorf("%s holds the formula %q", cell, formula)
	}
	// Issue 16, item 10: days and instants are date cells and counts are
	// numbers (their raw values are serial numbers), not text.
	for _, c := range []string{"D2", "G2", "H2", "I2", "M2", "N2"} {
		raw, _ := f.GetCellValue("travellers", c, excelize.Options{RawCellValue: true})
		if _, err := strconv.ParseFloat(raw, 64); err != nil {
			t.Errorf("%s holds %q, not a number or date cell", c, raw)
		}
	}
	e.wantAudit("followup.travellers.export", "operator@kontrollsenter.no", beredskap.OutcomeOK,
		[]string{ps["hotel"].Receipt, ps["critical"].Receipt, ps["transport"].Receipt, ps["other"].Receipt})
}

// TestExportRefused checks that a refused or bad export writes nothing.
func TestExportRefused(t *testing.T) { teststore.Each(t, testExportRefused) }

func testExportRefused(t *testing.T, kind string) {
	e := newMuniEnv(t, kind)
	exportSet(e)
	var buf bytes.Buffer
	err := e.svc.Export(e.bergen, beredskap.ReportFilter{Municipality: oslo0301}, followup.FormatCSV, export.API, &buf)
	code(t, err, beredskap.EFORBIDDEN, "")
	e.wantAudit("followup.travellers.export", "lege@bergen.kommune.no", beredskap.OutcomeDenied, nil)
	err = e.svc.Export(e.inspector, beredskap.ReportFilter{Municipality: oslo0301}, followup.FormatXLSX, export.API, &buf)
	code(t, err, beredskap.EFORBIDDEN, "")
	err = e.svc.Export(e.oslo, beredskap.ReportFilter{}, "pdf", export.API, &buf)
	code(t, err, beredskap.EINVALID, "format")
	err = e.svc.Export(e.oslo, beredskap.ReportFilter{Status: "gone"}, followup.FormatCSV, export.API, &buf)
	code(t, err, beredskap.EINVALID, "status")
	if buf.Len() != 0 {
		t.Errorf("refused exports wrote %d bytes", buf.Len())
	}
	for _, en := range e.auditOf("followup.travellers.export") {
		if en.Outcome == beredskap.OutcomeOK {
			t.Errorf("a refused export was audited as done: %+v", en.AuditRecord)
		}
	}
}

// TestExportManyPages checks that an export goes through every page of the
// list (MaxPageSize each) and audits every receipt.
func TestExportManyPages(t *testing.T) { teststore.Each(t, testExportManyPages) }

func testExportManyPages(t *testing.T, kind string) {
	e := newMuniEnv(t, kind)
	const n = 2*beredskap.MaxPageSize + 37
	for i := range n {
		e.addTraveller(muniTraveller{municipality: oslo0301, first: "Person", last: "Nr" + strconv.Itoa(i),
			arrival: time.Date(2021, 2, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)})
	}
	for _, format := range []string{followup.FormatCSV, followup.FormatXLSX} {
		var buf bytes.Buffer
		if err := e.svc.Export(e.oslo, beredskap.ReportFilter{}, format, export.API, &buf); err != nil {
			t.Fatalf("Export %s: %v", format, err)
		}
		var rows [][]string
		if format == followup.FormatCSV {
			rows, _ = csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
		} else {
			f, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatalf("open XLSX: %v", err)
			}
			rows, _ = f.GetRows("travellers")
			f.Close()
		}
		seen := map[string]bool{}
		for _, r := range rows[1:] {
			seen[r[0]] = true
		}
		if len(rows) != n+1 || len(seen) != n {
			t.Errorf("%s: %d rows with %d receipts, want %d", format, len(rows)-1, len(seen), n)
		}
		if en := e.lastAudit("followup.travellers.export"); len(en.Subjects) != n {
			t.Errorf("%s: audit names %d receipts, want %d", format, len(en.Subjects), n)
		}
	}
}
