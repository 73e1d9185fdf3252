package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"beredskap"
)

// TestAuditLogBrowserInWords opens the audit log as the access
// administrator in Chromium, in every staff language at 1280 and 390 px,
// after an officer read a registration and staff logged in: the entries'
// objects and details read as words (no stored kind:id, key=value or ISO
// instant in what the page shows), a user is a link to the user's page,
// the page does not scroll sideways and axe finds no violation.
func TestAuditLogBrowserInWords(t *testing.T) {
	browser := mustBrowser(t)
	ts := staffServer(t)
	receipt := mustRegistration(t, ts, municipalityA, "Kowalczyk")
	officer := mustAddStaffUser(t, ts, "officer@audit.test", beredskap.RoleMunicipalOfficer, municipal(municipalityA))
	admin := mustAddStaffUser(t, ts, "admin@audit.test", beredskap.RoleAccessAdmin, national)
	mustLogIn(t, ts, officer)
	mustPage(t, ts, officer, "/staff/registrations/"+receipt, 200)
	mustPage(t, ts, officer, "/staff/registrations?municipality="+municipalityA, 200)

	tab := staffTab(t, browser)
	browserLogIn(t, tab, ts, admin)
	for _, lang := range staffLanguages {
		loc := staffLocale(t, lang)
		navigate(t, tab, ts.URL+"/staff/audit?lang="+lang)
		shown := eval[string](t, tab, `(() => {
			const t = document.querySelector("#audit").cloneNode(true);
			t.querySelectorAll(".staff-via").forEach(e => e.remove());
			return t.innerText;
		})()`)
		if raw := rawAuditText.FindAllString(shown, 5); len(raw) > 0 {
			t.Errorf("%s: the audit log shows stored text %q", lang, raw)
		}
		for _, want := range []string{
			strings.ReplaceAll(loc["staff.audit.object.registration"], "{id}", receipt),
			loc["staff.audit.phrase.password_accepted"],
		} {
			if !strings.Contains(shown, want) {
				t.Errorf("%s: the audit log does not say %q", lang, want)
			}
		}
		link := fmt.Sprintf(`#audit a[href^="/staff/users/%d?lang=%s"]`, officer.User.ID, lang)
		if n := eval[int](t, tab, `document.querySelectorAll('`+link+`').length`); n == 0 {
			t.Errorf("%s: no entry links the officer's user page", lang)
		}
		for _, width := range layoutWidths {
			if err := chromedp.Do(tab, chromedp.EmulateViewport(width, 900)); err != nil {
				t.Fatal(err)
			}
			if bad := eval[[]string](t, tab, overflowJS); len(bad) > 0 {
				t.Errorf("%s: /staff/audit at %d px scrolls sideways: %s", lang, width, strings.Join(bad, "; "))
			}
		}
		checkAxe(t, tab, "staff-audit-"+lang)
	}
}
