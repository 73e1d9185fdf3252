package bench_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"beredskap"
	"beredskap/followup"
	"beredskap/intake"
	"beredskap/mail"
	"beredskap/rules"
	"beredskap/staff"
	"beredskap/web"
)

// benchPlanCount is how many plans BenchmarkMunicipalList stores: 1 million
// unless BEREDSKAP_BENCH_PLANS says otherwise (seeding a million takes
// minutes).
func benchPlanCount(b *testing.B) int {
	if v := os.Getenv("BEREDSKAP_BENCH_PLANS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1000 {
			b.Fatalf("BEREDSKAP_BENCH_PLANS=%q: want a number of at least 1000", v)
		}
		return n
	}
	return 1_000_000
}

// listQueries are the municipal list pages the benchmark asks for: the
// first page unfiltered and with the filters officers use most.
var listQueries = []struct {
	name   string
	filter beredskap.ReportFilter
}{
	{"all", beredskap.ReportFilter{}},
	{"active", beredskap.ReportFilter{Status: beredskap.PlanActive}},
	{"not_reached", beredskap.ReportFilter{NotReached: true}},
	{"breach", beredskap.ReportFilter{Breach: true}},
	{"language", beredskap.ReportFilter{Language: "lt"}},
	{"name", beredskap.ReportFilter{Name: "kow"}},
}

// BenchmarkMunicipalList measures the municipal list page of 50 over a
// million follow-up plans (a tenth of them in Oslo, whose officer asks),
// on SQLite and, when BEREDSKAP_TEST_POSTGRES is set, PostgreSQL, at three
// levels in one run: the store's query alone (the baseline), the follow-up
// service (policy, query and audit entry), and GET
// /api/v1/followup/travellers through the real server with a bearer token.
// Each reports the median and the 99th percentile (issue 4: p99 under
// 20 ms). Every fifth request follows the previous page's token.
//
//	go test ./bench -run '^$' -bench MunicipalList -benchtime 400x -timeout 60m
func BenchmarkMunicipalList(b *testing.B) {
	n := benchPlanCount(b)
	book, err := rules.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	end := time.Date(2021, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, db := range openFollowUpDBs(b) {
		start := time.Now()
		seedPlans(b, db, n, []string{"0301", "4601", "5001", "1103", "3005", "1108", "4204", "3024", "1804", "3201"}, end, 120)
		b.Logf("%s: seeded %d plans in %v", db.name, n, time.Since(start).Round(time.Second))
		logger := slog.New(slog.DiscardHandler)
		staffSvc := staff.New(db.staff, mail.Dir{Path: b.TempDir()}, time.Now, staff.Config{}, logger)
		sys := beredskap.WithActor(context.Background(), beredskap.SystemActor())
		if _, err := staffSvc.AddUser(sys, staff.NewUser{
			Email: "overlege@oslo.example", FirstName: "Ola", LastName: "Overlege",
			Role: beredskap.RoleMunicipalOfficer, Scope: beredskap.Scope{Kind: beredskap.ScopeMunicipality, Code: "0301"},
		}); err != nil {
			b.Fatal(err)
		}
		token, _, err := staffSvc.CreateToken(sys, "overlege@oslo.example", "bench", 0)
		if err != nil {
			b.Fatal(err)
		}
		actor, err := staffSvc.AuthenticateToken(context.Background(), token)
		if err != nil {
			b.Fatal(err)
		}
		fu := followup.New(db.store, book, mail.Dir{Path: b.TempDir()}, func() time.Time { return end }, followup.Config{}, logger)
		in := &intake.Intake{Rules: book, Registrations: db.regs, Clock: time.Now}
		srv := httptest.NewServer(web.NewServer(web.Config{FollowUp: fu}, in, staffSvc, nil, logger).Handler())
		b.Cleanup(srv.Close)
		octx := beredskap.WithActor(context.Background(), actor)

		for _, q := range listQueries {
			f := q.filter
			f.Municipality, f.Limit = "0301", 50
			b.Run(db.name+"/store/"+q.name, func(b *testing.B) {
				timePages(b, func(token string) (string, error) {
					f.PageToken = token
					var next string
					err := db.store.ViewFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
						var err error
						_, next, err = tx.ListTravellers(ctx, f)
						return err
					})
					return next, err
				})
			})
			b.Run(db.name+"/service/"+q.name, func(b *testing.B) {
				timePages(b, func(token string) (string, error) {
					f.PageToken = token
					_, next, err := fu.ListTravellers(octx, f)
					return next, err
				})
			})
			b.Run(db.name+"/http_api/"+q.name, func(b *testing.B) {
				client := srv.Client()
				timePages(b, func(page string) (string, error) {
					return getTravellers(client, srv.URL, travellerQuery(f, page), token)
				})
			})
		}
	}
}

// timePages calls page b.N times, passing the previous call's next-page
// token every fifth time (the first page otherwise), and reports the
// median and 99th percentile of the calls.
func timePages(b *testing.B, page func(token string) (string, error)) {
	ds := make([]time.Duration, 0, b.N)
	next := ""
	i := 0
	for b.Loop() {
		token := ""
		if i%5 != 0 {
			token = next
		}
		t0 := time.Now()
		n, err := page(token)
		ds = append(ds, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		next = n
		i++
	}
	reportLatency(b, ds)
}

// travellerQuery writes f as the API's query string.
func travellerQuery(f beredskap.ReportFilter, token string) url.Values {
	v := url.Values{"municipality": {f.Municipality}, "limit": {strconv.Itoa(f.Limit)}}
	if f.Status != "" {
		v.Set("status", string(f.Status))
	}
	if f.NotReached {
		v.Set("not_reached", "true")
	}
	if f.Breach {
		v.Set("breach", "true")
	}
	if f.Language != "" {
		v.Set("language", f.Language)
	}
	if f.Name != "" {
		v.Set("name", f.Name)
	}
	if token != "" {
		v.Set("page_token", token)
	}
	return v
}

// getTravellers GETs a page of the API with the bearer token and returns
// its next-page token.
func getTravellers(client *http.Client, base string, q url.Values, bearer string) (string, error) {
	req, _ := http.NewRequest("GET", base+"/api/v1/followup/travellers?"+q.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var p struct {
		Items         []json.RawMessage `json:"items"`
		NextPageToken string            `json:"next_page_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&p)
	io.Copy(io.Discard, resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return "", &httpError{resp.StatusCode, err}
	}
	return p.NextPageToken, nil
}

// httpError is an unexpected answer.
type httpError struct {
	status int
	err    error
}

func (e *httpError) Error() string {
	return "status " + strconv.Itoa(e.status) + ": " + errString(e.err)
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}
