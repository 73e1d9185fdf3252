package web_test

import (
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"beredskap"
	"beredskap/auth/oidctest"
	"beredskap/mailbox/mailboxtest"
	"beredskap/storetest"
	"beredskap/web"

	"beredskap/internal/testenv"
)

// letterTools returns the paths of pdftoppm and pdftotext (poppler-utils),
// or skips the test when they are missing outside CI.
func letterTools(t *testing.T) (pdftoppm, pdftotext string) {
	t.Helper()
	var err error
	pdftoppm, err = exec.LookPath("pdftoppm")
	if err == nil {
		pdftotext, err = exec.LookPath("pdftotext")
	}
	if err != nil {
		testenv.Missing(t, "pdftoppm and pdftotext are missing (apt-get install -y poppler-utils): %v", err)
	}
	return pdftoppm, pdftotext
}

// fillCase fills the identity document fields of a case form: a passport
// valid for two more years and the PNG copy at file.
func fillCase(t *testing.T, ctx context.Context, file string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS("#case-form")),
		chromedp.Click(chromedp.CSS("#f-document_kind-passport")),
		chromedp.SetValue(chromedp.CSS("#f-document_expires"), time.Now().AddDate(2, 0, 0).Format(time.DateOnly)),
		chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file}),
	)
	if err != nil {
		t.Fatalf("fill the case form: %v", err)
	}
}

// submitCase sends the case form and returns the case number shown, or
// fails with the page's text when the form comes back.
func submitCase(t *testing.T, ctx context.Context, what string) string {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#submit")), chromedp.WaitVisible(chromedp.CSS("#case-number, #error-summary")))
	if err != nil {
		t.Fatalf("send the %s: %v", what, err)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#case-number").length`); n == 0 {
		t.Fatalf("send the %s: the page says:\n%s", what, eval[string](t, ctx, "document.querySelector('main').innerText"))
	}
	return text(t, ctx, "#case-number")
}

// citizenLogIn logs the person in through the local OpenID provider and
// waits for the selector wait.
func citizenLogIn(t *testing.T, ctx context.Context, ts *testServer, provider *oidctest.Provider, nid, wait string) {
	t.Helper()
	provider.LoginUser(oidctest.User{PID: nid})
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/citizen/login?lang=nb"), chromedp.WaitVisible(chromedp.CSS(wait))); err != nil {
		t.Fatalf("citizen login, waiting for %s: %v", wait, err)
	}
}

// supportDecides opens the case numbered number from the queue as
// support, approves it and waits for the status want.
func supportDecides(t *testing.T, ctx context.Context, ts *testServer, number string, want beredskap.CaseStatus) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/staff/cases?lang=nb"),
		chromedp.WaitVisible(chromedp.CSS("#cases")),
		chromedp.Click(chromedp.CSS(`#cases tr[data-case="`+number+`"] a`)),
		chromedp.WaitVisible(chromedp.CSS("#approve")),
		chromedp.Click(chromedp.CSS("#approve")),
		chromedp.WaitVisible(chromedp.CSS(`#case-status[data-status="`+string(want)+`"]`)),
	)
	if err != nil {
		t.Fatalf("approve case %s: %v", number, err)
	}
}

