package rules

import (
	"errors"
	"io/fs"
	"os"
	"testing"
	"testing/fstest"
	"time"
)

// FuzzRuleVersionYAML loads one version file that is anything against the
// texts, country classification and base registration of the repository:
// loading never panics, and refuses with an error naming the file, or
// returns a version.
//
// The shared files are read once, not per input: the country classification
// alone is close to a megabyte of YAML, and loading it for every input made
// one input take longer than the ten seconds Go's fuzzing allows a worker on
// a loaded machine.
func FuzzRuleVersionYAML(f *testing.F) {
	dir := os.DirFS(".")
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		f.Fatal(err)
	}
	texts, err := loadTexts(dir)
	if err != nil {
		f.Fatal(err)
	}
	red, err := loadCountries(dir, oslo)
	if err != nil {
		f.Fatal(err)
	}
	base, err := loadBase(dir)
	if err != nil {
		f.Fatal(err)
	}
	amendments, err := loadAmendments(dir)
	if err != nil {
		f.Fatal(err)
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
	const name = "versions/2020-11-09.yaml"
	f.Fuzz(func(t *testing.T, data []byte) {
		b := &Book{oslo: oslo, texts: texts, red: red, codes: map[string]bool{}, amendments: amendments}
		fsys := fstest.MapFS{name: &fstest.MapFile{Data: data}}
		v, err := b.loadVersion(fsys, name, base)
		if err == nil && v == nil {
			t.Fatal("loadVersion returned neither a version nor an error")
		}
		var fe *FileError
		if err != nil && (!errors.As(err, &fe) || fe.File != name) {
			t.Fatalf("error %v does not name %s", err, name)
		}
	})
}
