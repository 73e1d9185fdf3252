package hotel

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"beredskap"
	"beredskap/internal/datefmt"
	"beredskap/internal/export"
	"beredskap/internal/safecsv"
)

// WriteFeeCSV writes a statement as CSV in layout through the one export
// writer, which guards every cell against formula injection: a header
// row, one row per night (night, rule version, category, NOK) and a total
// row.
func WriteFeeCSV(w io.Writer, st *beredskap.FeeStatement, layout export.Layout) error {
	cw, err := safecsv.NewWriter(w, layout.CSV)
	if err != nil {
		return fmt.Errorf("write fee csv: %w", err)
	}
	_ = cw.WriteStrings(layout.Header([]string{"stay", "receipt", "night", "rule_id", "category", "nok"}))
	var id any = ""
	receipt := ""
	if st.Stay != nil {
		id, receipt = st.Stay.ID, st.Stay.Receipt
	}
	for _, l := range st.Lines {
		_ = layout.WriteCSV(cw, id, receipt, export.Day(l.Night), export.RuleVersion(l.RuleID), layout.Word("category."+l.Category), l.NOK)
	}
	_ = cw.Write(id, receipt, layout.Word("row.total"), "", "", st.TotalNOK)
	if err := cw.Flush(); err != nil {
		return fmt.Errorf("write fee csv: %w", err)
	}
	return nil
}

// WriteInvoicesCSV writes employer invoice data as CSV in layout through
// the one export writer, which guards every cell against formula
// injection (employer and guest names come from the public form): one row
// per stay (organisation number, employer, stay, receipt, guest, hotel,
// first and last night, nights, NOK) and a total row per employer.
func WriteInvoicesCSV(w io.Writer, invs []*EmployerInvoice, layout export.Layout) error {
	cw, err := safecsv.NewWriter(w, layout.CSV)
	if err != nil {
		return fmt.Errorf("write invoice csv: %w", err)
	}
	_ = cw.WriteStrings(layout.Header([]string{"org_number", "employer", "stay", "receipt", "guest", "hotel", "from_night", "to_night", "nights", "nok"}))
	for _, inv := range invs {
		for _, l := range inv.Lines {
			_ = layout.WriteCSV(cw, inv.OrgNumber, inv.Name, l.StayID, l.Receipt, l.GuestName, l.HotelName,
				export.Day(l.FromNight), export.Day(l.ToNight), l.Nights, l.NOK)
		}
		_ = cw.Write(inv.OrgNumber, inv.Name, layout.Word("row.total"), "", "", "", "", "", "", inv.TotalNOK)
	}
	if err := cw.Flush(); err != nil {
		return fmt.Errorf("write invoice csv: %w", err)
	}
	return nil
}

// Text returns the words of a locale key in the reader's language, with
// its {name} placeholders filled from args given as name, value pairs.
type Text func(key string, args ...any) string

// nok writes an amount as lang writes it: "1 500 kr" in Norwegian,
// "NOK 1,500" in English.
func nok(lang string, n int) string {
	if lang == "en" {
		return message.NewPrinter(language.English).Sprintf("NOK %d", n)
	}
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String() + " kr"
}

// FeePDF renders a statement as an A4 PDF a person can print: the hotel,
// the guest, the payer, one row per night with its rule version, category
// and amount, and the total, in the words of text (the locale keys
// fee.pdf.*, hotel.fee.*, hotel.kind.*, hotel.status.* and hotel.payer.*)
// and with days and amounts as lang writes them.
func FeePDF(st *beredskap.FeeStatement, lang string, text Text) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(text("fee.pdf.title"), true)
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 20)
	pdf.AddPage()
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252: æøå and more
	width, _ := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	tw := width - left - right
	dayOf := func(s string) string { return datefmt.DayOf(lang, s) }

	pdf.SetFont("Helvetica", "B", 14)
	pdf.MultiCell(tw, 7, tr(text("fee.pdf.title")), "", "L", false)
	pdf.Ln(3)
	pdf.SetFont("Helvetica", "", 10)
	info := func(k, v string) {
		pdf.CellFormat(45, 5.5, tr(text(k)), "", 0, "L", false, 0, "")
		pdf.MultiCell(tw-45, 5.5, tr(v), "", "L", false)
	}
	if st.Hotel != nil {
		info("fee.pdf.hotel", st.Hotel.Name+", "+st.Hotel.Address+", "+st.Hotel.PostalCode)
	}
	payer := text("hotel.payer." + st.Payer)
	if s := st.Stay; s != nil {
		info("fee.pdf.stay", text("fee.pdf.stay_text", "id", s.ID, "kind", text("hotel.kind."+string(s.Kind)),
			"status", text("hotel.status."+string(s.Status))))
		info("fee.pdf.receipt", s.Receipt)
		info("fee.pdf.guest", s.GuestName)
		info("fee.pdf.nights", dayOf(s.FromDay)+" – "+dayOf(addDays(s.ToDay, -1)))
		payer = text("hotel.payer." + s.Payer)
		if s.Payer == beredskap.PayerEmployer && s.EmployerOrg != "" {
			payer += ": " + s.EmployerName + " (" + s.EmployerOrg + ")"
		}
	}
	info("fee.pdf.payer", payer)
	pdf.Ln(4)

	cols := []float64{30, 38, tw - 30 - 38 - 28, 28}
	pdf.SetFont("Helvetica", "B", 10)
	for i, h := range []string{"fee.pdf.night", "fee.pdf.rules", "fee.pdf.category", "fee.pdf.amount"} {
		align := "L"
		if i == 3 {
			align = "R"
		}
		pdf.CellFormat(cols[i], 7, tr(text(h)), "B", 0, align, false, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 9)
	for _, l := range st.Lines {
		pdf.CellFormat(cols[0], 6, tr(dayOf(l.Night)), "", 0, "L", false, 0, "")
		pdf.CellFormat(cols[1], 6, tr(datefmt.RuleVersion(lang, l.RuleID)), "", 0, "L", false, 0, "")
		pdf.CellFormat(cols[2], 6, tr(text("hotel.fee."+l.Category)), "", 0, "L", false, 0, "")
		pdf.CellFormat(cols[3], 6, tr(nok(lang, l.NOK)), "", 1, "R", false, 0, "")
	}
	pdf.SetFont("Helvetica", "B", 11)
	pdf.CellFormat(tw-cols[3], 8, tr(text("fee.pdf.total")), "T", 0, "L", false, 0, "")
	pdf.CellFormat(cols[3], 8, tr(nok(lang, st.TotalNOK)), "T", 1, "R", false, 0, "")
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "", 8)
	pdf.MultiCell(tw, 4.5, tr(text("fee.pdf.note")), "", "L", false)

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render fee statement: %w", err)
	}
	return buf.Bytes(), nil
}
