package hotel

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"beredskap"
	"beredskap/internal/safecsv"
)

// categoryNames are the statement's words for the fee categories, in
// bokmål / English.
var categoryNames = map[string]string{
	"fee_adult":               "Voksen / Adult",
	"fee_youth":               "10–18 år / 10–18 years",
	"fee_child_with_guardian": "Under 10 år på rom med foresatt / Under 10 sharing with a guardian",
	"fee_child":               "Barn / Child",
	"fee_employer":            "Arbeidsgiver / Employer",
	"isolation":               "Isolasjon (kostnadsfritt) / Isolation (free)",
	"fee_none":                "Ingen egenandel / No fee",
}

// CategoryName returns the bokmål / English words for a fee category.
func CategoryName(code string) string {
	if n, ok := categoryNames[code]; ok {
		return n
	}
	return code
}

// WriteFeeCSV writes a statement as CSV (UTF-8, comma-separated, through
// the one export writer, which guards every cell against formula
// injection): a header row, one row per night (night, rule version,
// category, NOK) and a total row.
func WriteFeeCSV(w io.Writer, st *beredskap.FeeStatement) error {
	cw, err := safecsv.NewWriter(w, safecsv.Options{})
	if err != nil {
		return fmt.Errorf("write fee csv: %w", err)
	}
	_ = cw.WriteStrings([]string{"stay", "receipt", "night", "rule_id", "category", "nok"})
	var id any = ""
	receipt := ""
	if st.Stay != nil {
		id, receipt = st.Stay.ID, st.Stay.Receipt
	}
	for _, l := range st.Lines {
		_ = cw.Write(id, receipt, l.Night, l.RuleID, l.Category, l.NOK)
	}
	_ = cw.Write(id, receipt, "total", "", "", st.TotalNOK)
	if err := cw.Flush(); err != nil {
		return fmt.Errorf("write fee csv: %w", err)
	}
	return nil
}

// WriteInvoicesCSV writes employer invoice data as CSV through the one
// export writer, which guards every cell against formula injection
// (employer and guest names come from the public form): one row per stay
// (organisation number, employer, stay, receipt, guest, hotel, first and
// last night, nights, NOK) and a total row per employer.
func WriteInvoicesCSV(w io.Writer, invs []*EmployerInvoice) error {
	cw, err := safecsv.NewWriter(w, safecsv.Options{})
	if err != nil {
		return fmt.Errorf("write invoice csv: %w", err)
	}
	_ = cw.WriteStrings([]string{"org_number", "employer", "stay", "receipt", "guest", "hotel", "from_night", "to_night", "nights", "nok"})
	for _, inv := range invs {
		for _, l := range inv.Lines {
			_ = cw.Write(inv.OrgNumber, inv.Name, l.StayID, l.Receipt, l.GuestName, l.HotelName, l.FromNight, l.ToNight, l.Nights, l.NOK)
		}
		_ = cw.Write(inv.OrgNumber, inv.Name, "total", "", "", "", "", "", "", inv.TotalNOK)
	}
	if err := cw.Flush(); err != nil {
		return fmt.Errorf("write invoice csv: %w", err)
	}
	return nil
}

// nok writes an amount the Norwegian way: "1 500 kr".
func nok(n int) string {
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
// and amount, and the total.
func FeePDF(st *beredskap.FeeStatement) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle("Egenandel karantenehotell / Quarantine hotel fee", true)
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 20)
	pdf.AddPage()
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252: æøå and more
	width, _ := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	tw := width - left - right

	pdf.SetFont("Helvetica", "B", 14)
	pdf.MultiCell(tw, 7, tr("Egenandel for karantenehotell / Quarantine hotel fee statement"), "", "L", false)
	pdf.Ln(3)
	pdf.SetFont("Helvetica", "", 10)
	info := func(k, v string) {
		pdf.CellFormat(45, 5.5, tr(k), "", 0, "L", false, 0, "")
		pdf.MultiCell(tw-45, 5.5, tr(v), "", "L", false)
	}
	if st.Hotel != nil {
		info("Hotell / Hotel", st.Hotel.Name+", "+st.Hotel.Address+", "+st.Hotel.PostalCode)
	}
	if s := st.Stay; s != nil {
		info("Opphold / Stay", strconv.FormatInt(s.ID, 10)+" ("+string(s.Kind)+", "+string(s.Status)+")")
		info("Kvittering / Receipt", s.Receipt)
		info("Gjest / Guest", s.GuestName)
		info("Netter / Nights", fmt.Sprintf("%s – %s (%d)", s.FromDay, addDays(s.ToDay, -1), len(st.Lines)))
	}
	info("Betaler / Payer", st.Payer)
	pdf.Ln(4)

	cols := []float64{30, 38, tw - 30 - 38 - 28, 28}
	pdf.SetFont("Helvetica", "B", 10)
	for i, h := range []string{"Natt / Night", "Regelversjon / Rules", "Kategori / Category", "Beløp / Amount"} {
		align := "L"
		if i == 3 {
			align = "R"
		}
		pdf.CellFormat(cols[i], 7, tr(h), "B", 0, align, false, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 9)
	for _, l := range st.Lines {
		pdf.CellFormat(cols[0], 6, l.Night, "", 0, "L", false, 0, "")
		pdf.CellFormat(cols[1], 6, l.RuleID, "", 0, "L", false, 0, "")
		pdf.CellFormat(cols[2], 6, tr(CategoryName(l.Category)), "", 0, "L", false, 0, "")
		pdf.CellFormat(cols[3], 6, tr(nok(l.NOK)), "", 1, "R", false, 0, "")
	}
	pdf.SetFont("Helvetica", "B", 11)
	pdf.CellFormat(tw-cols[3], 8, tr("Sum / Total"), "T", 0, "L", false, 0, "")
	pdf.CellFormat(cols[3], 8, tr(nok(st.TotalNOK)), "T", 1, "R", false, 0, "")
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "", 8)
	pdf.MultiCell(tw, 4.5, tr("Hver natt prises etter regelversjonen som gjaldt kl. 23.00 den kvelden (Europe/Oslo). "+
		"Each night is priced by the rule version in force at 23:00 that evening (Europe/Oslo). Kilde / source: covid-19-forskriften; Helsedirektoratet."), "", "L", false)

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render fee statement: %w", err)
	}
	return buf.Bytes(), nil
}
