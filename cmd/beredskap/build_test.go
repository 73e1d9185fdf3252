package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestProductionBuildLeavesOutDevPortal builds the binary as
// docs/operations.md tells operators to (with the tag nodevportal) and
// reads what went into it: neither the development ID portal nor the
// OpenID Connect test provider it is built on, nor that provider's JOSE
// library, may be among its modules and symbols. The ordinary build, which
// the README's demo command uses, must still contain the portal, or the
// check proves nothing.
func TestProductionBuildLeavesOutDevPortal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary twice; not in -short")
	}
	// go test puts the go command that runs it first on the PATH.
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command: %v", err)
	}
	dir := t.TempDir()
	contents := func(name string, tags ...string) string {
		bin := filepath.Join(dir, name)
		args := append([]string{"build", "-o", bin}, tags...)
		if out, err := exec.Command(gobin, append(args, ".")...).CombinedOutput(); err != nil {
			t.Fatalf("go build %v: %v\n%s", tags, err, out)
		}
		modules, err := exec.Command(gobin, "version", "-m", bin).CombinedOutput()
		if err != nil {
			t.Fatalf("go version -m: %v\n%s", err, modules)
		}
		symbols, err := exec.Command(gobin, "tool", "nm", bin).CombinedOutput()
		if err != nil {
			t.Fatalf("go tool nm: %v", err)
		}
		return string(modules) + string(symbols)
	}
	unwanted := []string{"github.com/oauth2-proxy/mockoidc", "github.com/go-jose/go-jose/v3", "beredskap/devportal."}

	production := contents("beredskap-production", "-tags", "nodevportal")
	for _, s := range unwanted {
		if strings.Contains(production, s) {
			t.Errorf("the production build contains %s", s)
		}
	}
	ordinary := contents("beredskap")
	for _, s := range unwanted {
		if !strings.Contains(ordinary, s) {
			t.Errorf("the ordinary build lacks %s, so the demo has no ID portal", s)
		}
	}
}
