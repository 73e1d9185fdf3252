package followup_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"beredskap"
	"beredskap/followup"
	"beredskap/internal/teststore"
	"beredskap/rules"
	"beredskap/staff"
)

// oslo is the zone the follow-up counts days in.
var oslo = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		panic(err)
	}
	return loc
}()

// clock is a test clock that stands still until a test moves it.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is a follow-up service over a real database (SQLite in a temporary
// file or a fresh PostgreSQL one), with the staff service beside it to make
// users.
type env struct {
	t     *testing.T
	svc   *followup.Service
	staff *staff.Service
	store teststore.Store
	regs  beredskap.RegistrationService
	book  *rules.Book
	clock *clock
}

// start is when every test begins: the day after the control centre
// started (RULES.md 2021-02-15), 15:00 in Oslo.
var start = time.Date(2021, 2, 16, 15, 0, 0, 0, oslo)

// newEnv returns a fresh environment on the store of the kind (see
// openStore) at start.
func newEnv(t *testing.T, kind string) *env {
	t.Helper()
	book, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{now: start}
	store, regs := teststore.Open(t, kind, c.Now)
	return &env{
		t: t, svc: followup.New(store, book, nil, c.Now, followup.Config{}, nil),
		staff: staff.New(store, nil, c.Now, staff.Config{BaseURL: "https://beredskap.example.test"}, nil),
		store: store, regs: regs, book: book, clock: c,
	}
}

// system returns a context acting as a background worker.
func system() context.Context {
	return beredskap.WithActor(context.Background(), beredskap.SystemActor())
}

// as returns a context acting as a new user with one grant of role
// (municipality for municipal roles), authenticated by an API token.
func (e *env) as(email string, role beredskap.Role, municipality string) context.Context {
	e.t.Helper()
	_, err := e.staff.AddUser(system(), staff.NewUser{
		Email: email, FirstName: "Test", LastName: string(role), Role: role,
		Scope: beredskap.Scope{Kind: beredskap.ScopeKindOf(role), Code: municipality},
	})
	if err != nil {
		e.t.Fatalf("AddUser(%s): %v", email, err)
	}
	token, _, err := e.staff.CreateToken(system(), email, "test", 24*time.Hour*365)
	if err != nil {
		e.t.Fatalf("CreateToken(%s): %v", email, err)
	}
	a, err := e.staff.AuthenticateToken(context.Background(), token)
	if err != nil {
		e.t.Fatalf("AuthenticateToken(%s): %v", email, err)
	}
	a.Address, a.RequestID = "192.0.2.1", "req-test"
	return beredskap.WithActor(context.Background(), a)
}

// traveller is what differs between the registrations of the tests.
type traveller struct {
	arrival  time.Time
	first    string
	document string // passport number
	language string
	phone    string
}

// register stores a registration of the contract's example traveller
// (rules/versions/_base.yaml) with t's details, decided by the rules in
// force at arrival, staying in Oslo (0301).
func (e *env) register(t traveller) *beredskap.StoredRegistration {
	e.t.Helper()
	if t.first == "" {
		t.first = "Anna"
	}
	if t.document == "" {
		t.document = "EA1234567"
	}
	if t.phone == "" {
		t.phone = "+48601234567"
	}
	r := beredskap.Registration{
		ArrivalTime: t.arrival.Format(time.RFC3339),
		Traveller: beredskap.Traveller{
			FirstName: t.first, LastName: "Kowalska", BirthDate: "1990-05-17", Nationality: "PL",
			IDDocument: beredskap.IDDocument{Type: "passport", Number: t.document, Country: "PL", Expires: "2027-01-31"},
			Phone:      t.phone, Email: "anna@example.com", Language: t.language,
		},
		CountriesVisited: []string{"PL", "DE"},
		Arrival:          beredskap.Arrival{Mode: beredskap.ModeAir, Point: "OSL"},
		Residence:        beredskap.ResidenceNone,
		Purpose:          beredskap.PurposeOther,
		Accommodation: beredskap.Accommodation{
			Type:       beredskap.AccommodationOtherSuitable,
			Address:    beredskap.Address{Street: "Storgata 1", PostalCode: "0155", Municipality: "0301"},
			SingleRoom: true, OwnBathroom: true, OwnKitchenOrMeals: true, CloseContactAvoidable: true,
		},
		ExemptionsClaimed: []string{},
		Documents:         []string{"accommodation_confirmation"},
		Destination:       beredskap.DestinationMainland,
	}
	d, err := e.book.Evaluate(&r, "en")
	if err != nil {
		e.t.Fatalf("Evaluate: %v", err)
	}
	reg, _, err := e.regs.CreateRegistration(context.Background(), beredskap.NewRegistration{
		Registration: r, Decision: d, Municipality: "0301",
	})
	if err != nil {
		e.t.Fatalf("CreateRegistration: %v", err)
	}
	return reg
}

