package rules_test

import (
	"testing"

	"beredskap/rules"
)

// BenchmarkEvaluate decides the contract example (group 4) and a hotel case
// with missing documents, alternately, under the 2021-01-25 rules.
func BenchmarkEvaluate(b *testing.B) {
	book := mustBook(b)
	r1 := base()
	r1.ArrivalTime = "2021-01-26T10:00:00+01:00"
	r2 := base()
	r2.ArrivalTime = "2021-01-26T10:00:00+01:00"
	r2.Residence, r2.Accommodation.Type, r2.Documents = "registered_resident", "own_home", []string{}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r := &r1
		if i&1 == 1 {
			r = &r2
		}
		if _, err := book.Evaluate(r, "nb"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rules.Load(rules.EmbeddedFS()); err != nil {
			b.Fatal(err)
		}
	}
}
