package followup_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"beredskap"
	"beredskap/followup"
	"beredskap/internal/teststore"
	"beredskap/mail"
	"beredskap/mail/mailtest"
	"beredskap/rules"
	"beredskap/storetest"
	"beredskap/web"
)

// The municipalities of the municipal tests: Oslo and Bergen.
const (
	oslo0301   = "0301"
	bergen4601 = "4601"
)

// muniEnv is the follow-up service over a real database (SQLite in a
// temporary file or a fresh PostgreSQL one), mailing through a real SMTP server, with one user of
// each role the municipal side concerns.
type muniEnv struct {
	t     *testing.T
	svc   *followup.Service
	store teststore.Store
	regs  beredskap.RegistrationService
	clock *clock
	smtp  *mailtest.Server

	oslo, osloStaff, bergen, centre, inspector context.Context
	osloUser, osloStaffUser                    *beredskap.User
}

// muniBaseURL is the site address digests link to.
const muniBaseURL = "https://beredskap.example.test"

// newMuniEnv returns a fresh environment on the store of the kind (see
// openStore) at 2021-02-20 10:00 Oslo time.
func newMuniEnv(t *testing.T, kind string) *muniEnv {
	t.Helper()
	ctx := context.Background()
	c := &clock{now: time.Date(2021, 2, 20, 9, 0, 0, 0, time.UTC)}
	srv := mailtest.StartServer(t)
	sender, err := mail.NewSMTP(srv.Config())
	if err != nil {
		t.Fatalf("NewSMTP: %v", err)
	}
	store, regs := teststore.Open(t, kind, c.Now)
	book, err := rules.Embedded()
	if err != nil {
		t.Fatalf("rules: %v", err)
	}
	e := &muniEnv{
		t: t, store: store, regs: regs, clock: c, smtp: srv,
		svc: followup.New(store, book, sender, c.Now, followup.Config{BaseURL: muniBaseURL, Text: web.StaffText, Plural: web.StaffPlural}, nil),
	}
	var osloActor, osloStaffActor *beredskap.Actor
	osloActor, e.osloUser = e.addUser("lege@oslo.kommune.no", beredskap.RoleMunicipalOfficer, oslo0301)
	e.oslo = beredskap.WithActor(ctx, osloActor)
	osloStaffActor, e.osloStaffUser = e.addUser("ansatt@oslo.kommune.no", beredskap.RoleMunicipalStaff, oslo0301)
	e.osloStaff = beredskap.WithActor(ctx, osloStaffActor)
	bergenActor, _ := e.addUser("lege@bergen.kommune.no", beredskap.RoleMunicipalOfficer, bergen4601)
	e.bergen = beredskap.WithActor(ctx, bergenActor)
	centreActor, _ := e.addUser("operator@kontrollsenter.no", beredskap.RoleControlCentre, "")
	e.centre = beredskap.WithActor(ctx, centreActor)
	inspectorActor, _ := e.addUser("inspektor@arbeidstilsynet.no", beredskap.RoleLabourInspector, "")
	e.inspector = beredskap.WithActor(ctx, inspectorActor)
	return e
}

// addUser stores an active user with one grant of role (in the
// municipality for municipal roles) and returns an actor acting in it.
func (e *muniEnv) addUser(email string, role beredskap.Role, municipality string) (*beredskap.Actor, *beredskap.User) {
	e.t.Helper()
	var u *beredskap.User
	err := e.store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		nu := &beredskap.User{Email: email, FirstName: "Test", LastName: string(role), Status: beredskap.UserActive,
			CreatedAt: e.clock.Now()}
		if err := tx.CreateUser(ctx, nu); err != nil {
			return err
		}
		g := &beredskap.Grant{UserID: nu.ID, Role: role, Scope: beredskap.Scope{Kind: beredskap.ScopeKindOf(role), Code: municipality},
			ValidFrom: e.clock.Now().Add(-24 * time.Hour), Provenance: "cli"}
		if err := tx.AddGrant(ctx, g); err != nil {
			return err
		}
		var err error
		u, err = tx.FindUser(ctx, nu.ID)
		return err
	})
	if err != nil {
		e.t.Fatalf("add user %s: %v", email, err)
	}
	return &beredskap.Actor{User: u, Grant: &u.Grants[0], Address: "192.0.2.7", RequestID: "req-d2"}, u
}

