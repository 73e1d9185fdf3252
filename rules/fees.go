package rules

import (
	"time"

	"beredskap"
)

// Fee categories of a night (beredskap.FeeLine.Category) besides the codes
// of the version's fee rules (fee_adult, fee_youth, fee_child_with_guardian,
// fee_child, fee_employer).
const (
	// FeeIsolation is a night of an isolation stay: the municipality
	// offers it free of charge (seed 004: «kostnadsfritt oppholdssted»).
	FeeIsolation = "isolation"
	// FeeNone is a night nobody pays for (payer none).
	FeeNone = "fee_none"
)

// nightHour is the hour (Europe/Oslo) of a night's instant.
const nightHour = 23

// NightInstant returns the instant that decides which rule version prices
// the night of day (YYYY-MM-DD): 23:00 Europe/Oslo that evening, when the
// guest is in the room for the night. So the night of 13 December 2020 is
// priced by the version in force from 17:00 that day (RULES.md: employer fee
// 500 from 2020-12-13 17:00). A malformed day is EINVALID on night.
func (b *Book) NightInstant(day string) (time.Time, error) {
	y, m, d, ok := parseDate(day)
	if !ok {
		return time.Time{}, beredskap.Invalid("night", "format_date", "must be a date written YYYY-MM-DD")
	}
	return time.Date(y, time.Month(m), d, nightHour, 0, 0, 0, b.oslo), nil
}

// NightFee returns the fee of one night (YYYY-MM-DD) of a quarantine-hotel
// stay under the rule version in force at the night's instant
// (NightInstant): the employer's rate when payer is PayerEmployer, nothing
// when payer is PayerNone, else the first traveller rule that matches age
// (whole years at arrival) and withGuardian (seed 004: adults 500, 10–18
// years 250, under 10 sharing a room with a guardian 0). A night before
// the first version, or under a version without hotel fees, is EINVALID on
// night.
func (b *Book) NightFee(night string, age int, withGuardian bool, payer string) (beredskap.FeeLine, error) {
	at, err := b.NightInstant(night)
	if err != nil {
		return beredskap.FeeLine{}, err
	}
	v := b.at(at.Unix())
	if v == nil {
		return beredskap.FeeLine{}, beredskap.Invalid("night", "no_rule_version", "is before the first rule version in force")
	}
	line := beredskap.FeeLine{Night: night, RuleID: v.ID}
	h := v.p.hotel
	if h == nil {
		return beredskap.FeeLine{}, beredskap.Invalid("night", "no_hotel_fees", "the rule version "+v.ID+" has no quarantine-hotel fees")
	}
	var f *feeRule
	switch payer {
	case beredskap.PayerNone:
		line.Category = FeeNone
		return line, nil
	case beredskap.PayerEmployer:
		f = &h.employer
	default:
		for i := range h.traveller {
			r := &h.traveller[i]
			if age < r.minAge || age > r.maxAge {
				continue
			}
			if r.guardian >= 0 && (r.guardian == 1) != withGuardian {
				continue
			}
			f = r
			break
		}
	}
	if f == nil || f.msg == nil {
		line.Category = FeeNone
		return line, nil
	}
	line.Category = f.msg.code
	line.NOK = f.perNight
	return line, nil
}

// Oslo returns the time zone the rules are read in (Europe/Oslo).
func (b *Book) Oslo() *time.Location { return b.oslo }
