package main

import (
	"bufio"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/semver"
)

// fixedVersions names, for modules with a published advisory, the first
// version that fixes it. Whatever build is made, a module listed here must
// be at least that version. Add a line when an advisory concerns a module
// of ours.
var fixedVersions = []struct{ module, fixed, advisory string }{
	// The portal's test provider: unbounded decompression of a JWE
	// (fixed in v3.0.3) and memory exhausted by a compact JWS or JWE of
	// many dots (v3.0.4).
	{"github.com/go-jose/go-jose/v3", "v3.0.4", "GO-2024-2631, GO-2025-3485"},
	// OpenID Connect login (go-oidc): the same many-dots advisory.
	{"github.com/go-jose/go-jose/v4", "v4.0.5", "GO-2025-3485"},
}

// TestProductionBuildLeavesOutDevPortal builds the binary as
// docs/operations.md tells operators to (with the tag nodevportal) and
// reads what went into it: neither the development ID portal nor the
// OpenID Connect test provider it is built on, nor that provider's JOSE
// library, may be among its modules and symbols. The ordinary build, which
// the README's demo command uses, must still contain the portal, or the
// check proves nothing; and neither build may hold a module of
// fixedVersions below its fixed version.
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
		for _, e := range belowFixed(string(modules)) {
			t.Errorf("%s: %s", name, e)
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

// belowFixed returns, for every module of fixedVersions that the output
// of go version -m lists below the version that fixes its advisory, a
// sentence saying so (a replaced module is judged by its replacement's
// version).
func belowFixed(modules string) []string {
	seen := map[string]string{}
	var last string
	sc := bufio.NewScanner(strings.NewReader(modules))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) >= 3 && f[0] == "dep":
			last = f[1]
			seen[last] = f[2]
		case len(f) >= 3 && f[0] == "=>" && last != "":
			seen[last] = f[2]
		}
	}
	var out []string
	for _, m := range fixedVersions {
		v, ok := seen[m.module]
		if ok && (!semver.IsValid(v) || semver.Compare(v, m.fixed) < 0) {
			out = append(out, fmt.Sprintf("%s %s has advisory %s (fixed in %s)", m.module, v, m.advisory, m.fixed))
		}
	}
	return out
}

// TestBelowFixedFindsOldModules shows that the check of the builds fails
// on a vulnerable version, plain or as a replacement, and passes a fixed one.
func TestBelowFixedFindsOldModules(t *testing.T) {
	const old = "bin: go1.26\n\tdep\tgithub.com/go-jose/go-jose/v3\tv3.0.1\th1:x=\n"
	const fixed = "bin: go1.26\n\tdep\tgithub.com/go-jose/go-jose/v3\tv3.0.5\th1:x=\n\tdep\tgithub.com/go-jose/go-jose/v4\tv4.1.9\th1:y=\n"
	const replaced = "bin: go1.26\n\tdep\tgithub.com/go-jose/go-jose/v4\tv4.1.9\n\t=>\tgithub.com/go-jose/go-jose/v4\tv4.0.4\th1:z=\n"
	if got := belowFixed(old); len(got) != 1 || !strings.Contains(got[0], "GO-2024-2631") {
		t.Errorf("belowFixed(v3.0.1) = %q; want the advisory GO-2024-2631", got)
	}
	if got := belowFixed(fixed); len(got) != 0 {
		t.Errorf("belowFixed(v3.0.5, v4.1.9) = %q; want nothing", got)
	}
	if got := belowFixed(replaced); len(got) != 1 || !strings.Contains(got[0], "GO-2025-3485") {
		t.Errorf("belowFixed(v4 replaced by v4.0.4) = %q; want the advisory GO-2025-3485", got)
	}
}
