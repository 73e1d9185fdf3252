package hotel_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"beredskap"
	"beredskap/hotel"
	"beredskap/internal/teststore"
	"beredskap/rules"
)

// Seed 001: from 13 December 2020 17:00 a traveller with a suitable place
// of their own (exemption group 4) may leave the quarantine hotel. The
// travellers who register between the first look at that version (24
// hours ahead) and the instant it takes effect are told as well, and
// nobody is told twice, although two services watch the same database at
// the same time (issues 18 and 20).
func TestLateRegistrationsAreNotifiedOnce(t *testing.T) {
	teststore.Each(t, testLateRegistrationsAreNotifiedOnce)
}

func testLateRegistrationsAreNotifiedOnce(t *testing.T, kind string) {
	c := &clock{now: time.Date(2020, 12, 12, 17, 0, 0, 0, oslo)}
	store, regs, second := teststore.OpenShared(t, kind, c.Now)
	book := mustBook(t)
	e := &env{t: t, store: store, regs: regs, book: book, clock: c}
	services := []*hotel.Service{
		hotel.New(store, book, nil, c.Now, hotel.Config{}, nil),
		hotel.New(second, book, nil, c.Now, hotel.Config{}, nil),
	}
	at := time.Date(2020, 12, 13, 17, 0, 0, 0, oslo)
	// watch runs one look of the watcher on every service at once.
	watch := func(when time.Time) {
		t.Helper()
		c.Set(when)
		var wg sync.WaitGroup
		for _, svc := range services {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := svc.WatchOnce(context.Background()); err != nil {
					t.Errorf("WatchOnce at %v: %v", when, err)
				}
			}()
		}
		wg.Wait()
	}
	changes := map[string]bool{} // receipt → whether the change concerns it
	// group registers n travellers who may leave the hotel from at, and n
	// who stay, arriving at arrival, at the instant when.
	group := func(n int, arrival, when time.Time) {
		t.Helper()
		c.Set(when)
		for range n {
			moved := e.register(traveller{arrival: arrival, accType: beredskap.AccommodationOtherSuitable,
				docs: []string{"accommodation_confirmation"}, language: "nb"})
			stays := e.register(traveller{arrival: arrival})
			changes[moved.Receipt], changes[stays.Receipt] = true, false
		}
	}

	group(20, time.Date(2020, 12, 11, 12, 0, 0, 0, oslo), c.Now()) // before the first look
	watch(c.Now())                                                 // the first look, 24 hours ahead
	run := findRun(t, services[0], at)
	if run.Changed != 20 || run.Evaluated != 40 || run.NotifiedAt == nil {
		t.Fatalf("first run = %+v; want 20 of 40 changed, notified", run)
	}
	group(10, time.Date(2020, 12, 12, 18, 0, 0, 0, oslo), time.Date(2020, 12, 12, 18, 0, 0, 0, oslo))
	watch(time.Date(2020, 12, 12, 18, 1, 0, 0, oslo)) // a later look adds them
	group(5, time.Date(2020, 12, 13, 16, 30, 0, 0, oslo), time.Date(2020, 12, 13, 16, 40, 0, 0, oslo))
	watch(time.Date(2020, 12, 13, 16, 41, 0, 0, oslo))
	// A registration whose commit came late, stamped before the last
	// look's mark less its margin: only the final run finds it.
	group(3, time.Date(2020, 12, 13, 16, 0, 0, 0, oslo), time.Date(2020, 12, 13, 16, 20, 0, 0, oslo))
	// Arrivals after the instant are decided under the new version.
	c.Set(time.Date(2020, 12, 13, 16, 50, 0, 0, oslo))
	e.register(traveller{arrival: time.Date(2020, 12, 13, 18, 0, 0, 0, oslo), accType: beredskap.AccommodationOtherSuitable,
		docs: []string{"accommodation_confirmation"}})
	watch(at.Add(30 * time.Second)) // the final run
	run = findRun(t, services[0], at)
	if run.FinalAt == nil || run.FinalEvaluated != 76 {
		t.Errorf("run after the final run = %+v; want it final with 76 evaluated", run)
	}
	// A traveller who registers after the instant, having arrived before.
	group(2, time.Date(2020, 12, 13, 16, 55, 0, 0, oslo), at.Add(10*time.Minute))
	watch(at.Add(11 * time.Minute))
	watch(at.Add(12 * time.Minute)) // nothing left to do

	run = findRun(t, services[1], at)
	want := 0
	for _, changed := range changes {
		if changed {
			want++
		}
	}
	if run.Changed != 20 || run.ChangedInForce() != want {
		t.Errorf("run = %d changed at the first run, %d at the instant; want 20 and %d", run.Changed, run.ChangedInForce(), want)
	}
	got := ruleChangeSMS(t, store, at)
	for receipt, changed := range changes {
		switch {
		case changed && got[receipt] != 1:
			t.Errorf("%s: %d rule-change SMS; want 1", receipt, got[receipt])
		case !changed && got[receipt] != 0:
			t.Errorf("%s: %d rule-change SMS; want none (nothing changes)", receipt, got[receipt])
		}
	}
	if len(got) != want {
		t.Errorf("SMS to %d receipts; want %d", len(got), want)
	}
}

