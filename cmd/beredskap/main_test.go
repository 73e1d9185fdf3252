package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"beredskap"
	"beredskap/internal/testwait"
)

func contractExample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "contract_registration.json"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEvaluatePrintsDecision(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"evaluate", "--lang", "nn"}, strings.NewReader(contractExample(t)), &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var d beredskap.Decision
	if err := json.Unmarshal(out.Bytes(), &d); err != nil {
		t.Fatalf("output is not a decision: %v\n%s", err, out.String())
	}
	// docs/contract.md: arrival 2020-12-20 from red countries, group 4 place.
	if d.RuleSet.ID == "" || d.Quarantine.Scope != beredskap.ScopeFull || d.Language != "nn" {
		t.Errorf("decision %+v", d)
	}
	if d.Quarantine.FirstDay == nil || *d.Quarantine.FirstDay != "2020-12-20" {
		t.Errorf("first day %v; want 2020-12-20", d.Quarantine.FirstDay)
	}
}

// docs/contract.md: invalid input exits 2 with a message on standard error that
// names the field.
func TestEvaluateInvalidInputNamesField(t *testing.T) {
	body := strings.Replace(contractExample(t), `"1990-05-17"`, `"2999-05-17"`, 1)
	err := run(context.Background(), []string{"evaluate"}, strings.NewReader(body), io.Discard, io.Discard)
	if !isInvalid(err) {
		t.Fatalf("err = %v; want an invalid-input error (exit 2)", err)
	}
	if !strings.Contains(err.Error(), "traveller.birth_date") {
		t.Errorf("message %q does not name traveller.birth_date", err)
	}
}

func TestUnknownCommandIsUsageError(t *testing.T) {
	err := run(context.Background(), []string{"frobnicate"}, nil, io.Discard, io.Discard)
	var ue usageError
	if !errors.As(err, &ue) {
		t.Errorf("err = %v; want usageError", err)
	}
}

func TestSettingsFromEnvironment(t *testing.T) {
	t.Setenv("BEREDSKAP_DB", "from-env.db")
	t.Setenv("BEREDSKAP_ADDR", "127.0.0.1:9999")
	var s settings
	fs := newFlagSet("serve", io.Discard)
	s.bindServer(fs, "beredskap.db")
	if err := parse(fs, []string{"--addr", "127.0.0.1:7777"}); err != nil {
		t.Fatal(err)
	}
	if s.DB != "from-env.db" || s.Addr != "127.0.0.1:7777" {
		t.Errorf("db %q addr %q; want the env's db and the flag's addr", s.DB, s.Addr)
	}
}

func TestRedactDSN(t *testing.T) {
	got := redactDSN("postgres://app:s3cret@db:5432/reg?sslmode=require")
	if strings.Contains(got, "s3cret") {
		t.Errorf("redactDSN leaked the password: %s", got)
	}
}

// serve answers /healthz, serves /metrics only on --metrics-addr (issue
// 13, item 9), and shuts down cleanly when its context ends.
func TestServeAndShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	db := filepath.Join(t.TempDir(), "serve.db")
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := free.Addr().String()
	free.Close()
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", metricsAddr, "--db", db, "--log-level", "warn"}, nil, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the serving line: %v", err)
	}
	go io.Copy(io.Discard, pr)
	url := regexp.MustCompile(`http://[0-9.:]+`).FindString(line)
	if url == "" {
		t.Fatalf("no URL in %q", line)
	}
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz status %d", resp.StatusCode)
	}
	if resp, err := http.Get(url + "/metrics"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on --addr: %v, %v; want 404", resp, err)
	} else {
		resp.Body.Close()
	}
	resp, err = http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "beredskap_http_requests_total") {
		t.Errorf("/metrics on --metrics-addr: %d\n%s", resp.StatusCode, body)
	}
	cancel()
	if err := testwait.Receive(t, done, "serve to shut down"); err != nil {
		t.Errorf("serve returned %v after shutdown", err)
	}
}

func TestRulesCheckEmbeddedAndDirectory(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"rules", "check"}, nil, &out, io.Discard); err != nil {
		t.Fatalf("rules check (embedded): %v\n%s", err, out.String())
	}
	if err := run(context.Background(), []string{"rules", "check", "../../rules"}, nil, &out, io.Discard); err != nil {
		t.Fatalf("rules check ../../rules: %v", err)
	}
	err := run(context.Background(), []string{"rules", "check", "no-such-dir"}, nil, io.Discard, io.Discard)
	var ue usageError
	if !errors.As(err, &ue) {
		t.Errorf("rules check no-such-dir: %v; want a usage error", err)
	}
}

// 'rules diff' names what changed in plain words: on 2020-12-23 12:00 the
// § 6j dispensation became a direct exemption (asker.kommune.no).
func TestRulesDiff(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"rules", "diff", "--lang", "nb", "2020-12-21-1200", "2020-12-23-1200"}, nil, &out, io.Discard); err != nil {
		t.Fatalf("rules diff: %v", err)
	}
	if s := out.String(); !strings.Contains(s, "- Kommunelegen kan gi dispensasjon") || !strings.Contains(s, "+ Du er unntatt fra innreisekarantene den tiden") {
		t.Errorf("rules diff output:\n%s", s)
	}
	var ue usageError
	if err := run(context.Background(), []string{"rules", "diff", "2020-12-21-1200"}, nil, io.Discard, io.Discard); !errors.As(err, &ue) {
		t.Errorf("one version: %v; want a usage error", err)
	}
	if err := run(context.Background(), []string{"rules", "diff", "2020-12-21-1200", "no-such"}, nil, io.Discard, io.Discard); !errors.As(err, &ue) {
		t.Errorf("unknown version: %v; want a usage error", err)
	}
}
