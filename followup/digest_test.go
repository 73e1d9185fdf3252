package followup_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/followup"
	"beredskap/internal/teststore"
	"beredskap/mail/mailtest"
	"beredskap/web"
)

// sendDigests runs one digest pass as the worker and returns how many
// e-mails it sent.
func (e *muniEnv) sendDigests() int {
	e.t.Helper()
	n, err := e.svc.SendDigests(system())
	if err != nil {
		e.t.Fatalf("SendDigests: %v", err)
	}
	return n
}

// wantSafeMail fails the test when the e-mail holds any personal or
// health detail of the travellers beyond their receipts (issue 4 § 5;
// e-mail is not a safe channel).
func wantSafeMail(t *testing.T, m mailtest.Received, plans ...*beredskap.FollowUpPlan) {
	t.Helper()
	for _, p := range plans {
		for _, s := range []string{p.FirstName, p.LastName, p.Phone, p.BirthDate, p.Email, "Storgata", "building site", "workplace"} {
			if strings.Contains(m.Text, s) || strings.Contains(m.Subject, s) {
				t.Errorf("the digest holds %q:\n%s", s, m.Text)
			}
		}
	}
}

// wantDigestWords fails the test unless the digest is written in the
// words of the staff texts, in bokmål and then English (the register
// knows no staff member's language): its subject, and the lines of a
// digest of kind ("daily" or "immediate") that name no report.
func wantDigestWords(t *testing.T, m mailtest.Received, kind string, reports, breaches int) {
	t.Helper()
	var subjects []string
	at := -1
	for _, lang := range []string{"nb", "en"} {
		subjects = append(subjects, web.StaffText(lang, "muni.digest.mail.subject",
			"reports", web.StaffPlural(lang, "muni.digest.mail.reports", reports),
			"breaches", web.StaffPlural(lang, "muni.digest.mail.subject_breaches", breaches)))
		for _, key := range []string{"greeting", "login", kind, "settings"} {
			want := web.StaffText(lang, "muni.digest.mail."+key)
			i := strings.Index(m.Text, want)
			if i < 0 || strings.HasPrefix(want, "muni.") {
				t.Errorf("the %s digest lacks the %s words of %s %q:\n%s", kind, lang, key, want, m.Text)
				continue
			}
			if i < at {
				t.Errorf("the %s digest's %s words of %s come before the bokmål:\n%s", kind, lang, key, m.Text)
			}
			at = max(at, i)
		}
	}
	if want := strings.Join(subjects, " / "); m.Subject != want {
		t.Errorf("subject = %q; want %q", m.Subject, want)
	}
}

// link returns the traveller page's address a digest links to.
func link(p *beredskap.FollowUpPlan) string {
	return muniBaseURL + "/staff/followup/travellers/" + p.Receipt
}

// TestDigests checks the e-mail digests (issue 4 § 5: "an e-mail digest,
// daily or immediate for suspected breaches — their choice"): immediate
// mail at once for a suspected breach, the daily digest at the digest
// hour with the rest, nothing twice, nothing of the travellers but
// receipts, and the audit entry of every sending.
func TestDigests(t *testing.T) { teststore.Each(t, testDigests) }

