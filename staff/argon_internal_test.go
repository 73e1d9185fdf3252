package staff

import (
	"context"
	"errors"
	"testing"
)

// With every password slot taken, a login waits, and gives up when its
// request ends instead of starting another 64 MiB computation.
func TestPasswordSlotsBoundConcurrentHashing(t *testing.T) {
	s := &Service{passwordSlots: newPasswordSlots()}
	for range cap(s.passwordSlots) {
		s.passwordSlots <- struct{}{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := s.withPasswordSlot(ctx, func() error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("err = %v, ran = %v; want context.Canceled without running", err, ran)
	}
	<-s.passwordSlots
	if err := s.withPasswordSlot(context.Background(), func() error { ran = true; return nil }); err != nil || !ran {
		t.Fatalf("with a free slot: err = %v, ran = %v", err, ran)
	}
}