// plan returns the plan of the receipt, read as the system.
func (e *env) plan(receipt string) *beredskap.FollowUpPlan {
	e.t.Helper()
	var p *beredskap.FollowUpPlan
	err := e.store.ViewFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
		var err error
		p, err = tx.FindPlanByReceipt(ctx, receipt)
		return err
	})
	if err != nil {
		e.t.Fatalf("FindPlanByReceipt(%s): %v", receipt, err)
	}
	return p
}

// hasPlan reports whether the receipt has a plan.
func (e *env) hasPlan(receipt string) bool {
	e.t.Helper()
	err := e.store.ViewFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
		_, err := tx.FindPlanByReceipt(ctx, receipt)
		return err
	})
	if err != nil && beredskap.ErrorCode(err) != beredskap.ENOTFOUND {
		e.t.Fatal(err)
	}
	return err == nil
}

// sms returns the plan's outbox rows, oldest first.
func (e *env) sms(planID int64) []*beredskap.SMSMessage {
	e.t.Helper()
	var ms []*beredskap.SMSMessage
	err := e.store.ViewFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
		var err error
		ms, err = tx.ListPlanSMS(ctx, planID)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return ms
}

// notices returns every labour notice.
func (e *env) notices() []*beredskap.LabourNotice {
	e.t.Helper()
	var ns []*beredskap.LabourNotice
	err := e.store.ViewFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
		var err error
		ns, _, err = tx.ListLabourNotices(ctx, beredskap.NoticeFilter{})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return ns
}

// audit returns the audit entries of the action, oldest first.
func (e *env) audit(action string) []*beredskap.AuditEntry {
	e.t.Helper()
	var out []*beredskap.AuditEntry
	err := e.store.View(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		f := beredskap.AuditFilter{Action: action, Limit: beredskap.MaxPageSize}
		for {
			page, next, err := tx.SearchAudit(ctx, f)
			if err != nil {
				return err
			}
			out = append(out, page...)
			if next == "" {
				return nil
			}
			f.PageToken = next
		}
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// audited fails the test unless an entry of the action by actor with the
// outcome exists, naming the receipt among its subjects when it is not "".
func (e *env) audited(action, actor, outcome, receipt string) {
	e.t.Helper()
	for _, en := range e.audit(action) {
		if en.Actor == actor && en.Outcome == outcome && (receipt == "" || slices.Contains(en.Subjects, receipt)) {
			return
		}
	}
	e.t.Errorf("no audit entry %s by %s with outcome %s naming %q", action, actor, outcome, receipt)
}

// code fails the test unless err has the code (and names the field when
// field is not "").
func code(t *testing.T, err error, code beredskap.Code, field string) {
	t.Helper()
	if beredskap.ErrorCode(err) != code {
		t.Fatalf("error %v has code %q; want %q", err, beredskap.ErrorCode(err), code)
	}
	var e *beredskap.Error
	if field != "" && (!errors.As(err, &e) || e.Field != field) {
		t.Fatalf("error %v names field %q; want %q", err, e.Field, field)
	}
}

// at returns the instant of the day and hour in Oslo.
func at(year int, month time.Month, day, hour, min int) time.Time {
	return time.Date(year, month, day, hour, min, 0, 0, oslo)
}
