package rules

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"time"

	"beredskap"
)

// Report is the outcome of Check: per version, each example case with the
// differences between the decision expected and the one made.
type Report struct {
	Versions []VersionReport
	Passed   int
	Failed   int
}

// VersionReport is the outcome of one version's example cases.
type VersionReport struct {
	ID    string
	File  string
	Cases []CaseResult
}

// CaseResult is one example case: passed when Diffs is empty.
type CaseResult struct {
	Name  string
	Diffs []string
}

// Passed reports whether the case decided as expected.
func (c CaseResult) Passed() bool { return len(c.Diffs) == 0 }

// OK reports whether every case passed.
func (r Report) OK() bool { return r.Failed == 0 }

// WriteTo writes the report as text: one line per version, one per failed
// case with its differences, and a summary line.
func (r Report) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	for _, v := range r.Versions {
		failed := 0
		for _, c := range v.Cases {
			if !c.Passed() {
				failed++
			}
		}
		status := "ok"
		if failed > 0 {
			status = "FAIL"
		}
		fmt.Fprintf(&b, "%-4s %s (%s): %d cases, %d failed\n", status, v.ID, v.File, len(v.Cases), failed)
		for _, c := range v.Cases {
			if c.Passed() {
				continue
			}
			fmt.Fprintf(&b, "     case %q:\n", c.Name)
			for _, d := range c.Diffs {
				fmt.Fprintf(&b, "       %s\n", d)
			}
		}
	}
	fmt.Fprintf(&b, "%d passed, %d failed\n", r.Passed, r.Failed)
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// Check loads the rule directory like Load and runs every example case of
// every version. A directory that does not load is an error (a *FileError
// naming file and field); failing cases are listed in the report.
func Check(fsys fs.FS) (Report, error) {
	b, err := Load(fsys)
	if err != nil {
		return Report{}, err
	}
	return b.check(), nil
}

func (b *Book) check() Report {
	var rep Report
	for _, v := range b.versions {
		vr := VersionReport{ID: v.ID, File: v.File}
		for _, c := range v.cases {
			res := CaseResult{Name: c.name, Diffs: b.runCase(v, &c)}
			if res.Passed() {
				rep.Passed++
			} else {
				rep.Failed++
			}
			vr.Cases = append(vr.Cases, res)
		}
		rep.Versions = append(rep.Versions, vr)
	}
	return rep
}

func (b *Book) runCase(v *Version, c *exampleCase) []string {
	reg := c.reg
	reg.CountriesVisited = slices.Clone(reg.CountriesVisited)
	var diffs []string
	if at, err := reg.ArrivalInstant(); err == nil {
		if err := reg.Validate(at.Add(24 * time.Hour)); err != nil {
			diffs = append(diffs, "registration is not valid: "+err.Error())
		}
	}
	d, err := b.Evaluate(&reg, c.lang)
	e := c.expect
	if e.Refused != nil {
		var be *beredskap.Error
		switch {
		case !errors.As(err, &be):
			return append(diffs, fmt.Sprintf("refused: got a decision (error %v), want %s", err, *e.Refused))
		case be.Field+" "+be.Reason != *e.Refused:
			return append(diffs, fmt.Sprintf("refused: got %s %s, want %s", be.Field, be.Reason, *e.Refused))
		}
		return diffs
	}
	if err != nil {
		return append(diffs, "evaluate: "+err.Error())
	}
	want := v.ID
	if e.RuleSet != nil {
		want = *e.RuleSet
	}
	diff := func(field string, got, want any) {
		diffs = append(diffs, fmt.Sprintf("%s: got %v, want %v", field, got, want))
	}
	if d.RuleSet.ID != want {
		diff("rule_set.id", d.RuleSet.ID, want)
	}
	if e.Scope != nil && d.Quarantine.Scope != *e.Scope {
		diff("quarantine.scope", d.Quarantine.Scope, *e.Scope)
	}
	if e.FirstDay != nil && str(d.Quarantine.FirstDay) != *e.FirstDay {
		diff("quarantine.first_day", str(d.Quarantine.FirstDay), *e.FirstDay)
	}
	if e.LastDay != nil && str(d.Quarantine.LastDay) != *e.LastDay {
		diff("quarantine.last_day", str(d.Quarantine.LastDay), *e.LastDay)
	}
	if e.EarlyEnd != nil {
		got := "none"
		if d.Quarantine.EarlyEnd != nil {
			got = d.Quarantine.EarlyEnd.EarliestDay
		}
		if got != *e.EarlyEnd {
			diff("quarantine.early_end.earliest_day", got, *e.EarlyEnd)
		}
	}
	if e.Hotel != nil && d.Hotel.Required != *e.Hotel {
		diff("hotel.required", d.Hotel.Required, *e.Hotel)
	}
	if e.Group != nil {
		got := 0
		if d.Hotel.ExemptionGroup != nil {
			got = *d.Hotel.ExemptionGroup
		}
		if got != *e.Group {
			diff("hotel.exemption_group", got, *e.Group)
		}
	}
	if e.Fee != nil && d.Hotel.FeeNOKPerNight != *e.Fee {
		diff("hotel.fee_nok_per_night", d.Hotel.FeeNOKPerNight, *e.Fee)
	}
	if e.Payer != nil && d.Hotel.Payer != *e.Payer {
		diff("hotel.payer", d.Hotel.Payer, *e.Payer)
	}
	if e.Documents != nil {
		var got [][]string
		for _, r := range d.DocumentsRequired {
			got = append(got, r.AnyOf)
		}
		if fmt.Sprint(got) != fmt.Sprint(*e.Documents) {
			diff("documents_required", got, *e.Documents)
		}
	}
	if e.Restrictions != nil && !sameSet(d.Restrictions, *e.Restrictions) {
		diff("restrictions", d.Restrictions, *e.Restrictions)
	}
	if e.Tests != nil && !sameSet(d.TestsRequired, *e.Tests) {
		diff("tests_required", d.TestsRequired, *e.Tests)
	}
	reasons := make([]string, len(d.Reasons))
	for i, r := range d.Reasons {
		reasons[i] = r.Code
	}
	warnings := make([]string, len(d.Warnings))
	for i, w := range d.Warnings {
		warnings[i] = w.Code
	}
	for _, c := range e.Reasons {
		if !slices.Contains(reasons, c) {
			diffs = append(diffs, fmt.Sprintf("reasons: %s missing (got %v)", c, reasons))
		}
	}
	for _, c := range e.NoReasons {
		if slices.Contains(reasons, c) {
			diffs = append(diffs, fmt.Sprintf("reasons: %s present, want absent", c))
		}
	}
	for _, c := range e.Warnings {
		if !slices.Contains(warnings, c) {
			diffs = append(diffs, fmt.Sprintf("warnings: %s missing (got %v)", c, warnings))
		}
	}
	for _, c := range e.NoWarnings {
		if slices.Contains(warnings, c) {
			diffs = append(diffs, fmt.Sprintf("warnings: %s present, want absent", c))
		}
	}
	return diffs
}

func str(p *string) string {
	if p == nil {
		return "null"
	}
	return *p
}

func sameSet(got, want []string) bool {
	a, b := slices.Clone(got), slices.Clone(want)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
