package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"beredskap"
)

func testRoundTrip(t *testing.T, open Opener) {
	clock := NewClock(start, time.Second)
	s := open(t, clock.Now)
	n := newRegistration(1, "0301", "", "")
	reg := mustCreate(t, s, n)
	if !reg.CreatedAt.Equal(start) {
		t.Errorf("CreatedAt %v; want the clock's %v", reg.CreatedAt, start)
	}
	got, err := s.FindRegistration(context.Background(), reg.Receipt)
	if err != nil {
		t.Fatalf("FindRegistration(%q): %v", reg.Receipt, err)
	}
	if g, w := mustJSON(t, got.Registration), mustJSON(t, n.Registration); g != w {
		t.Errorf("registration\n got %s\nwant %s", g, w)
	}
	if g, w := mustJSON(t, got.Decision), mustJSON(t, n.Decision); g != w {
		t.Errorf("decision\n got %s\nwant %s", g, w)
	}
	if got.Receipt != reg.Receipt || got.Municipality != "0301" || !got.CreatedAt.Equal(start) {
		t.Errorf("found %q %q %v; want %q 0301 %v", got.Receipt, got.Municipality, got.CreatedAt, reg.Receipt, start)
	}
	if g, w := mustJSON(t, got), mustJSON(t, reg); g != w {
		t.Errorf("found record differs from the created one\n got %s\nwant %s", g, w)
	}
}

func testReceipts(t *testing.T, open Opener) {
	s := open(t, NewClock(start, time.Second).Now)
	seen := map[string]bool{}
	for i := range 20 {
		reg := mustCreate(t, s, newRegistration(i, "0301", "", ""))
		if r, ok := beredskap.NormalizeReceipt(reg.Receipt); !ok || r != reg.Receipt {
			t.Errorf("receipt %q is not in written form (NormalizeReceipt gives %q, %v)", reg.Receipt, r, ok)
		}
		if seen[reg.Receipt] {
			t.Errorf("receipt %q given twice", reg.Receipt)
		}
		seen[reg.Receipt] = true
	}
}

func testIdempotentRetry(t *testing.T, open Opener) {
	s := open(t, NewClock(start, time.Second).Now)
	ctx := context.Background()
	n := newRegistration(1, "0301", "key-1", "hash-1")
	first := mustCreate(t, s, n)
	again, created, err := s.CreateRegistration(ctx, n)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if created {
		t.Error("retry: created true; want false")
	}
	if again.Receipt != first.Receipt {
		t.Errorf("retry receipt %q; want %q", again.Receipt, first.Receipt)
	}
	if g, w := mustJSON(t, again), mustJSON(t, first); g != w {
		t.Errorf("retry returned\n %s\nwant\n %s", g, w)
	}
	if all := listAll(t, s, beredskap.RegistrationFilter{}); len(all) != 1 {
		t.Errorf("%d rows after a retry; want 1", len(all))
	}
	// Another key stores another registration.
	other := mustCreate(t, s, newRegistration(1, "0301", "key-2", "hash-1"))
	if other.Receipt == first.Receipt {
		t.Error("another key returned the first receipt")
	}
}

func testIdempotencyConflict(t *testing.T, open Opener) {
	s := open(t, NewClock(start, time.Second).Now)
	mustCreate(t, s, newRegistration(1, "0301", "key-1", "hash-1"))
	_, _, err := s.CreateRegistration(context.Background(), newRegistration(2, "0301", "key-1", "hash-2"))
	assertCode(t, err, beredskap.ECONFLICT, "")
	if all := listAll(t, s, beredskap.RegistrationFilter{}); len(all) != 1 {
		t.Errorf("%d rows after a conflict; want 1", len(all))
	}
}

