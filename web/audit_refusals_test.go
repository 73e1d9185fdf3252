package web_test

import (
	"strings"
	"testing"

	"beredskap"
	"beredskap/followup"
)

// Follow-up refusals keep the refusal's English message as their audit
// detail; the audit log reads it in the page's language like any other
// detail (issue 16: no English on Norwegian pages). The refusals come
// from the service itself: a second operator tries to take a traveller
// another holds, and to file a report without holding them.
func TestAuditLogReadsFollowUpRefusals(t *testing.T) {
	ts, _, p := followUpServer(t, true)
	other := mustAddStaffUser(t, ts, "other@kontrollsenter.test", beredskap.RoleControlCentre, national)
	admin := mustAddStaffUser(t, ts, "admin@helfo.test", beredskap.RoleAccessAdmin, national)
	mustLogIn(t, ts, admin)
	if _, err := ts.FollowUp.Claim(actorOf(t, ts, other), p.ID); beredskap.ErrorCode(err) != beredskap.ECONFLICT {
		t.Fatalf("a second operator's claim: %v; want a conflict", err)
	}
	if _, err := ts.FollowUp.FileReport(actorOf(t, ts, other), p.ID, followup.ReportInput{
		Outcome: beredskap.CallNotReached, Language: "pl",
	}); beredskap.ErrorCode(err) != beredskap.ECONFLICT {
		t.Fatalf("a report by an operator who does not hold the traveller: %v; want a conflict", err)
	}
	for _, lang := range staffLanguages {
		loc := staffLocale(t, lang)
		doc := mustPage(t, ts, admin, "/staff/audit?lang="+lang+"&actor="+other.Email, 200)
		text := strings.Join(strings.Fields(doc.Find("#audit tbody").Text()), " ")
		for _, key := range []string{"staff.audit.phrase.held_by_other", "staff.audit.phrase.not_claimed"} {
			if want := loc[key]; want == "" || !strings.Contains(text, want) {
				t.Errorf("%s: the audit log lacks %q (%s):\n%s", lang, want, key, text)
			}
		}
		if lang != "en" {
			for _, english := range []string{"another operator", "you do not hold"} {
				if strings.Contains(text, english) {
					t.Errorf("%s: the audit log shows the English %q:\n%s", lang, english, text)
				}
			}
		}
	}
}
