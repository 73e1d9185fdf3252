package hotel

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"beredskap"
	"beredskap/internal/datefmt"
	"beredskap/internal/export"
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

// stayWords are the statement's words for the kinds and states of a stay,
// the payers and the channels, in bokmål / English.
var stayWords = map[string]string{
	string(beredskap.StayQuarantine):  "karanteneopphold / quarantine stay",
	string(beredskap.StayIsolation):   "isolasjonsopphold / isolation stay",
	string(beredskap.StayAllocated):   "tildelt / allocated",
	string(beredskap.StayCheckedIn):   "sjekket inn / checked in",
	string(beredskap.StayCheckedOut):  "sjekket ut / checked out",
	string(beredskap.StayDeparted):    "reist fra Norge / left Norway",
	string(beredskap.StayTransferred): "overført til annet egnet sted / moved to another suitable place",
	string(beredskap.StayCancelled):   "avlyst / cancelled",
	beredskap.PayerTraveller:          "Den reisende / The traveller",
	beredskap.PayerEmployer:           "Arbeidsgiveren / The employer",
	beredskap.PayerNone:               "Ingen (kostnadsfritt) / Nobody (free of charge)",
	beredskap.ChannelBorder:           "politiet på grensen / the police at the border",
	beredskap.ChannelMunicipality:     "kommunen / the municipality",
}

// stayWord returns the bokmål / English words for a stay's kind, state,
// payer or channel, or the code itself when it has none.
func stayWord(code string) string {
	if w, ok := stayWords[code]; ok {
		return w
	}
	return code
}

// day writes a stored day (YYYY-MM-DD) as the bilingual documents of this
// package write days: the Norwegian way, dd.mm.yyyy.
func day(s string) string { return datefmt.DayOf("nb", s) }

// CategoryName returns the bokmål / English words for a fee category.
func CategoryName(code string) string {
	if n, ok := categoryNames[code]; ok {
		return n
	}
	return code
}

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
		info("Opphold / Stay", fmt.Sprintf("nr. / no. %d: %s, %s", s.ID, stayWord(string(s.Kind)), stayWord(string(s.Status))))
		info("Kvittering / Receipt", s.Receipt)
		info("Gjest / Guest", s.GuestName)
		info("Netter / Nights", day(s.FromDay)+" – "+day(addDays(s.ToDay, -1)))
	}
	payer := stayWord(st.Payer)
	if s := st.Stay; s != nil {
		payer = stayWord(s.Payer)
		if s.Payer == beredskap.PayerEmployer && s.EmployerOrg != "" {
			payer += ": " + s.EmployerName + " (" + s.EmployerOrg + ")"
		}
	}
	info("Betaler / Payer", payer)
	pdf.Ln(4)

	cols := []float64{30, 38, tw - 30 - 38 - 28, 28}
	pdf.SetFont("Helvetica", "B", 10)
	for i, h := range []string{"Natt / Night", "Regler fra / Rules of", "Kategori / Category", "Beløp / Amount"} {
		align := "L"
		if i == 3 {
			align = "R"
		}
		pdf.CellFormat(cols[i], 7, tr(h), "B", 0, align, false, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 9)
	for _, l := range st.Lines {
		pdf.CellFormat(cols[0], 6, day(l.Night), "", 0, "L", false, 0, "")
		pdf.CellFormat(cols[1], 6, datefmt.RuleVersion("nb", l.RuleID), "", 0, "L", false, 0, "")
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
