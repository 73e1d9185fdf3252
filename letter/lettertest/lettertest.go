// Package lettertest reads letter PDFs in tests with poppler-utils.
package lettertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"beredskap/internal/testenv"
)

// Text returns the text of a PDF through pdftotext, called with the given
// options (such as "-layout") before the file. It skips the test when
// pdftotext is missing, except in CI (CI=true), which must install
// poppler-utils.
func Text(t testing.TB, pdf []byte, options ...string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		testenv.Missing(t, "pdftotext is missing (apt-get install -y poppler-utils): %v", err)
	}
	path := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, append(options, path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
