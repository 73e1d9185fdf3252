// Package testenv decides what a test does when something it needs from
// the machine (a PostgreSQL server, Chromium, poppler-utils) is missing:
// on a developer's machine it skips with the reason, and in CI (CI=true),
// where .ci/run installs everything, it fails, so that nothing CI should
// run is silently skipped there.
package testenv

import (
	"os"
	"testing"
)

// InCI reports whether the tests run in CI (CI=true).
func InCI() bool { return os.Getenv("CI") == "true" }

// Missing ends the test because what is missing: it fails in CI and skips
// elsewhere. The format and args say what is missing and how to get it.
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if InCI() {
		tb.Fatalf("CI=true, but "+format, args...)
	}
	tb.Skipf(format, args...)
}
