package sms_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"beredskap"
	"beredskap/internal/teststore"
	"beredskap/sms"
	"beredskap/sqlite"
)

// clock is a test clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2021, 2, 17, 9, 0, 0, 0, time.UTC)} }

// Now returns the clock's time.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// openStore opens a SQLite store in a fresh file, closed when the test
// ends.
func openStore(tb testing.TB, now beredskap.Clock) beredskap.FollowUpStore {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), teststore.SQLitePath(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return sqlite.NewStaffStore(db, now)
}

// enqueue puts n messages on the outbox, due at due, to numbers from
// +4790000000 on (or to the numbers of to, where given), and returns
// their ids.
func enqueue(tb testing.TB, store beredskap.FollowUpStore, n int, due time.Time, to map[int]string) []int64 {
	tb.Helper()
	ids := make([]int64, 0, n)
	for start := 0; start < n; start += 1000 {
		err := store.UpdateFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
			for i := start; i < min(start+1000, n); i++ {
				m := &beredskap.SMSMessage{
					Receipt: fmt.Sprintf("R%07d", i), To: fmt.Sprintf("+479%07d", i), Language: "nb",
					Template: "day2", Body: fmt.Sprintf("Hei Ola %d. Husk karantene til og med 2021-02-25.", i),
					Encoding: "GSM-7", Segments: 1, NextAttemptAt: due, SentBy: "system",
				}
				if n, ok := to[i]; ok {
					m.To = n
				}
				if err := tx.EnqueueSMS(ctx, m); err != nil {
					return err
				}
				ids = append(ids, m.ID)
			}
			return nil
		})
		if err != nil {
			tb.Fatalf("enqueue: %v", err)
		}
	}
	return ids
}

// messages returns the stored messages of ids.
func messages(tb testing.TB, store beredskap.FollowUpStore, ids []int64) []*beredskap.SMSMessage {
	tb.Helper()
	out := make([]*beredskap.SMSMessage, 0, len(ids))
	err := store.ViewFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
		for _, id := range ids {
			m, err := tx.FindSMS(ctx, id)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("find messages: %v", err)
	}
	return out
}

// newHook serves the receipt webhook over store until the test ends and
// returns its URL.
func newHook(tb testing.TB, store beredskap.FollowUpStore) string {
	tb.Helper()
	srv := httptest.NewServer(sms.NewReceiptHandler(secret, store, time.Now, nil, nil))
	tb.Cleanup(srv.Close)
	return srv.URL
}
