package sms_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"beredskap/internal/teststore"
	"beredskap/sms"
	"beredskap/sms/smstest"
)

// BenchmarkWorker measures the worker's throughput from a real SQLite
// outbox to the local provider over loopback HTTP, with 1 % of requests
// failing with 503 and retried after a short backoff (issue 4 point 9:
// target 500 messages per second). Each iteration is one message; run it
// with -benchtime=5000x or more. The worker's defaults for Batch and
// Concurrency apply; the rate limit is set above the target so that it
// does not bound the figure. The baseline, ClientOnly, sends the same
// number of messages straight through the provider client from 32
// goroutines, with no outbox, so that the ratio shows what the outbox and
// its retries cost.
func BenchmarkWorker(b *testing.B) {
	b.Run("ClientOnly", benchmarkClientOnly)
	for _, kind := range teststore.Kinds() {
		for _, receipts := range []bool{false, true} {
			name := kind + "/NoReceipts"
			if receipts {
				name = kind + "/Receipts"
			}
			b.Run(name, func(b *testing.B) { benchmarkWorker(b, kind, receipts) })
		}
	}
}

func benchmarkWorker(b *testing.B, kind string, receipts bool) {
	ctx := context.Background()
	store, _ := teststore.Open(b, kind, time.Now)
	p := smstest.New(smstest.Options{Seed: 1, FailRate: 0.01})
	defer p.Close()
	if receipts {
		hook := newHook(b, store)
		p.SetWebhook(hook, secret)
	}
	enqueue(b, store, b.N, time.Now(), nil)
	w := &sms.Worker{Store: store, Gateway: p.Client(), Rate: 100000, Backoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}
	deadline := time.Now().Add(5 * time.Minute)
	b.ResetTimer()
	start := time.Now()
	for w.Stats().Sent < int64(b.N) {
		if time.Now().After(deadline) {
			b.Fatalf("only %d of %d sent", w.Stats().Sent, b.N)
		}
		sent, err := w.RunOnce(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if sent == 0 {
			time.Sleep(time.Millisecond) // the retries' backoff
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	s := w.Stats()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(float64(s.Retried), "retries")
	if got := len(p.Accepted()); got != b.N {
		b.Fatalf("the provider took %d messages, want %d", got, b.N)
	}
}

// benchmarkClientOnly is BenchmarkWorker's baseline: b.N messages sent by 32
// goroutines through the client to the same local provider, failed sends
// tried again at once.
func benchmarkClientOnly(b *testing.B) {
	p := smstest.New(smstest.Options{Seed: 1, FailRate: 0.01})
	defer p.Close()
	client := p.Client()
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				m := sms.Message{ID: strconv.FormatInt(i, 10), To: "+4791234567", Body: "Husk karantenen til 2021-03-01."}
				for {
					if _, err := client.Send(context.Background(), m); err == nil {
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
	if got := len(p.Accepted()); got != b.N {
		b.Fatalf("the provider took %d messages, want %d", got, b.N)
	}
}
