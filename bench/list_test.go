package bench_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

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

// listFixture is a register of registrations in two municipalities, a
// municipal officer of the first, and a bearer token for them.
type listFixture struct {
	regs  beredskap.RegistrationService
	ping  func(context.Context) error
	staff *staff.Service
	token string
}

// listRows is how many registrations the fixture holds (half in each
// municipality) and listPage how many a page shows.
const (
	listRows = 10_000
	listPage = 50
)

// newListFixture fills a fresh database of the kind named, "sqlite" or
// "postgres" (a database of its own on the server BEREDSKAP_TEST_POSTGRES
// names).
func newListFixture(b *testing.B, kind string) *listFixture {
	b.Helper()
	ctx := context.Background()
	f := &listFixture{}
	var store beredskap.StaffStore
	switch kind {
	case "sqlite":
		db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "list.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		f.regs, f.ping, store = sqlite.NewRegistrationService(db, time.Now), db.Ping, sqlite.NewStaffStore(db, time.Now)
	case "postgres":
		db, err := postgres.Open(ctx, storetest.FreshPostgresDB(b))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		f.regs, f.ping, store = postgres.NewRegistrationService(db, time.Now), db.Ping, postgres.NewStaffStore(db, time.Now)
	}
	reg := storetest.Registration("Anna", "Kowalska")
	dec := storetest.Decision()
	for i := range listRows {
		m := "0301"
		if i%2 == 1 {
			m = "4601"
		}
		if _, _, err := f.regs.CreateRegistration(ctx, beredskap.NewRegistration{Registration: reg, Decision: dec, Municipality: m}); err != nil {
			b.Fatal(err)
		}
	}
	logger := slog.New(slog.DiscardHandler)
	f.staff = staff.New(store, mail.Dir{Path: b.TempDir()}, time.Now, staff.Config{}, logger)
	sys := beredskap.WithActor(ctx, beredskap.SystemActor())
	_, err := f.staff.AddUser(sys, staff.NewUser{
		Email: "overlege@oslo.example", FirstName: "Ola", LastName: "Overlege",
		Role: beredskap.RoleMunicipalOfficer, Scope: beredskap.Scope{Kind: beredskap.ScopeMunicipality, Code: "0301"},
	})
	if err != nil {
		b.Fatal(err)
	}
	f.token, _, err = f.staff.CreateToken(sys, "overlege@oslo.example", "bench", 0)
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// BenchmarkListRegistrations measures, in one run, the cost of authorization
// and audit on a page of 50 registrations of one municipality out of 10 000:
//
//   - store: the query alone (RegistrationService.ListRegistrations);
//   - service: the staff service, which checks the policy, runs the same
//     query in a write transaction and appends the audit entry (with the 50
//     receipts as subjects) in it;
//   - http_plain: the query behind an HTTP handler that encodes the same
//     items, in the server's middleware (request id, access log, metrics,
//     security headers: web.Server.Frame) but with no authentication,
//     authorization or audit;
//   - http_api: GET /api/v1/registrations with a bearer token, through the
//     real server: token lookup, policy, query and audit;
//   - http_paired: a plain request and an audited one in turn (in both
//     orders), each timed, so that both see the same moments of a shared
//     machine; it reports their means and medians and the ratios
//     api/plain (of the means) and api/plain-median.
//
// The overhead is service/store and http_api/http_plain, or http_paired's
// api/plain. It runs on SQLite
// and, when BEREDSKAP_TEST_POSTGRES is set, on PostgreSQL;
// scripts/bench-overhead.sh runs it in paired rounds.
func BenchmarkListRegistrations(b *testing.B) {
	kinds := []string{"sqlite"}
	if os.Getenv("BEREDSKAP_TEST_POSTGRES") != "" {
		kinds = append(kinds, "postgres")
	}
	for _, kind := range kinds {
		b.Run(kind, func(b *testing.B) { benchmarkList(b, newListFixture(b, kind)) })
	}
}

// benchmarkList runs the four levels of BenchmarkListRegistrations on f.
func benchmarkList(b *testing.B, f *listFixture) {
	filter := beredskap.RegistrationFilter{Municipality: "0301", Limit: listPage}
	b.Run("store", func(b *testing.B) {
		for b.Loop() {
			items, _, err := f.regs.ListRegistrations(context.Background(), filter)
			if err != nil || len(items) != listPage {
				b.Fatal(len(items), err)
			}
		}
	})
	b.Run("service", func(b *testing.B) {
		actor, err := f.staff.AuthenticateToken(context.Background(), f.token)
		if err != nil {
			b.Fatal(err)
		}
		ctx := beredskap.WithActor(context.Background(), actor)
		for b.Loop() {
			items, _, err := f.staff.ListRegistrations(ctx, filter)
			if err != nil || len(items) != listPage {
				b.Fatal(len(items), err)
			}
		}
	})
	book, err := rules.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	in := &intake.Intake{Rules: book, Registrations: f.regs, Clock: time.Now}
	srv := web.NewServer(web.Config{}, in, f.staff, f.ping, slog.New(slog.DiscardHandler))
	plain := srv.Frame(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		items, next, err := f.regs.ListRegistrations(r.Context(), filter)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		writePage(w, items, next)
	}))
	const apiPath = "/api/v1/registrations?municipality=0301&limit=50"
	b.Run("http_plain", func(b *testing.B) {
		ts := httptest.NewServer(plain)
		defer ts.Close()
		client := &http.Client{}
		for b.Loop() {
			getPage(b, client, ts.URL+"/", "")
		}
	})
	b.Run("http_api", func(b *testing.B) {
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		client := &http.Client{}
		for b.Loop() {
			getPage(b, client, ts.URL+apiPath, f.token)
		}
	})
	b.Run("http_paired", func(b *testing.B) {
		pts := httptest.NewServer(plain)
		defer pts.Close()
		ats := httptest.NewServer(srv.Handler())
		defer ats.Close()
		client := &http.Client{}
		var plainTimes, apiTimes []time.Duration
		timed := func(url, token string, times *[]time.Duration) {
			start := time.Now()
			getPage(b, client, url, token)
			*times = append(*times, time.Since(start))
		}
		for i := 0; b.Loop(); i++ {
			if i%2 == 0 {
				timed(pts.URL+"/", "", &plainTimes)
				timed(ats.URL+apiPath, f.token, &apiTimes)
			} else {
				timed(ats.URL+apiPath, f.token, &apiTimes)
				timed(pts.URL+"/", "", &plainTimes)
			}
		}
		reportPaired(b, plainTimes, apiTimes)
	})
}

