package web_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"beredskap"
	"beredskap/auth"
	"beredskap/internal/testwait"
	"beredskap/mail"
	"beredskap/mail/mailtest"
	"beredskap/web"
)

// staffTab opens a tab in a browser context of its own, so that each
// person of the test has their own cookies.
func staffTab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	return testwait.Within(t, tab)
}

// browserLogIn logs u in through the login and TOTP pages, as a person
// does, and waits for the staff home page.
func browserLogIn(t *testing.T, ctx context.Context, ts *testServer, u *staffUser) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/login?lang=nb"),
		chromedp.WaitVisible(chromedp.CSS("#f-email")),
		chromedp.SendKeys(chromedp.CSS("#f-email"), u.Email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword),
		chromedp.Submit(chromedp.CSS("#login")),
		chromedp.WaitVisible(chromedp.CSS("#f-code")),
	)
	if err != nil {
		t.Fatalf("log %s in with a password: %v", u.Email, err)
	}
	typeTOTP(t, ctx, u.TOTPSecret, "#totp")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#staff-role"))); err != nil {
		t.Fatalf("%s did not reach the staff home page: %v", u.Email, err)
	}
}

// typeTOTP types the current TOTP code of secret into the code field and
// sends the form.
func typeTOTP(t *testing.T, ctx context.Context, secret, form string) {
	t.Helper()
	code, err := auth.TOTPCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#f-code"), code), chromedp.Submit(chromedp.CSS(form))); err != nil {
		t.Fatalf("send the TOTP code: %v", err)
	}
}

// enrolmentLink finds the enrolment link of an invitation.
var enrolmentLink = regexp.MustCompile(`https?://\S+/enrol/[A-Za-z0-9_-]+`)

