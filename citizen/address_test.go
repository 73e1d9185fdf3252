package citizen_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"beredskap"
	"beredskap/citizen"
	"beredskap/folkeregister"
	"beredskap/folkeregister/folkeregistertest"
)

// A person without a digital mailbox gets a print letter addressed to
// their registered address, which neither the audit trail nor the print
// queue shows.
func TestPrintLetterToRegisteredAddress(t *testing.T) {
	reg := folkeregistertest.Start(t)
	e := newEnv(t, citizen.Config{Register: reg.Client()})
	person := nid(t, 131)
	reg.Add(person, folkeregister.Address{
		Lines: []string{"c/o Åse Ødegård", "Fjordveien 12"}, PostalCode: "9008", PostalPlace: "TROMSØ", Country: "NO",
	})
	c := e.reopen(person)
	letters, err := e.svc.PrintLetters(e.support)
	if err != nil {
		t.Fatalf("PrintLetters: %v", err)
	}
	found := false
	for _, l := range letters {
		found = found || (l.CaseID == c.ID && l.Number == c.Number && l.Name == c.Name && l.AddressKnown && l.PrintedAt == nil)
	}
	if !found {
		t.Errorf("the print queue %+v lacks case %s", letters, c.Number)
	}
	pdf, err := e.svc.DownloadLetter(e.support, c.ID)
	if err != nil {
		t.Fatalf("DownloadLetter: %v", err)
	}
	text := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
	for _, want := range []string{c.Name, "c/o Åse Ødegård", "Fjordveien 12", "9008 TROMSØ", c.Number} {
		if !strings.Contains(text, want) {
			t.Errorf("the print letter lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, " NO ") {
		t.Errorf("the print letter names the country of a Norwegian address:\n%s", text)
	}
	queued := e.auditOf(beredskap.AuditFilter{Action: "citizen_letter.queue"})
	if len(queued) == 0 {
		t.Fatal("no citizen_letter.queue audit entry")
	}
	for _, entry := range e.auditOf(beredskap.AuditFilter{}) {
		for _, secret := range []string{person, "Fjordveien", "9008", "TROMSØ"} {
			if strings.Contains(entry.Detail, secret) || strings.Contains(entry.Object, secret) {
				t.Errorf("audit entry %d holds personal data %q: %+v", entry.Seq, secret, entry)
			}
		}
	}
	if strings.Contains(queued[len(queued)-1].Detail, "by hand") {
		t.Errorf("an addressed letter is audited as needing its address by hand: %q", queued[len(queued)-1].Detail)
	}
}

// When the register has no address for the person, or fails, or none is
// configured, the letter is still queued with the name only, and the
// audit trail says the address must be added by hand.
func TestPrintLetterWithoutRegisteredAddress(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(reg *folkeregistertest.Server, person string)
		none  bool
	}{
		{name: "unknown", setup: func(*folkeregistertest.Server, string) {}},
		{name: "failing", setup: func(reg *folkeregistertest.Server, person string) {
			reg.Add(person, folkeregister.Address{Lines: []string{"Fjordveien 12"}, PostalCode: "9008", PostalPlace: "TROMSØ"})
			reg.FailNext(1000, http.StatusServiceUnavailable)
		}},
		{name: "no register", none: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := folkeregistertest.Start(t)
			cfg := citizen.Config{}
			if !tc.none {
				cfg.Register = reg.Client()
			}
			e := newEnv(t, cfg)
			person := nid(t, 131)
			if tc.setup != nil {
				tc.setup(reg, person)
			}
			c := e.reopen(person)
			letters, err := e.svc.PrintLetters(e.support)
			if i := slices.IndexFunc(letters, func(l citizen.PrintLetter) bool { return l.CaseID == c.ID }); err != nil || i < 0 || letters[i].AddressKnown {
				t.Errorf("PrintLetters: %+v, %v; want the letter, its address unknown", letters, err)
			}
			pdf, err := e.svc.DownloadLetter(e.support, c.ID)
			if err != nil {
				t.Fatalf("DownloadLetter: %v", err)
			}
			code := codeIn(t, pdf, c.Number)
			if text := pdfText(t, pdf); !strings.Contains(text, c.Name) || strings.Contains(text, "9008") {
				t.Errorf("the print letter without an address reads:\n%s", text)
			}
			queued := e.auditOf(beredskap.AuditFilter{Action: "citizen_letter.queue"})
			if len(queued) == 0 || !strings.Contains(queued[len(queued)-1].Detail, "added by hand") {
				t.Errorf("citizen_letter.queue audited as %+v; want the address to be added by hand", queued)
			}
			printed := e.auditOf(beredskap.AuditFilter{Action: "citizen_letter.print"})
			if len(printed) == 0 || !strings.Contains(printed[len(printed)-1].Detail, "written by hand") {
				t.Errorf("citizen_letter.print audited as %+v; want the address to be written by hand", printed)
			}
			if _, err := e.svc.EnterCode(e.second, c.Number, code); err != nil {
				t.Fatalf("EnterCode: %v", err)
			}
		})
	}
}