// muniTraveller describes a followed-up traveller a test stores.
type muniTraveller struct {
	municipality  string
	first, last   string
	language      string
	phone         string
	arrival       time.Time // UTC
	accommodation string
	decision      func(*beredskap.Decision)
	plan          func(*beredskap.FollowUpPlan)
}

// addTraveller stores a registration and its follow-up plan and returns
// the plan.
func (e *muniEnv) addTraveller(tr muniTraveller) *beredskap.FollowUpPlan {
	e.t.Helper()
	ctx := context.Background()
	r := storetest.Registration(tr.first, tr.last)
	if tr.arrival.IsZero() {
		tr.arrival = time.Date(2021, 2, 15, 13, 30, 0, 0, time.UTC)
	}
	r.ArrivalTime = tr.arrival.Format(time.RFC3339)
	r.Accommodation.Address.Municipality = tr.municipality
	if tr.accommodation != "" {
		r.Accommodation.Type = tr.accommodation
	}
	if tr.language != "" {
		r.Traveller.Language = tr.language
	}
	if tr.phone != "" {
		r.Traveller.Phone = tr.phone
	}
	d := storetest.Decision()
	first := tr.arrival.In(muniOslo).Format(time.DateOnly)
	last := tr.arrival.In(muniOslo).AddDate(0, 0, 10).Format(time.DateOnly)
	d.RuleSet.ID = "2021-02-15"
	d.Quarantine.FirstDay, d.Quarantine.LastDay = &first, &last
	if tr.decision != nil {
		tr.decision(&d)
	}
	reg, _, err := e.regs.CreateRegistration(ctx, beredskap.NewRegistration{
		Registration: r, Decision: d, Municipality: tr.municipality,
	})
	if err != nil {
		e.t.Fatalf("CreateRegistration: %v", err)
	}
	p := &beredskap.FollowUpPlan{
		Receipt: reg.Receipt, Municipality: tr.municipality,
		PersonKey: "name:" + tr.first + " " + tr.last + " " + r.Traveller.BirthDate,
		FirstName: tr.first, LastName: tr.last, BirthDate: r.Traveller.BirthDate,
		Phone: r.Traveller.Phone, Email: r.Traveller.Email, Language: r.Traveller.Language,
		ArrivalAt: tr.arrival, FirstDay: first, LastDay: last, RuleID: d.RuleSet.ID,
		SMSDays: []int{2, 5}, CallDays: []int{1}, Status: beredskap.PlanActive,
		NextCallAt: tr.arrival.Add(24 * time.Hour),
		Codes:      beredskap.CodesOf(&reg.Registration, &reg.Decision),
	}
	if tr.plan != nil {
		tr.plan(p)
	}
	e.update(func(ctx context.Context, tx beredskap.FollowUpTx) error { return tx.CreatePlan(ctx, p) })
	return p
}

// muniOslo is Europe/Oslo.
var muniOslo = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		panic(err)
	}
	return loc
}()

// update runs fn in a follow-up write transaction and fails the test on
// an error.
func (e *muniEnv) update(fn func(ctx context.Context, tx beredskap.FollowUpTx) error) {
	e.t.Helper()
	if err := e.store.UpdateFollowUp(context.Background(), fn); err != nil {
		e.t.Fatalf("UpdateFollowUp: %v", err)
	}
}

