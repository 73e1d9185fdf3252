package rules_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"beredskap/rules"
)

const v0215 = "versions/2021-02-15.yaml"

// RULES.md 2021-02-15: "control centre starts: SMS on day 2 and day 5,
// phone calls". Versions before it have no follow-up at all, nor do those
// from the reopening of 25 September 2021 until the control centre's
// control activity resumed on 26 November 2021 (vol.no 19.11.2021, NTB:
// «oppbemanner Nasjonalt kontrollsenter for innreisende slik at
// kontrollaktiviteten der gjenopptas»).
func TestFollowUpFromControlCentreStart(t *testing.T) {
	b, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	oslo, _ := time.LoadLocation("Europe/Oslo")
	for _, v := range b.Versions() {
		p, ok := v.FollowUp()
		start := time.Date(2021, 2, 15, 0, 0, 0, 0, oslo)
		end := time.Date(2022, 1, 26, 0, 0, 0, 0, oslo) // entry quarantine abolished
		pause := time.Date(2021, 9, 25, 16, 0, 0, 0, oslo)
		resume := time.Date(2021, 11, 26, 0, 0, 0, 0, oslo)
		paused := !v.InForceFrom.Before(pause) && v.InForceFrom.Before(resume)
		if v.InForceFrom.Before(start) || !v.InForceFrom.Before(end) || paused {
			if ok {
				t.Errorf("version %s (before the control centre) has follow-up %+v", v.ID, p)
			}
			continue
		}
		if !ok {
			t.Fatalf("version %s has no follow-up", v.ID)
		}
		if !slices.Equal(p.SMSDays, []int{2, 5}) {
			t.Errorf("version %s: SMS days %v; want [2 5] (RULES.md 2021-02-15)", v.ID, p.SMSDays)
		}
		if len(p.CallDays) == 0 || p.SendHour != 10 || p.Ref == "" {
			t.Errorf("version %s: follow-up %+v; want call days, send hour 10 and a ref", v.ID, p)
		}
	}
	v, err := b.At(time.Date(2021, 2, 14, 23, 59, 0, 0, oslo))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := v.FollowUp(); ok {
		t.Errorf("version %s in force the day before the control centre started has follow-up", v.ID)
	}
	v, err = b.At(time.Date(2021, 2, 15, 0, 0, 0, 0, oslo))
	if err != nil {
		t.Fatal(err)
	}
	p, ok := v.FollowUp()
	if !ok {
		t.Fatalf("version %s in force when the control centre started has no follow-up", v.ID)
	}
	p.SMSDays[0] = 99 // a copy: the version must not change
	if q, _ := v.FollowUp(); q.SMSDays[0] != 2 {
		t.Errorf("FollowUp returns the version's own slice")
	}
}

func TestFollowUpErrorsNameField(t *testing.T) {
	tests := []struct {
		name, old, new, field string
	}{
		{"day beyond quarantine", "sms_days: [2, 5]", "sms_days: [2, 11]", "follow_up.sms_days[1]"},
		{"day zero", "call_days: [1, 3, 7]", "call_days: [0, 3, 7]", "follow_up.call_days[0]"},
		{"days out of order", "sms_days: [2, 5]", "sms_days: [5, 2]", "follow_up.sms_days[1]"},
		{"no sms days", "sms_days: [2, 5]", "sms_days: []", "follow_up.sms_days"},
		{"bad hour", "send_hour: 10", "send_hour: 24", "follow_up.send_hour"},
		{"missing hour", "  call_hour: 9\n", "", "follow_up.call_hour"},
		{"missing ref", "  ref: \"Nasjonalt kontrollsenter for innreisende\"\n", "", "follow_up.ref"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := copyFS(t)
			edit(t, m, v0215, tt.old, tt.new)
			_, err := rules.Load(m)
			var fe *rules.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Load() = %v; want a *FileError", err)
			}
			if fe.File != v0215 || fe.Field != tt.field {
				t.Errorf("error %q names %q %q; want %q %q", err, fe.File, fe.Field, v0215, tt.field)
			}
		})
	}
}
