package web

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"beredskap"
	"beredskap/retention"
)

// statisticsPage shows the counts that remain after the purge: one row
// per arrival month and municipality, one column per count, small counts
// suppressed.
type statisticsPage struct {
	staffFrame
	Keys []string
	Rows []statisticsRow
}

// statisticsRow is one month and municipality of the statistics page;
// Counts follow Keys.
type statisticsRow struct {
	Month, Municipality string
	Counts              []string
}

// handleStatistics shows the statistics the actor may see.
func (s *Server) handleStatistics(w http.ResponseWriter, r *http.Request) {
	a, ok := s.requireActor(w, r)
	if !ok {
		return
	}
	counts, err := s.cfg.Retention.Statistics(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page := &statisticsPage{staffFrame: s.newStaffFrame(w, r, a, "/staff/statistics", "retention.stats.title"),
		Keys: beredskap.StatKeys}
	page.Rows = statisticsRows(counts, page.monthName)
	s.render(w, r, http.StatusOK, "statistics.html", page)
}

// statisticsRows lays counts out by month (newest first) and municipality;
// a count missing from a row is nought, shown suppressed like any count
// under retention.SuppressBelow.
func statisticsRows(counts []retention.ShownCount, month func(string) string) []statisticsRow {
	type key struct{ month, municipality string }
	cells := map[key]map[string]string{}
	var keys []key
	for _, c := range counts {
		k := key{c.Month, c.Municipality}
		if cells[k] == nil {
			cells[k] = map[string]string{}
			keys = append(keys, k)
		}
		cells[k][c.Key] = c.Shown
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.month != b.month {
			return -cmp.Compare(a.month, b.month)
		}
		return cmp.Compare(a.municipality, b.municipality)
	})
	none := retention.Suppress([]beredskap.StatCount{{}})[0].Shown
	rows := make([]statisticsRow, len(keys))
	for i, k := range keys {
		row := statisticsRow{Month: month(k.month), Municipality: municipalityInMonth(k.municipality, k.month)}
		for _, sk := range beredskap.StatKeys {
			v, ok := cells[k][sk]
			if !ok {
				v = none
			}
			row.Counts = append(row.Counts, v)
		}
		rows[i] = row
	}
	return rows
}

// monthName writes a month given as YYYY-MM in the page's language.
func (f *staffFrame) monthName(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return f.T("retention.stats.month."+t.Format("01"), "year", t.Format("2006"))
}

// municipalityInMonth returns "Name (code)" for a municipality as it was
// named in the month YYYY-MM (see municipalityNameAt).
func municipalityInMonth(code, month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return municipalityName(code)
	}
	return municipalityNameAt(code, t)
}
