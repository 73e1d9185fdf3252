package rules

import (
	"fmt"
	"slices"
)

// followUpFile is the follow_up section of a rule version: what the
// national control centre for arrivals does for a traveller in quarantine.
// Versions before the control centre existed (RULES.md 2021-02-15) have
// none.
type followUpFile struct {
	Ref      string `yaml:"ref"`
	SMSDays  []int  `yaml:"sms_days"`
	CallDays []int  `yaml:"call_days"`
	SendHour *int   `yaml:"send_hour"`
	CallHour *int   `yaml:"call_hour"`
}

// FollowUpParams are the control centre's follow-up of one rule version:
// the days after the arrival day (day 0) on which an SMS goes out and on
// which a phone call is due, and the hours (Europe/Oslo) at which they are
// due on those days.
type FollowUpParams struct {
	Ref      string
	SMSDays  []int
	CallDays []int
	SendHour int
	CallHour int
}

// FollowUp returns the version's follow-up parameters, and false when the
// version has none (no control centre yet).
func (v *Version) FollowUp() (FollowUpParams, bool) {
	if v.followUp == nil {
		return FollowUpParams{}, false
	}
	p := *v.followUp
	p.SMSDays = slices.Clone(p.SMSDays)
	p.CallDays = slices.Clone(p.CallDays)
	return p, true
}

// followUp checks and compiles the follow_up section; days are within the
// quarantine (1..days), ascending without repeats, hours 0–23.
func (k *compiler) followUp(f *followUpFile, days int) *FollowUpParams {
	if f == nil {
		return nil
	}
	if f.Ref == "" {
		k.fail("follow_up.ref", "is required")
	}
	if len(f.SMSDays) == 0 {
		k.fail("follow_up.sms_days", "is required")
	}
	if len(f.CallDays) == 0 {
		k.fail("follow_up.call_days", "is required")
	}
	k.followUpDays("follow_up.sms_days", f.SMSDays, days)
	k.followUpDays("follow_up.call_days", f.CallDays, days)
	p := &FollowUpParams{Ref: f.Ref, SMSDays: slices.Clone(f.SMSDays), CallDays: slices.Clone(f.CallDays)}
	for _, h := range []struct {
		field string
		v     *int
		to    *int
	}{{"follow_up.send_hour", f.SendHour, &p.SendHour}, {"follow_up.call_hour", f.CallHour, &p.CallHour}} {
		switch {
		case h.v == nil:
			k.fail(h.field, "is required")
		case *h.v < 0 || *h.v > 23:
			k.fail(h.field, "must be an hour from 0 to 23")
		default:
			*h.to = *h.v
		}
	}
	return p
}

// followUpDays checks one list of follow-up days.
func (k *compiler) followUpDays(field string, ds []int, days int) {
	for i, d := range ds {
		switch {
		case d < 1 || d > days:
			k.fail(fmt.Sprintf("%s[%d]", field, i), "must be a day from 1 to quarantine.days (%d)", days)
		case i > 0 && d <= ds[i-1]:
			k.fail(fmt.Sprintf("%s[%d]", field, i), "must be after the day before it")
		}
	}
}
