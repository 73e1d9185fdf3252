package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"beredskap/web"
)

// Seed 001: a traveller who arrives on 11 December 2020 registers in a
// real browser and reads on the decision page that the rules change on 13
// December at 17:00, and that they then need not stay at the quarantine
// hotel.
func TestBrowserComingRuleChange(t *testing.T) {
	browser := mustBrowser(t)
	ts := mustServer(t, web.Config{})
	const lang = "nb"
	loc := locale(t, lang)
	ctx := newTab(t, browser)
	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/?lang="+lang),
		chromedp.WaitVisible(chromedp.CSS("#form")),
		fillForm(false),
		chromedp.SetValue(chromedp.CSS(`[name="arrival_time.date"]`), "2020-12-11"),
		chromedp.SetValue(chromedp.CSS(`[name="arrival_time.time"]`), "12:00"),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#receipt-code")),
	)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	if got := text(t, ctx, "#decision-hotel"); got != loc["decision.hotel.required"] {
		t.Errorf("hotel %q; want %q until the change", got, loc["decision.hotel.required"])
	}
	if n := eval[int](t, ctx, `document.querySelectorAll(".coming-change").length`); n != 1 {
		t.Fatalf("%d announced rule changes on the page; want 1", n)
	}
	if !eval[bool](t, ctx, `(() => { const r = document.querySelector(".coming-change").getBoundingClientRect(); return r.width > 0 && r.height > 0 })()`) {
		t.Errorf("the announced change is not shown")
	}
	heading := text(t, ctx, ".coming-change h3")
	for _, part := range []string{"13.", loc["month.12"], "17:00"} {
		if !strings.Contains(heading, part) {
			t.Errorf("heading %q lacks %q", heading, part)
		}
	}
	if lines := text(t, ctx, ".coming-change ul"); !strings.Contains(lines, loc["decision.hotel.not_required"]) {
		t.Errorf("what applies then %q; want %q", lines, loc["decision.hotel.not_required"])
	}
	screenshot(t, ctx, "receipt-coming-change-"+lang)
	checkAxe(t, ctx, "receipt-coming-change-"+lang)
}
