package web

import (
	"fmt"
	"strconv"
	"time"

	"beredskap"
)

// The geometry of a bar chart, in the units of its viewBox: the plot
// spans chartPlotWidth × chartPlotHeight inside the margins, and the bars
// share the plot's width.
const (
	chartWidth       = 640
	chartHeight      = 200
	chartLeft        = 40
	chartRight       = 8
	chartTop         = 12
	chartBottom      = 28
	chartPlotWidth   = chartWidth - chartLeft - chartRight
	chartPlotHeight  = chartHeight - chartTop - chartBottom
	chartDefaultDays = 28
	chartMaxDays     = 366
)

// muniChart is a server-rendered SVG bar chart and the table of its
// numbers, which is the chart's text alternative.
type muniChart struct {
	ID          string
	Title, Desc string
	// Summary opens the table of the numbers.
	Summary               string
	KeyHeading, Count     string
	Width, Height         int
	Bars                  []muniBar
	Max                   int
	AxisX, AxisY, AxisW   string // the baseline
	MaxY, MaxLabelY       string // where the top gridline and its label sit
	FirstLabel, LastLabel muniChartLabel
}

// muniBar is one bar: its label (a day or an ISO week), its count and
// its rectangle.
type muniBar struct {
	Label      string
	Count      int
	X, Y, W, H string
}

// muniChartLabel is a text under the baseline.
type muniChartLabel struct {
	Text, X, Y, Anchor string
}

// newMuniChart lays out points as bars; label writes a point's key for
// people (a day as 01.02.2021, a week as is).
func newMuniChart(id, title, desc, keyHeading, count string, points []beredskap.DayCount, label func(string) string) *muniChart {
	c := &muniChart{ID: id, Title: title, Desc: desc, KeyHeading: keyHeading, Count: count,
		Width: chartWidth, Height: chartHeight}
	for _, p := range points {
		c.Max = max(c.Max, p.Count)
	}
	scale := max(c.Max, 1)
	n := max(len(points), 1)
	slot := float64(chartPlotWidth) / float64(n)
	gap := min(slot*0.2, 4)
	base := float64(chartTop + chartPlotHeight)
	for i, p := range points {
		h := float64(p.Count) / float64(scale) * chartPlotHeight
		c.Bars = append(c.Bars, muniBar{
			Label: label(p.Day), Count: p.Count,
			X: chartNum(chartLeft + float64(i)*slot + gap/2), Y: chartNum(base - h),
			W: chartNum(slot - gap), H: chartNum(h),
		})
	}
	c.AxisX, c.AxisY, c.AxisW = chartNum(chartLeft), chartNum(base), chartNum(chartLeft+chartPlotWidth)
	c.MaxY, c.MaxLabelY = chartNum(chartTop), chartNum(chartTop+4)
	labelY := chartNum(base + 18)
	if len(c.Bars) > 0 {
		c.FirstLabel = muniChartLabel{Text: c.Bars[0].Label, X: chartNum(chartLeft), Y: labelY, Anchor: "start"}
		c.LastLabel = muniChartLabel{Text: c.Bars[len(c.Bars)-1].Label, X: chartNum(chartLeft + chartPlotWidth), Y: labelY, Anchor: "end"}
	}
	return c
}

// num writes a coordinate with at most two decimals.
func chartNum(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// muniChartRange returns the days the charts cover: the arrival filter's range
// when it names one, four weeks up to today otherwise, and at most 366
// days up to its end.
func muniChartRange(f beredskap.ReportFilter, today time.Time) (from, to time.Time) {
	parse := func(s string) (time.Time, bool) {
		d, err := time.Parse(time.DateOnly, s)
		return d, err == nil
	}
	first, okFrom := parse(f.ArrivalFrom)
	last, okTo := parse(f.ArrivalTo)
	switch {
	case okFrom && okTo:
	case okFrom:
		last = first.AddDate(0, 0, chartDefaultDays-1)
	case okTo:
		first = last.AddDate(0, 0, -(chartDefaultDays - 1))
	default:
		t := today.In(oslo)
		last = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		first = last.AddDate(0, 0, -(chartDefaultDays - 1))
	}
	if last.Before(first) {
		first, last = last, first
	}
	if earliest := last.AddDate(0, 0, -(chartMaxDays - 1)); first.Before(earliest) {
		first = earliest
	}
	return first, last
}

// muniEveryDay returns a point for each day from first to last, with the
// counts of points (zero for days they lack).
func muniEveryDay(points []beredskap.DayCount, first, last time.Time) []beredskap.DayCount {
	counts := map[string]int{}
	for _, p := range points {
		counts[p.Day] += p.Count
	}
	var out []beredskap.DayCount
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		k := d.Format(time.DateOnly)
		out = append(out, beredskap.DayCount{Day: k, Count: counts[k]})
	}
	return out
}

// muniEveryWeek returns a point for each ISO week (YYYY-Www) that a day from
// first to last falls in, with the counts of points.
func muniEveryWeek(points []beredskap.DayCount, first, last time.Time) []beredskap.DayCount {
	counts := map[string]int{}
	for _, p := range points {
		counts[p.Day] += p.Count
	}
	var out []beredskap.DayCount
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		y, w := d.ISOWeek()
		k := fmt.Sprintf("%04d-W%02d", y, w)
		if len(out) == 0 || out[len(out)-1].Day != k {
			out = append(out, beredskap.DayCount{Day: k, Count: counts[k]})
		}
	}
	return out
}
