package bench_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
	"beredskap/intake"
	"beredskap/mail"
	"beredskap/postgres"
	"beredskap/rules"
	"beredskap/sqlite"
	"beredskap/staff"
	"beredskap/storetest"
	"beredskap/web"
)

// row is one registration ready to insert: the same contents the API stores.
type row struct {
	reg, decision []byte
	r             beredskap.Registration
	d             beredskap.Decision
}

func sampleRow(b *testing.B) row {
	b.Helper()
	r := storetest.Registration("Anna", "Kowalska")
	book, err := rules.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	d, err := book.Evaluate(&r, "en")
	if err != nil {
		b.Fatal(err)
	}
	rj, _ := json.Marshal(r)
	dj, _ := json.Marshal(d)
	return row{reg: rj, decision: dj, r: r, d: d}
}

// BenchmarkIngestSQLite compares, in one run, registrations per second
// through POST /api/v1/registrations (sequential and with 4 clients) with a
// raw one-row-per-transaction INSERT of the same row on the same driver and
// pragmas (modernc.org/sqlite, WAL, synchronous=NORMAL).
func BenchmarkIngestSQLite(b *testing.B) {
	b.Run("raw_insert", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "raw.db")
		db, err := sqlite.Open(context.Background(), path) // creates the schema
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
		raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(5000)")
		if err != nil {
			b.Fatal(err)
		}
		defer raw.Close()
		raw.SetMaxOpenConns(1)
		rawInsert(b, sampleRow(b), func(args ...any) error {
			_, err := raw.Exec(`INSERT INTO registrations (receipt, municipality, arrival_at, created_at, first_name,
				last_name, birth_date, language, rule_id, rule_hash, quarantine_last_day, registration, decision)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
			return err
		}, "2006-01-02T15:04:05.000000Z")
	})
	for _, clients := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("http_api_%d_clients", clients), func(b *testing.B) {
			db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "api.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			httpIngest(b, sqlite.NewRegistrationService(db, time.Now), sqlite.NewStaffStore(db, time.Now), db.Ping, clients)
		})
	}
}

// BenchmarkIngestPostgres is BenchmarkIngestSQLite on PostgreSQL (pgx), on
// the server named by BEREDSKAP_TEST_POSTGRES.
func BenchmarkIngestPostgres(b *testing.B) {
	b.Run("raw_insert", func(b *testing.B) {
		url := storetest.FreshPostgresDB(b)
		db, err := postgres.Open(context.Background(), url) // creates the schema
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
		conn, err := pgx.Connect(context.Background(), url)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close(context.Background())
		rawInsert(b, sampleRow(b), func(args ...any) error {
			_, err := conn.Exec(context.Background(), `INSERT INTO registrations (receipt, municipality, arrival_at,
				created_at, first_name, last_name, birth_date, language, rule_id, rule_hash, quarantine_last_day,
				registration, decision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, args...)
			return err
		}, "")
	})
	for _, clients := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("http_api_%d_clients", clients), func(b *testing.B) {
			db, err := postgres.Open(context.Background(), storetest.FreshPostgresDB(b))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			httpIngest(b, postgres.NewRegistrationService(db, time.Now), postgres.NewStaffStore(db, time.Now), db.Ping, clients)
		})
	}
}

// rawInsert inserts b.N copies of the row under fresh receipts, one per
// statement (autocommit: one transaction each). A non-empty timeFormat
// passes instants as text, as the SQLite schema keeps them.
func rawInsert(b *testing.B, r row, exec func(args ...any) error, timeFormat string) {
	arrival, _ := r.r.ArrivalInstant()
	birth, _ := beredskap.ParseDate(r.r.Traveller.BirthDate)
	var lastDay any
	if r.d.Quarantine.LastDay != nil {
		lastDay = *r.d.Quarantine.LastDay
	}
	var regArg, decArg any = r.reg, r.decision
	if timeFormat != "" {
		regArg, decArg = string(r.reg), string(r.decision)
	}
	b.ResetTimer()
	for b.Loop() {
		now := time.Now().UTC()
		var at, created, born any = arrival.UTC(), now, birth
		if timeFormat != "" {
			at, created, born = arrival.UTC().Format(timeFormat), now.Format(timeFormat), r.r.Traveller.BirthDate
		}
		err := exec(beredskap.NewReceipt(), "0301", at, created, r.r.Traveller.FirstName, r.r.Traveller.LastName,
			born, r.r.Traveller.Language, r.d.RuleSet.ID, r.d.RuleSet.Hash, lastDay, regArg, decArg)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// httpIngest posts b.N registrations to a real server over loopback, each
// with its own idempotency key, from the given number of clients. The
// server's staff service runs over staffStore, as in production.
func httpIngest(b *testing.B, regs beredskap.RegistrationService, staffStore beredskap.StaffStore, ping func(context.Context) error, clients int) {
	book, err := rules.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	in := &intake.Intake{Rules: book, Registrations: regs, Clock: time.Now}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	staffService := staff.New(staffStore, mail.Dir{Path: b.TempDir()}, time.Now, staff.Config{}, logger)
	srv := web.NewServer(web.Config{}, in, staffService, ping, logger)
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	body, _ := json.Marshal(storetest.Registration("Anna", "Kowalska"))
	client := ts.Client()
	client.Transport.(*http.Transport).MaxIdleConnsPerHost = clients
	var n atomic.Int64
	post := func() error {
		req, _ := http.NewRequest("POST", ts.URL+"/api/v1/registrations", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d", n.Add(1)))
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
	b.ResetTimer()
	if clients == 1 {
		for b.Loop() {
			if err := post(); err != nil {
				b.Fatal(err)
			}
		}
	} else {
		b.SetParallelism((clients + 1) / 2) // GOMAXPROCS is 2 here: 2 goroutines per unit
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := post(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
