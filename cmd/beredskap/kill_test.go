package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"beredskap/internal/testwait"
	"beredskap/sqlite"
)

// DESIGN.md: no acknowledged registration is lost if the process is killed
// (kill -9) mid-load. The test builds the real binary, loads it with
// registrations from several clients, kills it without warning, and finds
// every registration that was answered 201 in the database file.
func TestKillNineLosesNoAcknowledgedRegistration(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary; skipped with -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "beredskap")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "kill.db")
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db, "--log-level", "error")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the serving line: %v", err)
	}
	url := regexp.MustCompile(`http://[0-9.:]+`).FindString(line)

	body := contractExample(t)
	// The kill comes once enough registrations are acknowledged, counted,
	// however long that takes on this machine.
	const before = 50
	var (
		mu       sync.Mutex
		receipts []string
		wg       sync.WaitGroup
	)
	stop := make(chan struct{})
	enough := make(chan struct{})
	for c := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{} // no time limit: the kill ends every request
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest("POST", url+"/api/v1/registrations", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", fmt.Sprintf("kill-%d-%d", c, i))
				resp, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				var out struct {
					Receipt string `json:"receipt"`
				}
				err = json.NewDecoder(resp.Body).Decode(&out)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated && err == nil {
					mu.Lock()
					receipts = append(receipts, out.Receipt)
					if len(receipts) == before {
						close(enough)
					}
					mu.Unlock()
				}
			}
		}()
	}
	testwait.Receive(t, enough, "%d registrations acknowledged before the kill", before)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	close(stop)
	wg.Wait()

	store, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer store.Close()
	regs := sqlite.NewRegistrationService(store, time.Now)
	for _, r := range receipts {
		if _, err := regs.FindRegistration(context.Background(), r); err != nil {
			t.Errorf("acknowledged registration %s lost after kill -9: %v", r, err)
		}
	}
	t.Logf("%d acknowledged registrations all found after kill -9", len(receipts))
	_ = os.Remove(db)
}