func testDigests(t *testing.T, kind string) {
	e := newMuniEnv(t, kind) // 2021-02-20 10:00 Oslo
	anna := e.addTraveller(muniTraveller{municipality: oslo0301, first: "Anna", last: "Nowak"})
	jonas := e.addTraveller(muniTraveller{municipality: oslo0301, first: "Jonas", last: "Kazlauskas"})
	bergen := e.addTraveller(muniTraveller{municipality: bergen4601, first: "Maria", last: "Popescu"})
	old := e.report(anna, muniBreach("seen at a building site", beredskap.BreachWorkplace))

	// Digest choices: the officer immediate, the staff member daily; the
	// control centre has none.
	if p, err := e.svc.DigestPref(e.oslo); err != nil || p.Mode != beredskap.DigestOff {
		t.Fatalf("DigestPref before any choice = %+v, %v; want off", p, err)
	}
	if err := e.svc.SetDigest(e.oslo, beredskap.DigestImmediate); err != nil {
		t.Fatalf("SetDigest: %v", err)
	}
	if err := e.svc.SetDigest(e.osloStaff, beredskap.DigestDaily); err != nil {
		t.Fatalf("SetDigest: %v", err)
	}
	if p, err := e.svc.DigestPref(e.oslo); err != nil || p.Mode != beredskap.DigestImmediate || p.LastReportID != old.ID {
		t.Fatalf("DigestPref = %+v, %v; want immediate from report %d on", p, err, old.ID)
	}
	e.wantAudit("followup.digest.set", "ansatt@oslo.kommune.no", beredskap.OutcomeOK, nil)
	code(t, e.svc.SetDigest(e.oslo, "weekly"), beredskap.EINVALID, "mode")
	code(t, e.svc.SetDigest(e.centre, beredskap.DigestDaily), beredskap.EFORBIDDEN, "")
	e.wantAudit("followup.digest.set", "operator@kontrollsenter.no", beredskap.OutcomeDenied, nil)
	_, err := e.svc.DigestPref(e.inspector)
	code(t, err, beredskap.EFORBIDDEN, "")

	// Reports made before the choice are not mailed; a report without a
	// breach waits for the daily digest.
	if n := e.sendDigests(); n != 0 {
		t.Fatalf("sent %d digests with nothing new", n)
	}
	e.clock.Advance(time.Minute)
	r1 := e.report(jonas, muniReached())
	e.report(bergen, muniBreach("visitors", beredskap.BreachVisitors)) // another municipality
	if n := e.sendDigests(); n != 0 {
		t.Fatalf("sent %d digests for a report without a breach", n)
	}

	// A suspected breach goes out at once to the immediate user, with the
	// report before it.
	e.clock.Advance(time.Minute)
	r2 := e.report(anna, muniBreach("seen at a building site", beredskap.BreachWorkplace))
	if n := e.sendDigests(); n != 1 {
		t.Fatalf("sent %d digests after a breach, want 1", n)
	}
	m := e.smtp.WaitFor(t, "lege@oslo.kommune.no")
	if !strings.Contains(m.Subject, "2 nye rapporter, 1 mistanke om brudd") || !strings.Contains(m.Subject, "2 new reports, 1 suspected breach") {
		t.Errorf("subject = %q", m.Subject)
	}
	for _, want := range []string{link(anna), link(jonas), "mistanke om brudd på karantene: " + link(anna), "nådd: " + link(jonas),
		"suspected breach of quarantine: " + link(anna), "-- English --", "Oslo (0301)"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the immediate digest lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.Text, bergen.Receipt) {
		t.Errorf("the digest names Bergen's traveller")
	}
	wantDigestWords(t, m, "immediate", 2, 1)
	wantSafeMail(t, m, anna, jonas)
	en := e.wantAudit("followup.digest", "system", beredskap.OutcomeOK, []string{anna.Receipt, jonas.Receipt})
	if !strings.Contains(en.Detail, "immediate") || en.Object != "user:"+itoa64(e.osloUser.ID) {
		t.Errorf("digest audit = %+v", en.AuditRecord)
	}
	if p, _ := e.svc.DigestPref(e.oslo); p.LastReportID != r2.ID || p.LastSentAt == nil || !p.LastSentAt.Equal(e.clock.Now()) {
		t.Errorf("after the immediate digest: %+v, want last report %d", p, r2.ID)
	}

	// Nothing twice.
	if n := e.sendDigests(); n != 0 {
		t.Fatalf("sent %d digests again", n)
	}

	// A later report without a breach waits; at 07:00 the next day both
	// users get the daily digest: the staff member all three reports, the
	// officer the one not yet mailed.
	e.clock.Advance(time.Hour)
	r3 := e.report(jonas, beredskap.CallReport{Outcome: beredskap.CallNotReached})
	if n := e.sendDigests(); n != 0 {
		t.Fatalf("sent %d digests before the digest hour", n)
	}
	e.clock.Set(time.Date(2021, 2, 21, 5, 59, 0, 0, time.UTC)) // 06:59 Oslo
	if n := e.sendDigests(); n != 0 {
		t.Fatalf("sent %d digests at 06:59", n)
	}
	e.clock.Set(time.Date(2021, 2, 21, 6, 0, 0, 0, time.UTC)) // 07:00 Oslo
	if n := e.sendDigests(); n != 2 {
		t.Fatalf("sent %d daily digests, want 2", n)
	}
	m = e.smtp.WaitFor(t, "lege@oslo.kommune.no")
	if !strings.Contains(m.Subject, "1 ny rapport, 0 mistanke om brudd") || !strings.Contains(m.Text, "ikke nådd: "+link(jonas)) ||
		strings.Contains(m.Text, link(anna)) || !strings.Contains(m.Text, "daglige sammendraget") {
		t.Errorf("the officer's daily digest:\n%s\n%s", m.Subject, m.Text)
	}
	wantDigestWords(t, m, "daily", 1, 0)
	wantSafeMail(t, m, anna, jonas)
	m = e.smtp.WaitFor(t, "ansatt@oslo.kommune.no")
	if !strings.Contains(m.Subject, "3 nye rapporter, 1 mistanke om brudd") || !strings.Contains(m.Text, link(anna)) {
		t.Errorf("the staff member's daily digest:\n%s\n%s", m.Subject, m.Text)
	}
	wantSafeMail(t, m, anna, jonas)
	if p, _ := e.svc.DigestPref(e.osloStaff); p.LastReportID != r3.ID {
		t.Errorf("staff digest at report %d, want %d (r1 %d)", p.LastReportID, r3.ID, r1.ID)
	}
	if n := e.sendDigests(); n != 0 {
		t.Fatalf("sent %d digests again after the daily", n)
	}
	e.clock.Advance(5 * time.Hour)
	e.report(jonas, muniReached())
	if n := e.sendDigests(); n != 0 {
		t.Fatalf("sent %d digests for a report without a breach after the daily one", n)
	}
	if got := len(e.auditOf("followup.digest")); got != 3 {
		t.Errorf("%d digest audit entries, want 3", got)
	}

	// Turned off: nothing more; anyone but the worker may not send.
	if err := e.svc.SetDigest(e.oslo, beredskap.DigestOff); err != nil {
		t.Fatal(err)
	}
	e.report(anna, muniBreach("visitors", beredskap.BreachVisitors))
	if n := e.sendDigests(); n != 0 {
		t.Fatalf("sent %d digests to a user who turned them off", n)
	}
	_, err = e.svc.SendDigests(e.oslo)
	code(t, err, beredskap.EFORBIDDEN, "")
}

