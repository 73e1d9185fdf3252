package rules_test

import (
	"strings"
	"testing"

	"beredskap/rules"
)

// TestDiffNamesTheConditionsOf2021 checks that rules diff says in plain
// words what the amendments of spring 2021 changed in the conditions of
// the hotel exemption groups, not only in their texts: the Labour
// Inspection Authority's prior approval (arbeidstilsynet.no, from 23
// February 2021), the necessary trip for residents (regjeringen.no, March
// 2021), and the stays outside the EEA and Schengen (abcnyheter.no
// 7.5.2021).
func TestDiffNamesTheConditionsOf2021(t *testing.T) {
	b := mustBook(t)
	for _, tc := range []struct{ from, to, kind, want string }{
		{"2021-02-15", "2021-02-23", rules.ChangeAdded, "requires the Labour Inspection Authority's prior approval"},
		{"2021-02-23", "2021-03-17", rules.ChangeAdded, "only after a necessary trip abroad"},
		{"2021-02-23", "2021-03-17", rules.ChangeAdded, "group 4 from the quarantine hotel is not for people who live in Norway"},
		{"2021-03-17", "2021-03-26", rules.ChangeAdded, "visitation between parents and children"},
		{"2021-03-26", "2021-03-29", rules.ChangeAdded, "whole quarantine at the quarantine hotel"},
		{"2021-03-26", "2021-03-29", rules.ChangeRemoved, "negative PCR test taken no earlier than 3 days"},
		{"2021-03-29", "2021-04-28-1200", rules.ChangeAdded, "Bangladesh"},
		{"2021-04-28-1200", "2021-05-09-1200", rules.ChangeAdded, "outside the EEA and the Schengen area"},
		{"2021-04-28-1200", "2021-05-09-1200", rules.ChangeChanged, "Arrivals from 27 May 2021 cannot be decided here"},
	} {
		from, ok1 := b.Version(tc.from)
		to, ok2 := b.Version(tc.to)
		if !ok1 || !ok2 {
			t.Fatalf("versions %s, %s not found", tc.from, tc.to)
		}
		found := false
		for _, c := range b.Diff(from, to, "en") {
			found = found || (c.Kind == tc.kind && strings.Contains(c.Text, tc.want))
		}
		if !found {
			t.Errorf("%s -> %s: no %s change saying %q in %+v", tc.from, tc.to, tc.kind, tc.want, b.Diff(from, to, "en"))
		}
	}
}
