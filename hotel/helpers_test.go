package hotel_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"beredskap"
	"beredskap/hotel"
	"beredskap/internal/teststore"
	"beredskap/mail"
	"beredskap/mail/mailtest"
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

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

type env struct {
	t     *testing.T
	svc   *hotel.Service
	staff *staff.Service
	store teststore.Store
	regs  beredskap.RegistrationService
	book  *rules.Book
	clock *clock
	smtp  *mailtest.Server
	n     int
}

// start is two days before the rule change of 2020-12-13 17:00 (seed 001).
var start = time.Date(2020, 12, 11, 12, 0, 0, 0, oslo)

// newEnv returns a fresh environment on the store of the kind (see
// openStore) at start.
func newEnv(t *testing.T, kind string) *env {
	t.Helper()
	book, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return newEnvWithBook(t, kind, book)
}

// newEnvWithBook is newEnv over the rule book given.
func newEnvWithBook(t *testing.T, kind string, book *rules.Book) *env {
	t.Helper()
	srv := mailtest.StartServer(t)
	sender, err := mail.NewSMTP(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{now: start}
	store, regs := teststore.Open(t, kind, c.Now)
	return &env{
		t: t, svc: hotel.New(store, book, sender, c.Now, hotel.Config{Text: web.StaffText}, nil),
		staff: staff.New(store, nil, c.Now, staff.Config{BaseURL: "https://beredskap.example.test"}, nil),
		store: store, regs: regs, book: book, clock: c, smtp: srv,
	}
}

func system() context.Context {
	return beredskap.WithActor(context.Background(), beredskap.SystemActor())
}

// as returns a context acting as a new user of role in municipality.
func (e *env) as(email string, role beredskap.Role, municipality string) context.Context {
	e.t.Helper()
	u, err := e.staff.AddUser(system(), staff.NewUser{
		Email: email, FirstName: "Test", LastName: string(role), Role: role,
		Scope: beredskap.Scope{Kind: beredskap.ScopeKindOf(role), Code: municipality},
	})
	if err != nil {
		e.t.Fatalf("AddUser(%s): %v", email, err)
	}
	_ = u
	token, _, err := e.staff.CreateToken(system(), email, "test", 24*time.Hour*365)
	if err != nil {
		e.t.Fatalf("CreateToken(%s): %v", email, err)
	}
	a, err := e.staff.AuthenticateToken(context.Background(), token)
	if err != nil {
		e.t.Fatalf("AuthenticateToken(%s): %v", email, err)
	}
	return beredskap.WithActor(context.Background(), a)
}

// traveller is what a test registration varies.
type traveller struct {
	arrival  time.Time
	mode     string
	purpose  string
	birth    string
	guardian bool
	docs     []string
	accType  string
	employer beredskap.Employer
	language string
	// municipality is the quarantine municipality, 0301 when "".
	municipality string
	// residence is ResidenceNone when "".
	residence string
}

// register stores a registration evaluated under the rules of its arrival.
func (e *env) register(tr traveller) *beredskap.StoredRegistration {
	e.t.Helper()
	e.n++
	if tr.mode == "" {
		tr.mode = beredskap.ModeAir
	}
	if tr.purpose == "" {
		tr.purpose = beredskap.PurposeOther
	}
	if tr.birth == "" {
		tr.birth = "1990-05-17"
	}
	if tr.accType == "" {
		tr.accType = beredskap.AccommodationQuarantineHotel
	}
	if tr.docs == nil {
		tr.docs = []string{}
	}
	if tr.municipality == "" {
		tr.municipality = "0301"
	}
	if tr.residence == "" {
		tr.residence = beredskap.ResidenceNone
	}
	r := beredskap.Registration{
		ArrivalTime: tr.arrival.Format(time.RFC3339),
		Traveller: beredskap.Traveller{
			FirstName: "Anna", LastName: "Kowalska", BirthDate: tr.birth, Nationality: "PL",
			IDDocument: beredskap.IDDocument{Type: "passport", Number: "EA" + time.Duration(e.n).String(), Country: "PL", Expires: "2027-01-31"},
			Phone:      "+48601234567", Email: "anna@example.com", Language: tr.language,
		},
		CountriesVisited: []string{"PL"},
		Arrival:          beredskap.Arrival{Mode: tr.mode, Point: "OSL"},
		Residence:        tr.residence,
		Purpose:          tr.purpose,
		Employer:         tr.employer,
		Accommodation: beredskap.Accommodation{
			Type:       tr.accType,
			Address:    beredskap.Address{Street: "Storgata 1", PostalCode: "0155", Municipality: "0301"},
			SingleRoom: true, OwnBathroom: true, OwnKitchenOrMeals: true, CloseContactAvoidable: true,
		},
		RoomWithGuardian:  tr.guardian,
		ExemptionsClaimed: []string{},
		Documents:         tr.docs,
		Destination:       beredskap.DestinationMainland,
	}
	d, err := e.book.Evaluate(&r, "en")
	if err != nil {
		e.t.Fatalf("Evaluate: %v", err)
	}
	reg, _, err := e.regs.CreateRegistration(context.Background(), beredskap.NewRegistration{
		Registration: r, Decision: d, Municipality: tr.municipality,
	})
	if err != nil {
		e.t.Fatalf("CreateRegistration: %v", err)
	}
	return reg
}

// newHotel creates a hotel of municipality with rooms, as the system.
func (e *env) newHotel(municipality string, rooms int, isolation bool) *beredskap.QuarantineHotel {
	e.t.Helper()
	h, err := e.svc.CreateHotel(system(), hotel.HotelInput{
		Municipality: municipality, Name: "Hotell " + municipality, Address: "Hotellgata 1", PostalCode: "0155",
		ContactName: "Kari Kontakt", ContactEmail: "kontakt@kommune.example", Rooms: rooms, Isolation: isolation, Active: true,
	})
	if err != nil {
		e.t.Fatalf("CreateHotel: %v", err)
	}
	return h
}

// wantErr fails unless err has code and, when field is not "", names field.
func wantErr(t *testing.T, err error, code beredskap.Code, field string) {
	t.Helper()
	var e *beredskap.Error
	if beredskap.ErrorCode(err) != code {
		t.Fatalf("error = %v (code %q), want code %q", err, beredskap.ErrorCode(err), code)
	}
	if field != "" && (!errors.As(err, &e) || e.Field != field) {
		t.Fatalf("error = %v, want field %q", err, field)
	}
}

// audited reports whether the audit trail has an entry of action with
// outcome.
func (e *env) audited(action, outcome string) bool {
	e.t.Helper()
	found := false
	err := e.store.ScanAudit(context.Background(), func(a *beredskap.AuditEntry) error {
		if a.Action == action && a.Outcome == outcome {
			found = true
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return found
}
