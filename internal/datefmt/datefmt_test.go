package datefmt_test

import (
	"testing"
	"time"

	"beredskap/internal/datefmt"
)

// Issue 16, item 8: one date format per language.
func TestFormats(t *testing.T) {
	// 23:30 UTC on 25 February is 26 February in Oslo.
	at := time.Date(2021, 2, 25, 23, 30, 0, 0, time.UTC)
	for _, tt := range []struct{ lang, day, minute string }{
		{"nb", "26.02.2021", "26.02.2021 00:30"},
		{"nn", "26.02.2021", "26.02.2021 00:30"},
		{"en", "26 Feb 2021", "26 Feb 2021 00:30"},
		{"pl", "26.02.2021", "26.02.2021 00:30"},
		{"sv", "2021-02-26", "2021-02-26 00:30"},
	} {
		if got := datefmt.Day(tt.lang, at); got != tt.day {
			t.Errorf("Day(%s) = %q; want %q", tt.lang, got, tt.day)
		}
		if got := datefmt.Minute(tt.lang, at); got != tt.minute {
			t.Errorf("Minute(%s) = %q; want %q", tt.lang, got, tt.minute)
		}
		if got := datefmt.Instant(tt.lang, at.Format(time.RFC3339)); got != tt.minute {
			t.Errorf("Instant(%s) = %q; want %q", tt.lang, got, tt.minute)
		}
	}
	if got := datefmt.DayOf("nb", "2021-03-04"); got != "04.03.2021" {
		t.Errorf("DayOf(nb) = %q; want 04.03.2021", got)
	}
	if got := datefmt.DayOf("en", "2021-03-04"); got != "4 Mar 2021" {
		t.Errorf("DayOf(en) = %q; want 4 Mar 2021", got)
	}
	if got := datefmt.DayOf("nb", "total"); got != "total" {
		t.Errorf("DayOf(nb, total) = %q; want it unchanged", got)
	}
	if datefmt.Day("nb", time.Time{}) != "" || datefmt.Minute("nb", time.Time{}) != "" {
		t.Error("the zero time is written as something")
	}
}

// Rule versions are named by the instant they came into force.
func TestRuleVersion(t *testing.T) {
	for _, tt := range []struct{ lang, id, want string }{
		{"nb", "2021-02-15", "15.02.2021"},
		{"nb", "2020-12-13-1700", "13.12.2020 17:00"},
		{"en", "2020-12-13-1700", "13 Dec 2020 17:00"},
		{"nb", "2020-12-13-17", "2020-12-13-17"},
		{"nb", "draft", "draft"},
	} {
		if got := datefmt.RuleVersion(tt.lang, tt.id); got != tt.want {
			t.Errorf("RuleVersion(%s, %s) = %q; want %q", tt.lang, tt.id, got, tt.want)
		}
	}
}
