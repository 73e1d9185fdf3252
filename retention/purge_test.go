package retention_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"beredskap"
	"beredskap/citizen"
	"beredskap/followup"
	"beredskap/hotel"
	"beredskap/internal/teststore"
	"beredskap/norway"
	"beredskap/retention"
	"beredskap/rules"
	"beredskap/staff"
	"beredskap/web"
)

var oslo = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		panic(err)
	}
	return loc
}()

// clock stands still until the test moves it.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

// start is the day after the control centre began following up travellers
// (2021-02-15), when hotels, dispensations and follow-up were all in force.
var start = time.Date(2021, 2, 16, 15, 0, 0, 0, oslo)

type env struct {
	t        *testing.T
	kind     string
	dsn      string
	store    teststore.Store
	regs     beredskap.RegistrationService
	book     *rules.Book
	clock    *clock
	staff    *staff.Service
	followup *followup.Service
	hotel    *hotel.Service
	citizen  *citizen.Service
	svc      *retention.Service
}

func newEnv(t *testing.T, kind string) *env {
	t.Helper()
	book, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{now: start}
	store, regs, dsn := teststore.OpenDSN(t, kind, c.Now)
	cit, err := citizen.New(store, nil, c.Now, citizen.Config{AttachmentKey: bytes.Repeat([]byte{7}, 32), AllowSyntheticIDs: true, Text: web.CitizenText}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &env{
		t: t, kind: kind, dsn: dsn, store: store, regs: regs, book: book, clock: c,
		staff:    staff.New(store, nil, c.Now, staff.Config{BaseURL: "https://beredskap.example.test"}, nil),
		followup: followup.New(store, book, nil, c.Now, followup.Config{}, nil),
		hotel:    hotel.New(store, book, nil, c.Now, hotel.Config{}, nil),
		citizen:  cit,
		svc:      retention.New(store, retention.MustEmbedded(), c.Now, nil, retention.Config{Batch: 2}),
	}
}

func system() context.Context {
	return beredskap.WithActor(context.Background(), beredskap.SystemActor())
}

// as returns a context acting as a new user of role (in municipality for
// municipal roles), authenticated by an API token.
func (e *env) as(email string, role beredskap.Role, municipality string) context.Context {
	e.t.Helper()
	if _, err := e.staff.AddUser(system(), staff.NewUser{
		Email: email, FirstName: "Test", LastName: string(role), Role: role,
		Scope: beredskap.Scope{Kind: beredskap.ScopeKindOf(role), Code: municipality},
	}); err != nil {
		e.t.Fatalf("AddUser(%s): %v", email, err)
	}
	token, _, err := e.staff.CreateToken(system(), email, "test", 30*24*time.Hour)
	if err != nil {
		e.t.Fatalf("CreateToken(%s): %v", email, err)
	}
	a, err := e.staff.AuthenticateToken(context.Background(), token)
	if err != nil {
		e.t.Fatalf("AuthenticateToken(%s): %v", email, err)
	}
	return beredskap.WithActor(context.Background(), a)
}

// person is a traveller whose data must be gone after the purge.
type person struct {
	first, last, nationalID, phone, email string
	hotel                                 bool
}

// needles returns what must not remain of p: names, identity number,
// phone number (with and without the country code) and e-mail address.
func (p person) needles() []string {
	return []string{p.first, p.last, p.nationalID, p.phone, strings.TrimPrefix(p.phone, "+47"), p.email}
}

// nid returns a valid synthetic national identity number near individual.
func nid(t *testing.T, individual int) string {
	t.Helper()
	for i := individual; i < individual+20; i++ {
		if n, ok := norway.GenerateFNumber(time.Date(1988, 3, 9, 0, 0, 0, 0, time.UTC), i); ok {
			return n
		}
	}
	t.Fatalf("no national identity number near %d", individual)
	return ""
}

// register stores p's registration, arriving at, staying in Oslo.
func (e *env) register(p person, at time.Time, key string) *beredskap.StoredRegistration {
	e.t.Helper()
	acc := beredskap.AccommodationOtherSuitable
	docs := []string{"accommodation_confirmation"}
	if p.hotel {
		acc, docs = beredskap.AccommodationQuarantineHotel, []string{}
	}
	r := beredskap.Registration{
		ArrivalTime: at.Format(time.RFC3339),
		Traveller: beredskap.Traveller{
			FirstName: p.first, LastName: p.last, BirthDate: "1988-03-09", Nationality: "NO", NationalID: p.nationalID,
			IDDocument: beredskap.IDDocument{Type: "passport", Number: "PP" + p.nationalID[:7], Country: "NO", Expires: "2027-01-31"},
			Phone:      p.phone, Email: p.email,
		},
		CountriesVisited: []string{"PL"},
		Arrival:          beredskap.Arrival{Mode: beredskap.ModeAir, Point: "OSL"},
		Residence:        beredskap.ResidenceNone,
		Purpose:          beredskap.PurposeOther,
		Accommodation: beredskap.Accommodation{
			Type:       acc,
			Address:    beredskap.Address{Street: "Storgata 1", PostalCode: "0155", Municipality: "0301"},
			SingleRoom: true, OwnBathroom: true, OwnKitchenOrMeals: true, CloseContactAvoidable: true,
		},
		ExemptionsClaimed: []string{},
		Documents:         docs,
		Destination:       beredskap.DestinationMainland,
	}
	d, err := e.book.Evaluate(&r, "en")
	if err != nil {
		e.t.Fatalf("Evaluate: %v", err)
	}
	reg, _, err := e.regs.CreateRegistration(context.Background(), beredskap.NewRegistration{
		Registration: r, Decision: d, Municipality: "0301", IdempotencyKey: key, RequestHash: "h-" + key,
	})
	if err != nil {
		e.t.Fatalf("CreateRegistration: %v", err)
	}
	return reg
}

func (e *env) stats() []beredskap.StatCount {
	e.t.Helper()
	var out []beredskap.StatCount
	if err := e.store.ViewRetention(context.Background(), func(ctx context.Context, tx beredskap.RetentionTx) error {
		var err error
		out, err = tx.Statistics(ctx, "")
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) verifyAudit() int64 {
	e.t.Helper()
	v := beredskap.NewChainVerifier()
	if err := e.store.ScanAudit(context.Background(), func(a *beredskap.AuditEntry) error {
		v.Add(a)
		return nil
	}); err != nil {
		e.t.Fatal(err)
	}
	if b := v.Result(); b != nil {
		e.t.Fatalf("audit verify after the purge: %v", b)
	}
	return v.Count()
}

func pngFile(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestPurgeLeavesNoPerson registers people through every flow (follow-up
// with SMS, calls with a labour notice, a quarantine hotel stay, a § 6j
// dispensation, a citizen case with an ID copy), runs the purge after every
// period of the policy has ended (issue 19: "finds none of their names,
// identity numbers, phone numbers or e-mail addresses in any column of any
// table"), and checks that the audit trail verifies, that the fee rows
// remain without the person, and that the statistics add up as before.
func TestPurgeLeavesNoPerson(t *testing.T) { teststore.Each(t, testPurgeLeavesNoPerson) }

func testPurgeLeavesNoPerson(t *testing.T, kind string) {
	e := newEnv(t, kind)
	people := []person{
		{first: "Quillon", last: "Vasterbrekk", nationalID: nid(t, 101), phone: "+4791234501", email: "quillon.v@example.org"},
		{first: "Ysolde", last: "Karmhaugen", nationalID: nid(t, 131), phone: "+4791234502", email: "ysolde.k@example.org", hotel: true},
		{first: "Brannoc", last: "Tveitlund", nationalID: nid(t, 161), phone: "+4791234503", email: "brannoc.t@example.org", hotel: true},
		{first: "Ermengild", last: "Sorvikhaug", nationalID: nid(t, 191), phone: "+4791234504", email: "ermengild.s@example.org"},
	}
	// A § 6j dispensation, granted in the days the rules allowed it
	// (13–23 December 2020).
	december := time.Date(2020, 12, 15, 12, 0, 0, 0, oslo)
	e.clock.Set(december)
	dispensed := e.register(people[2], december.Add(-2*time.Hour), "key-c")
	if _, err := e.hotel.GrantDispensation(system(), hotel.DispensationRequest{Receipt: dispensed.Receipt,
		Purpose: beredskap.PurposeVisitIll, Relation: "parent", Place: "Ullevål sykehus",
		From: december.Add(24 * time.Hour), To: december.Add(27 * time.Hour)}); err != nil {
		t.Fatalf("GrantDispensation: %v", err)
	}
	e.clock.Set(start)
	arrival := start.Add(-2 * time.Hour)
	var regs []*beredskap.StoredRegistration
	for i, p := range people {
		if i == 2 {
			regs = append(regs, dispensed)
			continue
		}
		regs = append(regs, e.register(p, arrival, "key-"+string(rune('a'+i))))
	}
	// Follow-up: plans and their scheduled SMS, an ad-hoc SMS, a call
	// report with a suspected employer breach (a labour notice).
	if made, _, err := e.followup.PlanPass(system()); err != nil || made == 0 {
		t.Fatalf("PlanPass: made %d, %v", made, err)
	}
	op := e.as("op@kontrollsenter.example", beredskap.RoleControlCentre, "")
	var plan *beredskap.FollowUpPlan
	if err := e.store.ViewFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
		var err error
		plan, err = tx.FindPlanByReceipt(ctx, regs[0].Receipt)
		return err
	}); err != nil {
		t.Fatalf("plan of %s: %v", regs[0].Receipt, err)
	}
	if _, err := e.followup.Claim(op, plan.ID); err != nil {
		t.Fatalf("Claim: %v", err)
	}
	report := followup.ReportInput{Outcome: beredskap.CallReached, Language: "nb", Understood: beredskap.UnderstoodYes,
		StayingAt: "Storgata 1", EmployerBreach: true, EmployerOrg: "974760673", EmployerName: "Bygg AS",
		EmployerText: "no quarantine housing", EmployerSuspected: []beredskap.EmployerSuspicion{beredskap.SuspectNoConfirmation}}
	if _, err := e.followup.FileReport(op, plan.ID, report); err != nil {
		t.Fatalf("FileReport: %v", err)
	}
	if _, err := e.followup.SendSMS(op, plan.ID, "not_reached", ""); err != nil {
		t.Fatalf("SendSMS: %v", err)
	}
	// A quarantine hotel stay, checked in and out.
	h, err := e.hotel.CreateHotel(system(), hotel.HotelInput{Municipality: "0301", Name: "Hotell Oslo",
		Address: "Hotellgata 1", PostalCode: "0155", ContactName: "Kari Kontakt", ContactEmail: "kontakt@kommune.example",
		Rooms: 10, Active: true})
	if err != nil {
		t.Fatalf("CreateHotel: %v", err)
	}
	st, err := e.hotel.Allocate(system(), hotel.AllocateRequest{Receipt: regs[1].Receipt, HotelID: h.ID})
	if err != nil {
		t.Fatalf("Allocate: %v", err)
	}
	if _, err := e.hotel.CheckIn(system(), st.ID, start); err != nil {
		t.Fatalf("CheckIn: %v", err)
	}
	// A citizen case with a copy of the ID, registered by citizen support
	// and rejected, and a login.
	support := e.as("veileder@helfo.example", beredskap.RoleCitizenSupport, "")
	p := people[3]
	c, err := e.citizen.RegisterCase(support, citizen.CaseInput{Kind: beredskap.CaseBlock, NationalID: p.nationalID,
		Name: p.first + " " + p.last, DocumentKind: beredskap.IDPassport, DocumentExpires: "2030-01-31", File: pngFile(t)})
	if err != nil {
		t.Fatalf("RegisterCase: %v", err)
	}
	if _, err := e.citizen.RejectCase(support, c.ID, "the copy is unreadable"); err != nil {
		t.Fatalf("RejectCase: %v", err)
	}
	if _, err := e.citizen.Login(context.Background(), p.nationalID, p.first+" "+p.last); err != nil {
		t.Fatalf("Login: %v", err)
	}
	e.clock.Set(start.AddDate(0, 0, 10))
	if _, err := e.hotel.CheckOut(system(), st.ID, e.clock.Now()); err != nil {
		t.Fatalf("CheckOut: %v", err)
	}

	var needles []string
	for _, p := range people {
		needles = append(needles, p.needles()...)
	}
	before := tableRows(t, kind, e.dsn)
	for _, p := range people {
		if len(findPersonal(before, p.needles())) == 0 {
			t.Fatalf("%s %s is nowhere before the purge; the scan would prove nothing", p.first, p.last)
		}
	}
	statsBefore := e.stats()
	if len(statsBefore) < 8 {
		t.Fatalf("statistics before the purge: %v; want counts of every flow", statsBefore)
	}

	// Ten days after arrival only the December traveller's period has
	// ended.
	first, err := e.svc.Purge(context.Background(), nil)
	if err != nil || first.Registrations.Registrations != 1 || first.Registrations.Dispensations != 1 {
		t.Fatalf("Purge ten days after arrival: %+v, %v; want only the December traveller with the dispensation", first, err)
	}
	if _, err := e.regs.FindRegistration(context.Background(), regs[0].Receipt); err != nil {
		t.Fatalf("a registration within its period is gone: %v", err)
	}

	// Eighteen months on, every period but the accounting one has ended.
	e.clock.Set(start.AddDate(1, 6, 0))
	rep, err := e.svc.Purge(context.Background(), nil)
	if err != nil {
		t.Fatalf("Purge: %v", err)
	}
	c1 := rep.Registrations
	c1.Add(first.Registrations)
	if c1.Registrations != 4 || c1.Plans == 0 || c1.CallReports != 1 || c1.SMS == 0 || c1.LabourNotices != 1 ||
		c1.Stays != 1 || c1.Dispensations != 1 || rep.CitizenCases != 1 || rep.Batches != 2 {
		t.Errorf("purge reports %+v and %+v; want 4 registrations, 3 in 2 batches at last, with their plans, report, SMS, notice, stay, dispensation and case", first, rep)
	}
	after := tableRows(t, kind, e.dsn)
	if hits := findPersonal(after, needles); len(hits) > 0 {
		t.Errorf("personal data left after the purge:\n%s", strings.Join(hits, "\n"))
	}
	// The fee row stays without the person; the statistics add up.
	var fee int
	for _, r := range after {
		if strings.HasPrefix(r, "hotel_stays:") {
			fee++
		}
	}
	if fee != 1 {
		t.Errorf("hotel stays after the purge: %d; want the de-identified fee row", fee)
	}
	if got := e.stats(); !slices.Equal(got, statsBefore) {
		t.Errorf("statistics after the purge:\n%v\nwant as before:\n%v", got, statsBefore)
	}
	if n := e.verifyAudit(); n == 0 {
		t.Error("no audit entries")
	}
	if !audited(t, e, "retention.purge", regs[0].Receipt) {
		t.Error("the purge of the follow-up traveller is not audited with the receipt as subject")
	}

	// Six years on, the accounting period of 2021 has ended too.
	e.clock.Set(time.Date(2027, 1, 2, 12, 0, 0, 0, oslo))
	if rep, err = e.svc.Purge(context.Background(), nil); err != nil || rep.FeeRows != 1 {
		t.Fatalf("Purge after the accounting period: %+v, %v; want the fee row deleted", rep, err)
	}
	e.verifyAudit()
}

// audited reports whether an entry of action names receipt as subject.
func audited(t *testing.T, e *env, action, receipt string) bool {
	t.Helper()
	found := false
	if err := e.store.ScanAudit(context.Background(), func(a *beredskap.AuditEntry) error {
		if a.Action == action && slices.Contains(a.Subjects, receipt) {
			found = true
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return found
}
