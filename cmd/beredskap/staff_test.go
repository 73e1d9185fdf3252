package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"beredskap"
)

// runOK runs the command and returns its standard output.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), args, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("beredskap %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// docs/contract.md: user add creates a staff user, token create prints a bearer
// token for them, and audit verify exits 0 on an intact trail and non-zero
// naming the first broken entry once a stored entry is altered.
func TestUserTokenAndAuditVerify(t *testing.T) {
	db := filepath.Join(t.TempDir(), "staff.db")
	out := runOK(t, "user", "add", "--db", db, "--email", "Ola.Overlege@Oslo.Kommune.no", "--name", "Ola Nordmann Overlege",
		"--role", "municipal_officer", "--municipality", "0301", "--base-url", "https://beredskap.example/")
	if !strings.Contains(out, "ola.overlege@oslo.kommune.no") || !strings.Contains(out, "https://beredskap.example/enrol/") {
		t.Errorf("user add printed:\n%s\nwant the lower-cased e-mail and an enrolment link", out)
	}
	token := strings.TrimSpace(runOK(t, "token", "create", "--db", db, "--user", "ola.overlege@oslo.kommune.no"))
	if !strings.HasPrefix(token, "bk_") || strings.ContainsAny(token, " \n") {
		t.Errorf("token create printed %q; want one bk_ token", token)
	}
	if out := runOK(t, "audit", "verify", "--db", db); !strings.Contains(out, "intact") {
		t.Errorf("audit verify printed %q; want intact", out)
	}
	var revoked bytes.Buffer
	if err := run(context.Background(), []string{"token", "revoke", "--db", db}, strings.NewReader(token+"\n"), &revoked, io.Discard); err != nil {
		t.Fatalf("token revoke: %v", err)
	}
	err := run(context.Background(), []string{"token", "revoke", "--db", db}, strings.NewReader(token), io.Discard, io.Discard)
	if beredskap.ErrorCode(err) != beredskap.EUNAUTHORIZED {
		t.Errorf("revoking a revoked token: %v; want unauthorized", err)
	}

	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		`DROP TRIGGER audit_no_update`,
		`UPDATE audit SET actor = 'someone.else@example.no' WHERE seq = 2`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var stdout bytes.Buffer
	err = run(context.Background(), []string{"audit", "verify", "--db", db}, strings.NewReader(""), &stdout, io.Discard)
	if !errors.Is(err, errAuditBroken) || !strings.Contains(err.Error(), "entry 2") {
		t.Fatalf("audit verify after tampering: %v; want the chain broken at entry 2", err)
	}
	if !strings.Contains(stdout.String(), "audit entry 2") {
		t.Errorf("audit verify printed %q; want it to name entry 2", stdout.String())
	}
}

// Bad input to user add names the flag and changes nothing.
func TestUserAddRejectsBadInput(t *testing.T) {
	db := filepath.Join(t.TempDir(), "staff.db")
	for _, tt := range []struct {
		args  []string
		field string
	}{
		{[]string{"--email", "not-an-address", "--name", "A B", "--role", "control_centre"}, "email"},
		{[]string{"--email", "a@b.no", "--name", "A B", "--role", "mayor"}, "role"},
		{[]string{"--email", "a@b.no", "--name", "A B", "--role", "municipal_staff", "--municipality", "9999"}, "municipality"},
	} {
		args := append([]string{"user", "add", "--db", db}, tt.args...)
		err := run(context.Background(), args, strings.NewReader(""), io.Discard, io.Discard)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--"+tt.field) {
			t.Errorf("%v: err = %v; want a usage error naming --%s", tt.args, err, tt.field)
		}
	}
	if out := runOK(t, "audit", "verify", "--db", db); !strings.Contains(out, "intact: 0 entries") {
		t.Errorf("after refused input the trail holds entries: %s", out)
	}
}
