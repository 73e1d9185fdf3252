package hotel_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"beredskap"
	"beredskap/hotel"
	"beredskap/internal/export"
	"beredskap/internal/teststore"
	"beredskap/web"
)

// Seed 004: the municipality's coordinator allocates air arrivals, the
// police land and sea arrivals; the contact point is told of each guest;
// a full hotel takes no one.
func TestAllocate(t *testing.T) { teststore.Each(t, testAllocate) }

func testAllocate(t *testing.T, kind string) {
	e := newEnv(t, kind)
	h := e.newHotel("0301", 1, false)
	coord := e.as("koord@oslo.kommune.no", beredskap.RoleHotelCoordinator, "0301")
	border := e.as("politi@politiet.no", beredskap.RoleBorderOfficer, "")
	staffCtx := e.as("ansatt@oslo.kommune.no", beredskap.RoleMunicipalStaff, "0301")
	air := e.register(traveller{arrival: start})
	st, err := e.svc.Allocate(coord, hotel.AllocateRequest{Receipt: air.Receipt, HotelID: h.ID})
	if err != nil {
		t.Fatalf("Allocate: %v", err)
	}
	if st.FromDay != "2020-12-11" || st.ToDay != "2020-12-21" || st.Channel != beredskap.ChannelMunicipality {
		t.Errorf("stay = %s..%s %s, want 2020-12-11..2020-12-21 municipality", st.FromDay, st.ToDay, st.Channel)
	}
	m := e.smtp.WaitFor(t, "kontakt@kommune.example")
	if !strings.Contains(m.Text, air.Receipt) || !strings.Contains(m.Text, "11.12.2020") {
		t.Errorf("contact mail lacks receipt or nights:\n%s", m.Text)
	}
	// The hotel is full for the second guest; the night is named.
	air2 := e.register(traveller{arrival: start})
	_, err = e.svc.Allocate(coord, hotel.AllocateRequest{Receipt: air2.Receipt, HotelID: h.ID})
	wantErr(t, err, beredskap.EINVALID, "from_day")
	if !strings.Contains(err.Error(), "2020-12-11") {
		t.Errorf("full-hotel error names no night: %v", err)
	}
	// The same receipt again overlaps its own stay.
	h2 := e.newHotel("0301", 5, false)
	_, err = e.svc.Allocate(coord, hotel.AllocateRequest{Receipt: air.Receipt, HotelID: h2.ID})
	wantErr(t, err, beredskap.EINVALID, "from_day")
	// The police do not allocate air arrivals; the coordinator not land ones.
	_, err = e.svc.Allocate(border, hotel.AllocateRequest{Receipt: air2.Receipt, HotelID: h2.ID})
	wantErr(t, err, beredskap.EINVALID, "arrival.mode")
	land := e.register(traveller{arrival: start, mode: beredskap.ModeLand})
	_, err = e.svc.Allocate(coord, hotel.AllocateRequest{Receipt: land.Receipt, HotelID: h2.ID})
	wantErr(t, err, beredskap.EINVALID, "arrival.mode")
	if st, err := e.svc.Allocate(border, hotel.AllocateRequest{Receipt: land.Receipt, HotelID: h2.ID}); err != nil || st.Channel != beredskap.ChannelBorder {
		t.Fatalf("border Allocate(land) = %v, %v", st, err)
	}
	// Municipal staff may not allocate at all; another municipality's
	// coordinator not at this hotel.
	_, err = e.svc.Allocate(staffCtx, hotel.AllocateRequest{Receipt: air2.Receipt, HotelID: h2.ID})
	wantErr(t, err, beredskap.EFORBIDDEN, "")
	other := e.as("koord@bergen.kommune.no", beredskap.RoleHotelCoordinator, "4601")
	_, err = e.svc.Allocate(other, hotel.AllocateRequest{Receipt: air2.Receipt, HotelID: h2.ID})
	wantErr(t, err, beredskap.EFORBIDDEN, "")
	if !e.audited("stay.allocate", beredskap.OutcomeOK) || !e.audited("stay.allocate", beredskap.OutcomeDenied) {
		t.Error("allocations and refusals are not audited")
	}
	// A child under 10 shares the guardian's room: no room taken, no fee.
	child := e.register(traveller{arrival: start, birth: "2015-03-01", guardian: true})
	cs, err := e.svc.Allocate(coord, hotel.AllocateRequest{Receipt: child.Receipt, HotelID: h.ID, GuardianStayID: st.ID})
	if err != nil {
		t.Fatalf("Allocate(child with guardian in a full hotel): %v", err)
	}
	fs, err := e.svc.FeeStatement(coord, cs.ID)
	if err != nil || fs.TotalNOK != 0 || fs.Lines[0].Category != "fee_child_with_guardian" {
		t.Errorf("child's statement = %+v, %v; want 0 NOK fee_child_with_guardian (seed 004)", fs, err)
	}
}

