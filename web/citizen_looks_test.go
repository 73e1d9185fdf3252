package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"beredskap"
	"beredskap/auditlog"
)

// Issue 17: "who has looked at my data" comes with inclusion proofs
// against the newest signed checkpoint. The page says up to which
// checkpoint the list is proven and marks newer looks; the JSON answer's
// proofs check out against the log's key outside the server, name the
// person's own receipt, and hold nothing of another person's.
func TestCitizenLooksProven(t *testing.T) {
	ts, _, people := citizenScopeServer(t)
	anna, ola := people[0], people[1]
	officer := mustAddStaffUser(t, ts, "officer.looks@example.no", beredskap.RoleMunicipalOfficer, municipal(municipalityA))
	if _, err := ts.Staff.GetRegistration(actorOf(t, ts, officer), anna.Receipt); err != nil {
		t.Fatalf("the officer looks at Anna's registration: %v", err)
	}
	_, _, body := citizenGet(t, ts, "/citizen", anna.sessionCookie(), "")
	if !strings.Contains(body, `id="looks-unproven"`) {
		t.Errorf("before any checkpoint the page does not say the looks cannot be proven yet")
	}
	cp := signAudit(t, ts)
	if _, err := ts.Staff.GetRegistration(actorOf(t, ts, officer), anna.Receipt); err != nil {
		t.Fatalf("the officer looks again: %v", err)
	}

	code, _, body := citizenGet(t, ts, "/citizen", anna.sessionCookie(), "")
	if code != http.StatusOK {
		t.Fatalf("GET /citizen: %d", code)
	}
	if !strings.Contains(body, `id="looks-proven"`) || !strings.Contains(body, ` `+itoa(cp.Size)+` `) {
		t.Errorf("the page does not say the looks are proven up to the checkpoint of %d entries", cp.Size)
	}
	if got := strings.Count(body, `data-proven="true"`); got < 1 {
		t.Errorf("the page marks %d looks proven; want the look before the checkpoint", got)
	}
	if got := strings.Count(body, `data-proven="false"`); got != 1 {
		t.Errorf("the page marks %d looks newer than the checkpoint; want 1", got)
	}

	code, _, raw := citizenGet(t, ts, "/citizen/looks.json", anna.sessionCookie(), "")
	if code != http.StatusOK {
		t.Fatalf("GET /citizen/looks.json: %d %s", code, raw)
	}
	var answer struct {
		Looks []struct {
			Seq    int64 `json:"seq"`
			Proven bool  `json:"proven"`
		} `json:"looks"`
		auditlog.Bundle
	}
	if err := json.Unmarshal([]byte(raw), &answer); err != nil {
		t.Fatal(err)
	}
	logKey, err := auditlog.NewVerifier(answer.LogKey)
	if err != nil {
		t.Fatal(err)
	}
	got, leaves, err := auditlog.CheckBundle(answer.Bundle, logKey, anna.Receipt)
	if err != nil {
		t.Fatalf("the proofs do not check out: %v", err)
	}
	if got.Size != cp.Size || len(leaves) == 0 {
		t.Errorf("the bundle proves %d entries in a checkpoint of %d; want some in %d", len(leaves), got.Size, cp.Size)
	}
	proven := 0
	for _, l := range answer.Looks {
		if l.Proven {
			proven++
		}
	}
	if proven != len(leaves) {
		t.Errorf("%d looks are marked proven but %d proofs given", proven, len(leaves))
	}
	for _, leak := range []string{ola.Receipt, "officer.looks@example.no", ola.Name} {
		if strings.Contains(raw, leak) {
			t.Errorf("the proofs hold %q", leak)
		}
	}
	if _, _, err := auditlog.CheckBundle(answer.Bundle, logKey, ola.Receipt); err == nil {
		t.Error("Anna's proofs check out as naming Ola's receipt")
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// "Who has looked" names the body and the role in the page's language —
// never a translation key, never Norwegian on the English page — and a
// look by the system itself as automatic processing.
func TestCitizenLooksNamedInPageLanguage(t *testing.T) {
	ts, _, people := citizenScopeServer(t)
	anna := people[0]
	officer := mustAddStaffUser(t, ts, "officer.names@example.no", beredskap.RoleMunicipalOfficer, municipal(municipalityA))
	if _, err := ts.Staff.GetRegistration(actorOf(t, ts, officer), anna.Receipt); err != nil {
		t.Fatalf("the officer looks at Anna's registration: %v", err)
	}
	err := ts.StaffStore.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		rec := beredskap.RecordFor(beredskap.SystemActor(), "followup.plan", "registration:"+anna.Receipt, beredskap.OutcomeOK)
		rec.Subjects = []string{anna.Receipt}
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct{ automatic, officer, body, notThere string }{
		"en": {"Automatic processing", "Municipal medical officer", " municipality", "kommune"},
		"nb": {"Automatisk behandling", "Kommuneoverlege", " kommune", "municipality"},
		"nn": {"Automatisk handsaming", "Kommuneoverlege", " kommune", "municipality"},
	}
	for lang, w := range want {
		_, _, body := citizenGet(t, ts, "/citizen?lang="+lang, anna.sessionCookie(), "")
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var roles, bodies []string
		doc.Find("#looks tbody tr").Each(func(_ int, tr *goquery.Selection) {
			roles = append(roles, strings.TrimSpace(tr.Find(".look-role").Text()))
			bodies = append(bodies, strings.TrimSpace(tr.Find(".look-organisation").Text()))
		})
		all := strings.Join(roles, "|") + "|" + strings.Join(bodies, "|")
		if len(roles) < 2 {
			t.Fatalf("%s: %d looks listed; want the officer's and the system's", lang, len(roles))
		}
		if strings.Contains(all, "citizen.") || strings.Contains(all, "_") {
			t.Errorf("%s: a role or body is a code: %s", lang, all)
		}
		for _, s := range []string{w.automatic, w.officer, w.body} {
			if !strings.Contains(all, s) {
				t.Errorf("%s: the looks do not say %q: %s", lang, s, all)
			}
		}
		if strings.Contains(all, w.notThere) {
			t.Errorf("%s: the looks hold %q of another language: %s", lang, w.notThere, all)
		}
	}
}
