package rules_test

import (
	"io/fs"
	"os"
	"testing"
	"testing/fstest"

	"beredskap/rules"
)

// FuzzRuleVersionYAML loads a rule directory whose one version file is
// anything: Load never panics, and refuses with an error naming the file,
// or returns a book.
func FuzzRuleVersionYAML(f *testing.F) {
	dir := os.DirFS(".")
	base := fstest.MapFS{}
	for _, pattern := range []string{"texts/*.yaml", "countries/*.yaml", "versions/_base.yaml"} {
		names, err := fs.Glob(dir, pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, n := range names {
			data, err := fs.ReadFile(dir, n)
			if err != nil {
				f.Fatal(err)
			}
			base[n] = &fstest.MapFile{Data: data}
		}
	}
	versions, err := fs.Glob(dir, "versions/2*.yaml")
	if err != nil || len(versions) == 0 {
		f.Fatalf("no rule versions: %v", err)
	}
	for _, n := range versions[:2] {
		data, err := fs.ReadFile(dir, n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("id: x\n"))
	f.Add([]byte("id: \"2020-11-09\"\nin_force_from: \"2020-13-40T99:00\"\n"))
	f.Add([]byte("quarantine: {days: -1}\n"))
	f.Add([]byte("&a [*a, *a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{}
		for k, v := range base {
			fsys[k] = v
		}
		fsys["versions/2020-11-09.yaml"] = &fstest.MapFile{Data: data}
		book, err := rules.Load(fsys)
		if err == nil && book == nil {
			t.Fatal("Load returned neither a book nor an error")
		}
	})
}