func testIdempotencyConcurrent(t *testing.T, open Opener) {
	s := open(t, NewClock(start, time.Second).Now)
	const workers = 8
	var (
		wg       sync.WaitGroup
		receipts [workers]string
		created  [workers]bool
		errs     [workers]error
		gate     = make(chan struct{})
	)
	for i := range workers {
		wg.Go(func() {
			<-gate
			reg, c, err := s.CreateRegistration(context.Background(), newRegistration(1, "0301", "same-key", "same-hash"))
			errs[i], created[i] = err, c
			if err == nil {
				receipts[i] = reg.Receipt
			}
		})
	}
	close(gate)
	wg.Wait()
	nCreated := 0
	for i := range workers {
		if errs[i] != nil {
			t.Fatalf("worker %d: %v", i, errs[i])
		}
		if receipts[i] != receipts[0] {
			t.Errorf("worker %d got receipt %q; worker 0 got %q", i, receipts[i], receipts[0])
		}
		if created[i] {
			nCreated++
		}
	}
	if nCreated != 1 {
		t.Errorf("%d workers created a record; want exactly 1", nCreated)
	}
	if all := listAll(t, s, beredskap.RegistrationFilter{}); len(all) != 1 {
		t.Errorf("%d rows stored; want 1", len(all))
	}
}

func testConcurrentDistinct(t *testing.T, open Opener) {
	s := open(t, NewClock(start, time.Millisecond).Now)
	const workers, each = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				key := fmt.Sprintf("key-%d-%d", w, i)
				if _, _, err := s.CreateRegistration(context.Background(), newRegistration(i, "0301", key, "h")); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent create: %v", err)
	}
	if all := listAll(t, s, beredskap.RegistrationFilter{Limit: 7}); len(all) != workers*each {
		t.Errorf("%d rows stored; want %d", len(all), workers*each)
	}
}

