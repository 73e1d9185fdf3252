package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"beredskap"
)

// TestHotelBrowserAllocateTransferFees is issue 5 point 8 in a real
// browser: a hotel coordinator allocates a guest who arrived by air (seed
// 004: the municipality allocates air arrivals) to a hotel, checks them
// in, records their transfer to another suitable place after the rule
// change of 13 December 2020 17:00 (group 4 with its document, the
// accommodation confirmation), and opens the printable fee statement,
// whose nights and total match the service's and whose PDF link returns
// a PDF.
func TestHotelBrowserAllocateTransferFees(t *testing.T) {
	browser := mustBrowser(t)
	ts := staffServer(t)
	ts.FollowUpClock.Set(osloTime(t, "2020-12-20T16:00"))
	coord := mustAddStaffUser(t, ts, "koordinator@oslo.test", beredskap.RoleHotelCoordinator, municipal(municipalityA))
	h := mustHotel(t, ts, coord, "Karantenehotellet Gardermoen", 20, true)
	receipt := hotelRegistration(t, ts, "2020-12-20T14:30:00+01:00", "air", "Nowak")

	tab := staffTab(t, browser)
	browserLogIn(t, tab, ts, coord)
	if n := eval[int](t, tab, `document.querySelectorAll('#staff-tasks a[href^="/staff/allocate"]').length`); n != 1 {
		t.Errorf("the coordinator's home page has %d links to the allocation; want 1", n)
	}
	err := chromedp.Do(tab,
		chromedp.Navigate(ts.URL+"/staff/allocate?lang=nb"),
		chromedp.WaitVisible(chromedp.CSS("#allocate-form")),
		chromedp.SendKeys(chromedp.CSS("#f-receipt"), receipt),
		chromedp.SetValue(chromedp.CSS("#f-hotel_id"), fmt.Sprint(h.ID)),
	)
	if err != nil {
		t.Fatalf("fill the allocation form: %v", err)
	}
	checkAxe(t, tab, "hotel-allocate-nb")
	err = chromedp.Do(tab,
		chromedp.Click(chromedp.CSS("#allocate")),
		chromedp.WaitVisible(chromedp.CSS(`#stay-status[data-status="allocated"]`)),
		chromedp.Click(chromedp.CSS("#check-in")),
		chromedp.WaitVisible(chromedp.CSS(`#stay-status[data-status="checked_in"]`)),
	)
	if err != nil {
		t.Fatalf("allocate and check in: %v", err)
	}
	if got := text(t, tab, "#stay-receipt"); got != receipt {
		t.Errorf("stay of %q; want %q", got, receipt)
	}
	checkAxe(t, tab, "hotel-stay-nb")

	// The next morning, under the rules of 13 December 17:00, the guest
	// moves to a place of their own: group 4 needs the accommodation
	// confirmation.
	ts.FollowUpClock.Set(osloTime(t, "2020-12-21T10:00"))
	err = chromedp.Do(tab,
		chromedp.SendKeys(chromedp.CSS("#f-transfer_address"), "Storgata 1"),
		chromedp.SendKeys(chromedp.CSS("#f-transfer_postal"), "0155"),
		chromedp.Click(chromedp.CSS("#f-group-4")),
		chromedp.Click(chromedp.CSS("#f-documents-accommodation_confirmation")),
		chromedp.Click(chromedp.CSS("#transfer")),
		chromedp.WaitVisible(chromedp.CSS(`#stay-status[data-status="transferred"], #error-summary, #conflict`)),
	)
	if err != nil {
		t.Fatalf("record the transfer: %v", err)
	}
	if n := eval[int](t, tab, `document.querySelectorAll("#error-summary, #conflict").length`); n != 0 {
		t.Fatalf("the transfer was refused: %s", text(t, tab, "main"))
	}
	if got := text(t, tab, "#stay-transfer"); !strings.Contains(got, "Storgata 1") || !strings.Contains(got, "Gruppe 4") ||
		!strings.Contains(got, "Bekreftelse på oppholdssted") {
		t.Errorf("transfer shown as %q; want the address, group 4 and the accommodation confirmation", got)
	}
	screenshot(t, tab, "hotel-stay-transferred-nb")

	err = chromedp.Do(tab,
		chromedp.Click(chromedp.CSS("#fees-link")),
		chromedp.WaitVisible(chromedp.CSS("#fee-total")),
	)
	if err != nil {
		t.Fatalf("open the fee statement: %v", err)
	}
	stays := staysOf(t, ts, receipt)
	if len(stays) != 1 {
		t.Fatalf("stays of %s: %d", receipt, len(stays))
	}
	st, err := ts.Hotels.FeeStatement(actorOf(t, ts, coord), stays[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Lines) == 0 {
		t.Fatalf("the statement has no nights")
	}
	if got := eval[int](t, tab, `document.querySelectorAll("#fee-lines tbody tr").length`); got != len(st.Lines) {
		t.Errorf("the page lists %d nights; the statement has %d", got, len(st.Lines))
	}
	wantTotal := strings.ReplaceAll(fmt.Sprintf("%d kr", st.TotalNOK), " ", "\u00a0")
	if st.TotalNOK >= 1000 {
		wantTotal = fmt.Sprintf("%d\u00a0%03d\u00a0kr", st.TotalNOK/1000, st.TotalNOK%1000)
	}
	if got := text(t, tab, "#fee-total"); got != wantTotal {
		t.Errorf("total %q; want %q", got, wantTotal)
	}
	if got := text(t, tab, "#fee-nights"); !strings.Contains(got, "20.12.2020") {
		t.Errorf("nights %q; want them to start on 20.12.2020", got)
	}
	screenshot(t, tab, "hotel-fees-nb")
	checkAxe(t, tab, "hotel-fees-nb")
	head, err := chromedp.Run(tab, chromedp.Evaluate[string](`fetch(document.querySelector("#fees-pdf").href)
		.then(r => r.arrayBuffer()).then(b => String.fromCharCode(...new Uint8Array(b.slice(0, 5))))`, chromedp.EvalAwaitPromise))
	if err != nil || head != "%PDF-" {
		t.Errorf("the PDF link returns %q (%v); want a PDF", head, err)
	}
}
