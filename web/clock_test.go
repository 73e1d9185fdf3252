package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"beredskap/web"
)

// TestFormSuggestsTheSetClocksDate checks that on a register whose
// follow-up clock is set (the demo's 2021), the public form suggests the
// clock's date as the arrival and says why, and on real time it does not.
func TestFormSuggestsTheSetClocksDate(t *testing.T) {
	at := time.Date(2021, 3, 1, 12, 0, 0, 0, time.UTC)
	ts := mustServer(t, web.Config{Clock: func() time.Time { return at }})
	resp := ts.get(t, "/?lang=nb")
	doc := document(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if v, _ := doc.Find(`[name="arrival_time.date"]`).Attr("value"); v != "2021-03-01" {
		t.Errorf("arrival date %q; want the clock's 2021-03-01", v)
	}
	if note := doc.Find("#clock-note").Text(); !strings.Contains(note, "2021") {
		t.Errorf("the form does not say that the clock is set: %q", note)
	}

	plain := document(t, mustServer(t, web.Config{}).get(t, "/?lang=nb"))
	if plain.Find("#clock-note").Length() != 0 {
		t.Error("a register on real time says its clock is set")
	}
	if v, _ := plain.Find(`[name="arrival_time.date"]`).Attr("value"); v != "" {
		t.Errorf("a register on real time suggests the arrival date %q", v)
	}
}