func testListNewestFirst(t *testing.T, open Opener) {
	s := open(t, NewClock(start, time.Minute).Now)
	var want []string
	for i := range 5 {
		want = append(want, mustCreate(t, s, newRegistration(i, "0301", "", "")).Receipt)
	}
	page, next, err := s.ListRegistrations(context.Background(), beredskap.RegistrationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if next != "" {
		t.Errorf("next page token %q on the only page; want none", next)
	}
	if len(page) != len(want) {
		t.Fatalf("%d rows; want %d", len(page), len(want))
	}
	for i, reg := range page {
		if w := want[len(want)-1-i]; reg.Receipt != w {
			t.Errorf("row %d: receipt %q; want %q (newest first)", i, reg.Receipt, w)
		}
	}
	if g, w := mustJSON(t, page[0].Decision), mustJSON(t, Decision()); g != w {
		t.Errorf("listed decision\n got %s\nwant %s", g, w)
	}
}

func testListByMunicipality(t *testing.T, open Opener) {
	s := open(t, NewClock(start, time.Second).Now)
	want := map[string]int{"0301": 0, "4601": 0, "5401": 0}
	munis := []string{"0301", "4601", "0301", "5401", "0301", "4601"}
	for i, m := range munis {
		mustCreate(t, s, newRegistration(i, m, "", ""))
		want[m]++
	}
	for m, n := range want {
		got := listAll(t, s, beredskap.RegistrationFilter{Municipality: m, Limit: 2})
		if len(got) != n {
			t.Errorf("municipality %s: %d rows; want %d", m, len(got), n)
		}
		for _, reg := range got {
			if reg.Municipality != m {
				t.Errorf("municipality %s: listed a row of %s", m, reg.Municipality)
			}
		}
	}
	if got := listAll(t, s, beredskap.RegistrationFilter{Municipality: "1103"}); len(got) != 0 {
		t.Errorf("municipality without rows: %d rows", len(got))
	}
	if got := listAll(t, s, beredskap.RegistrationFilter{}); len(got) != len(munis) {
		t.Errorf("all municipalities: %d rows; want %d", len(got), len(munis))
	}
}

// testPagination stores 23 rows, step apart in time (0: all at one instant,
// so that only the receipt orders them), and reads them in pages of 10.
func testPagination(t *testing.T, open Opener, step time.Duration) {
	s := open(t, NewClock(start, step).Now)
	ctx := context.Background()
	stored := map[string]bool{}
	for i := range 23 {
		stored[mustCreate(t, s, newRegistration(i, "0301", "", "")).Receipt] = true
	}
	f := beredskap.RegistrationFilter{Limit: 10}
	var sizes []int
	var all []*beredskap.StoredRegistration
	for {
		page, next, err := s.ListRegistrations(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(page))
		all = append(all, page...)
		if next == "" {
			break
		}
		f.PageToken = next
	}
	if fmt.Sprint(sizes) != "[10 10 3]" {
		t.Errorf("page sizes %v; want [10 10 3]", sizes)
	}
	seen := map[string]bool{}
	for i, reg := range all {
		if seen[reg.Receipt] {
			t.Errorf("receipt %q listed twice", reg.Receipt)
		}
		seen[reg.Receipt] = true
		if !stored[reg.Receipt] {
			t.Errorf("listed receipt %q was never stored", reg.Receipt)
		}
		if i > 0 {
			prev := all[i-1]
			if reg.CreatedAt.After(prev.CreatedAt) || reg.CreatedAt.Equal(prev.CreatedAt) && reg.Receipt > prev.Receipt {
				t.Errorf("row %d (%v %s) is not older than row %d (%v %s)", i, reg.CreatedAt, reg.Receipt, i-1, prev.CreatedAt, prev.Receipt)
			}
		}
	}
	if len(seen) != len(stored) {
		t.Errorf("%d distinct rows listed; want %d", len(seen), len(stored))
	}
	if step == 0 {
		return
	}
	// Rows stored after the first page was read do not disturb the next pages.
	first, next, err := s.ListRegistrations(ctx, beredskap.RegistrationFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, newRegistration(99, "0301", "", ""))
	rest := listAll(t, s, beredskap.RegistrationFilter{Limit: 10, PageToken: next})
	if len(first)+len(rest) != 23 {
		t.Errorf("after a new row: %d + %d rows; want 23", len(first), len(rest))
	}
}

func testMalformedToken(t *testing.T, open Opener) {
	s := open(t, NewClock(start, time.Second).Now)
	mustCreate(t, s, newRegistration(1, "0301", "", ""))
	for _, token := range []string{"not a token!", "AAAA", "eHl6", "MTIzLkFCQ0RFLUZHSEpLLTA"} {
		_, _, err := s.ListRegistrations(context.Background(), beredskap.RegistrationFilter{PageToken: token})
		assertCode(t, err, beredskap.EINVALID, "page_token")
	}
}

func testLimitCapped(t *testing.T, open Opener) {
	s := open(t, NewClock(start, time.Millisecond).Now)
	n := beredskap.MaxPageSize + 5
	for i := range n {
		mustCreate(t, s, newRegistration(i, "0301", "", ""))
	}
	ctx := context.Background()
	page, next, err := s.ListRegistrations(ctx, beredskap.RegistrationFilter{Limit: beredskap.MaxPageSize * 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != beredskap.MaxPageSize || next == "" {
		t.Errorf("limit above the maximum: %d rows, next %q; want %d and a token", len(page), next, beredskap.MaxPageSize)
	}
	page, _, err = s.ListRegistrations(ctx, beredskap.RegistrationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 50 {
		t.Errorf("no limit: %d rows; want the default 50", len(page))
	}
}

func testFindUnknown(t *testing.T, open Opener) {
	s := open(t, NewClock(start, time.Second).Now)
	mustCreate(t, s, newRegistration(1, "0301", "", ""))
	_, err := s.FindRegistration(context.Background(), beredskap.NewReceipt())
	assertCode(t, err, beredskap.ENOTFOUND, "")
	_, err = s.FindRegistration(context.Background(), "not a receipt")
	assertCode(t, err, beredskap.ENOTFOUND, "")
}
