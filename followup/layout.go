package followup

import (
	"time"

	"github.com/xuri/excelize/v2"

	"beredskap/internal/export"
)

// xlsxFormats are the number formats of day and instant cells in a
// spreadsheet, by language ("" for the machine layout).
var xlsxFormats = map[string][2]string{
	"":   {"yyyy-mm-dd", "yyyy-mm-dd hh:mm"},
	"en": {"d mmm yyyy", "d mmm yyyy hh:mm"},
	"sv": {"yyyy-mm-dd", "yyyy-mm-dd hh:mm"},
	"lt": {"yyyy-mm-dd", "yyyy-mm-dd hh:mm"},
}

// xlsxStyles adds to f the styles of day and instant cells in lang.
func xlsxStyles(f *excelize.File, lang string) (dayStyle, instantStyle int, err error) {
	fm, ok := xlsxFormats[lang]
	if !ok {
		fm = [2]string{"dd.mm.yyyy", "dd.mm.yyyy hh:mm"}
	}
	if dayStyle, err = f.NewStyle(&excelize.Style{CustomNumFmt: &fm[0]}); err != nil {
		return 0, 0, err
	}
	instantStyle, err = f.NewStyle(&excelize.Style{CustomNumFmt: &fm[1]})
	return dayStyle, instantStyle, err
}

// xlsxCell returns c as a spreadsheet cell: a day or instant as a date
// cell (Europe/Oslo wall time) in its style, an empty day or instant as an
// empty cell, anything else as it is.
func xlsxCell(c any, dayStyle, instantStyle int) any {
	switch v := c.(type) {
	case export.Day:
		d, err := time.Parse(time.DateOnly, string(v))
		if err != nil {
			return string(v)
		}
		return excelize.Cell{StyleID: dayStyle, Value: d}
	case export.Instant:
		t := time.Time(v)
		if t.IsZero() {
			return nil
		}
		w := t.In(oslo)
		wall := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, time.UTC)
		return excelize.Cell{StyleID: instantStyle, Value: wall}
	}
	return c
}
