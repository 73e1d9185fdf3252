package followup_test

import (
	"strings"
	"testing"

	"beredskap"
	"beredskap/internal/teststore"
)

func TestTemplatesAndSMS(t *testing.T) { teststore.Each(t, testTemplatesAndSMS) }

func testTemplatesAndSMS(t *testing.T, kind string) {
	e, p := planned(t, kind)
	op := e.as("op@kontrollsenter.example", beredskap.RoleControlCentre, "")

	tmpls, err := e.svc.Templates(op)
	if err != nil {
		t.Fatal(err)
	}
	if len(tmpls) < 9*2 {
		t.Errorf("%d templates; want the built-in ones of at least nine languages", len(tmpls))
	}

	for _, tt := range []struct {
		name  string
		t     beredskap.SMSTemplate
		field string
	}{
		{"unknown placeholder", beredskap.SMSTemplate{Key: "day2", Language: "pl", Body: "Cześć {imie}"}, "body"},
		{"broken brace", beredskap.SMSTemplate{Key: "day2", Language: "pl", Body: "Cześć {name"}, "body"},
		{"unknown language", beredskap.SMSTemplate{Key: "day2", Language: "xx", Body: "Hi {name}"}, "language"},
		{"unknown key", beredskap.SMSTemplate{Key: "day9", Language: "pl", Body: "Hi {name}"}, "key"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code(t, e.svc.SaveTemplate(op, tt.t), beredskap.EINVALID, tt.field)
		})
	}
	body := "Cześć {name}! Kwarantanna do {last_day}. Tel. {hotline}"
	if err := e.svc.SaveTemplate(op, beredskap.SMSTemplate{Key: "day2", Language: "pl", Body: body}); err != nil {
		t.Fatal(err)
	}
	e.audited("followup.template_save", "op@kontrollsenter.example", beredskap.OutcomeOK, "")
	tmpls, _ = e.svc.Templates(op)
	found := false
	for _, tm := range tmpls {
		if tm.Key == "day2" && tm.Language == "pl" {
			found = tm.Body == body && tm.UpdatedBy == "op@kontrollsenter.example"
		}
	}
	if !found {
		t.Errorf("the stored template does not override the built-in one")
	}

	pv, err := e.svc.PreviewSMS(op, p.ID, "day2", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := "Cześć Anna! Kwarantanna do 26.02.2021. Tel. +47 21 49 56 90"; pv.Body != want || pv.Language != "pl" || pv.FellBack {
		t.Errorf("preview %+v; want %q in pl", pv, want)
	}
	if pv.Encoding != "UCS-2" || pv.Segments != 1 {
		t.Errorf("preview counted %s, %d segments; want UCS-2, 1 (ś is not GSM-7)", pv.Encoding, pv.Segments)
	}
	// Issue 4: an unknown language falls back with a warning.
	pv, err = e.svc.PreviewSMS(op, p.ID, "not_reached", "tlh")
	if err != nil {
		t.Fatal(err)
	}
	if !pv.FellBack || pv.Language != "en" || !strings.Contains(pv.Body, "Anna") {
		t.Errorf("preview in an unknown language %+v; want English with FellBack", pv)
	}
	_, err = e.svc.PreviewSMS(op, p.ID, "nope", "")
	code(t, err, beredskap.EINVALID, "key")
	e.audited("followup.sms_preview", "op@kontrollsenter.example", beredskap.OutcomeOK, p.Receipt)

	m, err := e.svc.SendSMS(op, p.ID, "not_reached", "")
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != beredskap.SMSQueued || m.SentBy != "op@kontrollsenter.example" || m.To != p.Phone ||
		m.Language != "pl" || !m.NextAttemptAt.Equal(e.clock.Now()) {
		t.Errorf("ad-hoc SMS %+v", m)
	}
	if n := len(e.sms(p.ID)); n != 3 {
		t.Errorf("%d SMS on the outbox; want 3 (day 2, day 5, ad hoc)", n)
	}
	e.audited("followup.sms_send", "op@kontrollsenter.example", beredskap.OutcomeOK, p.Receipt)

	// A border officer may do none of it.
	border := e.as("grense@politiet.example", beredskap.RoleBorderOfficer, "")
	_, err = e.svc.PreviewSMS(border, p.ID, "day2", "")
	code(t, err, beredskap.EFORBIDDEN, "")
	e.audited("followup.sms_preview", "grense@politiet.example", beredskap.OutcomeDenied, "")
}
