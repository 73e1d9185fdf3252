package postgres

import (
	"context"
	"testing"
	"time"

	"beredskap/internal/testwait"
	"beredskap/storetest"
)

// Instances started at different times with the same --register-now run
// one register clock (issue 18: offsets differed between instances started
// at different times), and the server's clock is what Now follows.
func TestRegisterClockIsShared(t *testing.T) {
	ctx := context.Background()
	url := storetest.FreshPostgresDB(t)
	a, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	// The server's clock, read between two readings of Now, lies between
	// them, but for how far the offset can be off (half the round trip it
	// was measured in) and the server's microseconds. No bound on how long
	// the readings take.
	var server time.Time
	before := a.Now()
	if err := a.pool.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&server); err != nil {
		t.Fatal(err)
	}
	after := a.Now()
	slack := time.Duration(a.offsetError.Load()) + 2*time.Microsecond
	if server.Before(before.Add(-slack)) || server.After(after.Add(slack)) {
		t.Errorf("the server's clock read %v; Now read %v before and %v after, measured to within %v", server, before, after, slack)
	}
	start := time.Date(2021, 2, 17, 11, 58, 30, 0, time.UTC)
	first, err := a.RegisterClock(ctx, start)
	if err != nil {
		t.Fatal(err)
	}
	// The second instance starts once the first's register clock has
	// moved on by a second.
	testwait.For(t, func() bool { return first().Sub(start) >= time.Second }, "the register clock to move on by a second")
	b, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	second, err := b.RegisterClock(ctx, start)
	if err != nil {
		t.Fatal(err)
	}
	// Read between two readings of the first, the second differs from
	// them only by the two instances' measures of the server's clock: the
	// same record of when the clock started, not a start of its own a
	// second later. No bound on how long the readings take.
	x1, y, x2 := first(), second(), first()
	apart := time.Duration(b.offset.Load() - a.offset.Load())
	if y.Before(x1.Add(apart)) || y.After(x2.Add(apart)) {
		t.Errorf("the second instance's register clock read %v between the first's %v and %v (offsets apart by %v); want the same clock",
			y, x1, x2, apart)
	}
	// Another start replaces the shared one.
	// It starts from the new start when the call reaches the server, so a
	// reading is no further past it than the time since the call began.
	other := start.Add(24 * time.Hour)
	called := b.Now()
	third, err := b.RegisterClock(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	got := third()
	since := b.Now().Sub(called)
	slack = time.Duration(b.offsetError.Load()) + 2*time.Microsecond
	if got.Before(other.Add(-slack)) || got.After(other.Add(since+slack)) {
		t.Errorf("a new start: clock at %v; want at most %v after %v", got, since, other)
	}
}
