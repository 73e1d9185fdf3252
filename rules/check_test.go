package rules_test

import (
	"os"
	"testing"

	"beredskap/rules"
)

func TestCheckEmbeddedPasses(t *testing.T) {
	rep, err := rules.Check(rules.EmbeddedFS())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Passed == 0 {
		rep.WriteTo(os.Stderr)
		t.Fatalf("Check: %d passed, %d failed", rep.Passed, rep.Failed)
	}
	for _, v := range rep.Versions {
		if len(v.Cases) < 6 {
			t.Errorf("version %s has %d example cases; want at least 6", v.ID, len(v.Cases))
		}
	}
}
