package main

import (
	"context"
	"flag"
	"os"
	"time"

	"beredskap/sms/smstest"
)

// smsRecord is what the provider took: every accepted message, once per
// idempotency key, and the counts of requests.
type smsRecord struct {
	Accepted []smstest.Accepted
	Stats    smstest.Stats
}

// runSMS runs the local SMS provider until ctx ends, writing its URL to
// -url-file and what it took to -out every second and at the end.
func runSMS(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("sms", flag.ContinueOnError)
	urlFile := fs.String("url-file", "sms.url", "file to write the provider's URL to")
	out := fs.String("out", "sms.json", "file to write the accepted messages to")
	key := fs.String("api-key", smstest.APIKey, "the API key the provider accepts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	srv := smstest.New(smstest.Options{APIKey: *key})
	defer srv.Close()
	if err := os.WriteFile(*urlFile, []byte(srv.URL()+"\n"), 0o644); err != nil {
		return err
	}
	save := func() error { return writeJSON(*out, smsRecord{Accepted: srv.Accepted(), Stats: srv.Stats()}) }
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return save()
		case <-tick.C:
			if err := save(); err != nil {
				return err
			}
		}
	}
}