// TestStaffBrowserOrderApproveEnrol is the access-order flow of issue 3 in
// a real browser: a municipal officer orders access for a new person, an
// access administrator approves, the invitation arrives by SMTP, the new
// person enrols (password and TOTP) and sees only their municipality's
// registrations.
func TestStaffBrowserOrderApproveEnrol(t *testing.T) {
	browser := mustBrowser(t)
	smtpServer := mailtest.StartServer(t)
	sender, err := mail.NewSMTP(smtpServer.Config())
	if err != nil {
		t.Fatal(err)
	}
	ts := startServerWith(t, web.Config{}, serverOptions{staff: manyLogins, mail: sender})
	admin := mustAddStaffUser(t, ts, "admin@helfo.test", beredskap.RoleAccessAdmin, national)
	officer := mustAddStaffUser(t, ts, "officer@oslo.test", beredskap.RoleMunicipalOfficer, municipal(municipalityA))
	ownA := []string{mustRegistration(t, ts, municipalityA, "Askeland"), mustRegistration(t, ts, municipalityA, "Aasen")}
	otherB := mustRegistration(t, ts, municipalityB, "Bergersen")
	const newcomer = "nora.ny@oslo.test"

	// The officer orders access for a new employee through the form.
	officerTab := staffTab(t, browser)
	browserLogIn(t, officerTab, ts, officer)
	checkAxe(t, officerTab, "staff-home-nb")
	err = chromedp.Do(officerTab,
		chromedp.Navigate(ts.URL+"/staff/access-orders/new?lang=nb"),
		chromedp.WaitVisible(chromedp.CSS("#order-form")),
		chromedp.Click(chromedp.CSS("#f-kind-order")),
		chromedp.SendKeys(chromedp.CSS("#f-first_name"), "Nora"),
		chromedp.SendKeys(chromedp.CSS("#f-last_name"), "Ny"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), newcomer),
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), "+47 912 34 567"),
		chromedp.SetValue(chromedp.CSS("#f-municipality"), municipalityA),
		chromedp.SendKeys(chromedp.CSS("#f-position"), "Helsesykepleier"),
		chromedp.SetValue(chromedp.CSS("#f-role"), string(beredskap.RoleMunicipalStaff)),
		chromedp.SendKeys(chromedp.CSS("#f-service_need"), "Følger opp innreisende i karantene."),
	)
	if err != nil {
		t.Fatalf("fill the order form: %v", err)
	}
	checkAxe(t, officerTab, "staff-order-form-nb")
	if err := chromedp.Do(officerTab, chromedp.Click(chromedp.CSS("#submit")), chromedp.WaitVisible(chromedp.CSS("#order-status"))); err != nil {
		t.Fatalf("send the order: %v", err)
	}
	if got := text(t, officerTab, "#order-email"); got != newcomer {
		t.Errorf("order for %q; want %q", got, newcomer)
	}
	orderURL := eval[string](t, officerTab, "location.pathname")
	screenshot(t, officerTab, "staff-order-nb")
	checkAxe(t, officerTab, "staff-order-nb")

	// The administrator finds it in the queue and approves it.
	adminTab := staffTab(t, browser)
	browserLogIn(t, adminTab, ts, admin)
	err = chromedp.Do(adminTab,
		chromedp.Navigate(ts.URL+"/staff/access-orders?lang=en"),
		chromedp.WaitVisible(chromedp.CSS("#orders")),
	)
	if err != nil {
		t.Fatalf("open the queue: %v", err)
	}
	checkAxe(t, adminTab, "staff-queue-en")
	err = chromedp.Do(adminTab,
		chromedp.Click(chromedp.CSS(`#orders a[href^="`+orderURL+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#approve")),
	)
	if err != nil {
		t.Fatalf("open the order from the queue: %v", err)
	}
	checkAxe(t, adminTab, "staff-order-decide-en")
	err = chromedp.Do(adminTab,
		chromedp.Click(chromedp.CSS("#approve")),
		chromedp.WaitVisible(chromedp.CSS(`#order-status[data-status="approved"]`)),
	)
	if err != nil {
		t.Fatalf("approve: %v", err)
	}
	if got := eval[int](t, adminTab, `document.querySelectorAll("#history tbody tr").length`); got < 2 {
		t.Errorf("history has %d steps; want the order and the approval", got)
	}

	// The invitation arrives by SMTP with a one-time link to this server.
	msg := smtpServer.WaitFor(t, newcomer)
	link := enrolmentLink.FindString(msg.Text)
	if !strings.HasPrefix(link, ts.URL+"/enrol/") {
		t.Fatalf("invitation %q has no enrolment link to %s:\n%s", msg.Subject, ts.URL, msg.Text)
	}

	// The new person sets a password, enrols TOTP and lands logged in.
	newTab := staffTab(t, browser)
	err = chromedp.Do(newTab,
		chromedp.Navigate(link+"?lang=nb"),
		chromedp.WaitVisible(chromedp.CSS("#f-password2")),
		chromedp.SendKeys(chromedp.CSS("#f-password"), "et langt og godt passord"),
		chromedp.SendKeys(chromedp.CSS("#f-password2"), "et langt og godt passord"),
		chromedp.Submit(chromedp.CSS("#enrol")),
		chromedp.WaitVisible(chromedp.CSS("#f-code")),
	)
	if err != nil {
		t.Fatalf("set a password: %v", err)
	}
	// The key is shown for typing in by hand; no form field carries it.
	secret := strings.ReplaceAll(text(t, newTab, "#secret"), " ", "")
	if secret == "" {
		t.Fatal("the TOTP page shows no key")
	}
	typeTOTP(t, newTab, secret, "#enrol-totp")
	err = chromedp.Do(newTab,
		chromedp.WaitVisible(chromedp.CSS("#recovery-codes")),
		chromedp.Click(chromedp.CSS("#continue")),
		chromedp.WaitVisible(chromedp.CSS("#staff-role")),
	)
	if err != nil {
		t.Fatalf("finish enrolment: %v", err)
	}
	if got := text(t, newTab, "#staff-email"); got != newcomer {
		t.Errorf("logged in as %q; want %q", got, newcomer)
	}

	// They see the registrations of their municipality and no other.
	err = chromedp.Do(newTab,
		chromedp.Navigate(ts.URL+"/staff/registrations?lang=nb"),
		chromedp.WaitVisible(chromedp.CSS("#registrations")),
	)
	if err != nil {
		t.Fatalf("open the registrations: %v", err)
	}
	got := eval[[]string](t, newTab, `[...document.querySelectorAll("#registrations tbody tr")].map(tr => tr.dataset.receipt)`)
	slices.Sort(got)
	slices.Sort(ownA)
	if !slices.Equal(got, ownA) {
		t.Errorf("registrations listed %v; want exactly those of %s: %v", got, municipalityA, ownA)
	}
	screenshot(t, newTab, "staff-registrations-nb")
	checkAxe(t, newTab, "staff-registrations-nb")
	err = chromedp.Do(newTab,
		chromedp.Navigate(ts.URL+"/staff/registrations/"+otherB+"?lang=nb"),
		chromedp.WaitReady(chromedp.CSS("h1")),
	)
	if err != nil {
		t.Fatalf("open a registration of %s: %v", municipalityB, err)
	}
	if got := eval[string](t, newTab, "document.title"); !strings.Contains(got, staffLocale(t, "nb")["error.title.not_found"]) &&
		!strings.Contains(got, locale(t, "nb")["error.title.not_found"]) {
		t.Errorf("page of %s's registration has the title %q; want not found", municipalityB, got)
	}
	if n := eval[int](t, newTab, `document.querySelectorAll("#receipt-code").length`); n != 0 {
		t.Errorf("the registration of %s is shown", municipalityB)
	}
}