// TestDigestEndedGrant checks that a user whose grant has ended gets no
// digest (seed 000: removal ends access at once).
func TestDigestEndedGrant(t *testing.T) { teststore.Each(t, testDigestEndedGrant) }

func testDigestEndedGrant(t *testing.T, kind string) {
	e := newMuniEnv(t, kind)
	anna := e.addTraveller(muniTraveller{municipality: oslo0301, first: "Anna", last: "Nowak"})
	if err := e.svc.SetDigest(e.oslo, beredskap.DigestImmediate); err != nil {
		t.Fatal(err)
	}
	err := e.store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		return tx.EndGrant(ctx, e.osloUser.Grants[0].ID, e.clock.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	e.report(anna, muniBreach("not at the address", beredskap.BreachNotAtAddress))
	if n := e.sendDigests(); n != 0 {
		t.Fatalf("sent %d digests to a user without a valid grant", n)
	}
	if len(e.smtp.Messages()) != 0 {
		t.Errorf("mail went out: %v", e.smtp.Messages())
	}
}

// TestDigestGrantOnRealTime checks that grants are valid by the real time,
// not by the register's clock: an officer given access today gets the
// digest of a register whose clock a demo set in 2021.
func TestDigestGrantOnRealTime(t *testing.T) { teststore.Each(t, testDigestGrantOnRealTime) }

func testDigestGrantOnRealTime(t *testing.T, kind string) {
	e := newMuniEnv(t, kind) // the register's clock: 2021-02-20
	anna := e.addTraveller(muniTraveller{municipality: oslo0301, first: "Anna", last: "Nowak"})
	var u *beredskap.User
	err := e.store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		nu := &beredskap.User{Email: "ny@oslo.kommune.no", FirstName: "Ny", LastName: "Overlege", Status: beredskap.UserActive,
			CreatedAt: time.Now()}
		if err := tx.CreateUser(ctx, nu); err != nil {
			return err
		}
		g := &beredskap.Grant{UserID: nu.ID, Role: beredskap.RoleMunicipalOfficer,
			Scope:     beredskap.Scope{Kind: beredskap.ScopeMunicipality, Code: oslo0301},
			ValidFrom: time.Now().Add(-time.Hour), Provenance: "cli"}
		if err := tx.AddGrant(ctx, g); err != nil {
			return err
		}
		var err error
		u, err = tx.FindUser(ctx, nu.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	officer := beredskap.WithActor(context.Background(), &beredskap.Actor{User: u, Grant: &u.Grants[0], Address: "192.0.2.7"})
	if err := e.svc.SetDigest(officer, beredskap.DigestImmediate); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	e.report(anna, muniBreach("not at the address", beredskap.BreachNotAtAddress))
	if n := e.sendDigests(); n != 1 {
		t.Fatalf("sent %d digests to an officer whose grant began an hour ago (real time); want 1", n)
	}
	if m := e.smtp.WaitFor(t, "ny@oslo.kommune.no"); !strings.Contains(m.Text, link(anna)) {
		t.Errorf("the digest lacks the traveller's link:\n%s", m.Text)
	}
}

// TestRunDigests checks that the worker mails at once when a report wakes
// it.
func TestRunDigests(t *testing.T) { teststore.Each(t, testRunDigests) }

func testRunDigests(t *testing.T, kind string) {
	e := newMuniEnv(t, kind)
	anna := e.addTraveller(muniTraveller{municipality: oslo0301, first: "Anna", last: "Nowak"})
	if err := e.svc.SetDigest(e.oslo, beredskap.DigestImmediate); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.svc.RunDigests(ctx) }()
	defer func() { cancel(); <-done }()
	e.clock.Advance(time.Minute)
	// The operator's report wakes the worker (through the real service, not
	// the store): the e-mail must come long before the minute's tick.
	if _, err := e.svc.Claim(e.centre, anna.ID); err != nil {
		t.Fatalf("Claim: %v", err)
	}
	_, err := e.svc.FileReport(e.centre, anna.ID, followup.ReportInput{
		Outcome: beredskap.CallReached, Language: "pl", Understood: beredskap.UnderstoodPartly, StayingAt: "Storgata 1",
		Breaches: []beredskap.BreachKind{beredskap.BreachNotAtAddress}, BreachText: "not at the address",
	})
	if err != nil {
		t.Fatalf("FileReport: %v", err)
	}
	m := e.smtp.WaitFor(t, "lege@oslo.kommune.no")
	if !strings.Contains(m.Text, link(anna)) {
		t.Errorf("the worker's digest lacks the link:\n%s", m.Text)
	}
}

// itoa64 writes n in decimal.
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
