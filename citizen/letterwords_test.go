package citizen_test

import (
	"context"
	"strings"
	"testing"

	"beredskap"
	"beredskap/citizen"
	"beredskap/internal/datefmt"
	"beredskap/web"
)

// The words of a letter come from the citizen texts: in the language
// stored on the person's citizen account (nynorsk here) when it has one,
// else in bokmål followed by English.
func TestLetterWordsFromTheLocales(t *testing.T) {
	e := newEnv(t, citizen.Config{})
	nynorsk, unknown := nid(t, 141), nid(t, 142)
	err := e.store.UpdateCitizen(context.Background(), func(ctx context.Context, tx beredskap.CitizenTx) error {
		return tx.SaveCitizen(ctx, &beredskap.CitizenAccount{NationalID: nynorsk, Language: "nn"})
	})
	if err != nil {
		t.Fatalf("SaveCitizen: %v", err)
	}
	text := func(c *beredskap.AccessCase) string {
		t.Helper()
		pdf, err := e.svc.DownloadLetter(e.support, c.ID)
		if err != nil {
			t.Fatalf("DownloadLetter: %v", err)
		}
		return strings.Join(strings.Fields(pdfText(t, pdf)), " ")
	}
	words := func(lang, key string, args ...any) string {
		return strings.Join(strings.Fields(web.CitizenText(lang, "citizen.letter."+key, args...)), " ")
	}

	c := e.reopen(nynorsk)
	got := text(c)
	for _, want := range []string{
		words("nn", "reopen.heading"), words("nn", "reopen.text"),
		words("nn", "reopen.valid", "date", datefmt.Day("nn", *c.CodeExpiresAt)),
		words("nn", "code.phone", "helpline", "23 32 70 00", "case", c.Number),
		words("nn", "date") + ": ", words("nn", "code") + ":",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the nynorsk letter lacks %q:\n%s", want, got)
		}
	}
	for _, unwanted := range []string{words("nb", "reopen.heading"), words("en", "title"), words("en", "reopen.text")} {
		if strings.Contains(got, unwanted) {
			t.Errorf("the nynorsk letter has %q:\n%s", unwanted, got)
		}
	}

	c = e.reopen(unknown)
	got = text(c)
	for _, want := range []string{
		words("nb", "reopen.heading"), words("nb", "reopen.text"), words("en", "title"), words("en", "reopen.text"),
		words("nb", "reopen.valid", "date", datefmt.Day("nb", *c.CodeExpiresAt)),
		words("nb", "date") + " / " + words("en", "date") + ": ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the letter to a person without a language lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, words("nn", "title")) {
		t.Errorf("the letter to a person without a language has nynorsk:\n%s", got)
	}
}

// A block filed online keeps the language of the page it was filed from on
// the person's account, so that the letter with the code to reopen, which
// comes while they cannot log in, is in that language; the public reopen
// form, which anyone can fill in for anyone, changes nothing.
func TestFiledCaseKeepsThePageLanguage(t *testing.T) {
	e := newEnv(t, citizen.Config{})
	person := nid(t, 143)
	res := e.login(person)
	in := input(t, beredskap.CaseBlock, person)
	in.Language = "nn"
	c, err := e.svc.FileCase(anon(), res.Session, in)
	if err != nil {
		t.Fatalf("FileCase: %v", err)
	}
	if _, err := e.svc.ApproveCase(e.support, c.ID); err != nil {
		t.Fatalf("ApproveCase(block): %v", err)
	}
	reopen := input(t, beredskap.CaseReopen, person)
	reopen.Language = "en"
	if c, err = e.svc.RequestReopen(anon(), reopen); err != nil {
		t.Fatalf("RequestReopen: %v", err)
	}
	if c, err = e.svc.ApproveCase(e.support, c.ID); err != nil {
		t.Fatalf("ApproveCase(reopen): %v", err)
	}
	pdf, err := e.svc.DownloadLetter(e.support, c.ID)
	if err != nil {
		t.Fatalf("DownloadLetter: %v", err)
	}
	got := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
	for lang, want := range map[string]bool{"nn": true, "nb": false, "en": false} {
		heading := strings.Join(strings.Fields(web.CitizenText(lang, "citizen.letter.reopen.heading")), " ")
		if strings.Contains(got, heading) != want {
			t.Errorf("the reopen letter has the %s heading: %v, want %v:\n%s", lang, !want, want, got)
		}
	}
}