// TestCitizenBrowserBlockReopen is the path of issue 6 in a real browser:
// a citizen blocks their access, is refused at login, files a reopen;
// support approves; the letter in the digital mailbox holds the code;
// support enters code and case number; the citizen logs in again and sees
// who has looked at their data.
func TestCitizenBrowserBlockReopen(t *testing.T) {
	pdftoppm, pdftotext := letterTools(t)
	browser := mustBrowser(t)
	provider := oidctest.Start(t)
	mb := mailboxtest.Start(t)
	nid := testNationalID("150385", 456)
	mb.Add(nid)
	ts := startServerWith(t, web.Config{}, serverOptions{staff: manyLogins, configure: withCitizens(provider, mb.Client())})
	support := mustAddStaffUser(t, ts, "support@helfo.test", beredskap.RoleCitizenSupport, national)
	colleague := mustAddStaffUser(t, ts, "colleague@helfo.test", beredskap.RoleCitizenSupport, national)
	officer := mustAddStaffUser(t, ts, "officer@oslo.test", beredskap.RoleMunicipalOfficer, municipal(municipalityA))

	// A registration of the person, which a municipal officer looks at.
	reg := storetest.Registration("Kari", "Nordmann")
	reg.Traveller.NationalID = nid
	stored, _, err := ts.Registrations.CreateRegistration(t.Context(), beredskap.NewRegistration{
		Registration: reg, Decision: storetest.Decision(), Municipality: municipalityA,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Staff.GetRegistration(actorOf(t, ts, officer), stored.Receipt); err != nil {
		t.Fatalf("the officer looks at the registration: %v", err)
	}
	idCopy := filepath.Join(t.TempDir(), "pass.png")
	if err := os.WriteFile(idCopy, pngCopy(t), 0o600); err != nil {
		t.Fatal(err)
	}

	// The citizen logs in and blocks their access.
	citizenTab := staffTab(t, browser)
	citizenLogIn(t, citizenTab, ts, provider, nid, "#h-looks")
	checkAxe(t, citizenTab, "citizen-home-nb")
	if err := chromedp.Do(citizenTab, chromedp.Navigate(ts.URL+"/citizen/block?lang=nb")); err != nil {
		t.Fatal(err)
	}
	fillCase(t, citizenTab, idCopy)
	if err := chromedp.Do(citizenTab, chromedp.SendKeys(chromedp.CSS("#f-name"), "Kari Nordmann")); err != nil {
		t.Fatalf("type the name: %v", err)
	}
	checkAxe(t, citizenTab, "citizen-block-nb")
	blockNumber := submitCase(t, citizenTab, "block")

	// Support approves the block.
	supportTab := staffTab(t, browser)
	browserLogIn(t, supportTab, ts, support)
	supportDecides(t, supportTab, ts, blockNumber, beredskap.CaseCompleted)
	checkAxe(t, supportTab, "staff-case-nb")

	// The next login is refused with the blocked page, which leads to the
	// reopen form.
	citizenLogIn(t, citizenTab, ts, provider, nid, "#citizen-login-blocked")
	screenshot(t, citizenTab, "citizen-blocked-nb")
	err = chromedp.Do(citizenTab,
		chromedp.Click(chromedp.CSS("#reopen-link")),
		chromedp.WaitVisible(chromedp.CSS("#f-national_id")),
		chromedp.SendKeys(chromedp.CSS("#f-name"), "Kari Nordmann"),
		chromedp.SendKeys(chromedp.CSS("#f-national_id"), nid),
	)
	if err != nil {
		t.Fatalf("open the reopen form: %v", err)
	}
	fillCase(t, citizenTab, idCopy)
	checkAxe(t, citizenTab, "citizen-reopen-nb")
	reopenNumber := submitCase(t, citizenTab, "reopen")

	// Support approves; the letter with the code reaches the mailbox.
	supportDecides(t, supportTab, ts, reopenNumber, beredskap.CaseAwaitingCode)
	letter := mb.WaitFor(t, nid)
	code := readLetter(t, pdftoppm, pdftotext, letter.PDF, reopenNumber)

	// The one who approved may not enter the code (issue 13, item 3); a
	// colleague enters the case number and the code the person phones in.
	enterCode := func(tab context.Context, wait string) error {
		return chromedp.Do(tab,
			chromedp.Navigate(ts.URL+"/staff/cases/code?lang=nb"),
			chromedp.WaitVisible(chromedp.CSS("#f-case_number")),
			chromedp.SendKeys(chromedp.CSS("#f-case_number"), reopenNumber),
			chromedp.SendKeys(chromedp.CSS("#f-code"), code),
			chromedp.Click(chromedp.CSS("#check-code")),
			chromedp.WaitVisible(chromedp.CSS(wait)),
		)
	}
	if err := enterCode(supportTab, `#f-code[aria-invalid="true"]`); err != nil {
		t.Fatalf("the approver enters the code: %v", err)
	}
	colleagueTab := staffTab(t, browser)
	browserLogIn(t, colleagueTab, ts, colleague)
	if err := enterCode(colleagueTab, `#code-accepted[data-status="completed"]`); err != nil {
		t.Fatalf("enter the code: %v", err)
	}
	checkAxe(t, colleagueTab, "staff-code-nb")

	// The citizen logs in again and sees the officer's look, proven in
	// the signed checkpoint of the audit log.
	cp := signAudit(t, ts)
	citizenLogIn(t, citizenTab, ts, provider, nid, "#looks")
	if size := eval[string](t, citizenTab, `document.querySelector("#looks-proven")?.dataset.size ?? ""`); size != itoa(cp.Size) {
		t.Errorf("the page says the looks are proven up to a checkpoint of %q entries; want %d", size, cp.Size)
	}
	if proven := eval[int](t, citizenTab, `document.querySelectorAll('#looks .look-proof[data-proven="true"]').length`); proven == 0 {
		t.Error("no look is shown as proven")
	}
	roles := eval[[]string](t, citizenTab, `[...document.querySelectorAll("#looks .look-role")].map(td => td.dataset.role)`)
	orgs := eval[[]string](t, citizenTab, `[...document.querySelectorAll("#looks .look-organisation")].map(td => td.textContent.trim())`)
	found := false
	for i, r := range roles {
		if r == string(beredskap.RoleMunicipalOfficer) && i < len(orgs) && orgs[i] != "" {
			found = true
		}
	}
	if !found {
		t.Errorf("who has looked: roles %v, organisations %v; want the municipal officer with an organisation", roles, orgs)
	}
	screenshot(t, citizenTab, "citizen-home-looks-nb")
	checkAxe(t, citizenTab, "citizen-home-looks-nb")
}

var letterCode = regexp.MustCompile(`\b(\d{4} ?\d{4})\b`)

// readLetter renders the letter's first page to an image and checks it is
// not blank, checks its text names the case, and returns its code.
func readLetter(t *testing.T, pdftoppm, pdftotext string, pdf []byte, number string) string {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "letter.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(pdftoppm, "-png", "-r", "50", "-f", "1", "-l", "1", file, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(pages) == 0 {
		t.Fatal("pdftoppm made no image")
	}
	f, err := os.Open(pages[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode the rendered letter: %v", err)
	}
	if dark := darkPixels(img); dark < 200 {
		t.Errorf("the rendered letter has %d dark pixels; it looks blank", dark)
	}
	out, err := exec.Command(pdftotext, "-layout", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	txt := string(out)
	if !strings.Contains(txt, number) {
		t.Errorf("the letter does not name case %s:\n%s", number, txt)
	}
	rest := strings.ReplaceAll(txt, number, "")
	m := letterCode.FindStringSubmatch(rest)
	if m == nil {
		t.Fatalf("no code in the letter:\n%s", txt)
	}
	return strings.ReplaceAll(m[1], " ", "")
}

// darkPixels counts the pixels of img darker than light grey.
func darkPixels(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if (r+g+bl)/3 < 0xc000 {
				n++
			}
		}
	}
	return n
}