// Issue 18: two services tell the affected of one run at the same time,
// several times over: each gets one SMS.
func TestConcurrentNotifyImpact(t *testing.T) { teststore.Each(t, testConcurrentNotifyImpact) }

func testConcurrentNotifyImpact(t *testing.T, kind string) {
	c := &clock{now: time.Date(2020, 12, 12, 17, 0, 0, 0, oslo)}
	store, regs, second := teststore.OpenShared(t, kind, c.Now)
	book := mustBook(t)
	e := &env{t: t, store: store, regs: regs, book: book, clock: c}
	const n = 600
	for range n {
		e.register(traveller{arrival: time.Date(2020, 12, 11, 12, 0, 0, 0, oslo),
			accType: beredskap.AccommodationOtherSuitable, docs: []string{"accommodation_confirmation"}})
	}
	at := time.Date(2020, 12, 13, 17, 0, 0, 0, oslo)
	services := []*hotel.Service{
		hotel.New(store, book, nil, c.Now, hotel.Config{}, nil),
		hotel.New(second, book, nil, c.Now, hotel.Config{}, nil),
	}
	run, err := services[0].ComputeImpact(system(), at)
	if err != nil || run.Changed != n {
		t.Fatalf("ComputeImpact = %+v, %v; want %d changed", run, err, n)
	}
	var (
		mu     sync.Mutex
		queued int
		wg     sync.WaitGroup
	)
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q, err := services[i%2].NotifyImpact(system(), run.ID)
			if err != nil {
				t.Errorf("NotifyImpact: %v", err)
			}
			mu.Lock()
			queued += q
			mu.Unlock()
		}()
	}
	wg.Wait()
	got := ruleChangeSMS(t, store, at)
	rows := 0
	for _, k := range got {
		rows += k
	}
	if queued != n || rows != n || len(got) != n {
		t.Errorf("%d NotifyImpact calls queued %d, the outbox holds %d rule-change SMS to %d receipts; want %d each",
			6, queued, rows, len(got), n)
	}
}

// findRun returns the run of the version in force at at.
func findRun(t *testing.T, svc *hotel.Service, at time.Time) *beredskap.ImpactRun {
	t.Helper()
	run, err := svc.ComputeImpact(system(), at)
	if err != nil {
		t.Fatalf("ComputeImpact: %v", err)
	}
	return run
}

// ruleChangeSMS counts the outbox's rule-change SMS by receipt, leasing
// every message due up to a day after at, a page at a time.
func ruleChangeSMS(t *testing.T, store beredskap.HotelStore, at time.Time) map[string]int {
	t.Helper()
	got := map[string]int{}
	for {
		var due []*beredskap.SMSMessage
		err := store.UpdateHotels(context.Background(), func(ctx context.Context, tx beredskap.HotelTx) error {
			var err error
			due, err = tx.TakeDueSMS(ctx, at.Add(24*time.Hour), at.Add(25*time.Hour), beredskap.MaxPageSize)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(due) == 0 {
			return got
		}
		for _, m := range due {
			if m.Template == "rule_change" {
				got[m.Receipt]++
			}
		}
	}
}

// mustBook returns the embedded rule book.
func mustBook(t *testing.T) *rules.Book {
	t.Helper()
	book, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return book
}