// reportPaired reports the mean and median of the plain and the audited
// requests of http_paired, and the audited over the plain of each.
func reportPaired(b *testing.B, plain, api []time.Duration) {
	mean := func(ds []time.Duration) float64 {
		var sum time.Duration
		for _, d := range ds {
			sum += d
		}
		return float64(sum) / float64(len(ds))
	}
	median := func(ds []time.Duration) float64 {
		s := slices.Clone(ds)
		slices.Sort(s)
		return float64(s[len(s)/2])
	}
	b.ReportMetric(mean(plain), "plain-ns/req")
	b.ReportMetric(mean(api), "api-ns/req")
	b.ReportMetric(mean(api)/mean(plain), "api/plain")
	b.ReportMetric(median(plain), "plain-median-ns")
	b.ReportMetric(median(api), "api-median-ns")
	b.ReportMetric(median(api)/median(plain), "api/plain-median")
}

// pageItem and page are the JSON shape of GET /api/v1/registrations
// (docs/contract.md), for the plain handler.
type pageItem struct {
	Receipt      string              `json:"receipt"`
	Municipality string              `json:"municipality"`
	Traveller    beredskap.Traveller `json:"traveller"`
	Decision     beredskap.Decision  `json:"decision"`
	CreatedAt    time.Time           `json:"created_at"`
}

type page struct {
	Items         []pageItem `json:"items"`
	NextPageToken string     `json:"next_page_token,omitempty"`
}

func writePage(w http.ResponseWriter, regs []*beredskap.StoredRegistration, next string) {
	p := page{Items: make([]pageItem, len(regs)), NextPageToken: next}
	for i, r := range regs {
		p.Items[i] = pageItem{r.Receipt, r.Municipality, r.Registration.Traveller, r.Decision, r.CreatedAt}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(p)
}

// getPage GETs url, with a bearer token when given, and checks the answer
// is a full page.
func getPage(b *testing.B, client *http.Client, url, token string) {
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	var p page
	err = json.NewDecoder(resp.Body).Decode(&p)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || len(p.Items) != listPage {
		b.Fatalf("status %d, %d items, %v", resp.StatusCode, len(p.Items), err)
	}
}
