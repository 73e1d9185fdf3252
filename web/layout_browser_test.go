package web_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"beredskap"
	"beredskap/auth/oidctest"
	"beredskap/mailbox"
	"beredskap/storetest"
	"beredskap/web"
)

// layoutWidths are the window widths every page must fit: a laptop and a
// small phone.
var layoutWidths = []int64{1280, 390}

// overflowJS returns, when the page scrolls sideways, the elements that
// stick out on the right outside a table's own scrolling container, and
// an empty list when the page fits.
const overflowJS = `(() => {
	const root = document.documentElement;
	if (root.scrollWidth <= root.clientWidth) return [];
	const out = [];
	for (const el of document.body.querySelectorAll("*")) {
		if (el.parentElement && el.parentElement.closest(".table-scroll")) continue;
		const r = el.getBoundingClientRect();
		if (r.right > root.clientWidth + 1) {
			out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
				(el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") +
				" (right edge " + Math.round(r.right) + " of " + root.clientWidth + ")");
		}
		if (out.length >= 5) break;
	}
	return out.length ? out : ["the page is " + root.scrollWidth + " px wide in a " + root.clientWidth + " px window"];
})()`

// TestLayoutEveryRolesPagesFit opens, as a staff member of every role,
// the home page, every page of the navigation and the first page each of
// them links to from its table, at 1280 and 390 px, and fails when the
// page scrolls sideways (a table may scroll inside its own container). It
// also checks that the navigation marks exactly one current page.
// Screenshots of the main pages go to BEREDSKAP_SCREENSHOT_DIR when set.
func TestLayoutEveryRolesPagesFit(t *testing.T) {
	browser := mustBrowser(t)
	ts := staffServer(t)
	ts.FollowUpClock.Set(osloTime(t, "2020-12-20T16:00"))
	oslo := municipal(municipalityA)
	users := map[beredskap.Role]*staffUser{}
	for _, role := range beredskap.Roles {
		scope := beredskap.Scope{Kind: beredskap.ScopeKindOf(role)}
		switch scope.Kind {
		case beredskap.ScopeMunicipality:
			scope = oslo
		case beredskap.ScopeCounty:
			scope.Code = "03"
		}
		users[role] = mustAddStaffUser(t, ts, string(role)+"@layout.test", role, scope)
	}
	// Something on every list: registrations, a follow-up plan with a
	// long name, and a hotel with a guest.
	receipt := mustRegistration(t, ts, municipalityA, "Wiśniewska-Kamińska-Lewandowska")
	mustPlan(t, ts, receipt, municipalityA, "Wiśniewska-Kamińska-Lewandowska")
	h := mustHotel(t, ts, users[beredskap.RoleHotelCoordinator], "Karantenehotellet Gardermoen Lufthavn Øst", 20, true)
	guest := hotelRegistration(t, ts, "2020-12-20T14:30:00+01:00", "air", "Nowak")
	mustStay(t, ts, users[beredskap.RoleHotelCoordinator], guest, h)

	shots := map[string]bool{
		"/staff": true, "/staff/registrations": true, "/staff/followup": true, "/staff/followup/travellers": true,
		"/staff/stays": true, "/staff/hotels": true, "/staff/access-orders": true, "/staff/audit": true,
	}
	// Each page is checked once, by the first role that reaches it; the
	// home page by every role, since its links differ.
	checked := map[string]bool{}
	for _, role := range beredskap.Roles {
		t.Run(string(role), func(t *testing.T) {
			u := users[role]
			tab := staffTab(t, browser)
			browserLogIn(t, tab, ts, u)
			pages := []string{"/staff"}
			pages = append(pages, hrefs(t, tab, ".site-nav a")...)
			for _, p := range slices.Clone(pages[1:]) {
				if checked[p] {
					continue
				}
				navigate(t, tab, ts.URL+p)
				if first := hrefs(t, tab, "main table a"); len(first) > 0 {
					pages = append(pages, first[0])
				}
			}
			for _, p := range slices.Compact(pages) {
				if checked[p] && p != "/staff" {
					continue
				}
				checked[p] = true
				navigate(t, tab, ts.URL+p+sep(p)+"lang=nb")
				for _, width := range layoutWidths {
					if err := chromedp.Do(tab, chromedp.EmulateViewport(width, 900)); err != nil {
						t.Fatal(err)
					}
					if bad := eval[[]string](t, tab, overflowJS); len(bad) > 0 {
						t.Errorf("%s at %d px scrolls sideways: %s", p, width, strings.Join(bad, "; "))
					}
					if n := eval[int](t, tab, `document.querySelectorAll('.site-nav [aria-current="page"]').length`); n > 1 {
						t.Errorf("%s marks %d pages as current", p, n)
					}
					if dir := os.Getenv("BEREDSKAP_SCREENSHOT_DIR"); dir != "" && shots[p] && (p != "/staff" || role == beredskap.RoleMunicipalOfficer) {
						viewportShot(t, tab, dir, shotName(p, width))
					}
				}
			}
		})
	}
}

