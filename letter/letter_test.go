package letter_test

import (
	"beredskap/letter/lettertest"
	"bytes"
	"strings"
	"testing"
	"time"

	"beredskap/letter"
)

// pdfText returns the text of a PDF (see lettertest.Text).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	return lettertest.Text(t, pdf, "-layout")
}

func TestRenderReopenLetter(t *testing.T) {
	pdf, err := letter.Render(letter.Content{
		RecipientName: "Åse Ødegård",
		Date:          time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
		CaseNumber:    "2026-000042",
		Texts: []letter.Text{{
			Lang: "nb", Heading: "Gjenåpning av tilgang til innloggede tjenester", DateLabel: "Dato", CaseLabel: "Saksnummer",
			Paragraphs: []string{"Vi har mottatt skjemaet ditt om å gjenåpne tilgangen."}, CodeLabel: "Din engangskode",
			CodeInstruction: "Ring Veiledning Helsenorge på 23 32 70 00. Det er viktig at det er du selv som ringer.",
		}, {
			Lang: "en", Title: "In English", DateLabel: "Date", CaseLabel: "Case number", CodeLabel: "Your one-time code",
			Paragraphs: []string{"We have received your form to reopen your access."}, CodeInstruction: "Phone us yourself.",
		}},
		Code: "31415926",
	})
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("the letter does not start with %%PDF: %q", pdf[:min(len(pdf), 16)])
	}
	text := pdfText(t, pdf)
	for _, want := range []string{
		"2026-000042", "31415926", "Åse Ødegård", "Tønsberg", "23 32 70 00",
		"Det er viktig at det er du selv som ringer", "Dato / Date: 23.11.2026", "Saksnummer / Case number: 2026-000042",
		"Din engangskode / Your one-time code", "In English", "Phone us yourself.",
	} {
		if !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
			t.Errorf("the letter's text lacks %q:\n%s", want, text)
		}
	}
}

func TestRenderNeedsRecipientAndCase(t *testing.T) {
	if _, err := letter.Render(letter.Content{CaseNumber: "2026-000001"}); err == nil {
		t.Error("Render without a recipient: no error")
	}
	if _, err := letter.Render(letter.Content{RecipientName: "Kari"}); err == nil {
		t.Error("Render without a case number: no error")
	}
	if _, err := letter.Render(letter.Content{RecipientName: "Kari", CaseNumber: "2026-000001"}); err == nil {
		t.Error("Render without a text: no error")
	}
}

func TestRenderRecipientAddress(t *testing.T) {
	pdf, err := letter.Render(letter.Content{
		RecipientName:    "Ola Nordmann",
		RecipientAddress: []string{"c/o Kari Nordmann", "Storgata 1 H0201", "0155 OSLO"},
		CaseNumber:       "2026-000043",
		Texts:            []letter.Text{{Lang: "nb", Heading: "Svar"}},
	})
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	text := pdfText(t, pdf)
	var lines []string
	for line := range strings.Lines(text) {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	want := []string{"Ola Nordmann", "c/o Kari Nordmann", "Storgata 1 H0201", "0155 OSLO"}
	for i, line := range lines {
		if strings.HasPrefix(line, want[0]) {
			got := lines[i:min(i+len(want), len(lines))]
			for j := range want {
				if j >= len(got) || !strings.HasPrefix(got[j], want[j]) {
					t.Fatalf("the recipient block is %q, want %q", got, want)
				}
			}
			return
		}
	}
	t.Fatalf("the letter's text lacks the recipient:\n%s", text)
}
