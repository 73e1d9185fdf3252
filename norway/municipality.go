package norway

import (
	"slices"
	"time"
)

// Municipality is a kommune as numbered and named by Statistics Norway
// (Klass 131) in one period, with the county (fylke) it lies in.
type Municipality struct {
	Code       string // four digits; the first two are the county code
	Name       string // as SSB writes it, with any Sami or Kven part
	CountyCode string
	CountyName string
	// ValidFrom and ValidTo bound the period of the numbering, as calendar
	// dates at midnight UTC; ValidTo is the last day, and zero when the
	// period is open. Both are zero for Svalbard and Jan Mayen.
	ValidFrom, ValidTo time.Time
}

// County is a fylke as numbered and named by Statistics Norway (Klass 104)
// in one period.
type County struct {
	Code string // two digits
	Name string
	// ValidFrom and ValidTo are as for Municipality.
	ValidFrom, ValidTo time.Time
}

// MunicipalityAt returns the municipality with the given code on the
// Europe/Oslo calendar date of at, and false when no municipality had that
// code then. The data starts on 2020-01-01. Names (of the municipality and
// its county) are those valid on that date where data/name_changes.csv
// gives the day of a change; changes known only by year are not applied,
// so the snapshot's name stands for them.
func MunicipalityAt(code string, at time.Time) (Municipality, bool) {
	r := reference()
	date := osloDate(at)
	for _, m := range r.byCode[code] {
		if validOn(date, m.ValidFrom, m.ValidTo) {
			return r.named(m, date), true
		}
	}
	return Municipality{}, false
}

// MunicipalityNear returns the municipality with the given code on the
// date of at when it had that code then, and otherwise the municipality
// of the period of that code closest to at (the last before it, or the
// first after it), named as on the last or first day of that period. A
// code used before the reform of 2024 (3005 Drammen) is thus named for a
// date after it. It returns false for a code that was never used.
func MunicipalityNear(code string, at time.Time) (Municipality, bool) {
	if m, ok := MunicipalityAt(code, at); ok {
		return m, true
	}
	r := reference()
	date := osloDate(at)
	var best Municipality
	var bestDay time.Time
	found := false
	for _, m := range r.byCode[code] {
		day := m.ValidFrom
		if !m.ValidTo.IsZero() && m.ValidTo.Before(date) {
			day = m.ValidTo
		}
		if !found || distance(day, date) < distance(bestDay, date) {
			best, bestDay, found = m, day, true
		}
	}
	if !found {
		return Municipality{}, false
	}
	return r.named(best, bestDay), true
}

// distance is the absolute time between a and b.
func distance(a, b time.Time) time.Duration {
	if a.After(b) {
		return a.Sub(b)
	}
	return b.Sub(a)
}

// Municipalities returns the municipalities valid on the Europe/Oslo
// calendar date of at, sorted by code, named as MunicipalityAt names them.
// It returns nil for dates before 2020-01-01. The caller owns the
// slice.
func Municipalities(at time.Time) []Municipality {
	r := reference()
	date := osloDate(at)
	var ms []Municipality
	for _, m := range r.municipalities {
		if validOn(date, m.ValidFrom, m.ValidTo) {
			ms = append(ms, r.named(m, date))
		}
	}
	return ms
}

// Counties returns the counties valid on the Europe/Oslo calendar date of
// at, sorted by code, with the names valid then (see MunicipalityAt). The
// caller owns the slice.
func Counties(at time.Time) []County {
	r := reference()
	date := osloDate(at)
	var cs []County
	for _, c := range r.counties {
		if validOn(date, c.ValidFrom, c.ValidTo) {
			c.Name = r.renamed("county", c.Code, c.Name, date, c.ValidFrom, c.ValidTo)
			cs = append(cs, c)
		}
	}
	return cs
}

// named returns m with the municipality and county names valid on date.
func (r *refData) named(m Municipality, date time.Time) Municipality {
	m.Name = r.renamed("municipality", m.Code, m.Name, date, m.ValidFrom, m.ValidTo)
	i := slices.IndexFunc(r.counties, func(c County) bool {
		return c.Code == m.CountyCode && validOn(date, c.ValidFrom, c.ValidTo)
	})
	if i >= 0 {
		c := r.counties[i]
		m.CountyName = r.renamed("county", c.Code, c.Name, date, c.ValidFrom, c.ValidTo)
	}
	return m
}
