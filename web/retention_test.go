package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"beredskap"
	"beredskap/internal/testenv"
	"beredskap/web"
)

// TestCitizenDownload checks the person's copy of all their data (GDPR
// art. 15, issue 19 § 5): as JSON with their registration, case and the
// retention statement per item, and as a PDF with the same; none of the
// other person's data; and the home page's statement of what is kept.
func TestCitizenDownload(t *testing.T) {
	ts, _, people := citizenScopeServer(t)
	p, other := people[0], people[1]
	code, _, body := citizenGet(t, ts, "/citizen/my-data.json?lang=en", p.sessionCookie(), "")
	if code != http.StatusOK {
		t.Fatalf("GET /citizen/my-data.json: %d %s", code, body)
	}
	var copy struct {
		NationalID    string `json:"national_id"`
		Registrations []struct {
			Receipt string `json:"receipt"`
		} `json:"registrations"`
		Cases []struct {
			Number string `json:"number"`
		} `json:"cases"`
		Retention []struct {
			Category, Item, Data, Why string
			Period                    string `json:"kept_for"`
			Deleted                   string `json:"deleted_on"`
			Until                     string
		} `json:"retention"`
	}
	if err := json.Unmarshal([]byte(body), &copy); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if copy.NationalID != p.NationalID || len(copy.Registrations) != 1 || copy.Registrations[0].Receipt != p.Receipt ||
		len(copy.Cases) != 1 || copy.Cases[0].Number != p.Number {
		t.Errorf("copy: %+v; want the person's one registration and case", copy)
	}
	found := false
	for _, it := range copy.Retention {
		if it.Category == "registrations" && it.Item == p.Receipt {
			found = it.Deleted != "" && it.Period == "20 days" && it.Why != "" && it.Data != ""
		}
		if it.Category == "citizen_cases" && it.Item == p.Number && it.Deleted != "" {
			t.Errorf("the open case has a deletion day %s; want it to depend on its closing", it.Deleted)
		}
	}
	if !found {
		t.Errorf("the statement lacks the registration's period and deletion day: %+v", copy.Retention)
	}
	for _, leak := range []string{other.Receipt, other.Number, other.NationalID} {
		if strings.Contains(body, leak) {
			t.Errorf("the copy of %s holds %q of the other person", p.Name, leak)
		}
	}

	code, _, pdf := citizenGet(t, ts, "/citizen/my-data.pdf?lang=nb", p.sessionCookie(), "")
	if code != http.StatusOK || !strings.HasPrefix(pdf, "%PDF") {
		t.Fatalf("GET /citizen/my-data.pdf: %d, %.20q", code, pdf)
	}
	code, _, page := citizenGet(t, ts, "/citizen?lang=nn", p.sessionCookie(), "")
	if code != http.StatusOK || !strings.Contains(page, `id="retention"`) || !strings.Contains(page, `data-item="`+p.Receipt+`"`) ||
		!strings.Contains(page, "20 dagar") || !strings.Contains(page, "/citizen/my-data.pdf") {
		t.Errorf("the home page lacks the statement of what is kept (nynorsk), or the download links")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		testenv.Missing(t, "pdftotext (poppler-utils) is not installed; the PDF's text is not checked")
	}
	{
		cmd := exec.Command("pdftotext", "-", "-")
		cmd.Stdin = strings.NewReader(pdf)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		text := string(out)
		for _, want := range []string{p.Receipt, p.Number, "Hva vi tar vare på om deg", "Slettes"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF lacks %q:\n%s", want, text)
			}
		}
	}

}

// TestStatisticsPageScope: the statistics page shows each role only its
// reach — every municipality to the control centre, the county's to the
// county governor, the own to a municipal officer — with counts under 5
// suppressed, and refuses roles with no use for them (issue 19).
func TestStatisticsPageScope(t *testing.T) {
	ts := startServer(t, web.Config{}, nil)
	for i := range 6 {
		mustRegistration(t, ts, municipalityA, fmt.Sprintf("Oslo%d", i))
	}
	for i := range 2 {
		mustRegistration(t, ts, municipalityB, fmt.Sprintf("Bergen%d", i))
	}
	users := map[string]*staffUser{
		"centre":  mustAddStaffUser(t, ts, "centre@example.no", beredskap.RoleControlCentre, national),
		"county":  mustAddStaffUser(t, ts, "county@example.no", beredskap.RoleCountyGovernor, beredskap.Scope{Kind: beredskap.ScopeCounty, Code: countyA}),
		"officer": mustAddStaffUser(t, ts, "officer@example.no", beredskap.RoleMunicipalOfficer, municipal(municipalityA)),
		"labour":  mustAddStaffUser(t, ts, "labour@example.no", beredskap.RoleLabourInspector, beredskap.Scope{Kind: beredskap.ScopeLabourInspectorate}),
	}
	for _, u := range users {
		mustLogIn(t, ts, u)
	}
	for _, c := range []struct {
		user         string
		oslo, bergen bool
	}{
		{"centre", true, true},
		{"county", true, false},
		{"officer", true, false},
	} {
		doc := mustPage(t, ts, users[c.user], "/staff/statistics?lang=en", http.StatusOK)
		rows := map[string][]string{}
		doc.Find("#statistics tbody tr").Each(func(_ int, tr *goquery.Selection) {
			var cells []string
			tr.Find("td").Each(func(_ int, td *goquery.Selection) { cells = append(cells, strings.TrimSpace(td.Text())) })
			rows[cells[0]] = cells[1:]
		})
		oslo, sawOslo := rows["Oslo ("+municipalityA+")"]
		bergen, sawBergen := rows["Bergen ("+municipalityB+")"]
		if sawOslo != c.oslo || sawBergen != c.bergen {
			t.Errorf("%s sees Oslo %v, Bergen %v; want %v, %v (rows %v)", c.user, sawOslo, sawBergen, c.oslo, c.bergen, rows)
			continue
		}
		if sawOslo && oslo[0] != "6" {
			t.Errorf("%s: Oslo's registrations are %q; want 6", c.user, oslo[0])
		}
		if sawBergen && bergen[0] != "<5" {
			t.Errorf("%s: Bergen's 2 registrations are shown as %q; want <5", c.user, bergen[0])
		}
		if c.user == "centre" && len(oslo) != len(beredskap.StatKeys) {
			t.Errorf("Oslo's row has %d counts; want one per key (%d)", len(oslo), len(beredskap.StatKeys))
		}
	}
	mustPage(t, ts, users["labour"], "/staff/statistics?lang=en", http.StatusForbidden)
}