// No hotel is ever over-filled, also under concurrent allocations.
func TestConcurrentAllocations(t *testing.T) { teststore.Each(t, testConcurrentAllocations) }

func testConcurrentAllocations(t *testing.T, kind string) {
	e := newEnv(t, kind)
	h := e.newHotel("0301", 3, false)
	coord := e.as("koord@oslo.kommune.no", beredskap.RoleHotelCoordinator, "0301")
	var regs []*beredskap.StoredRegistration
	for range 12 {
		regs = append(regs, e.register(traveller{arrival: start}))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, full := 0, 0
	for _, r := range regs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.svc.Allocate(coord, hotel.AllocateRequest{Receipt: r.Receipt, HotelID: h.ID})
			mu.Lock()
			defer mu.Unlock()
			switch beredskap.ErrorCode(err) {
			case "":
				ok++
			case beredskap.EINVALID:
				full++
			default:
				t.Errorf("Allocate: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok != 3 || full != 9 {
		t.Errorf("allocated %d, refused %d; want 3 and 9", ok, full)
	}
	av, err := e.svc.Availability(coord, "", "2020-12-11", "2020-12-20")
	if err != nil || len(av) != 1 || av[0].MinFree != 0 || av[0].Nights[0].Taken != 3 {
		t.Errorf("Availability = %+v, %v; want 3 taken, 0 free", av, err)
	}
}

func TestCheckInOut(t *testing.T) { teststore.Each(t, testCheckInOut) }

func testCheckInOut(t *testing.T, kind string) {
	e := newEnv(t, kind)
	h := e.newHotel("0301", 2, false)
	coord := e.as("koord@oslo.kommune.no", beredskap.RoleHotelCoordinator, "0301")
	r := e.register(traveller{arrival: start})
	st, err := e.svc.Allocate(coord, hotel.AllocateRequest{Receipt: r.Receipt, HotelID: h.ID})
	if err != nil {
		t.Fatal(err)
	}
	in := start.Add(time.Hour)
	if _, err := e.svc.CheckIn(coord, st.ID, in); err != nil {
		t.Fatalf("CheckIn: %v", err)
	}
	_, err = e.svc.CheckOut(coord, st.ID, in.Add(-time.Minute))
	wantErr(t, err, beredskap.EINVALID, "checked_out_at")
	out, err := e.svc.CheckOut(coord, st.ID, time.Date(2020, 12, 15, 10, 0, 0, 0, oslo))
	if err != nil || out.Status != beredskap.StayCheckedOut || out.ToDay != "2020-12-15" {
		t.Fatalf("CheckOut = %+v, %v; want checked_out to 2020-12-15", out, err)
	}
	_, err = e.svc.CheckOut(coord, st.ID, time.Time{})
	wantErr(t, err, beredskap.ECONFLICT, "")
}

// Seed 001: «Tilhøyrer du i ei av desse gruppene og befinn deg på
// karantenehotell når forskrifta trer i kraft, kan du forflytte deg til anna
// egna opphaldsstad … og dokumentere tilgang til egna karantenestad.»
func TestTransferAfterRuleChange(t *testing.T) { teststore.Each(t, testTransferAfterRuleChange) }

func testTransferAfterRuleChange(t *testing.T, kind string) {
	e := newEnv(t, kind)
	h := e.newHotel("0301", 2, false)
	coord := e.as("koord@oslo.kommune.no", beredskap.RoleHotelCoordinator, "0301")
	r := e.register(traveller{arrival: start})
	if !r.Decision.Hotel.Required {
		t.Fatal("before 2020-12-13 17:00 an other-purpose traveller must go to the hotel")
	}
	st, err := e.svc.Allocate(coord, hotel.AllocateRequest{Receipt: r.Receipt, HotelID: h.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CheckIn(coord, st.ID, start.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	before := time.Date(2020, 12, 13, 16, 0, 0, 0, oslo)
	after := time.Date(2020, 12, 13, 18, 0, 0, 0, oslo)
	req := hotel.TransferRequest{Address: "Fjordveien 2", PostalCode: "0155", Group: 4,
		Documents: []string{"accommodation_confirmation"}, At: before}
	_, err = e.svc.Transfer(coord, st.ID, req)
	wantErr(t, err, beredskap.EINVALID, "group") // no group 4 before the change
	req.At, req.Documents = after, nil
	_, err = e.svc.Transfer(coord, st.ID, req)
	wantErr(t, err, beredskap.EINVALID, "documents")
	req.Documents = []string{"accommodation_confirmation"}
	res, err := e.svc.Transfer(coord, st.ID, req)
	if err != nil {
		t.Fatalf("Transfer: %v", err)
	}
	g := res.Decision.Hotel.ExemptionGroup
	if res.Decision.Hotel.Required || g == nil || *g != 4 || res.Decision.RuleSet.ID != "2020-12-13-1700" {
		t.Errorf("re-evaluated decision: hotel %v group %v rules %s", res.Decision.Hotel.Required, g, res.Decision.RuleSet.ID)
	}
	if res.Stay.Status != beredskap.StayTransferred || res.Stay.TransferGroup != 4 || res.Stay.ToDay != "2020-12-13" {
		t.Errorf("stay = %+v", res.Stay)
	}
	if !e.audited("stay.transfer", beredskap.OutcomeOK) {
		t.Error("transfer not audited")
	}
}

// RULES.md: «for workers the employer/client pays 500 (1 500 before
// 2020-12-13 17:00)»; the night of 13 December is priced at 23:00, under the
// 17:00 version. Seed 004: adults 500, 10–18 years 250.
func TestFeeStatement(t *testing.T) { teststore.Each(t, testFeeStatement) }

func testFeeStatement(t *testing.T, kind string) {
	e := newEnv(t, kind)
	h := e.newHotel("0301", 5, false)
	coord := e.as("koord@oslo.kommune.no", beredskap.RoleHotelCoordinator, "0301")
	w := e.register(traveller{arrival: start, purpose: beredskap.PurposeWork,
		employer: beredskap.Employer{OrgNumber: "123456785", Name: "Bygg AS"}})
	st, err := e.svc.Allocate(coord, hotel.AllocateRequest{Receipt: w.Receipt, HotelID: h.ID, ToDay: "2020-12-16"})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.svc.FeeStatement(coord, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range fs.Lines {
		got = append(got, fmt.Sprintf("%s %s %d", l.Night, l.RuleID, l.NOK))
	}
	want := []string{"2020-12-11 2020-11-20 1500", "2020-12-12 2020-11-20 1500", "2020-12-13 2020-12-13-1700 500",
		"2020-12-14 2020-12-13-1700 500", "2020-12-15 2020-12-13-1700 500"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || fs.TotalNOK != 4500 {
		t.Errorf("lines:\n%s\ntotal %d; want\n%s\ntotal 4500", strings.Join(got, "\n"), fs.TotalNOK, strings.Join(want, "\n"))
	}
	// The statement is in the reader's language, in the words of the
	// staff texts: totals, days and categories as the language writes
	// them, and nothing of the other language.
	for _, tt := range []struct {
		lang      string
		want, not []string
	}{
		{"nb", []string{"Egenandel for karantenehotell", "4 500 kr", "11.12.2020", "Arbeidsgiver betaler"}, []string{"Total", "Employer"}},
		{"nn", []string{"Eigendel for karantenehotell", "4 500 kr", "11.12.2020", "Arbeidsgivar betaler"}, []string{"Total", "Employer"}},
		{"en", []string{"Quarantine hotel fee statement", "NOK 4,500", "11 Dec 2020", "Employer pays"}, []string{"Egenandel", "Sum"}},
	} {
		pdf, err := hotel.FeePDF(fs, tt.lang, func(key string, args ...any) string { return web.StaffText(tt.lang, key, args...) })
		if err != nil || !strings.HasPrefix(string(pdf), "%PDF") {
			t.Fatalf("FeePDF(%s): %v", tt.lang, err)
		}
		if _, err := exec.LookPath("pdftotext"); err != nil {
			continue
		}
		p := filepath.Join(t.TempDir(), "fee-"+tt.lang+".pdf")
		os.WriteFile(p, pdf, 0o600)
		out, err := exec.Command("pdftotext", p, "-").Output()
		txt := strings.Join(strings.Fields(string(out)), " ")
		for _, w := range tt.want {
			if err != nil || !strings.Contains(txt, w) {
				t.Errorf("%s: the PDF lacks %q: %v\n%s", tt.lang, w, err, txt)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(txt, w) {
				t.Errorf("%s: the PDF holds %q of another language:\n%s", tt.lang, w, txt)
			}
		}
	}
	var csv strings.Builder
	if err := hotel.WriteFeeCSV(&csv, fs, export.API); err != nil || !strings.Contains(csv.String(), "total,,,4500") {
		t.Errorf("CSV = %q, %v", csv.String(), err)
	}
	invs, err := e.svc.EmployerInvoices(coord, "", "2020-12-01", "2020-12-31")
	if err != nil || len(invs) != 1 || invs[0].OrgNumber != "123456785" || invs[0].TotalNOK != 4500 {
		t.Errorf("EmployerInvoices = %+v, %v", invs, err)
	}
	// The range is applied in the store: the last night alone, then the
	// day the stay ends (no night), then before it.
	for _, tt := range []struct {
		from, to string
		total    int
	}{{"2020-12-15", "2020-12-15", 500}, {"2020-12-16", "2020-12-31", 0}, {"2020-11-01", "2020-12-10", 0}} {
		invs, err := e.svc.EmployerInvoices(coord, "", tt.from, tt.to)
		total := 0
		for _, inv := range invs {
			total += inv.TotalNOK
		}
		if err != nil || total != tt.total {
			t.Errorf("EmployerInvoices(%s..%s) total %d, %v; want %d", tt.from, tt.to, total, err, tt.total)
		}
	}
	youth := e.register(traveller{arrival: time.Date(2020, 12, 14, 12, 0, 0, 0, oslo), birth: "2006-01-01"})
	ys, err := e.svc.Allocate(coord, hotel.AllocateRequest{Receipt: youth.Receipt, HotelID: h.ID})
	if err != nil {
		t.Fatal(err)
	}
	yf, err := e.svc.FeeStatement(coord, ys.ID)
	if err != nil || yf.TotalNOK != 2500 || yf.Lines[0].Category != "fee_youth" {
		t.Errorf("youth statement = %d %v; want 10 nights × 250", yf.TotalNOK, err)
	}
}

func TestIsolationIsFree(t *testing.T) { teststore.Each(t, testIsolationIsFree) }

func testIsolationIsFree(t *testing.T, kind string) {
	e := newEnv(t, kind)
	h := e.newHotel("0301", 2, false)
	iso := e.newHotel("0301", 2, true)
	coord := e.as("koord@oslo.kommune.no", beredskap.RoleHotelCoordinator, "0301")
	r := e.register(traveller{arrival: start})
	st, _ := e.svc.Allocate(coord, hotel.AllocateRequest{Receipt: r.Receipt, HotelID: h.ID})
	e.svc.CheckIn(coord, st.ID, start.Add(time.Hour))
	_, err := e.svc.Isolate(coord, hotel.IsolationRequest{Receipt: r.Receipt, HotelID: h.ID, FromDay: "2020-12-12", ToDay: "2020-12-20"})
	wantErr(t, err, beredskap.EINVALID, "hotel_id")
	is, err := e.svc.Isolate(coord, hotel.IsolationRequest{Receipt: r.Receipt, HotelID: iso.ID, FromDay: "2020-12-12", ToDay: "2020-12-20"})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.svc.FeeStatement(coord, is.ID)
	if err != nil || fs.TotalNOK != 0 || len(fs.Lines) != 8 || fs.Lines[0].Category != "isolation" {
		t.Errorf("isolation statement = %+v, %v", fs, err)
	}
	old, _ := e.svc.Stay(coord, st.ID)
	if old.Status != beredskap.StayCheckedOut || old.ToDay != "2020-12-12" {
		t.Errorf("quarantine stay = %s to %s, want checked_out to 2020-12-12", old.Status, old.ToDay)
	}
}

// Seed 001 § 6j: the municipal doctor's dispensation from 2020-12-13
// 17:00; asker.kommune.no: replaced by a direct exemption on 2020-12-23
// 12:00, after which no dispensation is granted.
func TestDispensation(t *testing.T) { teststore.Each(t, testDispensation) }

func testDispensation(t *testing.T, kind string) {
	e := newEnv(t, kind)
	officer := e.as("overlege@oslo.kommune.no", beredskap.RoleMunicipalOfficer, "0301")
	staffCtx := e.as("ansatt@oslo.kommune.no", beredskap.RoleMunicipalStaff, "0301")
	late := e.register(traveller{arrival: time.Date(2020, 12, 22, 12, 0, 0, 0, oslo)})
	_, err := e.svc.GrantDispensation(officer, hotel.DispensationRequest{Receipt: late.Receipt, Purpose: beredskap.PurposeFuneral,
		Relation: "parent", Place: "Vår Frelsers gravlund", From: time.Date(2020, 12, 23, 12, 0, 0, 0, oslo), To: time.Date(2020, 12, 23, 14, 0, 0, 0, oslo)})
	wantErr(t, err, beredskap.EINVALID, "purpose")

	r := e.register(traveller{arrival: time.Date(2020, 12, 14, 12, 0, 0, 0, oslo)})
	ok := hotel.DispensationRequest{Receipt: r.Receipt, Purpose: beredskap.PurposeVisitIll, Relation: "sibling",
		Place: "Ullevål sykehus", From: time.Date(2020, 12, 16, 10, 0, 0, 0, oslo), To: time.Date(2020, 12, 16, 14, 0, 0, 0, oslo)}
	bad := ok
	bad.Purpose = "wedding"
	_, err = e.svc.GrantDispensation(officer, bad)
	wantErr(t, err, beredskap.EINVALID, "purpose")
	bad = ok
	bad.Relation = "colleague"
	_, err = e.svc.GrantDispensation(officer, bad)
	wantErr(t, err, beredskap.EINVALID, "relation")
	bad = ok
	bad.To = time.Date(2020, 12, 27, 10, 0, 0, 0, oslo) // the quarantine ends 2020-12-24
	_, err = e.svc.GrantDispensation(officer, bad)
	wantErr(t, err, beredskap.EINVALID, "to")
	bad = ok
	bad.To = bad.From
	_, err = e.svc.GrantDispensation(officer, bad)
	wantErr(t, err, beredskap.EINVALID, "to")

	_, err = e.svc.GrantDispensation(staffCtx, ok)
	wantErr(t, err, beredskap.EFORBIDDEN, "")
	staffActor := beredskap.ActorFrom(staffCtx)
	if _, err := e.svc.Delegate(staffCtx, staffActor.User.ID, "0301"); beredskap.ErrorCode(err) != beredskap.EFORBIDDEN {
		t.Errorf("staff delegating to themselves: %v", err)
	}
	if _, err := e.svc.Delegate(officer, staffActor.User.ID, ""); err != nil {
		t.Fatalf("Delegate: %v", err)
	}
	d, err := e.svc.GrantDispensation(staffCtx, ok)
	if err != nil {
		t.Fatalf("GrantDispensation by delegated staff: %v", err)
	}
	if d.Municipality != "0301" || d.RuleID != "2020-12-13-1700" {
		t.Errorf("dispensation = %+v", d)
	}
	ds, err := e.svc.Dispensations(officer, r.Receipt)
	if err != nil || len(ds) != 1 {
		t.Fatalf("Dispensations = %v, %v", ds, err)
	}
	ended, err := e.svc.EndDispensation(officer, d.ID, hotel.EndSymptoms)
	if err != nil || ended.Status != beredskap.DispensationEnded || ended.EndReason != "symptoms" || ended.ActiveAt(ok.From) {
		t.Errorf("EndDispensation = %+v, %v", ended, err)
	}
	if !e.audited("dispensation.grant", beredskap.OutcomeDenied) || !e.audited("dispensation.end", beredskap.OutcomeOK) {
		t.Error("dispensation steps not audited")
	}
}

// Seed 001: a traveller at a quarantine hotel who falls in group 4 from
// 2020-12-13 17:00 may leave; the affected get an SMS when it takes effect.
func TestImpact(t *testing.T) { teststore.Each(t, testImpact) }

func testImpact(t *testing.T, kind string) {
	e := newEnv(t, kind)
	moved := e.register(traveller{arrival: start, accType: beredskap.AccommodationOtherSuitable,
		docs: []string{"accommodation_confirmation"}, language: "nb"})
	e.register(traveller{arrival: start}) // stays at the hotel: no change but the fee text
	at := time.Date(2020, 12, 13, 17, 0, 0, 0, oslo)
	run, err := e.svc.ComputeImpact(system(), at)
	if err != nil {
		t.Fatal(err)
	}
	if run.Evaluated != 2 || run.Changed != 1 || run.RuleID != "2020-12-13-1700" {
		t.Errorf("run = %+v; want 2 evaluated, 1 changed", run)
	}
	again, err := e.svc.ComputeImpact(system(), at)
	if err != nil || again.ID != run.ID {
		t.Errorf("ComputeImpact is not idempotent: %+v, %v", again, err)
	}
	coord := e.as("koord@oslo.kommune.no", beredskap.RoleHotelCoordinator, "0301")
	_, changes, err := e.svc.Impact(coord, at, "", "", 50)
	if err != nil || len(changes) != 1 || changes[0].Receipt != moved.Receipt {
		t.Fatalf("Impact = %+v, %v", changes, err)
	}
	if d := hotel.DescribeChange(changes[0]); len(d) == 0 || d[0] != "may leave the hotel: group 4" {
		t.Errorf("DescribeChange = %q", d)
	}
	if _, err := e.svc.NotifyImpact(coord, run.ID); beredskap.ErrorCode(err) != beredskap.EFORBIDDEN {
		t.Errorf("coordinator NotifyImpact: %v", err)
	}
	n, err := e.svc.NotifyImpact(system(), run.ID)
	if err != nil || n != 1 {
		t.Fatalf("NotifyImpact = %d, %v", n, err)
	}
	var due []*beredskap.SMSMessage
	err = e.store.UpdateHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
		early, err := tx.TakeDueSMS(ctx, at.Add(-time.Second), at.Add(time.Minute), 10)
		if err != nil || len(early) != 0 {
			return fmt.Errorf("SMS due before the change: %d, %v", len(early), err)
		}
		due, err = tx.TakeDueSMS(ctx, at, at.Add(time.Minute), 10)
		return err
	})
	if err != nil || len(due) != 1 || due[0].Template != "rule_change" || due[0].Language != "nb" {
		t.Fatalf("due SMS = %d messages, %v", len(due), err)
	}
	if n, _ := e.svc.NotifyImpact(system(), run.ID); n != 0 {
		t.Errorf("second NotifyImpact queued %d", n)
	}
	if !e.audited("rules.impact.list", beredskap.OutcomeOK) {
		t.Error("impact listing not audited")
	}
}
