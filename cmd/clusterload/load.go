package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// ack is a registration the service acknowledged: its idempotency key and
// the receipt it answered with.
type ack struct {
	Key     string `json:"key"`
	Receipt string `json:"receipt"`
}

// holding is one operator's hold of a follow-up plan, from the answer to
// its claim to the sending of its release or call report.
type holding struct {
	Plan     int64     `json:"plan"`
	Operator int       `json:"operator"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Reported bool      `json:"reported"` // ended by a call report, not a release
}

// loadResult is what a load run wrote.
type loadResult struct {
	Acks      []ack          `json:"acks"`
	Holdings  []holding      `json:"holdings"`
	Reads     int            `json:"reads"`
	Answers   map[string]int `json:"answers"` // by status, or "error"
	Seconds   float64        `json:"seconds"`
	PerSecond float64        `json:"per_second"`
	// HoldsPerSecond is how many plans the operators claimed and let go
	// per second, all together.
	HoldsPerSecond float64 `json:"holds_per_second"`
	LongestGapMS   int64   `json:"longest_gap_ms"` // between acknowledgements
	Unfinished     int     `json:"unfinished"`     // registrations never acknowledged
}

// loader runs registrations, operators and reads against one base URL.
type loader struct {
	base     string
	client   *http.Client
	arrivals []string
	prefix   string
	hold     time.Duration

	mu       sync.Mutex
	res      loadResult
	lastAck  time.Time
	deadline time.Time
}

func runLoad(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8090", "the balancer's URL")
	n := fs.Int("n", 200, "registrations to make")
	first := fs.Int("first", 0, "number of the first registration, so that runs on one database make different travellers (phone numbers)")
	workers := fs.Int("c", 8, "registrations made at once")
	prefix := fs.String("prefix", "run", "prefix of idempotency keys and phone numbers (digits 0-9 only after it)")
	arrival := fs.String("arrival", "2021-02-14T20:00:00+01:00", "arrival time of the registrations; several, comma-separated, are taken in turn")
	tokens := fs.String("operators", "", "comma-separated API tokens of control-centre operators who claim and release work")
	reader := fs.String("reader", "", "API token of a user whose reads of registrations are audited")
	opsFor := fs.Duration("ops-for", 0, "keep the operators and the reader working at least this long, also after the registrations (with -n 0: only them)")
	hold := fs.Duration("hold", 20*time.Millisecond, "how long an operator holds a plan before releasing it")
	give := fs.Duration("give-up", 5*time.Minute, "stop retrying a registration after this long")
	out := fs.String("out", "load.json", "file to write the result to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	l := &loader{base: strings.TrimRight(*base, "/"), client: &http.Client{Timeout: 20 * time.Second},
		arrivals: strings.Split(*arrival, ","), prefix: *prefix, hold: *hold, deadline: time.Now().Add(*give)}
	l.res.Answers = map[string]int{}
	start := time.Now()
	l.lastAck = start
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				l.register(ctx, i)
			}
		}()
	}
	opCtx, stopOps := context.WithCancel(ctx)
	var ops sync.WaitGroup
	for i, tok := range strings.Split(*tokens, ",") {
		if tok == "" {
			continue
		}
		ops.Add(1)
		go func() { defer ops.Done(); l.operate(opCtx, i, tok) }()
	}
	if *reader != "" {
		ops.Add(1)
		go func() { defer ops.Done(); l.read(opCtx, *reader) }()
	}
	for i := range *n {
		select {
		case jobs <- *first + i:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	if rest := *opsFor - time.Since(start); rest > 0 {
		select {
		case <-time.After(rest):
		case <-ctx.Done():
		}
	}
	stopOps()
	ops.Wait()
	l.res.Seconds = time.Since(start).Seconds()
	l.res.PerSecond = float64(len(l.res.Acks)) / l.res.Seconds
	l.res.Unfinished = *n - len(l.res.Acks)
	l.res.HoldsPerSecond = float64(len(l.res.Holdings)) / l.res.Seconds
	fmt.Printf("registrations: %d acknowledged of %d in %.1f s (%.1f/s), longest gap %d ms, answers %v, holds %d (%.1f/s), reads %d\n",
		len(l.res.Acks), *n, l.res.Seconds, l.res.PerSecond, l.res.LongestGapMS, l.res.Answers, len(l.res.Holdings),
		l.res.HoldsPerSecond, l.res.Reads)
	return writeJSON(*out, l.res)
}

// count notes one answer.
func (l *loader) count(status string) {
	l.mu.Lock()
	l.res.Answers[status]++
	l.mu.Unlock()
}

// register makes registration i, retrying with its key until the service
// acknowledges it or the run gives up.
func (l *loader) register(ctx context.Context, i int) {
	key := fmt.Sprintf("%s-%06d", l.prefix, i)
	body := registrationBody(l.arrivals[i%len(l.arrivals)], i)
	for wait := 100 * time.Millisecond; ctx.Err() == nil && time.Now().Before(l.deadline); wait = min(2*wait, time.Second) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, l.base+"/api/v1/registrations", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		resp, err := l.client.Do(req)
		if err != nil {
			l.count("error")
			time.Sleep(wait)
			continue
		}
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		l.count(fmt.Sprint(resp.StatusCode))
		if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusCreated {
			var r struct {
				Receipt string `json:"receipt"`
			}
			if json.Unmarshal(data, &r) == nil && r.Receipt != "" {
				now := time.Now()
				l.mu.Lock()
				l.res.Acks = append(l.res.Acks, ack{Key: key, Receipt: r.Receipt})
				if gap := now.Sub(l.lastAck).Milliseconds(); gap > l.res.LongestGapMS {
					l.res.LongestGapMS = gap
				}
				l.lastAck = now
				l.mu.Unlock()
				return
			}
		}
		if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests {
			fmt.Printf("registration %s refused: %d %s\n", key, resp.StatusCode, data)
			return
		}
		time.Sleep(wait)
	}
}

// registrationBody returns the JSON of registration i: a traveller of its
// own with a phone number of its own, in quarantine in Oslo.
func registrationBody(arrival string, i int) []byte {
	firsts := []string{"Anna", "Jonas", "Maria", "Piotr", "Ewa", "Lars", "Ingrid", "Tomas"}
	lasts := []string{"Kowalska", "Nowak", "Popescu", "Kazlauskas", "Berg", "Hansen", "Lund", "Vik"}
	b, _ := json.Marshal(map[string]any{
		"arrival_time": arrival,
		"traveller": map[string]any{
			"first_name": firsts[i%len(firsts)], "last_name": lasts[(i/len(firsts))%len(lasts)],
			"birth_date": fmt.Sprintf("19%02d-%02d-%02d", 50+i%50, 1+i%12, 1+i%28), "national_id": "", "nationality": "PL",
			"id_document": map[string]any{"type": "passport", "number": fmt.Sprintf("EA%07d", i), "country": "PL", "expires": "2027-01-31"},
			"phone":       fmt.Sprintf("+4791%06d", i), "email": fmt.Sprintf("t%d@example.com", i), "language": "en",
		},
		"countries_visited": []string{"PL"},
		"arrival":           map[string]any{"mode": "air", "point": "OSL"},
		"residence":         "none", "family_of_resident": false, "purpose": "other",
		"employer": map[string]any{"org_number": "", "name": ""},
		"accommodation": map[string]any{
			"type": "other_suitable", "address": map[string]any{"street": "Storgata 1", "postal_code": "0155", "municipality": "0301"},
			"single_room": true, "own_bathroom": true, "own_kitchen_or_meals": true, "tv_and_internet": false,
			"close_contact_avoidable": true, "household_travelling_together": false,
		},
		"room_with_guardian": false, "exemptions_claimed": []string{}, "critical_function_sector": "",
		"documents": []string{"accommodation_confirmation"}, "destination": "mainland",
	})
	return b
}

// operate claims the next plan of the queue, holds it a moment and
// releases it, until ctx ends, noting each hold. Every fourth hold ends
// with a call report (not reached) instead, which the municipality's
// daily digest then carries.
func (l *loader) operate(ctx context.Context, op int, token string) {
	for n := 0; ctx.Err() == nil; n++ {
		var p struct {
			ID int64 `json:"id"`
		}
		status, err := l.call(ctx, token, http.MethodPost, "/api/v1/followup/claim-next", &p)
		if err != nil || status != http.StatusOK || p.ID == 0 {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		from := time.Now()
		time.Sleep(l.hold)
		to := time.Now()
		report := false
		if n%4 == 3 {
			status, _ := l.callBody(context.WithoutCancel(ctx), token, http.MethodPost, fmt.Sprintf("/api/v1/followup/plans/%d/reports", p.ID),
				[]byte(`{"outcome":"not_reached","language":"en"}`), nil)
			if report = status == http.StatusCreated; !report {
				l.count(fmt.Sprintf("report %d", status))
			}
		}
		if !report {
			l.call(context.WithoutCancel(ctx), token, http.MethodPost, fmt.Sprintf("/api/v1/followup/plans/%d/release", p.ID), nil)
		}
		l.mu.Lock()
		l.res.Holdings = append(l.res.Holdings, holding{Plan: p.ID, Operator: op, From: from, To: to, Reported: report})
		l.mu.Unlock()
	}
}

// read reads acknowledged registrations through the staff API, each an
// audited read, until ctx ends.
func (l *loader) read(ctx context.Context, token string) {
	for i := 0; ctx.Err() == nil; i++ {
		l.mu.Lock()
		var receipt string
		if len(l.res.Acks) > 0 {
			receipt = l.res.Acks[i%len(l.res.Acks)].Receipt
		}
		l.mu.Unlock()
		if receipt == "" {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		if status, err := l.call(ctx, token, http.MethodGet, "/api/v1/registrations/"+receipt, nil); err == nil && status == http.StatusOK {
			l.mu.Lock()
			l.res.Reads++
			l.mu.Unlock()
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// call makes an API request with the bearer token and decodes a 200
// answer into v (when not nil).
func (l *loader) call(ctx context.Context, token, method, path string, v any) (int, error) {
	return l.callBody(ctx, token, method, path, nil, v)
}

// callBody is call with a JSON body (when not nil).
func (l *loader) callBody(ctx context.Context, token, method, path string, body []byte, v any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, l.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := l.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK && v != nil {
		return resp.StatusCode, json.NewDecoder(resp.Body).Decode(v)
	}
	return resp.StatusCode, nil
}
