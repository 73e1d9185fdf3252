package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"beredskap"
	"beredskap/web"

	"beredskap/internal/testenv"
	"beredskap/internal/testwait"
)

const chromiumPath = "/usr/bin/chromium"

// mustBrowser starts a headless Chromium for the test, or skips the test
// when none is installed (and fails it on CI, where one must be).
func mustBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		testenv.Missing(t, "%s is missing (apt-get install -y chromium)", chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.WindowSize(1024, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// newTab opens a tab, bounded by the test's deadline (see testwait).
func newTab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	return testwait.Within(t, tab)
}

// fillForm fills the form with the contract example the way a person does:
// typing text, picking from lists, ticking boxes.
func fillForm(skipFirstName bool) chromedp.Action[chromedp.Void] {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	typeInto := func(name, value string) chromedp.Action[chromedp.Void] {
		return chromedp.SendKeys(css(`[name="`+name+`"]`), value)
	}
	setValue := func(name, value string) chromedp.Action[chromedp.Void] {
		return chromedp.SetValue(css(`[name="`+name+`"]`), value)
	}
	click := func(id string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(css("#" + id))
	}
	steps := []chromedp.Action[chromedp.Void]{}
	if !skipFirstName {
		steps = append(steps, typeInto("traveller.first_name", "Anna"))
	}
	steps = append(steps,
		typeInto("traveller.last_name", "Kowalska"),
		setValue("traveller.birth_date", "1990-05-17"),
		setValue("traveller.nationality", "PL"),
		setValue("traveller.id_document.type", "passport"),
		typeInto("traveller.id_document.number", "EA1234567"),
		setValue("traveller.id_document.country", "PL"),
		setValue("traveller.id_document.expires", "2027-01-31"),
		typeInto("traveller.phone", "+48 601 234 567"),
		typeInto("traveller.email", "anna@example.com"),
		setValue("traveller.language", "pl"),
		setValue("arrival_time.date", "2020-12-20"),
		setValue("arrival_time.time", "14:30"),
		click("f-arrival-mode-air"),
		typeInto("arrival.point", "OSL"),
		click("f-countries_visited-pl"),
		typeInto("countries_visited.other", "de"),
		click("f-accommodation-type-other_suitable"),
		typeInto("accommodation.address.street", "Storgata 1"),
		typeInto("accommodation.address.postal_code", "0155"),
		click("f-accommodation-single_room"),
		click("f-accommodation-own_bathroom"),
		click("f-accommodation-own_kitchen_or_meals"),
		click("f-accommodation-close_contact_avoidable"),
		click("f-residence-none"),
		click("f-purpose-other"),
		click("f-documents-accommodation_confirmation"),
	)
	return chromedp.Steps(steps...)
}

// screenshot saves a full-page PNG in the test's directory and, when
// BEREDSKAP_SCREENSHOT_DIR is set, there too.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dirs := []string{t.TempDir()}
	if d := os.Getenv("BEREDSKAP_SCREENSHOT_DIR"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		path := filepath.Join(d, name+".png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s", path)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func TestBrowserRegistration(t *testing.T) {
	browser := mustBrowser(t)
	ts := mustServer(t, web.Config{})
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			loc := locale(t, lang)
			ctx := newTab(t, browser)
			err := chromedp.Do(ctx,
				chromedp.Navigate(ts.URL+"/?lang="+lang),
				chromedp.WaitVisible(chromedp.CSS("#form")),
				fillForm(false),
			)
			if err != nil {
				t.Fatalf("fill the form: %v", err)
			}
			screenshot(t, ctx, "form-"+lang)
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#submit")), chromedp.WaitVisible(chromedp.CSS("#receipt-code"))); err != nil {
				t.Fatalf("submit: %v", err)
			}
			code := text(t, ctx, "#receipt-code")
			if got, ok := beredskap.NormalizeReceipt(code); !ok || got != code {
				t.Errorf("receipt code %q is not valid", code)
			}
			if got := eval[string](t, ctx, "document.documentElement.lang"); got != lang {
				t.Errorf("receipt page lang %q; want %q", got, lang)
			}
			if got := text(t, ctx, "#decision-headline"); got != loc["decision.headline.full"] {
				t.Errorf("headline %q; want %q", got, loc["decision.headline.full"])
			}
			if got := text(t, ctx, "#h-reasons"); got != loc["decision.reasons.heading"] {
				t.Errorf("reasons heading %q; want %q", got, loc["decision.reasons.heading"])
			}
			if got := text(t, ctx, "#traveller-name"); got != "Anna Kowalska" {
				t.Errorf("name %q", got)
			}
			if !eval[bool](t, ctx, `document.querySelector("img.receipt-qr").naturalWidth > 100`) {
				t.Errorf("the QR image did not load")
			}
			screenshot(t, ctx, "receipt-"+lang)
			checkAxe(t, ctx, "receipt-"+lang)
		})
	}
	if n := ts.count(t); n != len(languages) {
		t.Errorf("%d registrations; want %d", n, len(languages))
	}
}

func TestBrowserFormError(t *testing.T) {
	browser := mustBrowser(t)
	ts := mustServer(t, web.Config{})
	ctx := newTab(t, browser)
	loc := locale(t, "nb")
	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/?lang=nb"),
		chromedp.WaitVisible(chromedp.CSS("#form")),
		fillForm(true),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#error-summary")),
	)
	if err != nil {
		t.Fatalf("submit with an error: %v", err)
	}
	if got := text(t, ctx, "#f-traveller-first_name-error"); got != loc["reason.required"] {
		t.Errorf("message next to the first name %q; want %q", got, loc["reason.required"])
	}
	// The message sits right after its input, and the summary has focus
	// so that a screen reader reads it first.
	if !eval[bool](t, ctx, `document.querySelector("#f-traveller-first_name").nextElementSibling.id === "f-traveller-first_name-error"`) {
		t.Errorf("the message is not next to the field")
	}
	if got := eval[string](t, ctx, "document.activeElement && document.activeElement.id"); got != "error-summary" {
		t.Errorf("focus on %q; want the error summary", got)
	}
	if got := eval[string](t, ctx, `document.querySelector("[name='traveller.last_name']").value`); got != "Kowalska" {
		t.Errorf("last name %q; want it kept", got)
	}
	screenshot(t, ctx, "form-error-nb")
	checkAxe(t, ctx, "form-error-nb")
	if n := ts.count(t); n != 0 {
		t.Errorf("%d registrations after the error; want 0", n)
	}

	// Following the summary's link, correcting and sending registers.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#error-summary a[href="#f-traveller-first_name"]`)),
		chromedp.SendKeys(chromedp.CSS(`#f-traveller-first_name`), "Anna"),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#receipt-code")),
	)
	if err != nil {
		t.Fatalf("correct and submit: %v", err)
	}
	if n := ts.count(t); n != 1 {
		t.Errorf("%d registrations; want 1", n)
	}
}

// axeViolation is one violation as axe-core reports it, cut down.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// checkAxe runs axe-core (web/testdata/axe.min.js) on the page against the
// WCAG 2.1 A and AA rules, and fails on serious or critical violations.
func checkAxe(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	src, err := os.ReadFile("testdata/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](string(src))); err != nil {
		t.Fatalf("load axe: %v", err)
	}
	js := `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
		.then(r => r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
			nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))})))`
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe: %v", err)
	}
	for _, v := range vs {
		msg := fmt.Sprintf("%s: axe %s (%s): %s at %v", page, v.ID, v.Impact, v.Help, v.Nodes)
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
}
