package retention

import (
	"time"

	"beredskap"
)

// StatementItem is one thing the register keeps about a person, in plain
// words in one language: what it is, why it is kept, for how long, and the
// day it will be deleted ("" when that depends on something still to
// happen, as Until then says).
type StatementItem struct {
	Category string `json:"category"`
	Item     string `json:"item"`
	Data     string `json:"data"`
	Why      string `json:"why"`
	Period   string `json:"kept_for"`
	Deleted  string `json:"deleted_on,omitempty"`
	Until    string `json:"until,omitempty"`
}

// Subject is what a statement is about: the person's registrations, cases
// and account, as the citizen service finds them.
type Subject struct {
	Registrations []*beredskap.StoredRegistration
	Cases         []*beredskap.AccessCase
	Account       *beredskap.CitizenAccount
}

var untilWords = map[string]map[string]string{
	"case_open": {"nb": "når saken er avsluttet", "nn": "når saka er avslutta", "en": "once the case is closed"},
	"blocked":   {"nb": "så lenge sperren gjelder", "nn": "så lenge sperra gjeld", "en": "for as long as the block holds"},
	"audit":     {"nb": "gjennomgås for sletting etter perioden", "nn": "blir gått gjennom for sletting etter perioden", "en": "reviewed for deletion after the period"},
}

// Statement returns, per item the person has in the register, what it is,
// why it is kept, for how long and when it will be deleted, in lang (nb,
// nn or en; English otherwise), under the policy p. A legal hold is not
// shown: it may be part of a police investigation.
func Statement(p *Policy, lang string, s Subject) []StatementItem {
	if lang != "nb" && lang != "nn" {
		lang = "en"
	}
	day := func(t time.Time) string { return t.In(oslo).Format(time.DateOnly) }
	item := func(key, what string) StatementItem {
		c := p.Category(key)
		return StatementItem{Category: key, Item: what, Data: c.Data[lang], Why: c.Why[lang], Period: c.Period.In(lang)}
	}
	var out []StatementItem
	for _, r := range s.Registrations {
		arrival, err := time.Parse(time.RFC3339, r.Registration.ArrivalTime)
		if err != nil {
			arrival = r.CreatedAt
		}
		for _, key := range []string{Registrations, FollowUp, HotelStays, Dispensations} {
			it := item(key, r.Receipt)
			it.Deleted = day(p.Category(key).Period.After(arrival))
			out = append(out, it)
		}
	}
	for _, c := range s.Cases {
		it := item(CitizenCases, c.Number)
		if c.ClosedAt != nil {
			it.Deleted = day(p.Category(CitizenCases).Period.After(*c.ClosedAt))
		} else {
			it.Until = untilWords["case_open"][lang]
		}
		out = append(out, it)
	}
	if a := s.Account; a != nil {
		it := item(CitizenAccounts, "")
		if a.Blocked {
			it.Until = untilWords["blocked"][lang]
		} else {
			it.Deleted = day(p.Category(CitizenAccounts).Period.After(a.UpdatedAt))
		}
		out = append(out, it)
	}
	it := item(Audit, "")
	it.Until = untilWords["audit"][lang]
	out = append(out, it)
	st := item(Statistics, "")
	out = append(out, st)
	return out
}
