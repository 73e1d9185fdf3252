// Package datefmt is the one way dates and times are written for people:
// on pages, in PDFs (letters, fee statements, the citizen report), in SMS
// texts and in exports meant for a person. Each language has one format:
// dd.mm.yyyy in bokmål and nynorsk (and the other languages that write
// dates so), 2 Jan 2006 in English, yyyy-mm-dd where that is the
// language's own way (Swedish, Lithuanian). Times are Europe/Oslo time,
// to the minute. Machine fields (API JSON, form values, IDs) keep
// ISO 8601 and do not use this package.
package datefmt

import (
	"time"
	_ "time/tzdata" // Europe/Oslo on machines without a time zone database
)

// Oslo is the time zone every date and time people read is written in.
var Oslo = mustLoad("Europe/Oslo")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// dayLayouts are the languages whose day format is not dd.mm.yyyy.
var dayLayouts = map[string]string{
	"en": "2 Jan 2006",
	"sv": time.DateOnly,
	"lt": time.DateOnly,
}

// dotted is the day format of bokmål, nynorsk and the languages not in
// dayLayouts.
const dotted = "02.01.2006"

// layout returns the day layout of lang.
func layout(lang string) string {
	if l, ok := dayLayouts[lang]; ok {
		return l
	}
	return dotted
}

// Day writes the Europe/Oslo calendar day of t in lang's format, or ""
// for the zero time.
func Day(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Oslo).Format(layout(lang))
}

// Minute writes t in Europe/Oslo to the minute in lang's format, e.g.
// 26.02.2021 14:05, or "" for the zero time.
func Minute(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Oslo).Format(layout(lang) + " 15:04")
}

// DayOf writes a calendar day given as YYYY-MM-DD (how days are stored)
// in lang's format, or returns s unchanged when it is not such a day.
func DayOf(lang, s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return d.Format(layout(lang))
}

// Instant writes an RFC 3339 instant (how arrival times are stored) like
// Minute, or returns s unchanged when it does not parse.
func Instant(lang, s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return Minute(lang, t)
}

// RuleVersion writes the ID of a rule version, which is the instant it
// came into force (YYYY-MM-DD, or YYYY-MM-DD-HHMM when that was not
// midnight), as that day and time in lang's format: "15.02.2021" for
// 2021-02-15, "13.12.2020 17:00" for 2020-12-13-1700. Any other ID is
// returned as it is.
func RuleVersion(lang, id string) string {
	n := len(time.DateOnly)
	if len(id) < n {
		return id
	}
	d, err := time.Parse(time.DateOnly, id[:n])
	if err != nil {
		return id
	}
	day, rest := d.Format(layout(lang)), id[n:]
	if rest == "" {
		return day
	}
	if t, err := time.Parse("-1504", rest); err == nil {
		return day + " " + t.Format("15:04")
	}
	return id
}
