package followup

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"beredskap"
	"beredskap/norway"
	"beredskap/rules"
)

// oslo is the zone follow-up days and hours are counted in.
var oslo = mustLoadOslo()

func mustLoadOslo() *time.Location {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		panic(err) // rules embeds time/tzdata: cannot fail
	}
	return loc
}

// never is the NextCallAt of a plan with no call left: it stays out of the
// queue until it ends.
var never = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// defaultLanguage is the language of a traveller who gave none or one
// without a template.
const defaultLanguage = "en"

// today returns the date (YYYY-MM-DD) of t in Europe/Oslo.
func today(t time.Time) string { return t.In(oslo).Format(time.DateOnly) }

// dayAt returns the instant of hour:00 Europe/Oslo on the day that is n
// days after first (YYYY-MM-DD).
func dayAt(first string, n, hour int) (time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, first, oslo)
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(d.Year(), d.Month(), d.Day()+n, hour, 0, 0, 0, oslo).UTC(), nil
}

// dayOf returns the day number of date (YYYY-MM-DD) after first.
func dayOf(first, date string) (int, error) {
	f, err := time.Parse(time.DateOnly, first)
	if err != nil {
		return 0, err
	}
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return 0, err
	}
	return int(d.Sub(f).Hours() / 24), nil
}

// PersonKey returns the key that identifies reg's traveller across
// registrations, as documented on beredskap.FollowUpPlan.
func PersonKey(r *beredskap.Registration) string {
	t := r.Traveller
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	switch {
	case strings.TrimSpace(t.NationalID) != "":
		return "nid:" + strings.TrimSpace(t.NationalID)
	case strings.TrimSpace(t.IDDocument.Number) != "":
		return "doc:" + strings.ToUpper(strings.TrimSpace(t.IDDocument.Country)) + ":" +
			strings.ToUpper(strings.Join(strings.Fields(t.IDDocument.Number), ""))
	default:
		return "name:" + norm(t.FirstName) + "|" + norm(t.LastName) + "|" + t.BirthDate
	}
}

// language returns l when it is a language of Enumerations["traveller.language"],
// else English.
func language(l string) string {
	if slices.Contains(beredskap.Enumerations["traveller.language"], l) {
		return l
	}
	return defaultLanguage
}

// planFor returns the plan of reg, or nil when reg needs none at now: no
// quarantine, a rule version without follow-up, or a quarantine already
// over.
func planFor(book *rules.Book, reg *beredskap.StoredRegistration, now time.Time) (*beredskap.FollowUpPlan, *rules.FollowUpParams, error) {
	q := reg.Decision.Quarantine
	if !q.Required || q.LastDay == nil || q.FirstDay == nil {
		return nil, nil, nil
	}
	if *q.LastDay < today(now) {
		return nil, nil, nil
	}
	arrival, err := reg.Registration.ArrivalInstant()
	if err != nil {
		return nil, nil, fmt.Errorf("registration %s: arrival: %w", reg.Receipt, err)
	}
	v, err := book.At(arrival)
	if err != nil {
		return nil, nil, nil // before every rule version: nothing to follow up
	}
	fp, ok := v.FollowUp()
	if !ok {
		return nil, nil, nil
	}
	t := reg.Registration.Traveller
	phone, err := norway.NormalizePhone(t.Phone, "NO")
	if err != nil {
		phone = "" // no SMS; the plan still lists the traveller
	}
	p := &beredskap.FollowUpPlan{
		Receipt: reg.Receipt, Municipality: reg.Municipality, PersonKey: PersonKey(&reg.Registration),
		FirstName: t.FirstName, LastName: t.LastName, BirthDate: t.BirthDate,
		Phone: phone, Email: t.Email, Language: language(t.Language),
		ArrivalAt: arrival.UTC().Truncate(time.Microsecond), FirstDay: *q.FirstDay, LastDay: *q.LastDay,
		RuleID: v.ID, SMSDays: fp.SMSDays, CallDays: fp.CallDays, Status: beredskap.PlanActive,
		EmployerOrg: reg.Registration.Employer.OrgNumber,
		Codes:       beredskap.CodesOf(&reg.Registration, &reg.Decision),
	}
	p.NextCallAt, err = nextCall(p, fp.CallHour, now, false)
	if err != nil {
		return nil, nil, fmt.Errorf("registration %s: %w", reg.Receipt, err)
	}
	return p, &fp, nil
}

// nextCall returns when the plan's next call is due at now: the call hour
// of the first call day from today on (after today when after is set),
// but not before now; never when no call day is left.
func nextCall(p *beredskap.FollowUpPlan, hour int, now time.Time, after bool) (time.Time, error) {
	d, err := dayOf(p.FirstDay, today(now))
	if err != nil {
		return time.Time{}, err
	}
	for _, c := range p.CallDays {
		if c < d || (after && c == d) {
			continue
		}
		at, err := dayAt(p.FirstDay, c, hour)
		if err != nil {
			return time.Time{}, err
		}
		if at.Before(now) {
			at = now
		}
		return at, nil
	}
	return never, nil
}

// callHour returns the call hour of the plan's rule version, 9 when the
// version is unknown or has no follow-up.
func (s *Service) callHour(ruleID string) int {
	for _, v := range s.book.Versions() {
		if v.ID == ruleID {
			if fp, ok := v.FollowUp(); ok {
				return fp.CallHour
			}
		}
	}
	return 9
}
