package retention_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"beredskap/retention"
)

// TestEmbeddedPolicy checks the policy in force: the periods the issue
// names (covid-19-forskriften § 5b as consulted in December 2020: "skal
// slettes etter 20 dager"; bokføringsloven § 13: five years after the end of
// the fiscal year) and that deletion reaches backups within the period.
func TestEmbeddedPolicy(t *testing.T) {
	p := retention.MustEmbedded().At(time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC))
	if got := p.Category(retention.Registrations).Period; got != (retention.Period{Days: 20}) {
		t.Errorf("registrations kept %v; want 20 days (covid-19-forskriften § 5b consultation)", got)
	}
	if c := p.Category(retention.FeeStatements); c.Period != (retention.Period{Years: 5}) || c.From != retention.FromFiscalYearEnd {
		t.Errorf("fee statements kept %v from %s; want 5 years from the end of the fiscal year (bokføringsloven § 13)", c.Period, c.From)
	}
	if p.BackupDays > 20 {
		t.Errorf("backups kept %d days, longer than the registrations", p.BackupDays)
	}
	for _, c := range p.Categories {
		for _, lang := range []string{"nb", "nn", "en"} {
			if c.Period.In(lang) == "" || c.Data[lang] == "" || c.Why[lang] == "" {
				t.Errorf("%s lacks words in %s", c.Key, lang)
			}
		}
	}
}

// TestPolicyErrorsNameTheField checks that a broken policy names the file
// and the field.
func TestPolicyErrorsNameTheField(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("policy", "2026-12-07.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from, to, field string
	}{
		{"no basis quote", `quote: "Personopplysninger skal slettes etter 20 dager."`, `quote: ""`, "categories[0].basis[0].quote"},
		{"unknown event", "from: arrival", "from: birth", "categories[0].from"},
		{"empty period to delete", "period: {days: 20}", "period: {}", "categories[0].period"},
		{"backups longer than the purge", "backup_days: 7", "backup_days: 30", "backup_days"},
		{"unverified without a note", "verified: false\n        note: \"That the register's copy", "verified: false\n        xnote: \"That the register's copy", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(string(good), tt.from, tt.to, 1)
			if src == string(good) {
				t.Fatalf("the test's change %q does not apply", tt.from)
			}
			_, err := retention.Load(fstest.MapFS{"p.yaml": {Data: []byte(src)}})
			var fe *retention.FileError
			if !errors.As(err, &fe) || fe.File != "p.yaml" || (tt.field != "" && fe.Field != tt.field) {
				t.Errorf("Load = %v; want an error in p.yaml naming %q", err, tt.field)
			}
		})
	}
}

// TestDocsCurrent checks that the committed record of processing and
// impact summary are what the policy generates (go generate ./retention/).
func TestDocsCurrent(t *testing.T) {
	for name, want := range retention.Documents(retention.MustEmbedded().Latest()) {
		got, err := os.ReadFile(filepath.Join("..", "docs", name))
		if err != nil {
			t.Fatalf("%v; run go generate ./retention/", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("docs/%s is not what the policy generates; run go generate ./retention/", name)
		}
	}
}
