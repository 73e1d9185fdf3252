package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"beredskap"
	"beredskap/internal/safecsv"
)

// TestLabourNoticeSuspectedFromTheList checks issue 13, item 8 on the
// pages: the operator chooses what was suspected of the employer from a
// fixed list (an unknown choice, or none, is refused at the field in the
// page's language and nothing is stored); the notice names the choices,
// not the operator's note, on the labour inspectorate's page and in its
// Norwegian export; and a notice made before the list, in the operator's
// words, still shows.
func TestLabourNoticeSuspectedFromTheList(t *testing.T) {
	ts, centre, p := followUpServer(t, true)
	for _, lang := range staffLanguages {
		loc := staffLocale(t, lang)
		for _, c := range []struct {
			choices []string
			reason  string
		}{
			{[]string{"made_them_work"}, "centre.reason.unknown_value"},
			{nil, "centre.reason.required"},
		} {
			form := breachReport(p.Receipt, validOrg)
			form["employer_suspected"] = c.choices
			resp := staffPost(t, ts, centre, fmt.Sprintf("/staff/followup/queue/%d/reports?lang=%s", p.ID, lang), form)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("%s, %v: status %d; want 400", lang, c.choices, resp.StatusCode)
			}
			doc := document(t, resp)
			if got := textOf(doc, "#f-employer_suspected-error"); !strings.Contains(got, loc[c.reason]) {
				t.Errorf("%s, %v: message at the choices %q; want %q", lang, c.choices, got, loc[c.reason])
			}
			if got := textOf(doc, "#error-summary"); !strings.Contains(got, loc["centre.label.employer_suspected"]) {
				t.Errorf("%s, %v: the summary %q does not name %q", lang, c.choices, got, loc["centre.label.employer_suspected"])
			}
			if n := doc.Find(`#f-employer_suspected input[type="checkbox"]`).Length(); n != len(beredskap.EmployerSuspicions) {
				t.Errorf("%s: %d choices; want %d", lang, n, len(beredskap.EmployerSuspicions))
			}
		}
	}
	if reports, notices := storedReports(t, ts, p.ID); len(reports) != 0 || len(notices) != 0 {
		t.Fatalf("%d reports and %d notices stored after the refusals; want none", len(reports), len(notices))
	}

	resp := staffPost(t, ts, centre, fmt.Sprintf("/staff/followup/queue/%d/reports?lang=nb", p.ID), breachReport(p.Receipt, validOrg))
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("file the report: status %d; want 303", resp.StatusCode)
	}
	reports, notices := storedReports(t, ts, p.ID)
	if len(notices) != 1 || notices[0].Suspicion != "" || len(notices[0].Suspected) != 2 {
		t.Fatalf("notices %+v; want one naming the two choices and not the note", notices)
	}
	// A notice as made before the fixed list: the operator's words.
	const older = "Bor 12 på brakka"
	err := followUpStore(t, ts).UpdateFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
		return tx.CreateLabourNotice(ctx, &beredskap.LabourNotice{ReportID: reports[0].ID, OrgNumber: "974760673",
			EmployerName: "Fisk AS", Suspicion: older, Municipality: municipalityA, ArrivalDate: "2021-02-16"})
	})
	if err != nil {
		t.Fatal(err)
	}

	labour := mustAddStaffUser(t, ts, "inspektor@arbeidstilsynet.test", beredskap.RoleLabourInspector,
		beredskap.Scope{Kind: beredskap.ScopeLabourInspectorate})
	mustLogIn(t, ts, labour)
	for _, lang := range staffLanguages {
		loc := staffLocale(t, lang)
		doc := mustPage(t, ts, labour, "/staff/labour/notices?lang="+lang, http.StatusOK)
		want := loc["centre.suspected.work_in_quarantine"] + ", " + loc["centre.suspected.shared_lodging"]
		if got := textOf(doc, `#notices tr[data-org="`+validOrg+`"] .employer-suspected`); got != want {
			t.Errorf("%s: the notice says %q was suspected; want %q", lang, got, want)
		}
		if strings.Contains(doc.Find("#notices").Text(), "Lar arbeidere") {
			t.Errorf("%s: the notices show the operator's note", lang)
		}
		if got := textOf(doc, `#notices tr[data-org="974760673"] .older-text`); !strings.Contains(got, older) {
			t.Errorf("%s: the older notice shows %q; want its text %q", lang, got, older)
		}
	}

	resp = staffGet(t, ts, labour, "/staff/labour/notices?lang=nb&format=csv&org_number="+validOrg)
	rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(readBody(t, resp)), safecsv.BOM)))
	rd.Comma = ';'
	rows, err := rd.ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("CSV %v, %v; want a header and one notice", rows, err)
	}
	words := staffLocale(t, "nb")
	col := -1
	for i, h := range rows[0] {
		if h == words["export.suspected"] {
			col = i
		}
	}
	want := words["export.suspected.work_in_quarantine"] + "; " + words["export.suspected.shared_lodging"]
	if col < 0 || rows[1][col] != want {
		t.Errorf("CSV header %v, row %v; want the column %q holding %q", rows[0], rows[1], words["export.suspected"], want)
	}
}