// report stores a call report on the plan as the control centre's
// operator filed it, and returns it.
func (e *muniEnv) report(p *beredskap.FollowUpPlan, r beredskap.CallReport) *beredskap.CallReport {
	e.t.Helper()
	r.PlanID, r.Receipt, r.Municipality = p.ID, p.Receipt, p.Municipality
	if r.Operator == "" {
		r.Operator = "operator@kontrollsenter.no"
	}
	if r.Language == "" {
		r.Language = p.Language
	}
	e.update(func(ctx context.Context, tx beredskap.FollowUpTx) error {
		if err := tx.CreateCallReport(ctx, &r); err != nil {
			return err
		}
		if r.EmployerBreach {
			// A report naming what was suspected makes a notice as the
			// service does; one without stands for a notice made before
			// the fixed list, in the operator's words.
			n := &beredskap.LabourNotice{ReportID: r.ID, OrgNumber: r.EmployerOrg, EmployerName: r.EmployerName,
				Suspected: r.EmployerSuspected, Municipality: p.Municipality, ArrivalDate: p.FirstDay}
			if len(r.EmployerSuspected) == 0 {
				n.Suspicion = r.EmployerText
			}
			if err := tx.CreateLabourNotice(ctx, n); err != nil {
				return err
			}
		}
		plan, err := tx.FindPlan(ctx, p.ID)
		if err != nil {
			return err
		}
		plan.Attempts++
		plan.Reached = plan.Reached || r.Outcome == beredskap.CallReached
		plan.BreachSuspected = plan.BreachSuspected || r.BreachSuspected()
		at := r.CreatedAt
		plan.LastReportAt = &at
		return tx.UpdatePlan(ctx, plan)
	})
	return &r
}

// muniReached is a call report of a reached traveller who understood the
// rules.
func muniReached() beredskap.CallReport {
	return beredskap.CallReport{Outcome: beredskap.CallReached, Understood: beredskap.UnderstoodYes, StayingAt: "Storgata 1"}
}

// muniBreach is a call report of a suspected breach.
func muniBreach(text string, kinds ...beredskap.BreachKind) beredskap.CallReport {
	r := muniReached()
	r.Understood = beredskap.UnderstoodPartly
	r.Breaches, r.BreachText = kinds, text
	return r
}

// auditOf returns the audit entries of the action, oldest first.
func (e *muniEnv) auditOf(action string) []*beredskap.AuditEntry {
	e.t.Helper()
	var entries []*beredskap.AuditEntry
	err := e.store.View(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		var err error
		entries, _, err = tx.SearchAudit(ctx, beredskap.AuditFilter{Action: action, Limit: beredskap.MaxPageSize})
		return err
	})
	if err != nil {
		e.t.Fatalf("SearchAudit: %v", err)
	}
	return entries
}

// lastAudit returns the newest audit entry of the action, failing the test
// when there is none.
func (e *muniEnv) lastAudit(action string) *beredskap.AuditEntry {
	e.t.Helper()
	entries := e.auditOf(action)
	if len(entries) == 0 {
		e.t.Fatalf("no audit entry %s", action)
	}
	return entries[len(entries)-1]
}

// wantAudit fails the test unless the newest entry of the action has the
// actor, outcome and (when subjects is not nil) the subjects, in any
// order.
func (e *muniEnv) wantAudit(action, actor, outcome string, subjects []string) *beredskap.AuditEntry {
	e.t.Helper()
	en := e.lastAudit(action)
	if en.Actor != actor || en.Outcome != outcome {
		e.t.Fatalf("audit %s: actor %s outcome %s, want %s %s", action, en.Actor, en.Outcome, actor, outcome)
	}
	if subjects != nil {
		got, want := slices.Clone(en.Subjects), slices.Clone(subjects)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			e.t.Fatalf("audit %s subjects = %v, want %v", action, got, want)
		}
	}
	return en
}

// muniProblemFields returns the fields of an EINVALID error, sorted.
func muniProblemFields(t *testing.T, err error) []string {
	t.Helper()
	var be *beredskap.Error
	if !errors.As(err, &be) || be.Code != beredskap.EINVALID {
		t.Fatalf("error = %v, want EINVALID", err)
	}
	var fs []string
	for _, p := range be.Problems {
		fs = append(fs, p.Field)
	}
	slices.Sort(fs)
	return fs
}

// muniReceipts returns the plans' receipts, sorted.
func muniReceipts(plans []*beredskap.FollowUpPlan) []string {
	rs := make([]string, len(plans))
	for i, p := range plans {
		rs[i] = p.Receipt
	}
	slices.Sort(rs)
	return rs
}

// muniSorted returns a sorted copy.
func muniSorted(s ...string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
