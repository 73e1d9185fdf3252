package web

import (
	"net/http"
	"strings"

	"beredskap/internal/export"
	"beredskap/internal/safecsv"
)

// exportLayout returns the layout of an export answered to r. The API's
// exports keep the machine layout (column names of the contract, codes,
// ISO 8601). A download from a staff page is written for a person in the
// page's language: column names and values in words (the locale's
// export.* keys), days as the language writes them, and CSV with the
// delimiter the language's spreadsheets expect (';' for Norwegian, where
// ',' is the decimal mark) behind a UTF-8 byte order mark, so that æ, ø
// and å open right.
func exportLayout(r *http.Request) export.Layout {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return export.API
	}
	lang := staffLocales.pageLanguage(r)
	l := staffLocales.get(lang)
	comma := ','
	if lang == "nb" || lang == "nn" {
		comma = ';'
	}
	return export.Layout{
		Lang: lang,
		Words: func(w string) string {
			t, _ := l.Lookup("export." + w)
			return t
		},
		CSV: safecsv.Options{Comma: comma, BOM: true},
	}
}
