package followup_test

import (
	"sync"
	"testing"
	"time"

	"beredskap"
	"beredskap/followup"
	"beredskap/internal/teststore"
	"beredskap/mail"
	"beredskap/rules"
	"beredskap/web"
)

// TestDigestsOncePerDueTime runs the digest pass of several instances at
// once on one database (issue 18: "each user got at most one digest per
// due time"): an immediate digest and the daily digest each reach their
// user once, however many instances race for them.
func TestDigestsOncePerDueTime(t *testing.T) { teststore.Each(t, testDigestsOnce) }

func testDigestsOnce(t *testing.T, kind string) {
	e := newMuniEnv(t, kind) // 2021-02-20 10:00 Oslo, after the digest hour
	anna := e.addTraveller(muniTraveller{municipality: oslo0301, first: "Anna", last: "Nowak"})
	if err := e.svc.SetDigest(e.oslo, beredskap.DigestImmediate); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SetDigest(e.osloStaff, beredskap.DigestDaily); err != nil {
		t.Fatal(err)
	}
	book, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	sender, err := mail.NewSMTP(e.smtp.Config())
	if err != nil {
		t.Fatal(err)
	}
	instances := []*followup.Service{e.svc}
	for range 3 {
		instances = append(instances, followup.New(e.store, book, sender, e.clock.Now, followup.Config{BaseURL: muniBaseURL, Text: web.StaffText, Plural: web.StaffPlural}, nil))
	}
	race := func() int {
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for _, s := range instances {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := s.SendDigests(system())
				if err != nil {
					t.Errorf("SendDigests: %v", err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		return total
	}
	mailsTo := func(to string) int {
		n := 0
		for _, m := range e.smtp.Messages() {
			for _, r := range m.To {
				if r == to {
					n++
				}
			}
		}
		return n
	}

	e.clock.Advance(time.Minute)
	e.report(anna, muniBreach("seen at a building site", beredskap.BreachWorkplace))
	if n := race(); n != 1 {
		t.Errorf("instances sent %d immediate digests; want 1", n)
	}
	if n := mailsTo("lege@oslo.kommune.no"); n != 1 {
		t.Errorf("the officer got %d immediate e-mails; want 1", n)
	}

	// The next day's digest hour passes: each user gets one daily digest.
	e.clock.Advance(24 * time.Hour)
	e.report(anna, muniReached())
	if n := race(); n != 2 {
		t.Errorf("instances sent %d daily digests; want 2", n)
	}
	if a, b := mailsTo("lege@oslo.kommune.no"), mailsTo("ansatt@oslo.kommune.no"); a != 2 || b != 1 {
		t.Errorf("e-mails: officer %d, staff %d; want 2 and 1", a, b)
	}
	if n := race(); n != 0 {
		t.Errorf("a second race sent %d digests; want 0", n)
	}
	if got := len(e.auditOf("followup.digest")); got != 3 {
		t.Errorf("%d digests audited; want 3", got)
	}
}
