package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Issue 16, item 12: the letters page in a real browser. Two block
// letters go to print for people without a digital mailbox, and the
// population register (none configured here) gives no address: the page
// says so in words, in every staff language, and what to do about it; a
// letter downloads, stays on the page as printed, and downloads again;
// the page fits at 1280 and 390 px.
func TestLettersBrowserAddressUnknownAndDownloadAgain(t *testing.T) {
	browser := mustBrowser(t)
	ts, support, people := citizenScopeServer(t)
	for _, p := range people {
		if _, err := citizensOf(t, ts).ApproveCase(actorOf(t, ts, support), p.CaseID); err != nil {
			t.Fatalf("approve the block of %s: %v", p.Name, err)
		}
	}
	tab := staffTab(t, browser)
	browserLogIn(t, tab, ts, support)

	row := `#letters tr[data-case="` + people[0].Number + `"]`
	for _, lang := range staffLanguages {
		loc := staffLocale(t, lang)
		navigate(t, tab, ts.URL+"/staff/letters?lang="+lang)
		if got := text(t, tab, "#address-unknown h2"); got != loc["case.letters.no_address.heading"] {
			t.Errorf("%s: the warning about unknown addresses reads %q", lang, got)
		}
		if n := eval[int](t, tab, `document.querySelectorAll("#letters tbody tr").length`); n != 2 {
			t.Errorf("%s: %d letters listed; want 2", lang, n)
		}
		if got := text(t, tab, row+" .letter-address"); got != loc["case.letters.address.unknown"] {
			t.Errorf("%s: the address column reads %q; want %q", lang, got, loc["case.letters.address.unknown"])
		}
		for _, width := range layoutWidths {
			if err := chromedp.Do(tab, chromedp.EmulateViewport(width, 900)); err != nil {
				t.Fatal(err)
			}
			if bad := eval[[]string](t, tab, overflowJS); len(bad) > 0 {
				t.Errorf("%s: /staff/letters at %d px scrolls sideways: %s", lang, width, strings.Join(bad, "; "))
			}
		}
	}
	checkAxe(t, tab, "staff-letters-nb")

	// download fetches the link of the row as the browser would and
	// returns the status and the media type.
	download := func() (int, string) {
		t.Helper()
		res, err := chromedp.Run(tab, chromedp.Evaluate[[]any](`(async () => {
			const r = await fetch(document.querySelector('`+row+` a.letter-download').href);
			return [r.status, r.headers.get("Content-Type")];
		})()`, chromedp.EvalAwaitPromise))
		if err != nil || len(res) != 2 {
			t.Fatalf("download the letter: %v, %v", res, err)
		}
		status, _ := res[0].(float64)
		mediaType, _ := res[1].(string)
		return int(status), mediaType
	}
	nb := staffLocale(t, "nb")
	navigate(t, tab, ts.URL+"/staff/letters?lang=nb")
	if status, mediaType := download(); status != 200 || mediaType != "application/pdf" {
		t.Fatalf("the first download answered %d %s; want the PDF", status, mediaType)
	}
	navigate(t, tab, ts.URL+"/staff/letters?lang=nb")
	if got, want := text(t, tab, row+" a.letter-download"), strings.ReplaceAll(nb["case.letters.print_again"], "{number}", people[0].Number); got != want {
		t.Errorf("after the download the link reads %q; want %q", got, want)
	}
	if n := eval[int](t, tab, `document.querySelectorAll('`+row+`[data-printed="true"]').length`); n != 1 {
		t.Errorf("the downloaded letter is not listed as printed")
	}
	if status, mediaType := download(); status != 200 || mediaType != "application/pdf" {
		t.Fatalf("the download again answered %d %s; want the PDF", status, mediaType)
	}
	navigate(t, tab, ts.URL+"/staff/letters?lang=nb")
	if got, want := text(t, tab, row+" .letter-printed"), strings.ReplaceAll(nb["case.letters.downloads.other"], "{n}", "2"); !strings.Contains(got, want) {
		t.Errorf("the printed column reads %q; want it to say %q", got, want)
	}
}
