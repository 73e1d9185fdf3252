package testfile_test

import (
	"os"
	"testing"

	"beredskap/internal/testfile"
)

// Each test gets a copy of its own of what make wrote, and make runs once
// per key.
func TestCopyMakesOnceAndCopies(t *testing.T) {
	made := 0
	make := func(path string) error {
		made++
		return os.WriteFile(path, []byte("template"), 0o600)
	}
	a := testfile.Copy(t, "TestCopyMakesOnceAndCopies", "a.db", make)
	b := testfile.Copy(t, "TestCopyMakesOnceAndCopies", "a.db", make)
	if a == b {
		t.Fatalf("two copies at one path %s", a)
	}
	if err := os.WriteFile(a, []byte("changed"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(b)
	if err != nil || string(got) != "template" {
		t.Errorf("second copy holds %q, %v; want the template's bytes, untouched by a change to the first", got, err)
	}
	if made != 1 {
		t.Errorf("make ran %d times; want 1", made)
	}
}