// viewportShot saves what the window shows as dir/name.png.
func viewportShot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// hrefs returns the paths (with their query) of the links sel finds on
// the page, without the language.
func hrefs(t *testing.T, ctx context.Context, sel string) []string {
	t.Helper()
	raw := eval[[]string](t, ctx, fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).map(a => a.getAttribute("href"))`, sel))
	var out []string
	for _, h := range raw {
		u, err := url.Parse(h)
		if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") {
			continue
		}
		q := u.Query()
		q.Del("lang")
		p := u.Path
		if len(q) > 0 {
			p += "?" + q.Encode()
		}
		out = append(out, p)
	}
	return out
}

// navigate opens address and waits for the page's main content.
func navigate(t *testing.T, ctx context.Context, address string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(address), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatalf("open %s: %v", address, err)
	}
}

// sep returns the separator before another query parameter of p.
func sep(p string) string {
	if strings.Contains(p, "?") {
		return "&"
	}
	return "?"
}

// shotName names the screenshot of path at width: staff-followup-390.
func shotName(path string, width int64) string {
	return strings.Trim(strings.ReplaceAll(path, "/", "-"), "-") + fmt.Sprintf("-%d", width)
}

// TestLayoutCitizenAndPublicPagesFit opens every public page (the form
// fresh and with its error summary, a receipt, the rule changes, the
// login and access request pages, the reopen form, a page not found) and
// every page of a logged-in citizen, in each language at 1280 and 390 px,
// and fails when one scrolls sideways.
func TestLayoutCitizenAndPublicPagesFit(t *testing.T) {
	browser := mustBrowser(t)
	provider := oidctest.Start(t)
	ts := startServerWith(t, web.Config{}, serverOptions{staff: manyLogins, configure: withCitizens(provider, mailbox.None{})})
	nid := testNationalID("150385", 459)
	reg := storetest.Registration("Aleksandra", "Wiśniewska-Kamińska-Lewandowska")
	reg.Traveller.NationalID = nid
	stored, _, err := ts.Registrations.CreateRegistration(t.Context(), beredskap.NewRegistration{
		Registration: reg, Decision: storetest.Decision(), Municipality: municipalityA,
	})
	if err != nil {
		t.Fatal(err)
	}
	officer := mustAddStaffUser(t, ts, "officer.layout@example.no", beredskap.RoleMunicipalOfficer, municipal(municipalityA))
	if _, err := ts.Staff.GetRegistration(actorOf(t, ts, officer), stored.Receipt); err != nil {
		t.Fatal(err)
	}

	check := func(t *testing.T, tab context.Context, what string) {
		t.Helper()
		for _, width := range layoutWidths {
			if err := chromedp.Do(tab, chromedp.EmulateViewport(width, 900)); err != nil {
				t.Fatal(err)
			}
			if bad := eval[[]string](t, tab, overflowJS); len(bad) > 0 {
				t.Errorf("%s at %d px scrolls sideways: %s", what, width, strings.Join(bad, "; "))
			}
			if dir := os.Getenv("BEREDSKAP_SCREENSHOT_DIR"); dir != "" && strings.HasSuffix(t.Name(), "/nb") && strings.HasPrefix(what, "/") {
				name := shotName(strings.SplitN(what, "/receipt/", 2)[0], width)
				if strings.HasPrefix(what, "/receipt/") {
					name = shotName("/receipt", width)
				}
				viewportShot(t, tab, dir, "public-"+strings.TrimPrefix(name, "-"))
			}
		}
	}
	public := []string{"/", "/receipt/" + stored.Receipt, "/rules/changes", "/login", "/access/request",
		"/citizen/reopen", "/no-such-page", "/enrol/" + strings.Repeat("x", 43)}
	citizenPages := []string{"/citizen", "/citizen/block", "/citizen/withdraw"}
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			tab := staffTab(t, browser)
			for _, p := range public {
				navigate(t, tab, ts.URL+p+sep(p)+"lang="+lang)
				check(t, tab, p)
			}
			navigate(t, tab, ts.URL+"/?lang="+lang)
			if err := chromedp.Do(tab, chromedp.Click(chromedp.CSS("#submit")), chromedp.WaitVisible(chromedp.CSS("#error-summary"))); err != nil {
				t.Fatalf("send the empty form: %v", err)
			}
			check(t, tab, "the form with its errors")

			provider.LoginUser(oidctest.User{PID: nid, Name: "Aleksandra Wiśniewska-Kamińska-Lewandowska"})
			navigate(t, tab, ts.URL+"/citizen/login?lang="+lang)
			if err := chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS("#h-looks"))); err != nil {
				t.Fatalf("citizen login: %v", err)
			}
			for _, p := range citizenPages {
				navigate(t, tab, ts.URL+p+"?lang="+lang)
				check(t, tab, p)
			}
		})
	}
}
